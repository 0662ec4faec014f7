import Testing
@testable import LumiereCore

@Suite("Type inference and conversion")
struct TypeInferenceTests {
    /// One column named v holding `values`; returns its type and stored values.
    static func column(_ values: [String]) throws -> (ColumnType, [SQLValue], CSVTable) {
        let text = "v\n" + values.map { "\"\($0)\"" }.joined(separator: "\n") + "\n"
        let table = try CSVTest.read(text)
        return (table.analysis.columns[0].type, table.rows.map { $0[0] }, table)
    }

    @Test func integers() throws {
        let (type, values, _) = try Self.column(["1", "-2", "1,000", "NA", ""])
        #expect(type == .integer)
        #expect(values == [.integer(1), .integer(-2), .integer(1000), .null, .null])
    }

    @Test func zeroAndOneAloneAreIntegers() throws {
        #expect(try Self.column(["0", "1", "1"]).0 == .integer)
    }

    @Test func mixedIntegersAndDecimalsAreReal() throws {
        let (type, values, _) = try Self.column(["1", "2.5", "$3", "45%", "(1.5)"])
        #expect(type == .real)
        #expect(values == [.real(1), .real(2.5), .real(3), .real(45), .real(-1.5)])
    }

    @Test func booleans() throws {
        let (type, values, _) = try Self.column(["yes", "No", "TRUE", "f", "1", "N/A"])
        #expect(type == .boolean)
        #expect(values == [.integer(1), .integer(0), .integer(1), .integer(0), .integer(1), .null])
    }

    @Test func isoAndNamedDates() throws {
        let (type, values, _) = try Self.column(["2024-01-05", "Jan 6 2024", "7 January 2024", "January 8, 2024", "-"])
        #expect(type == .date)
        #expect(values == [.text("2024-01-05"), .text("2024-01-06"), .text("2024-01-07"), .text("2024-01-08"), .null])
    }

    @Test func dayFirstWhenAFirstPartExceedsTwelve() throws {
        let (type, values, table) = try Self.column(["05/01/2024", "13/01/2024"])
        #expect(type == .date)
        #expect(values == [.text("2024-01-05"), .text("2024-01-13")])
        #expect(table.profile.warnings.isEmpty)
    }

    @Test func monthFirstWhenASecondPartExceedsTwelve() throws {
        let (type, values, _) = try Self.column(["01/05/2024", "01/13/2024"])
        #expect(type == .date)
        #expect(values == [.text("2024-01-05"), .text("2024-01-13")])
    }

    @Test func ambiguousSlashDatesDefaultToMonthFirstWithAWarning() throws {
        let (type, values, table) = try Self.column(["01/05/2024", "02/03/2024"])
        #expect(type == .date)
        #expect(values == [.text("2024-01-05"), .text("2024-02-03")])
        #expect(table.profile.warnings.contains { $0.contains("column v") && $0.contains("month/day") })
    }

    @Test func conflictingSlashOrdersAreText() throws {
        let (type, values, _) = try Self.column(["13/01/2024", "01/13/2024"])
        #expect(type == .text)
        #expect(values == [.text("13/01/2024"), .text("01/13/2024")])
    }

    @Test func dateTimesAreNormalisedToUTC() throws {
        let (type, values, _) = try Self.column(["2024-01-05T10:00:00Z", "2024-01-05 11:30:00", "2024-01-06T01:00:00+02:00"])
        #expect(type == .datetime)
        #expect(values == [.text("2024-01-05 10:00:00"), .text("2024-01-05 11:30:00"), .text("2024-01-05 23:00:00")])
    }

    @Test func datesMixedWithDateTimesAreDateTimes() throws {
        let (type, values, _) = try Self.column(["2024-01-05", "2024-01-05 10:00:00"])
        #expect(type == .datetime)
        #expect(values == [.text("2024-01-05 00:00:00"), .text("2024-01-05 10:00:00")])
    }

    @Test func mixedColumnsKeepEveryOriginalText() throws {
        let (type, values, _) = try Self.column(["12", "abc", " 3.5 ", "2024-01-05", "NA", ""])
        #expect(type == .text)
        #expect(values == [.text("12"), .text("abc"), .text(" 3.5 "), .text("2024-01-05"), .text("NA"), .null])
    }

    @Test func allNullColumnIsText() throws {
        #expect(try Self.column(["", "NA"]).0 == .text)
    }

    @Test func codesWithLeadingZerosStayText() throws {
        let (type, values, _) = try Self.column(["08123", "12345"])
        #expect(type == .text)
        #expect(values == [.text("08123"), .text("12345")])
    }
}
