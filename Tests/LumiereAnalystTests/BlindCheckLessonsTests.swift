// Readings that were confidently wrong on corpus 3 (questions written blind over tables the
// engine had never seen) and are now right, asked or refused — each checked here on tables of
// its own: forecasts and periods the data does not reach, hours of a date-only column, a
// period as the whole of a share, a column word that picks one of two ("mpg in the city"),
// ties for the top, "the cheapest van", filler that hid a column ("type of"), words made from
// a column ("smokers"), a typo that is also a business word, a row noun that is also a value.

import Foundation
@testable import LumiereCore
import LumiereStore
import Testing

@Suite("Lessons of the blind corpus 3, on tables of their own")
struct BlindCheckLessonsTests {
    static let plants = """
        date,source,output,region
        2020-01-01,Coal,100,North
        2020-01-01,Wind,40,North
        2021-01-01,Coal,90,South
        2021-01-01,Wind,60,South
        2022-01-01,Coal,70,North
        2022-01-01,Wind,80,South

        """

    static let vehicles = """
        Make,Model,Type,Price,MPG.city,MPG.highway,Origin
        Acme,Mirage,Van,20,18,25,USA
        Bolt,Zip,Small,12,31,38,non-USA
        Crux,Hauler,Van,20,17,23,USA
        Dart,Arrow,Sporty,40,22,30,non-USA
        Echo,Wave,Small,14,29,35,USA
        Fern,Leaf,Sporty,40,20,28,USA

        """

    static let habits = """
        Name,Smoke,Age
        Ann,Never,30
        Bob,Heavy,41
        Cid,Occas,25
        Dee,Never,52

        """

    static let incidents = """
        incident_date,kind,region
        2024-01-02,Incident,North
        2024-01-03,Fire,North
        2024-01-05,Flood,South
        2024-01-05,Incident,South

        """

    func readings(_ q: String, _ s: IngestedSource) -> BuiltinAnalyst.Readings { BuiltinAnalyst().readings(q, schema: s.schema) }

    func answer(_ q: String, _ s: IngestedSource) -> GeneratedQuery? {
        if case .answer(let r) = readings(q, s) { return r.query }
        return nil
    }

    func refusal(_ q: String, _ s: IngestedSource) -> String? {
        if case .refuse(let e) = readings(q, s) { return e.message }
        return nil
    }

    @Test("forecasts and periods outside the data are refused; a date-only column has no hours; a period is a share's whole")
    func periods() throws {
        try IngestedSource.with(name: "plants", csv: Self.plants) { plants in
            #expect(refusal("what will wind output be in 2030", plants)?.contains("forecast") == true)
            #expect(refusal("predict coal output for next year", plants)?.contains("forecast") == true)
            #expect(refusal("wind output in 2030", plants)?.contains("ends on 2022-01-01") == true)
            #expect(refusal("coal output in 2019", plants)?.contains("starts on 2020-01-01") == true)
            // Politeness is not a forecast.
            #expect(answer("will you show me the total output", plants)?.sql.contains(#"SUM("output")"#) == true)
            #expect(refusal("output by hour of day", plants)?.contains("without times") == true)
            let share = try #require(answer("what share of 2021 output came from wind", plants))
            #expect(try plants.executor.run(share.sql).rows.first?.first == .real(40.0), "\(share.sql)")
            // No measure named and no sales-like column: the one number column, or the count — asked.
            guard case .clarify(let options) = readings("biggest yearly figure for coal", plants) else {
                Issue.record("expected a question back"); return
            }
            #expect(options.contains { $0.query.sql.contains(#"SUM("output")"#) }, "\(options.map(\.query.sql))")
        }
    }

    @Test("a column word elsewhere picks one of two columns; ties for the top are all shown; the cheapest van is a row")
    func columnsAndTies() throws {
        try IngestedSource.with(name: "vehicles", csv: Self.vehicles) { v in
            let city = try #require(answer("how many vehicles get at least 30 mpg in the city", v))
            #expect(city.sql.contains(#""MPG.city" >= 30"#) && !city.sql.contains("highway"), "\(city.sql)")
            let top = try #require(answer("which vehicle has the highest price", v))
            #expect(try v.executor.run(top.sql).rows.count == 2, "\(top.sql)")
            #expect(top.interpretation.contains("ties included"), "\(top.interpretation)")
            let van = try #require(answer("cheapest van?", v))
            let vans = try v.executor.run(van.sql).rows
            #expect(vans.count == 2 && vans.allSatisfy { $0.first == .text("Acme") || $0.first == .text("Crux") }, "\(van.sql)")
            // "type of" is filler only when no column is called Type.
            let type = try #require(answer("which type of vehicle has the highest average price", v))
            #expect(type.sql.contains(#"GROUP BY "Type""#), "\(type.sql)")
            // "milage": mileage or the model Mirage? A tie is not corrected, so no Mirage filter.
            #expect(answer("average highway milage for usa vehicles", v)?.sql.contains("Mirage") != true)
        }
    }

    @Test("a word made from a column is not a typo of it; a plural that names the rows and a value is asked about")
    func derivedWordsAndRowValues() throws {
        try IngestedSource.with(name: "habits", csv: Self.habits) { h in
            // Not COUNT(DISTINCT Smoke): "smokers" are people who smoke, which the engine cannot read.
            #expect(answer("how many smokers are there", h)?.sql.contains("DISTINCT") != true)
        }
        try IngestedSource.with(name: "incidents", csv: Self.incidents) { i in
            guard case .clarify(let options) = readings("incidents by region", i) else {
                Issue.record("\"incidents\" is the rows of a table of incidents, or kind = Incident: expected a question"); return
            }
            let sqls = options.map(\.query.sql)
            #expect(sqls.contains { !$0.contains("Incident") } && sqls.contains { $0.contains(#""kind" = 'Incident'"#) }, "\(sqls)")
        }
    }
}
