// JSON Lines ingest end to end in the store: a .jsonl (and .jsonl.gz) file on disk becomes
// a real SQLite source database with CSV's typing and profile; a bad line leaves nothing.

import Foundation
import Testing
@testable import LumiereCore
@testable import LumiereStore

@Suite("JSON Lines ingest")
struct JSONLinesIngestTests {
    static let events = """
        {"when": "2024-01-05", "region": "North", "sales": 120.5, "units": 3, "tags": ["new"]}
        {"region": "South", "when": "2024-01-06", "sales": 80, "units": 9007199254740993, "paid": true}
        {"when": "2024-01-07", "region": "North", "sales": null, "units": 1, "paid": false, "tags": {"k": [1, {"z": 2}]}}

        """

    @Test(arguments: [false, true])
    func aJSONLinesFileBecomesATypedSource(gzip: Bool) throws {
        try IngestTest.withTemporaryDirectory { dir in
            let plain = dir + "/events.jsonl"
            try IngestTest.write(Array(Self.events.utf8), to: plain)
            var input = plain
            if gzip {
                input = plain + ".gz"
                try SourceIngestorTests.shell("gzip -c '\(plain)' > '\(input)'")
            }
            let db = dir + "/events.sqlite"
            let outcome = try SourceIngestor.ingest(inputPath: input, gzip: gzip, format: .jsonl, databasePath: db,
                                                    limits: IngestLimits())
            // Dates are TEXT and booleans INTEGER in SQLite, as for CSV; the profile keeps the types.
            #expect(try IngestTest.schema(db) == [
                [.text("when"), .text("TEXT")], [.text("region"), .text("TEXT")], [.text("sales"), .text("REAL")],
                [.text("units"), .text("INTEGER")], [.text("tags"), .text("TEXT")], [.text("paid"), .text("INTEGER")],
            ])
            #expect(outcome.profile.columns.map(\.type) == [.date, .text, .real, .integer, .text, .boolean])
            #expect(try IngestTest.rows(db, "SELECT region, SUM(sales), SUM(paid) FROM data GROUP BY region ORDER BY region")
                == [[.text("North"), .real(120.5), .integer(0)], [.text("South"), .real(80), .integer(1)]])
            // Integers beyond 2^53 keep every digit; nested values are JSON text SQLite can read.
            #expect(try IngestTest.rows(db, "SELECT units, typeof(units) FROM data WHERE region = 'South'")
                == [[.integer(9007199254740993), .text("integer")]])
            #expect(try IngestTest.rows(db, "SELECT json_extract(tags, '$.k[1].z') FROM data WHERE \"when\" = '2024-01-07'")
                == [[.integer(2)]])
            #expect(try IngestTest.rows(db, "SELECT tags FROM data WHERE \"when\" = '2024-01-05'") == [[.text("[\"new\"]")]])
            #expect(outcome.profile.rowCount == 3)
            #expect(outcome.profile.format == "jsonl")
            #expect(outcome.profile.columns.map(\.nullCount) == [0, 0, 1, 0, 1, 1])
            #expect(outcome.valueIndex.values["region"] == ["North", "South"])
            #expect(outcome.profile.warnings.contains("key tags: nested objects or arrays are stored as their JSON text"))
            let stored = try #require(try IngestTest.rows(db, "SELECT value FROM lumiere_meta WHERE key = 'profile'").first?.first?.textValue)
            #expect(try JSONDecoder().decode(SourceProfile.self, from: Data(stored.utf8)).format == "jsonl")
            #expect(outcome.sha256 == SourceIngestorTests.sha256Hex(input))
            #expect(try IngestTest.rows(db, "PRAGMA integrity_check") == [[.text("ok")]])
        }
    }

    @Test func aBadLineLeavesNoDatabaseAndNamesTheLine() throws {
        try IngestTest.withTemporaryDirectory { dir in
            let input = dir + "/events.jsonl"
            // Line 4 is blank: skipped, but counted, so the number matches an editor's.
            try IngestTest.write(Array((Self.events + "\n{\"region\": \"East\", \"sales\": 1,}\n").utf8), to: input)
            let db = dir + "/events.sqlite"
            let error = try #require(IngestTest.ingestError { () throws(LumiereError) in
                try SourceIngestor.ingest(inputPath: input, gzip: false, format: .jsonl, databasePath: db, limits: IngestLimits())
            })
            #expect(error.code == .malformedJSON)
            #expect(error.message == "line 5 is not valid JSON: a key in double quotes was expected")
            #expect(!FileManager.default.fileExists(atPath: db))
            #expect(!FileManager.default.fileExists(atPath: db + ".tmp"))
        }
    }

    @Test func hostileFilesAreRefusedByTheIngestLimits() throws {
        try IngestTest.withTemporaryDirectory { dir in
            let db = dir + "/h.sqlite"
            let deep = dir + "/deep.jsonl"
            try IngestTest.write(Array(("{\"a\": 1}\n{\"a\": " + String(repeating: "{\"b\": ", count: 100) + "1"
                + String(repeating: "}", count: 101) + "\n").utf8), to: deep)
            let deepError = try #require(IngestTest.ingestError { () throws(LumiereError) in
                try SourceIngestor.ingest(inputPath: deep, gzip: false, format: .jsonl, databasePath: db, limits: IngestLimits())
            })
            #expect(deepError.code == .jsonTooDeep)
            #expect(deepError.message == "line 2 nests objects or arrays more than 32 levels deep")

            let wide = dir + "/wide.jsonl"
            let keys = (0..<11).map { "\"k\($0)\": \($0)" }.joined(separator: ", ")
            try IngestTest.write(Array("{\(keys)}\n".utf8), to: wide)
            let wideError = try #require(IngestTest.ingestError { () throws(LumiereError) in
                try SourceIngestor.ingest(inputPath: wide, gzip: false, format: .jsonl, databasePath: db,
                                          limits: IngestLimits(maxColumns: 10))
            })
            #expect(wideError.code == .tooManyColumns)

            let big = dir + "/big.jsonl"
            try IngestTest.write(Array("{\"a\": \"\(String(repeating: "x", count: 2048))\"}\n".utf8), to: big)
            let bigError = try #require(IngestTest.ingestError { () throws(LumiereError) in
                try SourceIngestor.ingest(inputPath: big, gzip: false, format: .jsonl, databasePath: db,
                                          limits: IngestLimits(maxFieldBytes: 1024))
            })
            #expect(bigError.code == .fieldTooLarge)
            #expect(bigError.message == "line 1 has a key or value longer than 1024 bytes")
            #expect(!FileManager.default.fileExists(atPath: db))
        }
    }
}
