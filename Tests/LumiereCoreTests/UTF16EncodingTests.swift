import Testing
@testable import LumiereCore

/// UTF-16 files are recognised by their byte order mark and transcoded to UTF-8 while
/// streaming; chunks of one byte split every code unit and surrogate pair.
@Suite("UTF-16 encoding")
struct UTF16EncodingTests {
    static func utf16(_ text: String, bigEndian: Bool) -> [UInt8] {
        var bytes: [UInt8] = bigEndian ? [0xFE, 0xFF] : [0xFF, 0xFE]
        for unit in text.utf16 {
            let hi = UInt8(unit >> 8), lo = UInt8(unit & 0xFF)
            bytes += bigEndian ? [hi, lo] : [lo, hi]
        }
        return bytes
    }

    static let text = "Ville;Montant;Note\nMontréal;12;café ☕\nZürich;7;𝄞 clef\n"

    @Test(arguments: [(false, "utf-16le"), (true, "utf-16be")], [1, 3, 1 << 20])
    func utf16WithBOMIsTranscoded(endianness: (bigEndian: Bool, name: String), chunkSize: Int) throws {
        let (bigEndian, expected) = endianness
        let table = try CSVMemoryReader.read(Self.utf16(Self.text, bigEndian: bigEndian), chunkSize: chunkSize)
        #expect(table.profile.encoding == expected)
        #expect(table.profile.delimiter == ";")
        #expect(table.columnNames == ["Ville", "Montant", "Note"])
        #expect(table.rows == [[.text("Montréal"), .integer(12), .text("café ☕")],
                               [.text("Zürich"), .integer(7), .text("𝄞 clef")]])
        #expect(table.profile.warnings.isEmpty)
    }

    @Test func utf16LargerThanTheSampleStreams() throws {
        var text = "Name,Qty\n"
        for i in 0..<10_000 { text += "Élément \(i),\(i)\n" }
        let bytes = Self.utf16(text, bigEndian: false)
        #expect(bytes.count > 64 * 1024)
        let table = try CSVMemoryReader.read(bytes, chunkSize: 4095)
        #expect(table.profile.encoding == "utf-16le")
        #expect(table.rows.count == 10_000)
        #expect(table.rows.last == [.text("Élément 9999"), .integer(9999)])
    }

    @Test func brokenSurrogatesBecomeReplacementCharactersWithAWarning() throws {
        // "a,b\nx<lone high surrogate>,1\n" then a final odd byte.
        var bytes = Self.utf16("a,b\nx", bigEndian: false)
        bytes += [0x00, 0xD8]  // U+D800 with no low half
        bytes += Array(Self.utf16(",1\n", bigEndian: false).dropFirst(2))
        bytes += [0x41]
        let table = try CSVMemoryReader.read(bytes, chunkSize: 1)
        #expect(table.profile.encoding == "utf-16le")
        #expect(table.rows.first == [.text("x\u{FFFD}"), .integer(1)])
        #expect(table.profile.warnings.contains { $0.contains("2 broken UTF-16 sequence(s)") })
    }

    @Test func utf16WithoutBOMIsStillRefusedAsBinary() throws {
        let bytes = Array(Self.utf16("a,b\n1,2\n", bigEndian: false).dropFirst(2))
        do {
            _ = try CSVMemoryReader.read(bytes)
            Issue.record("UTF-16 without a byte order mark was accepted")
        } catch {
            #expect(error.code == .notCSV)
        }
    }

    @Test func binaryAfterAUTF16BOMIsRefused() throws {
        let bytes: [UInt8] = [0xFF, 0xFE] + Array(repeating: 0x00, count: 64)
        do {
            _ = try CSVMemoryReader.read(bytes)
            Issue.record("binary data was accepted")
        } catch {
            #expect(error.code == .notCSV)
        }
    }
}
