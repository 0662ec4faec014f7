// Four readings that were confidently wrong on questions the engine had never seen (corpus 2's
// held-back third) and are now right or refused, each checked on tables of its own shape
// rather than on that corpus: the counted noun with nothing else named, a "missing X" after
// another column, "days" over a day-of-month column, and a column that is itself a maximum.

import Foundation
@testable import LumiereCore
import LumiereStore
import Testing

@Suite("Counted nouns, missing values, day-of-month rows, max/min columns")
struct CountNounAndCalendarTests {
    static let readings = """
        Station,Month,Day,Rain,Gust,Level_Max,Level_Min
        Oban,6,1,2.5,40,3.1,1.2
        Oban,6,2,,35,3.3,1.0
        Oban,7,1,0.0,50,3.9,1.4
        Wick,6,1,1.0,,2.8,0.9
        Wick,7,2,4.0,61,4.2,1.9
        Wick,7,3,,44,3.7,1.1

        """

    func answer(_ q: String, _ source: IngestedSource) -> GeneratedQuery? {
        if case .answer(let g) = BuiltinAnalyst().translate(q, schema: source.schema) { return g }
        return nil
    }

    @Test("a counted noun the table does not name is refused unless the question points at the whole table")
    func countedNoun() throws {
        try IngestedSource.fixture("sales") { sales in
            #expect(answer("how many gizmos are there", sales) == nil)
            #expect(answer("how many gizmos are there in the North", sales) == nil || answer("how many gizmos are there in the North", sales)?.sql.contains("North") == true)
            let all = try #require(answer("how many gizmos are in this file", sales))
            #expect(all.sql == #"SELECT COUNT(*) AS "row_count" FROM "data""#)
        }
    }

    @Test("\"with missing X\" tests X, not the column before it; \"X missing\" still tests X")
    func missingAfter() throws {
        try IngestedSource.with(name: "readings", csv: Self.readings) { source in
            let q = try #require(answer("number of days with missing rain per month", source))
            #expect(q.sql.contains(#""Rain" IS NULL"#), "\(q.sql)")
            #expect(try source.executor.run(q.sql).rows.count == 2)
            let after = try #require(answer("how many rows have gust missing", source))
            #expect(after.sql.contains(#""Gust" IS NULL"#), "\(after.sql)")
        }
    }

    @Test("\"days\" over a day-of-month column with no date column counts rows; \"per day\" still groups")
    func dayOfMonthRows() throws {
        try IngestedSource.with(name: "readings", csv: Self.readings) { source in
            let share = try #require(answer("what percentage of days had gusts of 40 or more", source))
            #expect(!share.sql.contains(#"SUM("Day")"#) && !share.sql.contains(#"THEN "Day""#), "\(share.sql)")
            #expect(try source.executor.run(share.sql).rows.first?.first == .real(400.0 / 6.0), "\(share.sql)")
            let count = try #require(answer("how many days had rain over 2", source))
            #expect(try source.executor.run(count.sql).rows.first?.first == .integer(2), "\(count.sql)")
            let grouped = try #require(answer("average gust per day", source))
            #expect(grouped.sql.contains(#"GROUP BY "Day""#), "\(grouped.sql)")
        }
    }

    @Test("a column that is a maximum or minimum takes that aggregate when none is said")
    func maxMinColumns() throws {
        try IngestedSource.with(name: "readings", csv: Self.readings) { source in
            let max = try #require(answer("max level at Wick", source))
            #expect(max.sql.hasPrefix(#"SELECT MAX("Level_Max")"#), "\(max.sql)")
            #expect(try source.executor.run(max.sql).rows.first?.first == .real(4.2))
            let min = try #require(answer("level min per station", source))
            #expect(min.sql.contains(#"MIN("Level_Min")"#), "\(min.sql)")
            let minutes = try IngestedSource.with(name: "games", csv: "Player,Mins_Played\nAda,30\nAda,50\nBo,20\n") { games in
                answer("mins played per player", games)?.sql
            }
            #expect(minutes?.contains(#"SUM("Mins_Played")"#) == true, "\(minutes ?? "refused")")
            let avg = try #require(answer("average level max per station", source))
            #expect(avg.sql.contains(#"AVG("Level_Max")"#), "\(avg.sql)")
        }
    }
}
