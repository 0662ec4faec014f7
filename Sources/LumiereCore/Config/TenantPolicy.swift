// TenantPolicy: whether the spool is split into tenants, which names a tenant may have,
// and which Unix uids may drop files into a tenant's inbox folder.
//
// Inputs: the config keys `tenants.enabled` and `tenants.allowed_uids` (a string like
// "acme:1000,1001; beta:1002"), and tenant names from inbox folder names or `--tenant`.
// Outputs: a validated policy, a validated name, an allow/deny answer per (tenant, uid).
// Failure modes: a malformed binding is `config_error` (the daemon refuses to start or
// keeps its old config on SIGHUP); a bad name is `invalid_tenant`. Pure: no I/O.
//
// Tenant names end up in paths (inbox/<t>/, outbox/<t>/) and in work-area names
// (`<uniq>@<t>--<file>`), so they are strict: ASCII letters, digits, `_`, `-` and `.`,
// 1–64 characters, not starting with `.` or `-`, no `..` and no `--`. Nothing is
// "sanitized into" a valid name: a folder with another name is refused, so two folders
// can never map to the same tenant.

public struct TenantPolicy: Sendable, Equatable {
    public var enabled: Bool
    /// Tenant → uids allowed to own files in its inbox folder. Tenants not listed accept
    /// any owner (the inbox folder's own permissions decide who can write there).
    public var allowedUIDs: [String: Set<UInt32>]

    public init(enabled: Bool = false, allowedUIDs: [String: Set<UInt32>] = [:]) {
        self.enabled = enabled
        self.allowedUIDs = allowedUIDs
    }

    /// The policy of a loaded configuration (its bindings were parsed while loading).
    public init(config: LumiereConfig) {
        self.init(enabled: config.tenants.enabled, allowedUIDs: config.tenants.allowedUIDs)
    }

    /// May a file owned by `uid` be picked up in `tenant`'s folder?
    public func allows(uid: UInt32, in tenant: String) -> Bool {
        guard let allowed = allowedUIDs[tenant] else { return true }
        return allowed.contains(uid)
    }

    /// "acme:1000,1001; beta:1002" → ["acme": [1000, 1001], "beta": [1002]].
    public static func parseBindings(_ text: String) throws(LumiereError) -> [String: Set<UInt32>] {
        var out: [String: Set<UInt32>] = [:]
        for rawEntry in text.split(separator: ";") {
            let entry = rawEntry.trimmingWhitespace()
            if entry.isEmpty { continue }
            guard let colon = entry.firstIndex(of: ":") else {
                throw bindingError("\"\(entry.prefix(60))\" has no \":\"")
            }
            let name = String(entry[..<colon].trimmingWhitespace())
            guard validate(name) == nil else { throw bindingError("\"\(name.prefix(60))\" is not a valid tenant name") }
            var uids = out[name] ?? []
            for part in entry[entry.index(after: colon)...].split(separator: ",") {
                let digits = part.trimmingWhitespace()
                guard let uid = UInt32(digits) else {
                    throw bindingError("\"\(digits.prefix(20))\" (tenant \(name)) is not a numeric uid")
                }
                uids.insert(uid)
            }
            guard !uids.isEmpty else { throw bindingError("tenant \(name) lists no uid") }
            out[name] = uids
        }
        return out
    }

    private static func bindingError(_ what: String) -> LumiereError {
        LumiereError(.configError, "tenants.allowed_uids: \(what)",
                     hint: "write TENANT:UID[,UID...] entries separated by ';', e.g. \"acme:1000,1001; beta:1002\"")
    }

    /// Why `name` cannot be a tenant, or nil when it can.
    public static func validate(_ name: String) -> String? {
        if name.isEmpty { return "the tenant name is empty" }
        if name.utf8.count > 64 { return "tenant names are at most 64 characters" }
        for b in name.utf8 {
            let ok = (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A)
                || b == 0x5F || b == 0x2D || b == 0x2E
            if !ok { return "tenant names use only ASCII letters, digits, _, - and ." }
        }
        if name.hasPrefix(".") || name.hasPrefix("-") { return "tenant names do not start with . or -" }
        if name.contains("..") || name.contains("--") { return "tenant names contain no .. and no --" }
        return nil
    }

    /// The tenant a command acts for: "" when tenants are off, the validated name when on.
    /// `given` is `--tenant` (nil when not given).
    public func resolve(_ given: String?) throws(LumiereError) -> String {
        if !enabled {
            if let given, !given.isEmpty {
                throw LumiereError(.invalidTenant, "tenants are not enabled on this spool, so --tenant \(given.prefix(64)) has no meaning",
                                   hint: "drop --tenant, or enable tenants ([tenants] enabled = true or LUMIERE_TENANTS_ENABLED=1)")
            }
            return ""
        }
        guard let given, !given.isEmpty else {
            throw LumiereError(.tenantRequired, "tenants are enabled on this spool; say which one",
                               hint: "add --tenant NAME (the name of the tenant's folder in inbox/)")
        }
        if let why = Self.validate(given) {
            throw LumiereError(.invalidTenant, "\"\(given.prefix(64))\" is not a valid tenant name: \(why)",
                               hint: "use the name of a folder in inbox/, e.g. --tenant acme")
        }
        return given
    }
}
