import Testing
@testable import LumiereCore

/// Decimal commas in files not delimited by commas (`;` exports from European locales).
@Suite("Decimal commas")
struct DecimalCommaTests {
    static func parse(_ text: String) -> ParsedNumber? {
        Array(text.utf8).withUnsafeBytes { ValueParsing.parseDecimalCommaNumber($0) }
    }

    @Test(arguments: [
        ("1.234,56", ParsedNumber.real(1234.56)), ("-3,5", .real(-3.5)), ("12,0", .real(12.0)),
        ("0,25", .real(0.25)), ("1.234.567,5", .real(1_234_567.5)), ("1.234", .integer(1234)),
        ("42", .integer(42)), ("-7", .integer(-7)), ("(1.200,50)", .real(-1200.5)),
        ("1.234,56 €", .real(1234.56)), ("€3,5", .real(3.5)), ("12,5%", .real(12.5)), (",5", .real(0.5)),
    ])
    func readsDecimalCommaNumbers(text: String, expected: ParsedNumber) {
        #expect(Self.parse(text) == expected)
    }

    @Test(arguments: ["1,2,3", "1.23,4", "12.34", "1.2345", "1,234.5", "2024-01-05", "05.01.2024", "007,5",
                      "abc", "1,5x", "1.", ".234", "12:30", "1.234.56,7"])
    func refusesWhatIsNotADecimalCommaNumber(text: String) {
        #expect(Self.parse(text) == nil)
    }

    @Test func semicolonFileTypesDecimalCommaColumnsAsReal() throws {
        // Units has no decimal comma anywhere, so its `1.500` keeps the dot reading (1.5);
        // in Sales the decimal commas make `1.234,56` 1234.56 and `1.500` would be 1500.
        let table = try CSVTest.read("Region;Sales;Delta;Units\nNorth;1.234,56;-3,5;12\nSouth;12,0;0,5;1.500\nEast;7;-;3\nWest;1.500;1;4\n")
        #expect(CSVTest.types(table) == [.text, .real, .real, .real])
        #expect(table.rows == [
            [.text("North"), .real(1234.56), .real(-3.5), .real(12)],
            [.text("South"), .real(12.0), .real(0.5), .real(1.5)],
            [.text("East"), .real(7), .null, .real(3)],
            [.text("West"), .real(1500), .real(1), .real(4)],
        ])
        #expect(table.profile.warnings.contains { $0.contains("column Sales: numbers are written with a decimal comma") })
        #expect(table.profile.columns[1].min == .real(7) && table.profile.columns[1].max == .real(1500))
        #expect(!table.profile.warnings.contains { $0.contains("column Units") })
    }

    @Test func commaFileKeepsThousandsSeparators() throws {
        let table = try CSVTest.read("Item,Amount,Price\nA,\"1,234\",\"3,5\"\nB,\"2,000\",\"4,5\"\n")
        #expect(CSVTest.types(table) == [.text, .integer, .text])
        #expect(table.rows.first == [.text("A"), .integer(1234), .text("3,5")])
    }

    @Test func isoDatesAndDotDecimalsStayAsTheyWereInSemicolonFiles() throws {
        let table = try CSVTest.read("When;Ratio;Amount\n2024-01-05;2.5;1,234.50\n2024-01-06;0.75;2,000.00\n")
        #expect(CSVTest.types(table) == [.date, .real, .real])
        #expect(table.rows.first == [.text("2024-01-05"), .real(2.5), .real(1234.5)])
        #expect(!table.profile.warnings.contains { $0.contains("decimal comma") })
    }

    @Test func mixedColumnsStayText() throws {
        // A decimal comma next to a dot decimal, or next to words, is not one number style.
        let table = try CSVTest.read("A;B;C\n1,5;1,5;x\n2.25;abc;3,5\n3;2;4\n")
        #expect(CSVTest.types(table) == [.text, .text, .text])
        #expect(table.rows.first == [.text("1,5"), .text("1,5"), .text("x")])
    }

    @Test func headerIsFoundOverDecimalCommaData() throws {
        let table = try CSVTest.read("Name;Wert\nA;1,5\nB;2,5\n")
        #expect(table.profile.hasHeader)
        #expect(table.columnNames == ["Name", "Wert"])
        #expect(CSVTest.types(table) == [.text, .real])
        #expect(!(try CSVTest.read("A;1,5\nB;2,5\n").profile.hasHeader))
    }
}
