import Testing
@testable import LumiereCore

@Suite("Dialect, header and encoding")
struct DialectAndEncodingTests {
    @Test(arguments: [(",", ","), (";", ";"), ("\t", "\t"), ("|", "|")])
    func detectsTheDelimiter(delimiter: String, expected: String) throws {
        let d = delimiter
        let text = "Name\(d)Amount\(d)Note\nBob\(d)1,5\(d)a;b|c\nAnn\(d)2\(d)x\n"
        let quoted = d == "," ? "Name,Amount,Note\nBob,\"1,5\",\"a;b|c\"\nAnn,2,x\n" : text
        let table = try CSVTest.read(quoted)
        #expect(table.profile.delimiter == expected)
        #expect(table.columnNames == ["Name", "Amount", "Note"])
        #expect(table.rows.count == 2)
    }

    @Test func semicolonFileWithDecimalCommasIsSemicolon() throws {
        let table = try CSVTest.read("Date;Sales\n2024-01-01;1,5\n2024-01-02;2,5\n")
        #expect(table.profile.delimiter == ";")
        #expect(CSVTest.types(table) == [.date, .real])
        #expect(table.rows.first == [.text("2024-01-01"), .real(1.5)])
    }

    @Test func headerLongerThanTheSampleStillGetsItsDelimiter() throws {
        let names = (0..<1500).map { "a much longer column name for testing, number \($0)" }
        let text = names.joined(separator: ";") + "\n" + (0..<1500).map(String.init).joined(separator: ";") + "\n"
        #expect(text.utf8.count > 64 * 1024)
        let table = try CSVTest.read(text, chunkSize: 4096)
        #expect(table.profile.delimiter == ";")
        #expect(table.columnNames == names)
        #expect(table.rows.count == 1)
    }

    @Test func fileWithoutHeaderGetsGenericNames() throws {
        let table = try CSVTest.read("North,12,2024-01-05\nSouth,7,2024-01-06\n")
        #expect(!table.profile.hasHeader)
        #expect(table.columnNames == ["column_1", "column_2", "column_3"])
        #expect(table.rows.count == 2)
        #expect(CSVTest.types(table) == [.text, .integer, .date])
    }

    @Test func textOnlyHeaderIsAHeaderUnlessItsValuesRepeat() throws {
        #expect(try CSVTest.read("City,Country\nParis,France\nLyon,France\n").profile.hasHeader)
        #expect(!(try CSVTest.read("Paris,France\nLyon,France\n").profile.hasHeader))
    }

    @Test func headerNamesAreTrimmedDedupedAndFilled() throws {
        #expect(HeaderNames.make(from: [" Sales ", "Sales", "", "sales", "Sales_2"])
            == ["Sales", "Sales_2", "column_3", "sales_3", "Sales_2_2"])
        let table = try CSVTest.read("Sales,Sales,\n1,2,3\n")
        #expect(table.columnNames == ["Sales", "Sales_2", "column_3"])
    }

    @Test func utf8BOMIsStrippedAndRecorded() throws {
        let table = try CSVMemoryReader.read([0xEF, 0xBB, 0xBF] + Array("Name,Qty\nÉlise,2\n".utf8), chunkSize: 2)
        #expect(table.profile.encoding == "utf-8-bom")
        #expect(table.columnNames == ["Name", "Qty"])
        #expect(table.rows == [[.text("Élise"), .integer(2)]])
    }

    @Test func windows1252IsTranscodedWithAWarning() throws {
        // "Café,€5" in Windows-1252: é = E9, € = 80.
        let bytes: [UInt8] = Array("Name,Price\nCaf".utf8) + [0xE9] + Array(",".utf8) + [0x80] + Array("5\n".utf8)
        let table = try CSVMemoryReader.read(bytes)
        #expect(table.profile.encoding == "windows-1252")
        #expect(table.rows == [[.text("Café"), .integer(5)]])
        #expect(table.profile.warnings.contains { $0.contains("Windows-1252") })
    }

    /// Every byte 0x80...0xFF decodes to the Windows-1252 character, and the five bytes
    /// Windows-1252 leaves undefined to the Latin-1 (ISO 8859-1) code point of the same value.
    @Test func windows1252HighBytesMatchTheCodePageWithLatin1ForUndefinedBytes() throws {
        let expected: [UInt8: Unicode.Scalar] = [
            0x80: "\u{20AC}", 0x81: "\u{81}", 0x82: "\u{201A}", 0x85: "\u{2026}", 0x8A: "\u{160}", 0x8D: "\u{8D}",
            0x8F: "\u{8F}", 0x90: "\u{90}", 0x91: "\u{2018}", 0x92: "\u{2019}", 0x93: "\u{201C}", 0x94: "\u{201D}",
            0x96: "\u{2013}", 0x97: "\u{2014}", 0x99: "\u{2122}", 0x9D: "\u{9D}", 0x9F: "\u{178}",
            0xA0: "\u{A0}", 0xE9: "\u{E9}", 0xFF: "\u{FF}",
        ]
        var decoder = CSVByteDecoder(encoding: .windows1252)
        for (byte, scalar) in expected {
            var out: [UInt8] = []
            try [byte].withBytes { (p) throws(LumiereError) in
                try decoder.decode(p) { (t) throws(LumiereError) in out.append(contentsOf: t) }
            }
            #expect(String(decoding: out, as: UTF8.self).unicodeScalars.map { $0 } == [scalar], "byte \(byte)")
        }
    }

    @Test func smartQuotesInWindows1252AreReadAsText() throws {
        // “Zoë’s” – pick, in Windows-1252.
        let bytes: [UInt8] = Array("Name,Note\n".utf8) + [0x93] + Array("Zo".utf8) + [0xEB, 0x92] + Array("s".utf8)
            + [0x94, 0x20, 0x96] + Array(" pick,1\n".utf8)
        let table = try CSVMemoryReader.read(bytes, chunkSize: 3)
        #expect(table.profile.encoding == "windows-1252")
        #expect(table.rows == [[.text("\u{201C}Zoë\u{2019}s\u{201D} \u{2013} pick"), .integer(1)]])
    }

    @Test func nonUTF8AfterTheSampleRestartsAsWindows1252() throws {
        var bytes = Array("Name,Qty\n".utf8)
        for i in 0..<20_000 { bytes += Array("Item \(i),\(i)\n".utf8) }
        bytes += Array("Ni".utf8) + [0xF1] + Array("o,5\n".utf8)  // "Niño" in Latin-1
        #expect(bytes.count > 64 * 1024)
        let table = try CSVMemoryReader.read(bytes, chunkSize: 4096)
        #expect(table.profile.encoding == "windows-1252")
        #expect(table.rows.last == [.text("Niño"), .integer(5)])
        #expect(table.rows.count == 20_001)
    }

    @Test(arguments: [
        ([0x41, 0xC3, 0xA9], true), ([0xC3], false), ([0xE9, 0x41], false), ([0xC0, 0x80], false),
        ([0xED, 0xA0, 0x80], false), ([0xF0, 0x9F, 0x98, 0x80], true), ([0xF4, 0x90, 0x80, 0x80], false),
    ] as [([UInt8], Bool)])
    func utf8Validation(bytes: [UInt8], valid: Bool) {
        for split in 0...bytes.count {
            var v = UTF8Validator()
            bytes[..<split].withUnsafeBytes { v.validate($0) }
            bytes[split...].withUnsafeBytes { v.validate($0) }
            v.finish()
            #expect(v.isValid == valid, "split at \(split)")
        }
    }
}

@Suite("Ragged rows and errors")
struct RaggedRowsAndErrorsTests {
    @Test func shortRowsArePaddedWithNull() throws {
        let table = try CSVTest.read("a,b,c\n1,2,3\n4,5\n6\n")
        #expect(table.rows == [[.integer(1), .integer(2), .integer(3)], [.integer(4), .integer(5), .null],
                               [.integer(6), .null, .null]])
        #expect(table.profile.warnings.contains("2 rows had fewer fields than the header (padded with NULL)"))
    }

    @Test func emptySurplusFieldsAreDropped() throws {
        let table = try CSVTest.read("a,b\n1,2,,\n3,4\n")
        #expect(table.rows == [[.integer(1), .integer(2)], [.integer(3), .integer(4)]])
        #expect(table.profile.warnings.contains { $0.hasPrefix("1 row had more fields") && $0.contains("dropped") })
    }

    @Test func surplusIsJoinedIntoTheLastColumn() throws {
        let table = try CSVTest.read("name,note\nBob,hello,world\nAnn,hi\n")
        #expect(table.rows == [[.text("Bob"), .text("hello,world")], [.text("Ann"), .text("hi")]])
        #expect(table.profile.warnings.contains { $0.contains("joined into the last column") })
    }

    @Test func emptyFile() {
        #expect(CSVTest.error { () throws(LumiereError) in try CSVMemoryReader.read([]) }?.code == .emptyFile)
        #expect(CSVTest.error { () throws(LumiereError) in try CSVMemoryReader.read([0xEF, 0xBB, 0xBF]) }?.code == .emptyFile)
        #expect(CSVTest.error { () throws(LumiereError) in try CSVTest.read("\n\n\r\n") }?.code == .emptyFile)
    }

    @Test func headerOnlyFileHasNoRows() throws {
        let table = try CSVTest.read("a,b\n")
        #expect(table.rows.isEmpty)
        #expect(table.columnNames == ["a", "b"])
    }

    @Test func binaryFilesAreNotCSV() {
        let nul: [UInt8] = Array("PK".utf8) + [0, 0, 1, 2] + Array("rest".utf8)
        let error = CSVTest.error { () throws(LumiereError) in try CSVMemoryReader.read(nul) }
        #expect(error?.code == .notCSV)
        #expect(error?.hint != nil)
        let controls = (0..<400).map { UInt8($0 % 2 == 0 ? 0x01 : 0x41) }
        #expect(CSVTest.error { () throws(LumiereError) in try CSVMemoryReader.read(controls) }?.code == .notCSV)
    }

    @Test func tooManyColumns() {
        let header = (1...30).map { "c\($0)" }.joined(separator: ",")
        let error = CSVTest.error { () throws(LumiereError) in
            try CSVTest.read(header + "\n", limits: CSVLimits(maxColumns: 20))
        }
        #expect(error?.code == .tooManyColumns)
    }

    @Test func oneHugeLineIsTooLarge() {
        let error = CSVTest.error { () throws(LumiereError) in
            try CSVTest.read("a\n" + String(repeating: "x", count: 5000) + "\n", limits: CSVLimits(maxFieldBytes: 1000))
        }
        #expect(error?.code == .fieldTooLarge)
    }

    @Test func unterminatedQuoteIsMalformed() {
        let error = CSVTest.error { () throws(LumiereError) in try CSVTest.read("a,b\n1,\"2\n3,4\n") }
        #expect(error?.code == .malformedCSV)
        #expect(error?.message.contains("line 2") == true)
    }
}
