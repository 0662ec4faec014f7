// UntrustedText: cleaning text that came from outside (an LLM's answer) before it goes into
// a result document or report: control characters removed, whitespace runs collapsed,
// length capped. Escaping for HTML or SVG stays the renderers' job.

public enum UntrustedText {
    /// The text without control characters (tabs and newlines become spaces), trimmed,
    /// inner whitespace runs collapsed, and cut to `maxLength` characters (with "…").
    public static func clean(_ text: String, maxLength: Int) -> String {
        var out = ""
        var lastWasSpace = true
        for scalar in text.unicodeScalars {
            let isSpace = scalar.properties.isWhitespace
            if isSpace {
                if !lastWasSpace { out.unicodeScalars.append(" ") }
                lastWasSpace = true
                continue
            }
            // Cc (controls), Cf (format: bidi overrides, zero-width), Co (private use).
            switch scalar.properties.generalCategory {
            case .control, .format, .privateUse, .surrogate, .unassigned: continue
            default: break
            }
            out.unicodeScalars.append(scalar)
            lastWasSpace = false
        }
        while out.last == " " { out.removeLast() }
        if out.count > maxLength { out = String(out.prefix(max(0, maxLength - 1))) + "…" }
        return out
    }
}
