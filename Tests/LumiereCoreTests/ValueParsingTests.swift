import Testing
@testable import LumiereCore

@Suite("Value parsing")
struct ValueParsingTests {
    static func number(_ s: String) -> ParsedNumber? {
        Array(s.utf8).withUnsafeBytes { ValueParsing.parseNumber(ValueParsing.trim($0)) }
    }

    static func isNull(_ s: String) -> Bool {
        Array(s.utf8).withUnsafeBytes { ValueParsing.isNull(ValueParsing.trim($0)) }
    }

    static func date(_ s: String) -> ParsedTemporal? {
        Array(s.utf8).withUnsafeBytes { DateParsing.parse(ValueParsing.trim($0)) }
    }

    @Test(arguments: [
        ("12", ParsedNumber.integer(12)), ("-7", .integer(-7)), ("+3", .integer(3)), ("0", .integer(0)),
        ("1,200", .integer(1200)), ("$1,200.50", .real(1200.5)), ("€3.5", .real(3.5)), ("3.5€", .real(3.5)),
        ("£10", .integer(10)), ("45%", .real(45)), ("12.5%", .real(12.5)), ("(12.50)", .real(-12.5)),
        ("-$5", .integer(-5)), ("$-5", .integer(-5)), ("1e3", .real(1000)), ("2.5E-2", .real(0.025)),
        (".5", .real(0.5)), ("0.1", .real(0.1)), ("  42  ", .integer(42)),
        ("9223372036854775807", .integer(Int64.max)), ("-9223372036854775808", .integer(Int64.min)),
        ("123456789.123456789", .real(123456789.123456789)),
    ])
    func numbers(text: String, expected: ParsedNumber) {
        #expect(Self.number(text) == expected)
    }

    @Test(arguments: ["", "abc", "1,2", "12,34,567", "007", "08123", "1.2.3", "--1", "$", "1e", "$1e5",
                      "9223372036854775808", "3,5", "1 000", "nan", "inf", "12abc", "(5", "1,000,00"])
    func notNumbers(text: String) {
        #expect(Self.number(text) == nil)
    }

    @Test(arguments: ["", "  ", "NA", "na", "N/A", "n/a", "#N/A", "null", "NULL", "None", "-"])
    func nullTokens(text: String) {
        #expect(Self.isNull(text))
    }

    @Test(arguments: ["0", "NAN", "nil ", "--", "Nothing"])
    func notNullTokens(text: String) {
        #expect(!Self.isNull(text))
    }

    @Test(arguments: [("true", true), ("FALSE", false), ("Yes", true), ("no", false), ("t", true),
                      ("F", false), ("y", true), ("N", false), ("1", true), ("0", false)])
    func booleans(text: String, expected: Bool) {
        #expect(Array(text.utf8).withUnsafeBytes { ValueParsing.parseBool($0) } == expected)
    }

    @Test(arguments: [
        ("2024-01-05", "2024-01-05"), ("2024/01/05", "2024-01-05"), ("Jan 5 2024", "2024-01-05"),
        ("Jan 5, 2024", "2024-01-05"), ("January 5, 2024", "2024-01-05"), ("5 January 2024", "2024-01-05"),
        ("5-Jan-2024", "2024-01-05"), ("Sept 30 2024", "2024-09-30"), ("2024-02-29", "2024-02-29"),
    ])
    func dates(text: String, expected: String) throws {
        let parsed = try #require(Self.date(text))
        #expect(!parsed.hasTime)
        var out = [UInt8](repeating: 0, count: 10)
        out.withUnsafeMutableBufferPointer { DateParsing.writeDate(parsed, to: $0.baseAddress!) }
        #expect(String(decoding: out, as: UTF8.self) == expected)
    }

    @Test(arguments: [
        ("2024-01-05T10:00:00Z", "2024-01-05 10:00:00"), ("2024-01-05 10:00:00", "2024-01-05 10:00:00"),
        ("2024-01-05T10:00", "2024-01-05 10:00:00"), ("2024-01-05T10:00:00.123Z", "2024-01-05 10:00:00"),
        ("2024-01-05T01:30:00+02:00", "2024-01-04 23:30:00"), ("2024-12-31T23:00:00-0500", "2025-01-01 04:00:00"),
        ("2024-01-05 10:00:00 UTC", "2024-01-05 10:00:00"),
    ])
    func dateTimes(text: String, expected: String) throws {
        let parsed = try #require(Self.date(text))
        #expect(parsed.hasTime)
        var out = [UInt8](repeating: 0, count: 19)
        out.withUnsafeMutableBufferPointer { DateParsing.writeDateTime(parsed, to: $0.baseAddress!) }
        #expect(String(decoding: out, as: UTF8.self) == expected)
    }

    @Test(arguments: ["2024-02-30", "2023-02-29", "2024-13-01", "13/13/2024", "Foo 5 2024", "2024-01-05T25:00",
                      "2024-01-05X10:00", "12345678", "1/2/24", "Jan 32 2024"])
    func notDates(text: String) {
        #expect(Self.date(text) == nil)
    }

    @Test(arguments: ["2024-01-05 10:00 ", "2024-01-05 10:00:00 +", "2024-01-05T10:00+1", "2024-01-05T", "Jan", "1/2/"])
    func truncatedTextIsNotADateAndDoesNotTrap(text: String) {
        let parsed = Array(text.utf8).withUnsafeBytes { DateParsing.parse($0) }
        #expect(parsed == nil)
    }

    @Test func randomBytesNeverTrapTheParsers() {
        var rng = SystemRandomNumberGenerator()
        let alphabet = Array("0123456789-/:.,TZ +$€()%eE aJnMy".utf8)
        for _ in 0..<20_000 {
            let length = Int.random(in: 0...24, using: &rng)
            let bytes = (0..<length).map { _ in alphabet.randomElement(using: &rng)! }
            bytes.withUnsafeBytes { raw in
                _ = DateParsing.parse(raw)
                _ = ValueParsing.parseNumber(raw)
                _ = ValueParsing.parseBool(raw)
                _ = ValueParsing.isNull(raw)
            }
        }
    }
}
