// A development aid: when LUMIERE_ANALYST_PROBE names a file of "fixture|question" lines,
// print what the engine does with each (SQL, interpretation, result rows). Off by default.

import Foundation
import LumiereCore
import Testing

@Suite("Analyst probe")
struct ProbeTests {
    static let probeFile = ProcessInfo.processInfo.environment["LUMIERE_ANALYST_PROBE"]

    @Test("probe questions", .enabled(if: probeFile != nil))
    func probe() throws {
        let lines = try String(contentsOfFile: Self.probeFile!, encoding: .utf8).split(separator: "\n")
        var dbs: [String: FixtureDatabase] = [:]
        var out = ""
        for line in lines where line.contains("|") {
            let parts = line.split(separator: "|", maxSplits: 1).map(String.init)
            let db = try dbs[parts[0]] ?? FixtureDatabase(parts[0])
            dbs[parts[0]] = db
            out += "\n## [\(parts[0])] \(parts[1])\n"
            switch BuiltinAnalyst().translate(parts[1], schema: db.schema) {
            case .answer(let q):
                out += "  \(q.intent) \(q.confidence) — \(q.interpretation)\n  \(q.sql)\n"
                if let r = try? db.run(q.sql) { out += "  → " + CaseChecker.render(r) + "\n" }
                else { out += "  → SQL ERROR\n" }
            case .clarify(let cs):
                for c in cs { out += "  ? \(c.interpretation)\n    \(c.sql)\n" }
            case .refuse(let e):
                out += "  REFUSE: \(e.message)\n  hint: \(e.hint ?? "")\n"
            }
        }
        try out.write(toFile: Self.probeFile! + ".out", atomically: true, encoding: .utf8)
    }
}
