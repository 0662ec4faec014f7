// The typed settings must carry every key of the table: a key added to LumiereConfig.keys
// but never read into LumiereSettings would be documented, validated and then ignored.

import Testing
@testable import LumiereCore

@Suite("Typed settings")
struct LumiereSettingsTests {
    /// A valid value other than the default, as the text an environment variable carries.
    static func otherValue(for key: ConfigKey) -> String {
        switch (key.kind, key.defaultValue) {
        case (.int(let range), .integer(let d)): return String(d == range.upperBound ? range.lowerBound : d + 1)
        case (.double(let range), .float(let d)):
            let other = d + 0.5 <= range.upperBound ? d + 0.5 : range.lowerBound
            return String(other)
        case (.bool, .bool(let b)): return b ? "false" : "true"
        case (.string(let allowed?), .string(let d)): return allowed.first { $0 != d }!
        case (.string(nil), _) where key.name == "tenants.allowed_uids": return "acme:1000"
        case (.string(nil), .string(let d)): return d + "x"
        default: Issue.record("no other value for \(key.name)"); return ""
        }
    }

    @Test(arguments: LumiereConfig.keys.map(\.name))
    func everyKeyReachesAField(_ name: String) throws {
        let key = try #require(LumiereConfig.keys.first { $0.name == name })
        let changed = try LumiereConfig.load(file: nil, environment: [key.environmentName: Self.otherValue(for: key)])
        #expect(changed.values[name] != key.defaultValue, "the value was not taken")
        #expect(changed.settings != LumiereConfig().settings, "\(name) changes no typed field")
    }

    @Test func unitsAreConvertedOnce() throws {
        let c = try LumiereConfig.load(file: "[spool]\nsettle_ms = 250\nmax_file_mb = 3\n[ingest]\nmax_field_kb = 2\n",
                                       environment: ["LUMIERE_QUEUE_RETRY_BASE_MS": "1500", "LUMIERE_LLM_BASE_URL": "http://h:1/v1//"])
        #expect(c.spool.settleSeconds == 0.25)
        #expect(c.spool.maxFileBytes == 3 * 1024 * 1024)
        #expect(c.ingest.maxFieldBytes == 2048)
        #expect(c.queue.retryBaseSeconds == 1.5)
        #expect(c.llm.baseURL == "http://h:1/v1")
    }

    @Test func workerCountZeroMeansOnePerCPU() throws {
        #expect(LumiereConfig().workerCount >= 1)
        #expect(try LumiereConfig.load(file: "workers = 3", environment: [:]).workerCount == 3)
    }
}
