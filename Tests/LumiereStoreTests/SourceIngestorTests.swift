import Foundation
import Testing
@testable import LumiereCore
@testable import LumiereStore

@Suite("Source ingest")
struct SourceIngestorTests {
    @Test func salesSampleBecomesATypedTable() throws {
        try IngestTest.withTemporaryDirectory { dir in
            let db = dir + "/sales.sqlite"
            let input = try IngestTest.fixturePath("test_sales_data.csv")
            let outcome = try SourceIngestor.ingest(inputPath: input, gzip: false, databasePath: db, limits: IngestLimits())
            #expect(try IngestTest.schema(db) == [
                [.text("Date"), .text("TEXT")], [.text("Product"), .text("TEXT")], [.text("Sales"), .text("REAL")],
                [.text("Region"), .text("TEXT")], [.text("Category"), .text("TEXT")], [.text("Price"), .text("REAL")],
                [.text("Quantity"), .text("INTEGER")], [.text("Customer_Type"), .text("TEXT")],
            ])
            let totals = try IngestTest.rows(db, "SELECT Region, SUM(Sales) FROM data GROUP BY Region ORDER BY 2 DESC")
            #expect(totals == [[.text("South"), .real(5224)], [.text("West"), .real(1805)],
                               [.text("East"), .real(1680)], [.text("North"), .real(1486)]])
            #expect(try IngestTest.rows(db, "SELECT typeof(Quantity), typeof(Sales), Date FROM data LIMIT 1")
                == [[.text("integer"), .text("real"), .text("2024-01-05")]])
            #expect(outcome.profile.rowCount == 15)
            #expect(outcome.valueIndex.values["Region"] == ["North", "South", "East", "West"])
            let data = try Data(contentsOf: URL(fileURLWithPath: input))
            #expect(outcome.sizeBytes == Int64(data.count))
            #expect(outcome.sha256 == Self.sha256Hex(input))
            #expect(Set(outcome.timingsMs.keys) == ["analyze", "load", "finalize", "total"])
            #expect(try IngestTest.rows(db, "PRAGMA integrity_check") == [[.text("ok")]])
            #expect(try IngestTest.rows(db, "PRAGMA journal_mode") == [[.text("delete")]])
            #expect(!FileManager.default.fileExists(atPath: db + ".tmp"))
        }
    }

    @Test func databaseDescribesItself() throws {
        try IngestTest.withTemporaryDirectory { dir in
            let db = dir + "/sales.sqlite"
            let outcome = try SourceIngestor.ingest(inputPath: try IngestTest.fixturePath("test_sales_data.csv"),
                                                    gzip: false, databasePath: db, limits: IngestLimits())
            let tables = try IngestTest.rows(db, "SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name")
            #expect(tables == [[.text("data")], [.text("lumiere_meta")]])
            let meta = try IngestTest.rows(db, "SELECT value FROM lumiere_meta WHERE key = 'profile'")
            let json = try #require(meta.first?.first?.textValue)
            let profile = try JSONDecoder().decode(SourceProfile.self, from: Data(json.utf8))
            // Compare through JSON on both sides: SQLValue writes 250.0 as 250, which reads back as an integer.
            let roundTripped = try JSONDecoder().decode(SourceProfile.self, from: JSONEncoder().encode(outcome.profile))
            #expect(profile == roundTripped)
            #expect(profile.columns.map(\.type) == outcome.profile.columns.map(\.type))
            let indexJSON = try #require(try IngestTest.rows(db, "SELECT value FROM lumiere_meta WHERE key = 'value_index'").first?.first?.textValue)
            #expect(try JSONDecoder().decode(ValueIndex.self, from: Data(indexJSON.utf8)) == outcome.valueIndex)
        }
    }

    @Test func gzipInputIsDecompressedWhileHashingTheCompressedBytes() throws {
        try IngestTest.withTemporaryDirectory { dir in
            let gz = dir + "/sales.csv.gz"
            let source = try IngestTest.fixturePath("test_sales_data.csv")
            try Self.shell("gzip -c '\(source)' > '\(gz)'")
            let db = dir + "/sales.sqlite"
            let outcome = try SourceIngestor.ingest(inputPath: gz, gzip: true, databasePath: db, limits: IngestLimits())
            #expect(outcome.profile.rowCount == 15)
            #expect(outcome.sha256 == Self.sha256Hex(gz))
            #expect(try IngestTest.rows(db, "SELECT SUM(Quantity) FROM data") == [[.integer(220)]])
        }
    }

    @Test func corruptGzipIsRejected() throws {
        try IngestTest.withTemporaryDirectory { dir in
            let gz = dir + "/bad.csv.gz"
            try IngestTest.write([0x1F, 0x8B, 0x08, 0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08], to: gz)
            let error = IngestTest.ingestError { () throws(LumiereError) in
                try SourceIngestor.ingest(inputPath: gz, gzip: true, databasePath: dir + "/x.sqlite", limits: IngestLimits())
            }
            #expect(error?.code == .notCSV)
            #expect(!FileManager.default.fileExists(atPath: dir + "/x.sqlite.tmp"))
        }
    }

    @Test func latin1FileIsTranscoded() throws {
        try IngestTest.withTemporaryDirectory { dir in
            let db = dir + "/latin1.sqlite"
            let outcome = try SourceIngestor.ingest(inputPath: try IngestTest.fixturePath("latin1.csv"), gzip: false,
                                                    databasePath: db, limits: IngestLimits())
            #expect(outcome.profile.encoding == "windows-1252")
            #expect(outcome.profile.delimiter == ";")
            // A `;` file with a decimal comma: Prix is REAL (12,5 is 12.5, €9 is 9).
            #expect(try IngestTest.rows(db, "SELECT Ville, Pays, Prix FROM data") == [
                [.text("Montréal"), .text("Canada"), .real(12.5)],
                [.text("São Paulo"), .text("Brésil"), .real(7)],
                [.text("Zürich"), .text("Suisse"), .real(9)],
            ])
        }
    }

    /// A Windows "ANSI" export: é/è/ê/ë, € (0x80), smart quotes (0x91-0x94), an en dash
    /// and an ellipsis, plus the five bytes Windows-1252 leaves undefined (0x81 0x8D 0x8F
    /// 0x90 0x9D), which are read as Latin-1 (the C1 control of the same value) so no byte
    /// is lost or refused.
    @Test func cp1252FileWithSmartQuotesAndEuroIsTranscoded() throws {
        try IngestTest.withTemporaryDirectory { dir in
            let db = dir + "/cp1252.sqlite"
            let outcome = try SourceIngestor.ingest(inputPath: try IngestTest.fixturePath("cp1252.csv"), gzip: false,
                                                    databasePath: db, limits: IngestLimits())
            #expect(outcome.profile.encoding == "windows-1252")
            #expect(outcome.profile.warnings.contains("the file is not valid UTF-8; it was read as Windows-1252 (Latin-1)"))
            #expect(try IngestTest.schema(db) == [[.text("Product"), .text("TEXT")], [.text("Note"), .text("TEXT")],
                                                  [.text("Price"), .text("REAL")]])
            #expect(try IngestTest.rows(db, "SELECT Product, Note, Price FROM data") == [
                [.text("Café crème"), .text("\u{201C}best seller\u{201D}"), .real(4.5)],
                [.text("Crêpe"), .text("\u{2018}new\u{2019} \u{2013} try it"), .real(3.2)],
                [.text("Thé glacé"), .text("Zoë\u{2019}s pick\u{2026}"), .real(2.8)],
                [.text("Odd\u{81}"), .text("bytes\u{8D}\u{8F}\u{90}\u{9D}"), .real(1)],
            ])
            // The stored profile (what `sources show` prints) records the encoding too.
            let json = try #require(try IngestTest.rows(db, "SELECT value FROM lumiere_meta WHERE key = 'profile'").first?.first?.textValue)
            #expect(try JSONDecoder().decode(SourceProfile.self, from: Data(json.utf8)).encoding == "windows-1252")
        }
    }

    @Test func utf16FileWithBOMIsTranscoded() throws {
        try IngestTest.withTemporaryDirectory { dir in
            let db = dir + "/utf16.sqlite"
            let outcome = try SourceIngestor.ingest(inputPath: try IngestTest.fixturePath("utf16le.csv"), gzip: false,
                                                    databasePath: db, limits: IngestLimits())
            #expect(outcome.profile.encoding == "utf-16le")
            #expect(try IngestTest.schema(db) == [[.text("Ville"), .text("TEXT")], [.text("Montant"), .text("INTEGER")],
                                                  [.text("Note"), .text("TEXT")]])
            #expect(try IngestTest.rows(db, "SELECT Ville, Montant, Note FROM data") == [
                [.text("Montréal"), .integer(12), .text("café ☕")],
                [.text("Zürich"), .integer(7), .text("𝄞 clef")],
            ])
        }
    }

    @Test func semicolonFile() throws {
        try IngestTest.withTemporaryDirectory { dir in
            let db = dir + "/semi.sqlite"
            _ = try SourceIngestor.ingest(inputPath: try IngestTest.fixturePath("semicolon.csv"), gzip: false,
                                          databasePath: db, limits: IngestLimits())
            #expect(try IngestTest.schema(db) == [[.text("Region"), .text("TEXT")], [.text("Amount"), .text("INTEGER")],
                                                  [.text("When"), .text("TEXT")]])
            #expect(try IngestTest.rows(db, "SELECT Region, Amount FROM data WHERE \"When\" = '2024-01-07'")
                == [[.text("East; Coast"), .integer(50)]])
        }
    }

    @Test func fileWithoutHeader() throws {
        try IngestTest.withTemporaryDirectory { dir in
            let db = dir + "/nh.sqlite"
            let outcome = try SourceIngestor.ingest(inputPath: try IngestTest.fixturePath("noheader.csv"), gzip: false,
                                                    databasePath: db, limits: IngestLimits())
            #expect(!outcome.profile.hasHeader)
            #expect(try IngestTest.rows(db, "SELECT column_1, column_2, column_3 FROM data ORDER BY column_2")
                == [[.text("East"), .integer(3), .text("2024-01-07")], [.text("South"), .integer(7), .text("2024-01-06")],
                    [.text("North"), .integer(12), .text("2024-01-05")]])
        }
    }

    @Test func raggedRowsArePaddedDroppedOrJoined() throws {
        try IngestTest.withTemporaryDirectory { dir in
            let db = dir + "/ragged.sqlite"
            let outcome = try SourceIngestor.ingest(inputPath: try IngestTest.fixturePath("ragged.csv"), gzip: false,
                                                    databasePath: db, limits: IngestLimits())
            #expect(try IngestTest.rows(db, "SELECT id, name, note FROM data ORDER BY id") == [
                [.integer(1), .text("Bob"), .text("hello")], [.integer(2), .text("Ann"), .null],
                [.integer(3), .text("Cy"), .text("hi,there")], [.integer(4), .text("Di"), .text("ok")],
            ])
            #expect(outcome.profile.warnings.count == 3)
        }
    }

    @Test(arguments: [
        ("empty", [UInt8](), LumiereError.Code.emptyFile),
        ("binary", [0x89, 0x50, 0x4E, 0x47, 0x00, 0x00, 0x00, 0x0D] + Array("IHDR".utf8), .notCSV),
        ("wide", Array(((1...40).map { "c\($0)" }.joined(separator: ",") + "\n1\n").utf8), .tooManyColumns),
        ("huge field", Array(("a\n" + String(repeating: "x", count: 3000) + "\n").utf8), .fieldTooLarge),
        ("open quote", Array("a,b\n1,\"2\n".utf8), .malformedCSV),
    ] as [(String, [UInt8], LumiereError.Code)])
    func badInputsFailAndLeaveNothingBehind(name: String, bytes: [UInt8], code: LumiereError.Code) throws {
        try IngestTest.withTemporaryDirectory { dir in
            let input = dir + "/in.csv"
            try IngestTest.write(bytes, to: input)
            let db = dir + "/out.sqlite"
            let limits = IngestLimits(maxColumns: 20, maxFieldBytes: 1000)
            let error = IngestTest.ingestError { () throws(LumiereError) in
                try SourceIngestor.ingest(inputPath: input, gzip: false, databasePath: db, limits: limits)
            }
            #expect(error?.code == code)
            #expect(error?.hint != nil)
            #expect(!FileManager.default.fileExists(atPath: db))
            #expect(!FileManager.default.fileExists(atPath: db + ".tmp"))
        }
    }

    @Test func fileOverTheByteCapIsTooLarge() throws {
        try IngestTest.withTemporaryDirectory { dir in
            let error = IngestTest.ingestError { () throws(LumiereError) in
                try SourceIngestor.ingest(inputPath: try! IngestTest.fixturePath("test_sales_data.csv"), gzip: false,
                                          databasePath: dir + "/x.sqlite", limits: IngestLimits(maxBytes: 100))
            }
            #expect(error?.code == .fileTooLarge)
        }
    }

    @Test func symlinkInputIsRefused() throws {
        try IngestTest.withTemporaryDirectory { dir in
            let link = dir + "/link.csv"
            try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: try IngestTest.fixturePath("test_sales_data.csv"))
            let error = IngestTest.ingestError { () throws(LumiereError) in
                try SourceIngestor.ingest(inputPath: link, gzip: false, databasePath: dir + "/x.sqlite", limits: IngestLimits())
            }
            #expect(error?.code == .unsafeFile)
        }
    }

    @Test func failureAfterLoadingRemovesTheTemporaryDatabase() throws {
        try IngestTest.withTemporaryDirectory { dir in
            // A non-empty directory sits where the database should go: the final rename
            // fails after the temporary database was completely written.
            let db = dir + "/out.sqlite"
            try FileManager.default.createDirectory(atPath: db, withIntermediateDirectories: true)
            try IngestTest.write([1], to: db + "/keep")
            let error = IngestTest.ingestError { () throws(LumiereError) in
                try SourceIngestor.ingest(inputPath: try! IngestTest.fixturePath("test_sales_data.csv"), gzip: false,
                                          databasePath: db, limits: IngestLimits())
            }
            #expect(error?.code == .ioError)
            #expect(!FileManager.default.fileExists(atPath: db + ".tmp"))
        }
    }

    @Test func staleTemporaryFileIsReplaced() throws {
        try IngestTest.withTemporaryDirectory { dir in
            let db = dir + "/sales.sqlite"
            try IngestTest.write(Array("garbage".utf8), to: db + ".tmp")
            _ = try SourceIngestor.ingest(inputPath: try IngestTest.fixturePath("test_sales_data.csv"), gzip: false,
                                          databasePath: db, limits: IngestLimits())
            #expect(try IngestTest.rows(db, "SELECT COUNT(*) FROM data") == [[.integer(15)]])
        }
    }

    static func shell(_ command: String) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", command]
        try process.run()
        process.waitUntilExit()
        try #require(process.terminationStatus == 0)
    }

    static func sha256Hex(_ path: String) -> String {
        let pipe = Pipe()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/sha256sum")
        process.arguments = [path]
        process.standardOutput = pipe
        try? process.run()
        process.waitUntilExit()
        let out = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        return String(out.prefix(64))
    }
}
