// Units after compared numbers ("20 mm of rain", "90 degrees", "10 mph"), "zero", "years ago",
// "ignoring missing values", verbs that only say the rows exist ("covered", "tested"),
// business words for measures ("rain", "fuel economy", "powerful") and rates named "X per Y":
// on tables of their own, written for these rules rather than taken from the corpus.

import Foundation
@testable import LumiereCore
import LumiereStore
import Testing

@Suite("Units after numbers, zero, years ago, ignoring missing values, everyday measure words")
struct UnitsAndEverydayWordsTests {
    static let station = """
        Day,Temperature,Rainfall,Gust_Speed,Station
        2023-01-01,-2.5,0,40,North
        2023-01-02,3.1,12.5,22,North
        2023-01-03,5.0,25.0,55,South
        2023-01-04,-0.5,,15,South
        2023-01-05,8.0,0,30,South

        """

    static let fleet = """
        Model,Maker,Miles_per_Gallon,Horsepower
        a1,Acme,30,90
        a2,Acme,20,150
        b1,Bolt,40,70
        b2,Bolt,36,80
        c1,Crux,15,300

        """

    static let faculty = """
        id,sex,years_since_phd,years_service,salary
        1,Male,25,20,120
        2,Female,12,10,95
        3,Male,41,35,150
        4,Female,30,28,130

        """

    func answer(_ q: String, _ source: IngestedSource) -> GeneratedQuery? {
        if case .answer(let g) = BuiltinAnalyst().translate(q, schema: source.schema) { return g }
        return nil
    }

    func scalar(_ q: String, _ source: IngestedSource) throws -> SQLValue? {
        let g = try #require(answer(q, source), "\(q)")
        return try source.executor.run(g.sql).rows.first?.first
    }

    @Test("a unit after a compared number is its unit, and names the measure when no column is named")
    func units() throws {
        try IngestedSource.with(name: "station", csv: Self.station) { station in
            let rain = try #require(answer("how many days had more than 10 mm of rain", station))
            #expect(rain.sql.contains(#""Rainfall" > 10"#), "\(rain.sql)")
            #expect(rain.interpretation.contains(#"ignored "mm""#), "\(rain.interpretation)")
            #expect(try station.executor.run(rain.sql).rows.first?.first == .integer(2))
            // No column named: "degrees" is the only temperature.
            let warm = try #require(answer("how many days were above 4 degrees", station))
            #expect(warm.sql.contains(#""Temperature" > 4"#), "\(warm.sql)")
            #expect(try scalar("how many days had gusts of at least 30 mph", station) == .integer(3))
            #expect(try scalar("how many days was the temperature below zero", station) == .integer(2))
            // A unit whose measure the table lacks names nothing: refused, not guessed.
            #expect(answer("how many days were above 4 kg", station) == nil)
        }
    }

    @Test("rain is the rainfall column, 'how much did it rain' sums it; rows-only verbs are filler")
    func everydayWords() throws {
        try IngestedSource.with(name: "station", csv: Self.station) { station in
            let much = try #require(answer("how much did it rain in January 2023", station))
            #expect(much.sql.contains(#"SUM("Rainfall")"#), "\(much.sql)")
            #expect(try scalar("how many distinct stations are covered", station) == .integer(2))
            let known = try #require(answer("average rainfall, ignoring missing values", station))
            #expect(known.sql.contains(#"AVG("Rainfall")"#) && known.sql.contains(#""Rainfall" IS NOT NULL"#), "\(known.sql)")
        }
        try IngestedSource.with(name: "fleet_cars", csv: Self.fleet) { fleet in
            // A rate is averaged, never summed, even when ranked by group.
            let economy = try #require(answer("which maker has the best fuel economy", fleet))
            #expect(economy.sql.contains(#"AVG("Miles_per_Gallon")"#) && !economy.sql.contains("SUM("), "\(economy.sql)")
            #expect(try fleet.executor.run(economy.sql).rows.first?.first == .text("Bolt"))
            let powerful = try #require(answer("top 2 most powerful cars", fleet))
            #expect(powerful.sql.contains(#"ORDER BY "Horsepower" DESC"#) && powerful.sql.contains("LIMIT 2"), "\(powerful.sql)")
        }
    }

    @Test("'at least N years ago' compares the years-since column named before it, not another years column")
    func yearsAgo() throws {
        try IngestedSource.with(name: "faculty", csv: Self.faculty) { faculty in
            let ago = try #require(answer("how many people got their phd at least 30 years ago", faculty))
            #expect(ago.sql.contains(#""years_since_phd" >= 30"#) && !ago.sql.contains("years_service"), "\(ago.sql)")
            #expect(try faculty.executor.run(ago.sql).rows.first?.first == .integer(2))
        }
    }
}
