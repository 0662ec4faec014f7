// Comparatives and superlatives of a column's own name ("gustiest", "gustier"), "the hottest
// day" over a table with one row per date, and a measure kept as a maximum and a minimum
// column (`temp_max`, `temp_min`): on tables of their own, not the corpus's.

import Foundation
@testable import LumiereCore
import LumiereStore
import Testing

@Suite("Degree forms of column names, the hottest day, max/min column pairs")
struct DegreeFormTests {
    static let buoy = """
        date,gust,swell
        2024-03-01,30,1.1
        2024-03-02,45,1.5
        2024-03-03,20,0.9
        2025-03-01,50,1.7
        2025-03-02,25,1.0

        """

    static let kiln = """
        date,temp_max,temp_min,fuel
        2024-01-01,900,300,12
        2024-01-02,950,280,14
        2024-01-03,870,310,11
        2024-01-04,920,260,13

        """

    func answer(_ q: String, _ source: IngestedSource) -> GeneratedQuery? {
        if case .answer(let g) = BuiltinAnalyst().translate(q, schema: source.schema) { return g }
        return nil
    }

    func outcome(_ q: String, _ source: IngestedSource) -> BuiltinAnalyst.Readings {
        BuiltinAnalyst().readings(q, schema: source.schema)
    }

    @Test("a superlative of a column's name ranks the rows by it; its comparative compares two sides, never one")
    func degreeForms() throws {
        try IngestedSource.with(name: "buoy", csv: Self.buoy) { buoy in
            let top = try #require(answer("what was the gustiest day", buoy))
            #expect(top.sql.contains(#"ORDER BY "gust" DESC"#), "\(top.sql)")
            let row = try buoy.executor.run(top.sql).rows
            #expect(row.count == 1 && row[0].first == .text("2025-03-01"), "\(row)")
            let years = try #require(answer("was it gustier in 2024 or 2025", buoy))
            #expect(years.sql.contains("GROUP BY"), "\(years.sql)")
            #expect(years.sql.contains(#"AVG("gust")"#) && !years.sql.contains("SUM("), "\(years.sql)")
            let result = try buoy.executor.run(years.sql)
            #expect(result.rows.count == 2, "\(years.sql)")
            // One side only: compared with what? Refused rather than a total of gusts.
            guard case .refuse(let error) = outcome("was it gustier in 2024", buoy) else {
                Issue.record("a one-sided comparative was answered"); return
            }
            #expect(error.message.contains("only one side"), "\(error.message)")
        }
    }

    @Test("the hottest day is the highest maximum, the coldest the lowest minimum; a bare temperature is asked about")
    func maxMinPairs() throws {
        try IngestedSource.with(name: "kiln", csv: Self.kiln) { kiln in
            let hot = try #require(answer("what was the hottest day", kiln))
            #expect(hot.sql.contains(#"ORDER BY "temp_max" DESC"#), "\(hot.sql)")
            #expect(try kiln.executor.run(hot.sql).rows.first?.first == .text("2024-01-02"))
            let cold = try #require(answer("which day was the coldest", kiln))
            #expect(cold.sql.contains(#""temp_min""#) && !cold.sql.contains("temp_max"), "\(cold.sql)")
            // `temp_min` is not "temperature" with a unit of minutes when `temp_max` stands beside it.
            guard case .clarify(let readings) = outcome("average temperature", kiln) else {
                Issue.record("\"average temperature\" picked one of temp_max and temp_min silently"); return
            }
            let sqls = readings.map(\.query.sql)
            #expect(sqls.contains { $0.contains("temp_max") } && sqls.contains { $0.contains("temp_min") }, "\(sqls)")
        }
    }
}
