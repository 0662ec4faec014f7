// XLSXParts: the small XML parts of a workbook — the sheet list (xl/workbook.xml), where
// each sheet lives (xl/_rels/workbook.xml.rels), which cell styles show dates
// (xl/styles.xml) and the shared-string table (xl/sharedStrings.xml) — each read by a
// streaming XMLParser delegate.
//
// Memory: the shared strings are kept, as one byte arena and an offset per string, within
// `maxSharedStrings` and `maxSharedStringBytes`; the other parts keep a few names.
// Failure modes: `shared_strings_too_large`, `field_too_large` (one shared string over the
// field limit); the archive's errors.

import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import LumiereCore

/// `<sheet name="Sales" sheetId="1" r:id="rId1"/>` in document order, and `date1904`.
final class WorkbookHandler: XLSXPartHandler {
    struct Sheet {
        var name: String
        var relationship: String
    }
    private(set) var sheets: [Sheet] = []
    private(set) var date1904 = false

    override func start(_ parser: XMLParser, _ elementName: String, _ attributes: [String: String]) {
        switch Self.local(elementName) {
        case "sheet":
            if sheets.count >= 10_000 { return fail(parser, LumiereError(.notXLSX, "the workbook lists too many sheets")) }
            // The relationship attribute is `r:id` with whatever prefix the writer chose.
            let relationship = attributes.first { $0.key == "id" || $0.key.hasSuffix(":id") }?.value ?? ""
            sheets.append(Sheet(name: attributes["name"] ?? "", relationship: relationship))
        case "workbookPr":
            let flag = attributes["date1904"]?.lowercased()
            date1904 = flag == "1" || flag == "true"
        default: break
        }
    }
}

/// `<Relationship Id="rId1" Target="worksheets/sheet1.xml"/>`.
final class RelationshipsHandler: XLSXPartHandler {
    private(set) var targets: [String: String] = [:]

    override func start(_ parser: XMLParser, _ elementName: String, _ attributes: [String: String]) {
        guard Self.local(elementName) == "Relationship", let id = attributes["Id"], let target = attributes["Target"] else { return }
        if targets.count >= 100_000 { return fail(parser, LumiereError(.notXLSX, "the workbook lists too many relationships")) }
        targets[id] = target
    }
}

/// The date kind of each cell style (`<cellXfs><xf numFmtId="14"/>`), from built-in ids and
/// the custom `<numFmts>` codes.
final class StylesHandler: XLSXPartHandler {
    private var customFormats: [Int: ExcelSerialDate.Kind?] = [:]
    private var inCellXfs = false
    private(set) var styleKinds: [ExcelSerialDate.Kind?] = []

    override func start(_ parser: XMLParser, _ elementName: String, _ attributes: [String: String]) {
        switch Self.local(elementName) {
        case "numFmt":
            if let id = attributes["numFmtId"].flatMap({ Int($0) }), let code = attributes["formatCode"],
               customFormats.count < 100_000 {
                customFormats[id] = ExcelSerialDate.customKind(code)
            }
        case "cellXfs": inCellXfs = true
        case "xf" where inCellXfs:
            if styleKinds.count >= 1_000_000 { return fail(parser, LumiereError(.notXLSX, "the workbook has too many cell styles")) }
            let id = attributes["numFmtId"].flatMap { Int($0) } ?? 0
            styleKinds.append(customFormats[id] ?? ExcelSerialDate.builtinKind(id))
        default: break
        }
    }

    override func end(_ parser: XMLParser, _ elementName: String) {
        if Self.local(elementName) == "cellXfs" { inCellXfs = false }
    }
}

/// The shared-string table: `<si>` items, each the text of its `<t>` runs (phonetic
/// `<rPh>` guides left out).
final class SharedStringsHandler: XLSXPartHandler {
    private(set) var arena: [UInt8] = []
    /// `ends[i]` is where string i ends in `arena`; it starts where string i-1 ended.
    private(set) var ends: [Int] = []
    private let maxCount: Int
    private let maxBytes: Int
    private let maxFieldBytes: Int
    private var itemStart = 0
    private var inItem = false
    private var inText = false
    private var phoneticDepth = 0

    init(maxCount: Int, maxBytes: Int, maxFieldBytes: Int) {
        self.maxCount = maxCount
        self.maxBytes = maxBytes
        self.maxFieldBytes = maxFieldBytes
    }

    override func start(_ parser: XMLParser, _ elementName: String, _ attributes: [String: String]) {
        switch Self.local(elementName) {
        case "sst":
            // A declared count over the limit fails at once rather than after reading it all.
            if let declared = attributes["uniqueCount"].flatMap({ Int($0) }), declared > maxCount {
                fail(parser, tooMany())
            }
        case "si":
            if ends.count >= maxCount { return fail(parser, tooMany()) }
            inItem = true
            itemStart = arena.count
        case "t" where inItem && phoneticDepth == 0: inText = true
        case "rPh": phoneticDepth += 1
        default: break
        }
    }

    override func end(_ parser: XMLParser, _ elementName: String) {
        switch Self.local(elementName) {
        case "si":
            inItem = false
            ends.append(arena.count)
        case "t": inText = false
        case "rPh": phoneticDepth = max(0, phoneticDepth - 1)
        default: break
        }
    }

    override func characters(_ parser: XMLParser, _ string: String) {
        guard inText else { return }
        arena.append(contentsOf: string.utf8)
        if arena.count - itemStart > maxFieldBytes {
            return fail(parser, LumiereError(.fieldTooLarge,
                                             "shared string \(ends.count + 1) of the workbook is longer than \(maxFieldBytes) bytes",
                                             hint: "shorten the cell's text, or raise the field size limit"))
        }
        if arena.count > maxBytes {
            fail(parser, LumiereError(.sharedStringsTooLarge,
                                      "the workbook's shared strings hold more than \(maxBytes) bytes of text",
                                      hint: "export the sheet as CSV, or raise the shared-string limit"))
        }
    }

    private func tooMany() -> LumiereError {
        LumiereError(.sharedStringsTooLarge, "the workbook has more than \(maxCount) shared strings",
                     hint: "export the sheet as CSV, or raise the shared-string limit")
    }
}
