// Words that are a stored code spelled out ("carnivores" for `carni`, "assistant managers" for
// `AsstMgr`), column names run together from a word and an abbreviation (`bodywt`), "have a
// X value", the whole of a share, "NA" stored as text, and comparatives between two named
// groups: each on tables of its own, written for these rules rather than taken from the corpus.

import Foundation
@testable import LumiereCore
import LumiereStore
import Testing

@Suite("Spelled-out codes, run-together names, having a value, shares of a whole, NA markers")
struct ValueStubAndCompoundTests {
    static let birds = """
        Name,Diet,Family,Status,wingspan_cm,bodywt
        Robin,insecti,Turdidae,LC,22,0.08
        Hawk,carni,Accipitridae,NA,120,1.1
        Finch,grani,Fringillidae,LC,,0.02
        Owl,carni,Strigidae,VU,95,1.5
        Heron,pisci,Ardeidae,NA,170,2.0
        Sparrow,grani,Passeridae,LC,21,0.03
        Crow,omni,Corvidae,,90,0.5
        Kite,carni,Accipitridae,EN,150,0.9

        """

    static let staff = """
        Name,Title,Dept,Salary
        Ann,AsstMgr,Sales,50
        Bob,AssocMgr,Sales,70
        Cid,AsstMgr,Ops,52
        Dee,AssocMgr,Ops,75
        Eve,Mgr,Ops,90
        Fay,Mgr,Sales,95

        """

    func answer(_ q: String, _ source: IngestedSource) -> GeneratedQuery? {
        if case .answer(let g) = BuiltinAnalyst().translate(q, schema: source.schema) { return g }
        return nil
    }

    func scalar(_ q: String, _ source: IngestedSource) throws -> SQLValue? {
        let g = try #require(answer(q, source), "\(q)")
        return try source.executor.run(g.sql).rows.first?.first
    }

    @Test("a word that starts with a stored code, or that a stored name extends, reads as it, and says so")
    func spelledOutCodes() throws {
        try IngestedSource.with(name: "birds", csv: Self.birds) { birds in
            let carnivores = try #require(answer("how many carnivores are there", birds))
            #expect(carnivores.sql.contains(#""Diet" = 'carni'"#), "\(carnivores.sql)")
            #expect(carnivores.interpretation.contains(#"assumed "carnivores" means Diet = 'carni'"#), "\(carnivores.interpretation)")
            #expect(try birds.executor.run(carnivores.sql).rows.first?.first == .integer(3))
            #expect(try scalar("average bodywt of granivores", birds) == .real(0.025))
            // A stored name a little longer than the word: "accipitrids" → Accipitridae.
            #expect(try scalar("how many accipitrids", birds) == .integer(2))
            // Names (every value once) are never read from a word that starts with one:
            // "hawkers" is not Hawk.
            #expect(answer("how many hawkers are there", birds)?.sql.contains("Hawk") != true)
        }
    }

    @Test("CamelCase codes are read from the words they abbreviate, the closest spelling first")
    func compoundCodes() throws {
        try IngestedSource.with(name: "staff", csv: Self.staff) { staff in
            let assoc = try #require(answer("average salary of associate managers", staff))
            #expect(assoc.sql.contains(#""Title" = 'AssocMgr'"#), "\(assoc.sql)")
            let asst = try #require(answer("how many assistant managers are in Ops", staff))
            #expect(asst.sql.contains(#""Title" = 'AsstMgr'"#), "\(asst.sql)")
            #expect(try staff.executor.run(asst.sql).rows.first?.first == .integer(1))
            #expect(asst.interpretation.contains("assumed"), "\(asst.interpretation)")
        }
    }

    @Test("a name run together from a word and an abbreviation answers to the words; one abbreviated word names every such column")
    func runTogetherNames() throws {
        try IngestedSource.with(name: "birds", csv: Self.birds) { birds in
            let body = try #require(answer("average body weight per diet", birds))
            #expect(body.sql.contains(#"AVG("bodywt")"#), "\(body.sql)")
            let wing = try #require(answer("max wingspan", birds))
            #expect(wing.sql.contains(#"MAX("wingspan_cm")"#), "\(wing.sql)")
            // "cars by" over `carb` once read as one name: lexicon words never join into one.
            let by = try #require(answer("top 3 birds by wingspan", birds))
            #expect(by.sql.contains(#"ORDER BY "wingspan_cm" DESC"#), "\(by.sql)")
        }
    }

    @Test("having a value of a column is its not being missing; NA stored as text is missing too")
    func havingAValueAndMarkers() throws {
        try IngestedSource.with(name: "birds", csv: Self.birds) { birds in
            let having = try #require(answer("how many birds have a wingspan value", birds))
            #expect(having.sql.contains(#""wingspan_cm" IS NOT NULL"#), "\(having.sql)")
            #expect(!having.sql.contains("SUM"), "\(having.sql)")
            #expect(having.interpretation.contains("wingspan_cm is not missing"), "\(having.interpretation)")
            #expect(try birds.executor.run(having.sql).rows.first?.first == .integer(7))
            // Status is empty once and "NA" twice: all three have no status.
            #expect(try scalar("how many birds have no status", birds) == .integer(3))
            #expect(try scalar("how many birds have a known status", birds) == .integer(5))
        }
    }

    @Test("the value right after \"share of\" is the whole; the rest of the question is the part")
    func shareOfAWhole() throws {
        try IngestedSource.with(name: "birds", csv: Self.birds) { birds in
            let share = try #require(answer("share of carnivores in family Accipitridae", birds))
            #expect(share.sql.contains(#"WHERE "Diet" = 'carni'"#), "\(share.sql)")
            #expect(try birds.executor.run(share.sql).rows.first?.first == .real(200.0 / 3.0), "\(share.sql)")
            // Without a value first, the share is of every row.
            #expect(try scalar("what percentage of birds are carnivores", birds) == .real(37.5))
        }
    }

    @Test("a comparative between two named groups compares their averages side by side, never a maximum or a threshold")
    func groupComparatives() throws {
        try IngestedSource.with(name: "staff", csv: Self.staff) { staff in
            for q in ["is salary higher in Sales or Ops", "do associate managers earn more than assistant managers",
                      "does Ops pay less than Sales"] {
                let g = try #require(answer(q, staff), "\(q)")
                #expect(g.intent == .comparison, "\(q): \(g.sql)")
                #expect(g.sql.contains(#"AVG("Salary")"#) && !g.sql.contains("MAX(") && !g.sql.contains("SUM("), "\(q): \(g.sql)")
                #expect(g.sql.contains("GROUP BY"), "\(q): \(g.sql)")
            }
            let rows = try staff.executor.run(try #require(answer("is salary higher in Sales or Ops", staff)).sql).rows
            #expect(rows.map { $0.first } == [.text("Ops"), .text("Sales")])
            #expect(rows.map { $0.last } == [.real(217.0 / 3.0), .real(215.0 / 3.0)])
            // "more than" a number is still a threshold.
            let over = try #require(answer("how many staff earn more than 60", staff))
            #expect(over.sql.contains(#""Salary" > 60"#), "\(over.sql)")
        }
        try IngestedSource.with(name: "birds", csv: Self.birds) { birds in
            // A code after another code of its column and "vs" is that column's code.
            let codes = try #require(answer("number of birds with status LC vs VU", birds))
            #expect(codes.sql.contains(#""Status" IN ('LC', 'VU')"#), "\(codes.sql)")
        }
    }
}
