// Readings that used to come back confidently wrong on unseen questions (corpus 2, issue
// #11 item 3), each pinned with a fresh phrasing over a fixture table: the engine must now
// answer right, ask which column was meant, or refuse.

import Foundation
@testable import LumiereCore
import Testing

@Suite("Analyst: never confidently wrong")
struct ConfidentlyWrongTests {
    func outcome(_ question: String, _ fixture: String) throws -> AnalystOutcome {
        BuiltinAnalyst().translate(question, schema: try FixtureDatabase(fixture).schema)
    }

    func sql(_ question: String, _ fixture: String) throws -> String? {
        if case .answer(let q) = try outcome(question, fixture) { return q.sql }
        return nil
    }

    @Test("first and last of a date column asks for both ends")
    func bothEnds() throws {
        #expect(try sql("earliest and latest hire date", "hr")
                == #"SELECT MIN("Hire Date") AS "min_hire_date", MAX("Hire Date") AS "max_hire_date" FROM "data""#)
        #expect(try sql("what is the earliest hire date", "hr") == #"SELECT MIN("Hire Date") AS "min_hire_date" FROM "data""#)
    }

    @Test("a superlative whose measure the table lacks is refused, not answered with a count")
    func superlativeWithoutMeasure() throws {
        guard case .refuse(let e) = try outcome("which month was the wettest", "sales") else {
            Issue.record("expected a refusal")
            return
        }
        #expect(e.code == .unsupportedQuestion && e.message.contains("wettest"))
        // With its measure present the superlative ranks by it.
        #expect(try sql("which location was the wettest", "sensors")?.contains(#"ORDER BY AVG("humidity_pct") DESC"#) == true)
    }

    @Test("how many different values of a number column counts the distinct values")
    func distinctNumbers() throws {
        #expect(try sql("how many different quantities are there", "sales")
                == #"SELECT COUNT(DISTINCT "Quantity") AS "distinct_quantity_count" FROM "data""#)
    }

    @Test("top N rows by a number column rank by that column, not by another named number")
    func rankByColumnAfterBy() throws {
        #expect(try sql("top 3 items by shipping cost", "shipping")
                == #"SELECT * FROM "data" WHERE "shipping_cost" IS NOT NULL ORDER BY "shipping_cost" DESC LIMIT 3"#)
    }

    @Test("an aggregate over all of a text column is one figure, not one per value")
    func allTogether() throws {
        #expect(try sql("average price of all products by region", "sales")
                == #"SELECT "Region", AVG("Price") AS "avg_price" FROM "data" GROUP BY "Region" ORDER BY "avg_price" DESC"#)
        #expect(try sql("total sales of all products", "sales") == #"SELECT SUM("Sales") AS "total_sales" FROM "data""#)
    }

    @Test("prices named in the plural with no aggregate list the rows; an aggregate word still averages")
    func pluralPricesList() throws {
        #expect(try sql("widget a prices in march", "sales")
                == #"SELECT * FROM "data" WHERE "Product" = 'Widget A' AND strftime('%m', "Date") = '03'"#)
        #expect(try sql("average price of widget a", "sales")
                == #"SELECT AVG("Price") AS "avg_price" FROM "data" WHERE "Product" = 'Widget A'"#)
    }

    @Test("a comparative between two values compares them side by side")
    func comparativeValues() throws {
        let q = try #require(try sql("was the greenhouse warmer than the office", "sensors"))
        #expect(q.contains(#"AVG("temperature_c")"#) && q.contains(#"GROUP BY "location""#)
                && q.contains(#""location" IN ('Greenhouse', 'Office')"#))
    }

    @Test("a comparative between two years groups by year, and asks which column when two fit")
    func comparativePeriods() throws {
        let schema = SourceSchema(rowCount: 730, columns: [
            ColumnProfile(name: "day", type: .date, distinctCount: 730, min: .text("2020-01-01"), max: .text("2021-12-31")),
            ColumnProfile(name: "temp_max", type: .real, distinctCount: 300),
            ColumnProfile(name: "temp_min", type: .real, distinctCount: 300),
        ])
        guard case .clarify(let candidates) = BuiltinAnalyst().translate("was 2021 hotter than 2020", schema: schema) else {
            Issue.record("expected a question back: temp_max or temp_min")
            return
        }
        #expect(candidates.count == 2)
        #expect(candidates.contains { $0.sql.contains(#"AVG("temp_max")"#) } && candidates.contains { $0.sql.contains(#"AVG("temp_min")"#) })
        #expect(candidates.allSatisfy { $0.sql.contains(#"GROUP BY strftime('%Y', "day")"#) })
    }

    @Test("a superlative that names its measure ranks by it and shows the other column")
    func superlativeRanksByItsMeasure() throws {
        // Every order tied for the heaviest, not one picked by chance.
        #expect(try sql("the heaviest order's shipping cost", "shipping")
                == #"SELECT * FROM "data" WHERE "weight_kg" IS NOT NULL AND "weight_kg" = (SELECT MAX("weight_kg") FROM "data" WHERE "weight_kg" IS NOT NULL) ORDER BY "weight_kg" DESC LIMIT 50"#)
    }

    func answer(_ question: String, _ fixture: String, source: String?) throws -> AnalystOutcome {
        var schema = try FixtureDatabase(fixture).schema
        schema.sourceName = source
        return BuiltinAnalyst().translate(question, schema: schema)
    }

    @Test("the source's name says what a row is; without it the same noun is still refused")
    func rowNounFromSourceName() throws {
        guard case .answer(let top) = try answer("top 3 widgets by price", "sales", source: "shop_widgets") else {
            Issue.record("expected an answer")
            return
        }
        #expect(top.sql == #"SELECT * FROM "data" WHERE "Price" IS NOT NULL ORDER BY "Price" DESC LIMIT 3"#)
        guard case .answer(let which) = try answer("which widget has the highest price", "sales", source: "widgets") else {
            Issue.record("expected an answer")
            return
        }
        #expect(which.sql.hasSuffix(#""Price" = (SELECT MAX("Price") FROM "data" WHERE "Price" IS NOT NULL) ORDER BY "Price" DESC LIMIT 50"#), "\(which.sql)")
        for source in [nil, "sales_2024", "s"] as [String?] {
            guard case .refuse(let e) = try answer("which widget has the highest price", "sales", source: source) else {
                Issue.record("a noun the source name does not give must not read as the rows (source \(source ?? "nil"))")
                continue
            }
            #expect(e.code == .unsupportedQuestion && e.message.contains("widget"))
        }
    }

    @Test("a number beside a coded number column is its value; outside the column's range it is refused")
    func codedNumbers() throws {
        let schema = SourceSchema(rowCount: 32, columns: [
            ColumnProfile(name: "mpg", type: .real, distinctCount: 25, min: .real(10.4), max: .real(33.9)),
            ColumnProfile(name: "cyl", type: .integer, distinctCount: 3, min: .integer(4), max: .integer(8)),
        ], sourceName: "mtcars")
        let analyst = BuiltinAnalyst()
        guard case .answer(let before) = analyst.translate("median mpg of the 6 cylinder cars", schema: schema),
              case .answer(let after) = analyst.translate("average mpg at cyl 4", schema: schema) else {
            Issue.record("expected answers")
            return
        }
        #expect(before.sql.uppercased().contains(#"MEDIAN("MPG")"#) && before.sql.hasSuffix(#"WHERE "cyl" = 6"#))
        #expect(after.sql == #"SELECT AVG("mpg") AS "avg_mpg" FROM "data" WHERE "cyl" = 4"#)
        guard case .refuse = analyst.translate("median mpg of the 12 cylinder cars", schema: schema) else {
            Issue.record("12 is no value of cyl: must refuse")
            return
        }
    }

    func daily(distinctDates: Int, dateColumn: String = "date") -> SourceSchema {
        SourceSchema(rowCount: 10, columns: [
            ColumnProfile(name: dateColumn, type: .date, distinctCount: distinctDates, min: .text("2024-01-01"), max: .text("2024-01-10")),
            ColumnProfile(name: "weather", type: .text, distinctCount: 2),
            ColumnProfile(name: "precipitation", type: .real, distinctCount: 8),
        ], valueIndex: ValueIndex(values: ["weather": ["rain", "sun"]]))
    }

    @Test("in a table with one row per date, \"days\" names the rows; with dates shared it is refused")
    func dailyRows() throws {
        let analyst = BuiltinAnalyst()
        guard case .answer(let top) = analyst.translate("top 2 wettest days", schema: daily(distinctDates: 10)),
              case .answer(let count) = analyst.translate("how many sun days", schema: daily(distinctDates: 10)) else {
            Issue.record("expected answers")
            return
        }
        #expect(top.sql == #"SELECT * FROM "data" WHERE "precipitation" IS NOT NULL ORDER BY "precipitation" DESC LIMIT 2"#)
        #expect(count.sql == #"SELECT COUNT(*) AS "row_count" FROM "data" WHERE "weather" = 'sun'"#)
        guard case .refuse = analyst.translate("how many sun days", schema: daily(distinctDates: 4)) else {
            Issue.record("rows sharing a date are not days: must refuse")
            return
        }
        // A date column named `day`: "days" names the column, and the superlative still ranks
        // by its own measure, not by the date.
        guard case .answer(let byDay) = analyst.translate("top 2 wettest days", schema: daily(distinctDates: 10, dateColumn: "day")) else {
            Issue.record("expected an answer")
            return
        }
        #expect(byDay.sql == top.sql)
    }
}
