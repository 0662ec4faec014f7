// Excel .xlsx ingest end to end in the store: real workbooks (zipped by ZIPFoundation in
// the test) become SQLite sources with CSV's typing and profile; hostile or bogus files
// are refused with their code and leave no database.

import Foundation
import LumiereTestSupport
import Testing
@testable import LumiereCore
@testable import LumiereStore

@Suite("Excel .xlsx ingest")
struct XLSXIngestTests {
    /// Shared strings: 0 region, 1 when, 2 paid, 3 North, 4 South as rich text with a
    /// phonetic guide that is not part of the text.
    static let sharedStrings = [
        "<si><t>region</t></si>", "<si><t>when</t></si>", "<si><t>paid</t></si>", "<si><t>North</t></si>",
        "<si><r><t>So</t></r><r><rPr><b/></rPr><t>uth</t></r><rPh sb=\"0\" eb=\"1\"><t>XX</t></rPh></si>",
    ]

    /// Sales: a header of shared and inline strings; dates by a built-in (s=1) and a custom
    /// (s=2) format; a boolean; an error; a gap (no B3, no row 4) and references out of order.
    static let sales = XLSXFixture.Sheet("Sales", rows: """
        <row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c><c r="C1" t="inlineStr"><is><t>sales</t></is></c>\
        <c r="D1" t="s"><v>2</v></c><c r="E1" t="inlineStr"><is><t>note</t></is></c><c r="F1" t="inlineStr"><is><t>stamp</t></is></c></row>
        <row r="2"><c r="A2" t="s"><v>3</v></c><c r="B2" s="1"><v>45292</v></c><c r="C2"><v>120.5</v></c><c r="D2" t="b"><v>1</v></c>\
        <c r="E2" t="e"><v>#N/A</v></c><c r="F2" s="2"><v>45292.75</v></c></row>
        <row r="3"><c r="D3" t="b"><v>0</v></c><c r="A3" t="s"><v>4</v></c><c r="C3"><v>80</v></c><c r="E3" t="str"><f>"o"&amp;"k"</f><v>ok</v></c>\
        <c r="F3" s="2"><v>45293</v></c><c r="H3" s="1"/></row>
        <row r="5"><c r="A5" t="inlineStr"><is><t>North</t></is></c><c r="B5" s="1"><v>45293</v></c><c r="C5"><v>30</v></c>\
        <c r="D5" t="b"><v>0</v></c></row>
        <row r="6"><c r="A6" s="1"/><c r="B6" s="1"/></row>
        """)

    static let notes = XLSXFixture.Sheet("Notes & more", rows: """
        <row r="1"><c r="A1" t="inlineStr"><is><t>topic</t></is></c><c r="B1" t="inlineStr"><is><t>count</t></is></c></row>
        <row r="2"><c r="A2" t="inlineStr"><is><t>x</t></is></c><c r="B2"><v>7</v></c></row>
        """)

    static func workbook(_ dir: String, sheets: [XLSXFixture.Sheet] = [sales, notes],
                         sharedStrings: [String]? = sharedStrings) throws -> String {
        let path = dir + "/book.xlsx"
        try XLSXFixture.write(XLSXFixture.parts(sheets: sheets, sharedStrings: sharedStrings), to: path)
        return path
    }

    @Test func theFirstSheetBecomesATypedSource() throws {
        try IngestTest.withTemporaryDirectory { dir in
            let input = try Self.workbook(dir)
            let db = dir + "/book.sqlite"
            let outcome = try SourceIngestor.ingest(inputPath: input, gzip: false, format: .xlsx, databasePath: db)
            #expect(outcome.profile.columns.map(\.name) == ["region", "when", "sales", "paid", "note", "stamp"])
            #expect(outcome.profile.columns.map(\.type) == [.text, .date, .real, .boolean, .text, .datetime])
            #expect(outcome.profile.rowCount == 3)
            #expect(outcome.profile.format == "xlsx")
            #expect(try IngestTest.rows(db, "SELECT region, \"when\", sales, paid, note, stamp FROM data ORDER BY rowid") == [
                [.text("North"), .text("2024-01-01"), .real(120.5), .integer(1), .null, .text("2024-01-01 18:00:00")],
                [.text("South"), .null, .real(80), .integer(0), .text("ok"), .text("2024-01-02 00:00:00")],
                [.text("North"), .text("2024-01-02"), .real(30), .integer(0), .null, .null],
            ])
            #expect(outcome.valueIndex.values["region"] == ["North", "South"])
            #expect(outcome.profile.warnings.contains("read sheet \"Sales\""))
            #expect(outcome.sha256 == SourceIngestorTests.sha256Hex(input))
            #expect(try IngestTest.rows(db, "PRAGMA integrity_check") == [[.text("ok")]])
        }
    }

    @Test func aNamedSheetIsRead() throws {
        try IngestTest.withTemporaryDirectory { dir in
            let input = try Self.workbook(dir)
            for name in ["Notes & more", "notes & MORE"] {
                let db = dir + "/notes.sqlite"
                try? FileManager.default.removeItem(atPath: db)
                let outcome = try SourceIngestor.ingest(inputPath: input, gzip: false, format: .xlsx, sheet: name, databasePath: db)
                #expect(outcome.profile.columns.map(\.name) == ["topic", "count"])
                #expect(try IngestTest.rows(db, "SELECT topic, count FROM data") == [[.text("x"), .integer(7)]])
            }
            let error = IngestTest.ingestError { () throws(LumiereError) in
                try SourceIngestor.ingest(inputPath: input, gzip: false, format: .xlsx, sheet: "Nope", databasePath: dir + "/x.sqlite")
            }
            #expect(error?.code == .unknownSheet)
            #expect(error?.message == "the workbook has no sheet named \"Nope\"")
            #expect(error?.hint == "its sheets are \"Sales\", \"Notes & more\"")
            #expect(!FileManager.default.fileExists(atPath: dir + "/x.sqlite"))
        }
    }

    @Test func prefixedElementsThe1904SystemAndNoRelationships() throws {
        try IngestTest.withTemporaryDirectory { dir in
            // Some writers prefix SpreadsheetML (`x:row`); Mac workbooks may count days from 1904;
            // without workbook relationships the n-th sheet is sheetN.xml.
            let rows = #"<x:row r="1"><x:c r="A1" t="inlineStr"><x:is><x:t>day</x:t></x:is></x:c></x:row>"#
                + #"<x:row r="2"><x:c r="A2" s="1"><x:v>43830</x:v></x:c></x:row>"#
            let sheet = #"<?xml version="1.0"?><x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main">"#
                + "<x:sheetData>\(rows)</x:sheetData></x:worksheet>"
            let workbook = #"<?xml version="1.0"?><x:workbook xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main" "#
                + #"xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><x:workbookPr date1904="1"/>"#
                + #"<x:sheets><x:sheet name="Mac" sheetId="1" r:id="rId1"/></x:sheets></x:workbook>"#
            let input = dir + "/mac.xlsx"
            try XLSXFixture.write([("xl/workbook.xml", Array(workbook.utf8)), ("xl/styles.xml", Array(XLSXFixture.styles.utf8)),
                                   ("xl/worksheets/sheet1.xml", Array(sheet.utf8))], to: input)
            let db = dir + "/mac.sqlite"
            let outcome = try SourceIngestor.ingest(inputPath: input, gzip: false, format: .xlsx, databasePath: db)
            #expect(outcome.profile.columns.map(\.type) == [.date])
            #expect(try IngestTest.rows(db, "SELECT day FROM data") == [[.text("2024-01-01")]])
        }
    }

    /// Ingests `input` with `limits`, expecting a failure that leaves no database.
    static func refusal(_ dir: String, _ input: String, _ limits: IngestLimits = IngestLimits()) -> LumiereError? {
        let db = dir + "/refused.sqlite"
        let error = IngestTest.ingestError { () throws(LumiereError) in
            try SourceIngestor.ingest(inputPath: input, gzip: false, format: .xlsx, databasePath: db, limits: limits)
        }
        #expect(!FileManager.default.fileExists(atPath: db) && !FileManager.default.fileExists(atPath: db + ".tmp"))
        #expect(error?.hint?.isEmpty == false)
        return error
    }

    @Test func aZipBombIsStoppedWhileItInflates() throws {
        try IngestTest.withTemporaryDirectory { dir in
            let path = dir + "/bomb.xlsx"
            let parts = XLSXFixture.parts(sheets: [Self.notes]).filter { $0.0 != "xl/worksheets/data1.xml" }
            try XLSXFixture.write(parts, to: path)
            // 48 MiB of spaces inside the sheet: well-formed XML, about a thousand times compressible.
            try XLSXFixture.appendCompressible(to: path, name: "xl/worksheets/data1.xml",
                                               head: XLSXFixture.worksheet("").replacingOccurrences(of: "</sheetData></worksheet>", with: ""),
                                               fillBytes: 48 << 20, tail: "</sheetData></worksheet>")
            let size = try #require(try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int)
            #expect(size < 2 << 20, "the bomb is small on disk (\(size) bytes)")
            let error = Self.refusal(dir, path)
            #expect(error?.code == .zipBomb)
            #expect(error?.message == "the xl/worksheets/data1.xml part of the .xlsx archive inflates more than 200 times its compressed size")

            // Under the ratio limit, the total inflated bytes still count against the ingest byte limit.
            var small = IngestLimits()
            small.maxBytes = 4 << 20
            small.maxCompressionRatio = 1_000_000
            let total = Self.refusal(dir, path, small)
            #expect(total?.code == .zipBomb)
            #expect(total?.message == "the .xlsx workbook inflates to more than 4194304 bytes")
        }
    }

    @Test func tooManyEntriesAreRefused() throws {
        try IngestTest.withTemporaryDirectory { dir in
            let input = try Self.workbook(dir)
            var limits = IngestLimits()
            limits.maxZipEntries = 5
            let error = Self.refusal(dir, input, limits)
            #expect(error?.code == .zipBomb)
            #expect(error?.message == "the .xlsx archive lists more than 5 entries")
        }
    }

    @Test func hugeSharedStringTablesAreRefused() throws {
        try IngestTest.withTemporaryDirectory { dir in
            let input = try Self.workbook(dir)
            var count = IngestLimits()
            count.maxSharedStrings = 4
            let tooMany = Self.refusal(dir, input, count)
            #expect(tooMany?.code == .sharedStringsTooLarge)
            #expect(tooMany?.message == "the workbook has more than 4 shared strings")
            var bytes = IngestLimits()
            bytes.maxSharedStringBytes = 20
            let tooLarge = Self.refusal(dir, input, bytes)
            #expect(tooLarge?.code == .sharedStringsTooLarge)
            #expect(tooLarge?.message == "the workbook's shared strings hold more than 20 bytes of text")
        }
    }

    @Test func wideSheetsAndLongCellsAreRefused() throws {
        try IngestTest.withTemporaryDirectory { dir in
            let input = try Self.workbook(dir)
            var narrow = IngestLimits()
            narrow.maxColumns = 5
            let wide = Self.refusal(dir, input, narrow)
            #expect(wide?.code == .tooManyColumns)
            #expect(wide?.message == "the sheet has a value in column 6 (cell F1), beyond 5 columns")
            // An empty styled cell far to the right (H3) is no column: six columns are allowed.
            narrow.maxColumns = 6
            #expect(throws: Never.self) {
                try SourceIngestor.ingest(inputPath: input, gzip: false, format: .xlsx, databasePath: dir + "/ok.sqlite", limits: narrow)
            }
            var short = IngestLimits()
            short.maxFieldBytes = 4
            let long = Self.refusal(dir, input, short)
            #expect(long?.code == .fieldTooLarge)
            #expect(long?.message == "shared string 1 of the workbook is longer than 4 bytes")
        }
    }

    @Test func bogusFilesAreRefused() throws {
        try IngestTest.withTemporaryDirectory { dir in
            let text = dir + "/text.xlsx"
            try IngestTest.write(Array("region,sales\nNorth,1\n".utf8), to: text)
            #expect(Self.refusal(dir, text)?.code == .notXLSX)

            let ole = dir + "/protected.xlsx"
            try IngestTest.write([0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1] + Array(repeating: 0, count: 504), to: ole)
            #expect(Self.refusal(dir, ole)?.code == .xlsxEncrypted)

            let truncated = dir + "/truncated.xlsx"
            let whole = try [UInt8](Data(contentsOf: URL(fileURLWithPath: try Self.workbook(dir))))
            try IngestTest.write(Array(whole.prefix(whole.count / 2)), to: truncated)
            #expect(Self.refusal(dir, truncated)?.code == .notXLSX)

            let other = dir + "/other.xlsx"
            try XLSXFixture.write([("word/document.xml", Array("<w/>".utf8))], to: other)
            let notWorkbook = Self.refusal(dir, other)
            #expect(notWorkbook?.code == .notXLSX)
            #expect(notWorkbook?.message == "the archive has no xl/workbook.xml: it is not an Excel workbook, or its parts are encrypted")

            let dtd = dir + "/dtd.xlsx"
            var parts = XLSXFixture.parts(sheets: [Self.notes])
            parts = parts.map { name, bytes in
                name == "xl/worksheets/data1.xml"
                    ? (name, Array(XLSXFixture.worksheet(#"<row><c t="inlineStr"><is><t>&a;</t></is></c></row>"#)
                        .replacingOccurrences(of: "<worksheet", with: #"<!DOCTYPE worksheet [<!ENTITY a "aaaa">]><worksheet"#).utf8))
                    : (name, bytes)
            }
            try XLSXFixture.write(parts, to: dtd)
            let entity = Self.refusal(dir, dtd)
            #expect(entity?.code == .notXLSX)
            #expect(entity?.message == "a part of the workbook declares a DTD or entities, which .xlsx files never do")

            let broken = dir + "/broken.xlsx"
            parts = XLSXFixture.parts(sheets: [Self.notes]).map { name, bytes in
                name == "xl/worksheets/data1.xml" ? (name, Array("<worksheet><sheetData><row>".utf8)) : (name, bytes)
            }
            try XLSXFixture.write(parts, to: broken)
            let xml = Self.refusal(dir, broken)
            #expect(xml?.code == .notXLSX)
            #expect(xml?.message.hasPrefix("the xl/worksheets/data1.xml part of the workbook is not well-formed XML") == true)

            let headerOnly = dir + "/header.xlsx"
            try XLSXFixture.write(XLSXFixture.parts(sheets: [XLSXFixture.Sheet("S", rows: #"<row><c t="inlineStr"><is><t>a</t></is></c></row>"#)]),
                                  to: headerOnly)
            #expect(Self.refusal(dir, headerOnly)?.code == .emptyFile)
        }
    }
}
