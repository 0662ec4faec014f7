// XLSXFixture: real Excel `.xlsx` files for tests, written part by part (the XML the way
// Excel lays it out) and zipped with ZIPFoundation, so the ingest reads what a workbook
// really is; and hostile variants (a zip bomb, extra entries) built the same way.

import Foundation
import ZIPFoundation

public enum XLSXFixture {
    public struct Sheet: Sendable {
        public var name: String
        /// The `<row>` elements of `<sheetData>`.
        public var rows: String
        public init(_ name: String, rows: String) {
            self.name = name
            self.rows = rows
        }
    }

    /// One worksheet part around `rows`.
    public static func worksheet(_ rows: String) -> String {
        #"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"# + "\n"
            + #"<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" "#
            + #"xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">"#
            + "<sheetData>\(rows)</sheetData></worksheet>"
    }

    /// Styles: 0 general, 1 built-in date (14), 2 a custom date-time (164); a cell-style xf
    /// comes first, which must not count as a cell format.
    public static let styles = #"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"#
        + #"<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">"#
        + #"<numFmts count="1"><numFmt numFmtId="164" formatCode="yyyy\-mm\-dd\ hh:mm"/></numFmts>"#
        + #"<cellStyleXfs count="1"><xf numFmtId="14"/></cellStyleXfs>"#
        + #"<cellXfs count="3"><xf numFmtId="0"/><xf numFmtId="14" applyNumberFormat="1"/><xf numFmtId="164" applyNumberFormat="1"/></cellXfs>"#
        + "</styleSheet>"

    /// The parts of a workbook: content types, package and workbook relationships, the
    /// workbook, styles, shared strings (the `<si>` items, if any) and the sheets.
    public static func parts(sheets: [Sheet], sharedStrings: [String]? = nil,
                             styles: String? = XLSXFixture.styles) -> [(String, [UInt8])] {
        var parts: [(String, String)] = []
        parts.append(("[Content_Types].xml",
                      #"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">"#
                        + #"<Default Extension="xml" ContentType="application/xml"/></Types>"#))
        parts.append(("_rels/.rels",
                      #"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">"#
                        + #"<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#))
        var sheetList = ""
        var relationships = ""
        for (i, sheet) in sheets.enumerated() {
            // Relationship ids in reverse, so a reader that guesses sheetN.xml from the order is caught.
            let id = "rId\(100 + i)"
            let name = sheet.name.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "\"", with: "&quot;")
            sheetList += #"<sheet name="\#(name)" sheetId="\#(i + 1)" r:id="\#(id)"/>"#
            relationships += #"<Relationship Id="\#(id)" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/data\#(sheets.count - i).xml"/>"#
            parts.append(("xl/worksheets/data\(sheets.count - i).xml", worksheet(sheet.rows)))
        }
        parts.append(("xl/workbook.xml",
                      #"<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" "#
                        + #"xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>\#(sheetList)</sheets></workbook>"#))
        parts.append(("xl/_rels/workbook.xml.rels",
                      #"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">\#(relationships)</Relationships>"#))
        if let styles { parts.append(("xl/styles.xml", styles)) }
        if let sharedStrings {
            parts.append(("xl/sharedStrings.xml",
                          #"<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="\#(sharedStrings.count)" uniqueCount="\#(sharedStrings.count)">"#
                            + sharedStrings.joined() + "</sst>"))
        }
        return parts.map { ($0.0, Array($0.1.utf8)) }
    }

    /// Zips `parts` (deflated) into a new file at `path`.
    public static func write(_ parts: [(String, [UInt8])], to path: String) throws {
        try? FileManager.default.removeItem(atPath: path)
        let archive = try Archive(url: URL(fileURLWithPath: path), accessMode: .create)
        for (name, bytes) in parts {
            try archive.addEntry(with: name, type: .file, uncompressedSize: Int64(bytes.count),
                                 compressionMethod: .deflate) { position, size in
                Data(bytes[Int(position)..<(Int(position) + size)])
            }
        }
    }

    /// Adds an entry whose content is `head`, then `fillBytes` spaces, then `tail`, produced
    /// chunk by chunk (the test never holds it whole): deflate shrinks the spaces about
    /// a thousand times, which is what a zip bomb is made of.
    public static func appendCompressible(to path: String, name: String, head: String, fillBytes: Int,
                                          tail: String) throws {
        let archive = try Archive(url: URL(fileURLWithPath: path), accessMode: .update)
        let head = Array(head.utf8)
        let tail = Array(tail.utf8)
        let total = head.count + fillBytes + tail.count
        try archive.addEntry(with: name, type: .file, uncompressedSize: Int64(total), compressionMethod: .deflate,
                             bufferSize: 1 << 20) { position, size in
            let start = Int(position)
            var out = [UInt8](repeating: 0x20, count: size)
            for at in start..<max(start, min(start + size, head.count)) { out[at - start] = head[at] }
            let tailStart = head.count + fillBytes
            for at in max(start, tailStart)..<max(max(start, tailStart), start + size) { out[at - start] = tail[at - tailStart] }
            return Data(out)
        }
    }
}
