// SVG building blocks: XML escaping that survives hostile cell values, "nice" axis ticks
// in 1-2-5 steps, label truncation and a tiny element writer. Used by SVGChartRenderer.

import Foundation

/// Namespace for text-to-markup helpers used by the SVG renderer and the HTML report.
enum Markup {}

extension Markup {
    /// Escape text for XML content and attribute values. Characters XML 1.0 forbids (most
    /// control characters, unpaired surrogates cannot occur in Swift strings) are dropped, so a
    /// NUL or ESC in a CSV cell cannot make the document ill-formed.
    static func xmlEscape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            case "\t", "\n", "\r": out.unicodeScalars.append(scalar)
            default:
                let v = scalar.value
                if v < 0x20 || v == 0xFFFE || v == 0xFFFF || (0x7F...0x9F).contains(v) { continue }
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}

extension Markup {
    /// Shorten a label to `limit` characters with an ellipsis.
    static func truncateLabel(_ text: String, _ limit: Int) -> String {
        let clean = text.replacingOccurrences(of: "\n", with: " ")
        return clean.count > limit ? String(clean.prefix(max(1, limit - 1))) + "…" : clean
    }
}

extension Markup {
    /// Rough text width in pixels for the sans-serif font at `size` (no font metrics without
    /// a browser; 0.6em per character errs on the wide side, which only costs margin).
    static func textWidth(_ text: String, size: Double = 11) -> Double {
        Double(text.count) * size * 0.6
    }
}

/// An axis scale with round tick values: 0, 2,000, 4,000 ... rather than 0, 1,306, 2,612.
struct NiceScale: Equatable {
    var lower: Double
    var upper: Double
    var step: Double

    /// Cover `[minValue, maxValue]` with about `targetTicks` intervals of a 1-2-5 step.
    init(minValue: Double, maxValue: Double, targetTicks: Int = 5) {
        var lo = minValue, hi = maxValue
        if !lo.isFinite || !hi.isFinite { lo = 0; hi = 1 }
        if lo > hi { swap(&lo, &hi) }
        if lo == hi {
            // A flat series: open a band around it (or 0...1 for zeros).
            if lo == 0 { hi = 1 } else if lo > 0 { lo = 0 } else { hi = 0 }
        }
        let step = NiceScale.niceStep((hi - lo) / Double(max(1, targetTicks)))
        self.step = step
        self.lower = (lo / step).rounded(.down) * step
        self.upper = (hi / step).rounded(.up) * step
        if self.upper == self.lower { self.upper = self.lower + step }
    }

    /// The 1, 2 or 5 × 10^k nearest to `raw` (rounding, not ceiling, so 0…5,224 gets steps
    /// of 1,000 — six ticks — rather than 2,000 and only three).
    static func niceStep(_ raw: Double) -> Double {
        guard raw > 0, raw.isFinite else { return 1 }
        let exponent = floor(log10(raw))
        let base = pow(10, exponent)
        let fraction = raw / base
        let nice: Double = fraction < 1.5 ? 1 : fraction < 3 ? 2 : fraction < 7 ? 5 : 10
        return nice * base
    }

    var ticks: [Double] {
        let count = Int(((upper - lower) / step).rounded())
        return (0...max(0, count)).map { lower + Double($0) * step }
    }

    /// Map a value to a fraction of the axis length, 0 at `lower`.
    func fraction(_ v: Double) -> Double { (v - lower) / (upper - lower) }
}

/// Accumulates SVG markup. Coordinates are rounded to 0.01 so output is stable and short.
struct SVGWriter {
    private(set) var markup = ""

    static func num(_ v: Double) -> String {
        let r = (v * 100).rounded() / 100
        return r == r.rounded() ? String(Int(r)) : String(r)
    }

    mutating func raw(_ s: String) { markup += s }

    /// `<name attr="value" ...>` with escaped values; `content` is escaped text, `children`
    /// raw markup (already built by this writer).
    mutating func element(_ name: String, _ attributes: KeyValuePairs<String, String>,
                          content: String? = nil, children: String? = nil) {
        markup += "<" + name
        for (key, value) in attributes { markup += " \(key)=\"\(Markup.xmlEscape(value))\"" }
        if content == nil && children == nil { markup += "/>\n"; return }
        markup += ">"
        if let children { markup += children }
        if let content { markup += Markup.xmlEscape(content) }
        markup += "</\(name)>\n"
    }

    /// A `<title>` child: the tooltip and accessible name of its parent shape.
    static func tooltip(_ text: String) -> String { "<title>\(Markup.xmlEscape(text))</title>" }
}
