// Render a configuration as documented TOML: what config/lumiere.toml ships (defaults)
// and what `lumiere config` prints (the effective values).

import Foundation

extension LumiereConfig {
    public func renderTOML(header: String) -> String {
        var out = header
        var currentSection = ""
        for key in Self.keys {
            let parts = key.name.split(separator: ".", maxSplits: 1)
            let section = parts.count == 2 ? String(parts[0]) : ""
            let bare = parts.count == 2 ? String(parts[1]) : key.name
            if section != currentSection {
                out += "\n[\(section)]\n"
                currentSection = section
            }
            out += "\n# \(key.doc)\n# Environment: \(key.environmentName). Default: \(Self.tomlLiteral(key.defaultValue)).\n"
            out += "\(bare) = \(Self.tomlLiteral(values[key.name] ?? key.defaultValue))\n"
        }
        return out
    }

    static func tomlLiteral(_ v: TOMLValue) -> String {
        switch v {
        case .string(let s): return "\"" + s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
        case .integer(let i): return String(i)
        case .float(let d): return d.rounded() == d ? String(format: "%.1f", d) : String(d)
        case .bool(let b): return b ? "true" : "false"
        case .array(let a): return "[" + a.map(tomlLiteral).joined(separator: ", ") + "]"
        }
    }

    public static let fileHeader = """
        # Lumiere configuration.
        #
        # Every key is listed with its default; Lumiere runs with no config file at all.
        # Precedence, later wins: defaults < this file < environment variables
        # (LUMIERE_<SECTION>_<KEY>, top-level keys LUMIERE_<KEY>) < command-line flags
        # (--spool, --workers, --log-level, --set KEY=VALUE). Unknown keys are errors.
        # Reload a running daemon with SIGHUP (systemctl reload lumiere); spool.dir needs a restart.

        """
}
