import Foundation
import Testing
@testable import LumiereCore

@Suite("TOML subset")
struct TOMLSubsetTests {
    @Test func parsesSectionsAndTypes() throws {
        let values = try TOMLSubset.parse("""
            # comment
            workers = 4   # trailing comment
            engine = "builtin"
            [spool]
            dir = "/var/spool/lumiere # not a comment"
            settle_ms = 1_000
            [sql]
            timeout_s = 2.5
            [results]
            report = false
            list = ["a", 1, true]
            """)
        #expect(values["workers"] == .integer(4))
        #expect(values["engine"] == .string("builtin"))
        #expect(values["spool.dir"] == .string("/var/spool/lumiere # not a comment"))
        #expect(values["spool.settle_ms"] == .integer(1000))
        #expect(values["sql.timeout_s"] == .float(2.5))
        #expect(values["results.report"] == .bool(false))
        #expect(values["results.list"] == .array([.string("a"), .integer(1), .bool(true)]))
    }

    @Test(arguments: [
        ("x = ", "missing value"),
        ("x = bare", "cannot read value"),
        ("x = \"open", "unterminated string"),
        ("[a.b]", "section names"),
        ("a.b = 1", "no dotted"),
        ("x = 1\nx = 2", "set twice"),
        ("[[tables]]", "section header"),
        ("just text", "expected key = value"),
        ("x = [1, 2", "arrays"),
    ])
    func rejectsWithLineNumbers(text: String, fragment: String) {
        #expect {
            _ = try TOMLSubset.parse(text)
        } throws: { error in
            guard let e = error as? LumiereError else { return false }
            return e.code == .configError && e.message.contains("line") && e.message.contains(fragment)
        }
    }
}

@Suite("Configuration layers")
struct ConfigTests {
    @Test func defaultsWithNothing() throws {
        let c = try LumiereConfig.load(file: nil, environment: [:])
        #expect(c.workers == 0)
        #expect(c.spoolDirectory == "./spool")
        #expect(c.engine == .builtin)
        #expect(c.sql.timeoutSeconds == 10)
        #expect(c == LumiereConfig())
    }

    @Test func fileThenEnvironmentThenFlags() throws {
        let file = "workers = 2\n[spool]\nsettle_ms = 500\ndir = \"/srv/spool\"\n"
        let c = try LumiereConfig.load(file: file, environment: ["LUMIERE_WORKERS": "3", "LUMIERE_SPOOL_SETTLE_MS": "50", "HOME": "/root"],
                                       overrides: ["workers": "5"])
        #expect(c.workers == 5)           // flag beats env beats file
        #expect(c.spool.settleSeconds == 0.05)  // env beats file
        #expect(c.spoolDirectory == "/srv/spool") // file beats default
    }

    @Test func unknownKeysAreErrors() {
        #expect(throws: LumiereError.self) { try LumiereConfig.load(file: "wrokers = 2", environment: [:]) }
        #expect(throws: LumiereError.self) { try LumiereConfig.load(file: nil, environment: ["LUMIERE_WROKERS": "2"]) }
        #expect(throws: LumiereError.self) { try LumiereConfig.load(file: nil, environment: [:], overrides: ["nope": "1"]) }
    }

    @Test func typesAndRangesAreChecked() {
        #expect(throws: LumiereError.self) { try LumiereConfig.load(file: "workers = \"four\"", environment: [:]) }
        #expect(throws: LumiereError.self) { try LumiereConfig.load(file: nil, environment: ["LUMIERE_WORKERS": "-1"]) }
        #expect(throws: LumiereError.self) { try LumiereConfig.load(file: "engine = \"gpt\"", environment: [:]) }
        #expect(throws: LumiereError.self) { try LumiereConfig.load(file: nil, environment: ["LUMIERE_RESULTS_REPORT": "maybe"]) }
        #expect((try? LumiereConfig.load(file: nil, environment: ["LUMIERE_RESULTS_REPORT": "off"]))?.results.writeReport == false)
        #expect((try? LumiereConfig.load(file: "[sql]\ntimeout_s = 3", environment: [:]))?.sql.timeoutSeconds == 3)
    }

    @Test func environmentNames() {
        let names = Set(LumiereConfig.keys.map(\.environmentName))
        #expect(names.contains("LUMIERE_WORKERS"))
        #expect(names.contains("LUMIERE_SPOOL_DIR"))
        #expect(names.contains("LUMIERE_SQL_TIMEOUT_S"))
        #expect(names.count == LumiereConfig.keys.count, "two keys map to one variable")
    }

    @Test func digestFollowsValues() throws {
        let a = LumiereConfig()
        let b = try LumiereConfig.load(file: nil, environment: ["LUMIERE_WORKERS": "7"])
        #expect(a.digest == LumiereConfig().digest)
        #expect(a.digest != b.digest)
        #expect(a.digest.count == 16)
    }

    /// The shipped config/lumiere.toml documents every key with its default.
    @Test func shippedConfigFileIsTheDefaults() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let text = try String(contentsOf: root.appendingPathComponent("config/lumiere.toml"), encoding: .utf8)
        #expect(text == LumiereConfig().renderTOML(header: LumiereConfig.fileHeader),
                "config/lumiere.toml is stale: regenerate with `lumiere config --defaults > config/lumiere.toml`")
        #expect(try LumiereConfig.load(file: text, environment: [:]) == LumiereConfig())
        for key in LumiereConfig.keys { #expect(text.contains(key.environmentName)) }
    }
}
