// JSON Lines (.jsonl): the line parser and both passes, including hostile input. Every
// read is repeated with tiny chunks so lines, escapes and the BOM are split anywhere.

import Foundation
import Testing
@testable import LumiereCore

@Suite("JSON Lines")
struct JSONLinesTests {
    static func read(_ text: String, chunkSize: Int = 1 << 20, limits: CSVLimits = CSVLimits(),
                     maxDepth: Int = 32) throws(LumiereError) -> CSVTable {
        try JSONLinesMemoryReader.read(Array(text.utf8), limits: limits, maxDepth: maxDepth, chunkSize: chunkSize)
    }

    static func strings(_ table: CSVTable) -> [[String]] {
        table.rows.map { $0.map { v in
            switch v {
            case .null: return "NULL"
            case .integer(let i): return String(i)
            case .real(let r): return String(r)
            case .text(let t): return t
            }
        } }
    }

    @Test(arguments: [1, 2, 3, 7, 1 << 20])
    func columnsAreTheUnionOfKeysInFirstSeenOrder(chunkSize: Int) throws {
        let text = """
            {"region": "North", "sales": 12}
            {"sales": 7, "region": "South", "when": "2024-03-01"}

            {"region": "East"}\r
            {"when": "2024-03-02", "sales": null, "ok": true}
            """
        let table = try Self.read(text, chunkSize: chunkSize)
        #expect(table.columnNames == ["region", "sales", "when", "ok"])
        #expect(CSVTest.types(table) == [.text, .integer, .date, .boolean])
        #expect(table.analysis.rowCount == 4)
        #expect(Self.strings(table) == [
            ["North", "12", "NULL", "NULL"],
            ["South", "7", "2024-03-01", "NULL"],
            ["East", "NULL", "NULL", "NULL"],
            ["NULL", "NULL", "2024-03-02", "1"],
        ])
        #expect(table.profile.format == "jsonl")
        #expect(table.profile.delimiter == "")
        #expect(table.profile.rowCount == 4)
        #expect(table.profile.columns.map(\.nullCount) == [1, 2, 2, 3])
    }

    @Test(arguments: [1, 2, 1 << 20])
    func escapesBOMAndBigIntegersSurvive(chunkSize: Int) throws {
        // 2^53 + 1 would turn into 2^53 through a Double; the parser keeps the digits.
        let text = "\u{FEFF}{\"name\": \"caf\\u00e9 \\\"q\\\" \\ud83d\\ude00\\n\", \"id\": 9007199254740993}\n"
            + "{\"name\": \"lone \\udc00\", \"id\": -1}\n"
        let table = try Self.read(text, chunkSize: chunkSize)
        #expect(table.columnNames == ["name", "id"])
        #expect(Self.strings(table) == [["café \"q\" 😀\n", "9007199254740993"], ["lone \u{FFFD}", "-1"]])
    }

    @Test func stringsAreTypedByTheirTextLikeCSVFields() throws {
        let table = try Self.read("{\"n\": \"12\", \"d\": \"2024-01-05\", \"b\": \"false\"}\n{\"n\": 3, \"d\": null, \"b\": true}\n")
        #expect(CSVTest.types(table) == [.integer, .date, .boolean])
        #expect(Self.strings(table) == [["12", "2024-01-05", "0"], ["3", "NULL", "1"]])
    }

    @Test func nestedValuesAreStoredAsTheirJSONTextWithAWarning() throws {
        let table = try Self.read("""
            {"id": 1, "tags": ["a", "b"], "meta": {"x": {"y": [1, 2]}}}
            {"id": 2, "tags": [], "meta": null}
            """)
        #expect(CSVTest.types(table) == [.integer, .text, .text])
        #expect(Self.strings(table) == [["1", "[\"a\", \"b\"]", "{\"x\": {\"y\": [1, 2]}}"], ["2", "[]", "NULL"]])
        #expect(table.analysis.warnings.contains("key tags: nested objects or arrays are stored as their JSON text"))
        #expect(table.analysis.warnings.contains("key meta: nested objects or arrays are stored as their JSON text"))
    }

    @Test func aRepeatedKeyKeepsTheLastValueAndKeysDifferingInCaseGetUniqueNames() throws {
        let table = try Self.read("""
            {"a": 1, "a": 2, "A": 3}
            """)
        #expect(table.analysis.recordKeys == ["a", "A"])
        #expect(table.columnNames.count == 2)
        #expect(table.columnNames[0] == "a")
        #expect(table.columnNames[1].lowercased() != "a")
        #expect(Self.strings(table) == [["2", "3"]])
        #expect(table.analysis.warnings.contains("1 line(s) gave a key twice; the last value was kept"))
    }

    struct BadLine: Sendable, CustomTestStringConvertible {
        var text: String
        var code: LumiereError.Code
        var message: String
        var testDescription: String { message }
    }

    static let badLines: [BadLine] = [
        BadLine(text: "{\"a\": 1}\n[1, 2]\n", code: .malformedJSON, message: "line 2 is not a JSON object"),
        BadLine(text: "{\"a\": 1}\n\n{\"a\": 2,}\n", code: .malformedJSON,
                message: "line 3 is not valid JSON: a key in double quotes was expected"),
        BadLine(text: "{\"a\": 1} {\"a\": 2}\n", code: .malformedJSON,
                message: "line 1 is not valid JSON: there is more text after the object (one object per line)"),
        BadLine(text: "{\"a\": 'x'}\n", code: .malformedJSON,
                message: "line 1 is not valid JSON: a value must be a string, number, object, array, true, false or null"),
        BadLine(text: "{\"a\": 01}\n", code: .malformedJSON,
                message: "line 1 is not valid JSON: a comma or } was expected after a value"),
        BadLine(text: "{\"a\": \"x\n", code: .malformedJSON, message: "line 1 is not valid JSON: a string is not closed"),
        BadLine(text: "{\"a\": \"\\x\"}\n", code: .malformedJSON, message: "line 1 is not valid JSON: \\x is not a JSON escape"),
        BadLine(text: "{\"a\": [1, 2}\n", code: .malformedJSON,
                message: "line 1 is not valid JSON: a comma or closing bracket was expected"),
        BadLine(text: "{\"a\": NaN}\n", code: .malformedJSON,
                message: "line 1 is not valid JSON: a value must be a string, number, object, array, true, false or null"),
        BadLine(text: "", code: .emptyFile, message: "the file has no rows"),
        BadLine(text: "\n  \n", code: .emptyFile, message: "the file has no rows"),
    ]

    @Test(arguments: badLines)
    func aBadLineIsRefusedWithItsNumber(_ bad: BadLine) throws {
        for chunkSize in [1, 1 << 20] {
            let error = try #require(CSVTest.error { () throws(LumiereError) in
                try Self.read(bad.text, chunkSize: chunkSize)
            })
            #expect(error.code == bad.code)
            #expect(error.message == bad.message)
            #expect(!(error.hint ?? "").isEmpty)
            #expect(!error.isTransient)
        }
    }

    @Test func nestingDeeperThanTheLimitIsRefused() throws {
        let ok = "{\"a\": " + String(repeating: "[", count: 3) + String(repeating: "]", count: 3) + "}\n"
        _ = try Self.read(ok, maxDepth: 4)
        let deep = "{\"a\": " + String(repeating: "[", count: 4) + String(repeating: "]", count: 4) + "}\n"
        let error = try #require(CSVTest.error { () throws(LumiereError) in try Self.read(deep, maxDepth: 4) })
        #expect(error.code == .jsonTooDeep)
        #expect(error.message == "line 1 nests objects or arrays more than 4 levels deep")
        // A hostile million brackets neither overflows the stack nor is read to its end.
        let bomb = "{\"a\": " + String(repeating: "[", count: 1_000_000) + "\n"
        let bombError = try #require(CSVTest.error { () throws(LumiereError) in try Self.read(bomb) })
        #expect(bombError.code == .jsonTooDeep)
        #expect(bombError.message == "line 1 nests objects or arrays more than 32 levels deep")
    }

    @Test(arguments: [1, 5, 1 << 20])
    func aLineOverTheSizeLimitIsRefused(chunkSize: Int) throws {
        let limits = CSVLimits(maxColumns: 10, maxFieldBytes: 16, maxRowBytes: 40)
        let long = "{\"a\": 1}\n{\"a\": \"" + String(repeating: "x", count: 60) + "\"}\n"
        let error = try #require(CSVTest.error { () throws(LumiereError) in
            try Self.read(long, chunkSize: chunkSize, limits: limits)
        })
        #expect(error.code == .fieldTooLarge)
        #expect(error.message == "line 2 is longer than 40 bytes")
        // A value within the line cap but over the field cap.
        let wide = "{\"a\": \"" + String(repeating: "x", count: 20) + "\"}\n"
        let fieldError = try #require(CSVTest.error { () throws(LumiereError) in
            try Self.read(wide, chunkSize: chunkSize, limits: limits)
        })
        #expect(fieldError.code == .fieldTooLarge)
        #expect(fieldError.message == "line 1 has a key or value longer than 16 bytes")
    }

    @Test func moreDistinctKeysThanTheColumnLimitAreRefused() throws {
        let limits = CSVLimits(maxColumns: 3)
        _ = try Self.read("{\"a\": 1, \"b\": 2}\n{\"c\": 3}\n", limits: limits)
        let error = try #require(CSVTest.error { () throws(LumiereError) in
            try Self.read("{\"a\": 1, \"b\": 2}\n{\"c\": 3, \"d\": 4}\n", limits: limits)
        })
        #expect(error.code == .tooManyColumns)
        #expect(error.message == "the data has more than 3 columns")
        // One key repeated past the cap is refused on its line, before it builds entries.
        let repeated = "{\"a\": 1}\n{" + Array(repeating: "\"a\": 1", count: 4).joined(separator: ", ") + "}\n"
        let repeatedError = try #require(CSVTest.error { () throws(LumiereError) in try Self.read(repeated, limits: limits) })
        #expect(repeatedError.code == .tooManyColumns)
        #expect(repeatedError.message == "line 2 has more than 3 keys")
    }

    @Test func bytesThatAreNotUTF8AreRefused() throws {
        let bytes = Array("{\"a\": \"".utf8) + [0xFF] + Array("\"}\n".utf8)
        let error = try #require(CSVTest.error { () throws(LumiereError) in try JSONLinesMemoryReader.read(bytes) })
        #expect(error.code == .malformedJSON)
        #expect(error.message == "the file is not valid UTF-8, which JSON Lines requires")
    }

    @Test func utf16IsRefused() throws {
        var bytes: [UInt8] = [0xFF, 0xFE]
        for unit in "{\"a\": 1}\n".utf16 { bytes += [UInt8(unit & 0xFF), UInt8(unit >> 8)] }
        let error = try #require(CSVTest.error { () throws(LumiereError) in try JSONLinesMemoryReader.read(bytes, chunkSize: 1) })
        #expect(error.code == .malformedJSON)
        #expect(error.message == "the file is UTF-16; JSON Lines must be UTF-8")
    }

    @Test func uploadNamesMapToTheirFormat() {
        #expect(SpoolNames.uploadFormat(of: "Events.JSONL") == .jsonl)
        #expect(SpoolNames.uploadFormat(of: "events.jsonl.gz") == .jsonl)
        #expect(SpoolNames.uploadFormat(of: "sales.csv.gz") == .csv)
        #expect(SpoolNames.uploadFormat(of: "q.json") == nil)
        #expect(SpoolNames.kind(of: "events.jsonl") == .upload)
        #expect(SpoolNames.stem(of: "events.jsonl.gz") == "events")
        #expect(SpoolNames.isGzip("events.jsonl.gz"))
    }
}
