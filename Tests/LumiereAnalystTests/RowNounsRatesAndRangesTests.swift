// The row noun after a count or a share ("count of bugs per order", "what share of the
// specimens…"), a category column named like a row word (`Order`), columns called rates,
// stored ranges ("55-59") as values, "warmer than N" and "have N years of service": on tables
// of their own, written for these rules rather than taken from the corpus.

import Foundation
@testable import LumiereCore
import LumiereStore
import Testing

@Suite("Row nouns after counts and shares, rates, stored ranges, comparative thresholds")
struct RowNounsRatesAndRangesTests {
    static let insects = """
        Name,Order,Length_mm,Habitat
        ant,Hymenoptera,5,ground
        bee,Hymenoptera,12,air
        wasp,Hymenoptera,15,air
        beetle,Coleoptera,20,ground
        ladybird,Coleoptera,7,plant
        moth,Lepidoptera,30,air

        """

    static let mortality = """
        Band,Rural Male,Urban Male
        50-54,11.7,15.4
        55-59,18.1,24.3
        60-64,26.9,37.0

        """

    static let faculty = UnitsAndEverydayWordsTests.faculty
    static let station = UnitsAndEverydayWordsTests.station

    func answer(_ q: String, _ source: IngestedSource) -> GeneratedQuery? {
        if case .answer(let g) = BuiltinAnalyst().translate(q, schema: source.schema) { return g }
        return nil
    }

    func rows(_ q: String, _ source: IngestedSource) throws -> [[SQLValue]] {
        let g = try #require(answer(q, source), "\(q)")
        return try source.executor.run(g.sql).rows
    }

    @Test("a category column named like a row word groups; a plural noun after a count or a share is the rows")
    func rowNounsAfterCounts() throws {
        try IngestedSource.with(name: "insects", csv: Self.insects) { insects in
            for q in ["number of rows per order", "count of bugs per order", "number of specimens per order"] {
                let g = try #require(answer(q, insects), "\(q)")
                #expect(g.sql.contains(#"GROUP BY "Order""#), "\(q): \(g.sql)")
                #expect(try insects.executor.run(g.sql).rows.count == 3, "\(q)")
            }
            #expect(try rows("what share of the specimens are Hymenoptera", insects).first?.first == .real(50.0))
            #expect(try rows("how many Coleoptera specimens", insects).first?.first == .integer(2))
            // A plural noun after a plain "of" still qualifies something the engine cannot read.
            #expect(answer("average length of unicorns", insects) == nil)
        }
    }

    @Test("a column the question calls a rate is averaged; a stored range is one value")
    func ratesAndRanges() throws {
        try IngestedSource.with(name: "band_deaths", csv: Self.mortality) { m in
            let rate = try #require(answer("urban male rate", m))
            #expect(rate.sql.contains(#"AVG("Urban Male")"#), "\(rate.sql)")
            let death = try #require(answer("what is the average urban male death rate", m))
            #expect(death.sql.contains(#"AVG("Urban Male")"#), "\(death.sql)")
            let band = try #require(answer("urban male rate for 55-59", m))
            #expect(band.sql.contains(#""Band" = '55-59'"#), "\(band.sql)")
            #expect(try m.executor.run(band.sql).rows.first?.first == .real(24.3))
            // Without "rate" a plain total is still a total.
            #expect(try #require(answer("total urban male", m)).sql.contains(#"SUM("Urban Male")"#))
        }
    }

    @Test("'warmer than N' compares the adjective's measure; 'have N years of service' counts that many")
    func thresholds() throws {
        try IngestedSource.with(name: "station", csv: Self.station) { station in
            let warm = try #require(answer("how many days were warmer than 4", station))
            #expect(warm.sql.contains(#""Temperature" > 4"#), "\(warm.sql)")
            #expect(try station.executor.run(warm.sql).rows.first?.first == .integer(2))
            let cold = try #require(answer("how many days were colder than 0", station))
            #expect(cold.sql.contains(#""Temperature" < 0"#), "\(cold.sql)")
        }
        try IngestedSource.with(name: "faculty", csv: Self.faculty) { faculty in
            let exact = try #require(answer("how many people have 28 years of service", faculty))
            #expect(exact.sql.contains(#""years_service" = 28"#), "\(exact.sql)")
            #expect(try faculty.executor.run(exact.sql).rows.first?.first == .integer(1))
        }
    }
}
