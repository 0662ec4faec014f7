// ReadableNumber: numbers for people, the same on every machine. Locale-independent on
// purpose (insights and reports are golden-tested): comma thousands separators, a dot for
// decimals, rounding chosen by magnitude.

import Foundation

enum ReadableNumber {
    /// A value in prose or a table: 5224 → "5,224"; 440.4545 → "440.45"; 1337.5 → "1,337.5";
    /// 123456.7 → "123,457"; 0.01234 → "0.0123".
    static func human(_ value: Double) -> String {
        guard value.isFinite else { return value.isNaN ? "n/a" : (value > 0 ? "∞" : "-∞") }
        let magnitude = abs(value)
        if value.rounded() == value && magnitude < 1e15 { return fixed(value, decimals: 0) }
        if magnitude >= 10_000 { return fixed(value, decimals: 0) }
        if magnitude >= 1 { return trimmed(fixed(value, decimals: 2)) }
        if magnitude == 0 { return "0" }
        // Three significant digits for small fractions.
        let decimals = min(10, max(2, 2 - Int(floor(log10(magnitude)))))
        return trimmed(fixed(value, decimals: decimals))
    }

    /// A share as a percentage with one decimal: 0.5124 → "51.2%".
    static func percent(_ fraction: Double) -> String {
        fixed(fraction * 100, decimals: 1) + "%"
    }

    /// A signed percentage change: 0.352 → "+35.2%", -0.1 → "-10.0%".
    static func signedPercent(_ fraction: Double) -> String {
        (fraction >= 0 ? "+" : "") + percent(fraction)
    }

    /// A multiple with one decimal: 3.036 → "3.0×".
    static func ratio(_ value: Double) -> String {
        fixed(value, decimals: value >= 100 ? 0 : 1) + "×"
    }

    /// A label for a number that came from data (no separators, no trailing ".0").
    static func plain(_ value: Double) -> String {
        if value.rounded() == value && abs(value) < 1e15 { return String(Int64(value)) }
        return String(value)
    }

    /// An axis tick: as many decimals as the step needs, with separators.
    static func tick(_ value: Double, step: Double) -> String {
        let decimals = step >= 1 || step <= 0 ? 0 : min(10, Int(ceil(-log10(step) - 1e-9)))
        let v = abs(value) < step * 1e-9 ? 0 : value
        return fixed(v, decimals: decimals)
    }

    /// Fixed decimals with comma thousands separators, without locale.
    static func fixed(_ value: Double, decimals: Int) -> String {
        var text = String(format: "%.\(decimals)f", value)
        var negative = false
        if text.hasPrefix("-") { negative = true; text.removeFirst() }
        let parts = text.split(separator: ".", maxSplits: 1)
        let integer = Array(parts[0])
        var grouped = ""
        for (i, ch) in integer.enumerated() {
            if i > 0 && (integer.count - i) % 3 == 0 { grouped.append(",") }
            grouped.append(ch)
        }
        if parts.count > 1 { grouped += "." + parts[1] }
        // "-0" reads as a mistake.
        if negative && grouped.contains(where: { $0 != "0" && $0 != "." && $0 != "," }) { grouped = "-" + grouped }
        return grouped
    }

    private static func trimmed(_ s: String) -> String {
        guard s.contains(".") else { return s }
        var s = s
        while s.hasSuffix("0") { s.removeLast() }
        if s.hasSuffix(".") { s.removeLast() }
        return s
    }
}
