// XLSXWorkbook: an Excel `.xlsx` upload as rows of fields, for the same record-table
// passes as JSON Lines (`RecordTableAnalyzer`, then `CSVConverter.convert(fields:)`).
//
// Inputs: the file's path and first bytes, the sheet to read (nil: the first in the
// workbook's order), limits.
// Outputs: `readSheet` streams the sheet: the first row with a value is the header, every
// later row with a value is one record of fields by column (nil = no value).
// Cells: shared strings (`t="s"`), inline strings, formula strings and ISO dates (`t="d"`)
// are their text; numbers their `<v>` text (the CSV rules type them); booleans
// `true`/`false`; errors (`#N/A`, `#DIV/0!`) NULL; a number whose style shows a date or a
// time becomes ISO text (`ExcelSerialDate`). Cells missing between references (`r="C5"`
// after `A5`) are NULL; rows without any value are skipped.
// Memory: the shared strings, the style list, one row.
// Failure modes: `not_xlsx` (no ZIP signature, no workbook part, no sheets, a dangling
// sheet relationship, a bad shared-string index), `xlsx_encrypted` (a password-protected
// workbook, or a legacy .xls: both are OLE compound files), `unknown_sheet`,
// `too_many_columns`, `field_too_large`, and the archive's and parts' errors.

import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import LumiereCore

final class XLSXWorkbook {
    let archive: XLSXArchive
    /// The sheet read, by its name in the workbook.
    let sheetName: String
    private let sheetPart: String
    private let date1904: Bool
    private let styleKinds: [ExcelSerialDate.Kind?]
    private let shared: SharedStringsHandler?
    private let limits: IngestLimits

    /// Refuses what is not a ZIP archive before ZIPFoundation sees it, naming the likely
    /// cause: an OLE compound file is an encrypted workbook or an old `.xls`.
    static func checkSignature(_ head: [UInt8]) throws(LumiereError) {
        if head.starts(with: [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) {
            throw LumiereError(.xlsxEncrypted,
                               "the file is an OLE compound document: a password-protected workbook or an old .xls, not an .xlsx",
                               hint: "remove the password (File > Info > Protect Workbook) or save as .xlsx, then upload again")
        }
        if !head.starts(with: [0x50, 0x4B, 0x03, 0x04]) {
            throw LumiereError(.notXLSX, "the file is not an .xlsx workbook (it does not start with a ZIP signature)",
                               hint: "save the workbook from Excel or LibreOffice as .xlsx (Excel Workbook), or upload it as CSV")
        }
    }

    init(path: String, fileSize: Int64, sheet requested: String?, limits: IngestLimits) throws(LumiereError) {
        self.limits = limits
        archive = try XLSXArchive(path: path, fileSize: fileSize, limits: limits)
        guard archive.has("xl/workbook.xml") else {
            throw LumiereError(.notXLSX,
                               "the archive has no xl/workbook.xml: it is not an Excel workbook, or its parts are encrypted",
                               hint: "save the workbook from Excel or LibreOffice as .xlsx (Excel Workbook), without a password")
        }
        let workbook = WorkbookHandler()
        try archive.parse(part: "xl/workbook.xml", with: workbook)
        date1904 = workbook.date1904
        guard !workbook.sheets.isEmpty else {
            throw LumiereError(.notXLSX, "the workbook lists no sheets", hint: "upload a workbook with a sheet of data")
        }
        let index: Int
        if let requested {
            guard let found = workbook.sheets.firstIndex(where: { $0.name == requested })
                ?? workbook.sheets.firstIndex(where: { $0.name.lowercased() == requested.lowercased() }) else {
                let names = workbook.sheets.prefix(10).map { "\"\($0.name)\"" }.joined(separator: ", ")
                throw LumiereError(.unknownSheet, "the workbook has no sheet named \"\(requested)\"",
                                   hint: "its sheets are \(names)\(workbook.sheets.count > 10 ? ", ..." : "")")
            }
            index = found
        } else {
            index = 0
        }
        sheetName = workbook.sheets[index].name
        var target: String?
        if archive.has("xl/_rels/workbook.xml.rels") {
            let relationships = RelationshipsHandler()
            try archive.parse(part: "xl/_rels/workbook.xml.rels", with: relationships)
            target = relationships.targets[workbook.sheets[index].relationship].map(Self.resolve)
        }
        // Without relationships, the conventional name of the n-th sheet.
        let part = target ?? "xl/worksheets/sheet\(index + 1).xml"
        guard archive.has(part) else {
            throw LumiereError(.notXLSX, "sheet \"\(sheetName)\" points to a part the archive does not have",
                               hint: "re-save the workbook from Excel or LibreOffice as .xlsx")
        }
        sheetPart = part
        if archive.has("xl/styles.xml") {
            let styles = StylesHandler()
            try archive.parse(part: "xl/styles.xml", with: styles)
            styleKinds = styles.styleKinds
        } else {
            styleKinds = []
        }
        if archive.has("xl/sharedStrings.xml") {
            let strings = SharedStringsHandler(maxCount: limits.maxSharedStrings, maxBytes: limits.maxSharedStringBytes,
                                               maxFieldBytes: limits.maxFieldBytes)
            try archive.parse(part: "xl/sharedStrings.xml", with: strings)
            shared = strings
        } else {
            shared = nil
        }
    }

    /// A relationship target relative to `xl/` (or absolute from the package root) → an entry name.
    static func resolve(_ target: String) -> String {
        let joined = target.hasPrefix("/") ? String(target.dropFirst()) : "xl/" + target
        var parts: [Substring] = []
        for component in joined.split(separator: "/") {
            if component == "." { continue }
            if component == ".." { if !parts.isEmpty { parts.removeLast() }; continue }
            parts.append(component)
        }
        return parts.joined(separator: "/")
    }

    /// Streams the sheet: `header` gets the first row's texts, `row` every later row.
    func readSheet(header: ([String]) throws(LumiereError) -> Void,
                   row: (UnsafeBufferPointer<UnsafeRawBufferPointer?>) throws(LumiereError) -> Void) throws(LumiereError) {
        try withoutActuallyEscaping(header, do: { (header) throws(LumiereError) in
            try withoutActuallyEscaping(row, do: { (row) throws(LumiereError) in
                var sawHeader = false
                let handler = SheetHandler(
                    styleKinds: styleKinds, date1904: date1904, shared: shared, maxColumns: limits.maxColumns,
                    maxFieldBytes: limits.maxFieldBytes,
                    emit: { (fields) throws(LumiereError) in
                        if sawHeader { return try row(fields) }
                        sawHeader = true
                        try header(fields.map { $0.map { String(decoding: $0, as: UTF8.self) } ?? "" })
                    })
                try archive.parse(part: sheetPart, with: handler)
            })
        })
    }
}

/// The sheet's `<row>`/`<c>` elements → rows of fields.
final class SheetHandler: XLSXPartHandler {
    private let styleKinds: [ExcelSerialDate.Kind?]
    private let date1904: Bool
    private let shared: SharedStringsHandler?
    private let maxColumns: Int
    private let maxFieldBytes: Int
    private let emit: (UnsafeBufferPointer<UnsafeRawBufferPointer?>) throws(LumiereError) -> Void

    /// This row's values, back to back, and where each cell's value is.
    private var arena: [UInt8] = []
    private var cells: [(column: Int, start: Int, count: Int)] = []
    private var fields: [UnsafeRawBufferPointer?] = []
    private var rowNumber = 0
    // The open cell.
    private var inCell = false
    private var column = 0
    private var nextColumn = 0
    private var type = ""
    private var style = 0
    private var reference = ""
    private var valueStart = 0
    private var collecting = false
    private var inInline = false
    private var phoneticDepth = 0

    init(styleKinds: [ExcelSerialDate.Kind?], date1904: Bool, shared: SharedStringsHandler?, maxColumns: Int,
         maxFieldBytes: Int, emit: @escaping (UnsafeBufferPointer<UnsafeRawBufferPointer?>) throws(LumiereError) -> Void) {
        self.styleKinds = styleKinds
        self.date1904 = date1904
        self.shared = shared
        self.maxColumns = maxColumns
        self.maxFieldBytes = maxFieldBytes
        self.emit = emit
    }

    override func start(_ parser: XMLParser, _ elementName: String, _ attributes: [String: String]) {
        switch Self.local(elementName) {
        case "row":
            rowNumber = attributes["r"].flatMap { Int($0) } ?? rowNumber + 1
            arena.removeAll(keepingCapacity: true)
            cells.removeAll(keepingCapacity: true)
            nextColumn = 0
        case "c":
            inCell = true
            reference = attributes["r"] ?? ""
            column = Self.column(of: reference) ?? nextColumn
            type = attributes["t"] ?? "n"
            style = attributes["s"].flatMap { Int($0) } ?? 0
            valueStart = arena.count
        case "v" where inCell: collecting = true
        case "is" where inCell: inInline = true
        case "t" where inInline && phoneticDepth == 0: collecting = true
        case "rPh": phoneticDepth += 1
        default: break
        }
    }

    override func end(_ parser: XMLParser, _ elementName: String) {
        switch Self.local(elementName) {
        case "v", "t": collecting = false
        case "is": inInline = false
        case "rPh": phoneticDepth = max(0, phoneticDepth - 1)
        case "c":
            inCell = false
            collecting = false
            do throws(LumiereError) { try endCell() } catch { fail(parser, error) }
        case "row":
            do throws(LumiereError) { try endRow() } catch { fail(parser, error) }
        default: break
        }
    }

    override func characters(_ parser: XMLParser, _ string: String) {
        guard collecting else { return }
        arena.append(contentsOf: string.utf8)
        if arena.count - valueStart > maxFieldBytes {
            fail(parser, LumiereError(.fieldTooLarge, "cell \(cellName) is longer than \(maxFieldBytes) bytes",
                                      hint: "shorten the cell's text, or raise the field size limit"))
        }
    }

    private var cellName: String { reference.isEmpty ? "in row \(rowNumber)" : reference }

    /// Turns the collected `<v>`/`<t>` text into the field's text, by the cell's type.
    private func endCell() throws(LumiereError) {
        nextColumn = column + 1
        let raw = String(decoding: arena[valueStart...], as: UTF8.self)
        var replacement: String?
        var keep = !raw.isEmpty
        switch type {
        case "s":
            guard let shared, let i = Int(raw.trimmingCharacters(in: .whitespaces)), i >= 0, i < shared.ends.count else {
                throw LumiereError(.notXLSX, "cell \(cellName) refers to a shared string the workbook does not have",
                                   hint: "re-save the workbook from Excel or LibreOffice as .xlsx")
            }
            let start = i == 0 ? 0 : shared.ends[i - 1]
            arena.removeSubrange(valueStart...)
            arena.append(contentsOf: shared.arena[start..<shared.ends[i]])
            keep = shared.ends[i] > start
        case "b": replacement = raw.trimmingCharacters(in: .whitespaces) == "1" ? "true" : "false"
        case "e": keep = false  // #N/A, #DIV/0!, #REF!: no value
        case "str", "inlineStr", "d": break
        default:
            if style < styleKinds.count, let kind = styleKinds[style], let serial = Double(raw) {
                replacement = ExcelSerialDate.text(serial, kind: kind, date1904: date1904)
            }
        }
        if let replacement, keep {
            arena.removeSubrange(valueStart...)
            arena.append(contentsOf: replacement.utf8)
        }
        guard keep else {
            arena.removeSubrange(valueStart...)
            return
        }
        if column >= maxColumns {
            throw LumiereError(.tooManyColumns, "the sheet has a value in column \(column + 1) (cell \(cellName)), beyond \(maxColumns) columns",
                               hint: "remove columns, or raise ingest.max_columns (SQLite allows up to 2000)")
        }
        cells.append((column, valueStart, arena.count - valueStart))
    }

    private func endRow() throws(LumiereError) {
        guard !cells.isEmpty else { return }
        let width = (cells.map(\.column).max() ?? 0) + 1
        if fields.count < width { fields += Array(repeating: nil, count: width - fields.count) }
        let result: Result<Void, LumiereError> = arena.withUnsafeBytes { bytes in
            fields.withUnsafeMutableBufferPointer { f in
                for i in 0..<width { f[i] = nil }
                for cell in cells {
                    f[cell.column] = UnsafeRawBufferPointer(rebasing: bytes[cell.start..<(cell.start + cell.count)])
                }
                do throws(LumiereError) {
                    try emit(UnsafeBufferPointer(rebasing: f[0..<width]))
                    return .success(())
                } catch {
                    return .failure(error)
                }
            }
        }
        try result.get()
    }

    /// `C5` → 2 (zero-based); nil when the reference has no letters.
    static func column(of reference: String) -> Int? {
        var value = 0
        var letters = 0
        for byte in reference.utf8 {
            let upper = byte & ~0x20
            guard upper >= UInt8(ascii: "A") && upper <= UInt8(ascii: "Z") else { break }
            value = value * 26 + Int(upper - UInt8(ascii: "A") + 1)
            letters += 1
            if letters > 4 { return 1_000_000 }
        }
        return letters == 0 ? nil : value - 1
    }
}
