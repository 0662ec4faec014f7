// The two-thread load and the multi-row INSERT groups, checked against the in-memory
// reader: whatever the batching, the table must hold exactly the rows the core reads.

import Foundation
import Testing
@testable import LumiereCore
@testable import LumiereStore

@Suite("Ingest pipeline")
struct IngestPipelineTests {
    /// A deterministic CSV with `rows` rows and `columns` columns of mixed types.
    static func makeCSV(rows: Int, columns: Int, bigFieldEvery: Int = 0) -> [UInt8] {
        var text = (0..<columns).map { "c\($0)" }.joined(separator: ",") + "\n"
        for r in 0..<rows {
            var fields: [String] = []
            for c in 0..<columns {
                switch c % 4 {
                case 0: fields.append(String(r * 7 + c))
                case 1: fields.append(r % 5 == 0 ? "" : String(format: "%.2f", Double(r) / 3))
                case 2: fields.append("\"name \(r % 97), \(c)\"")
                default:
                    if bigFieldEvery > 0 && r % bigFieldEvery == 0 {
                        fields.append(String(repeating: "z", count: 300_000))
                    } else {
                        fields.append("2024-0\(1 + r % 9)-1\(r % 10)")
                    }
                }
            }
            text += fields.joined(separator: ",") + "\n"
        }
        return Array(text.utf8)
    }

    @Test(arguments: [(10_007, 6, 0), (1_001, 301, 0), (33, 2000, 0), (40, 4, 7)])
    func tableMatchesTheInMemoryReader(rows: Int, columns: Int, bigFieldEvery: Int) throws {
        try IngestTest.withTemporaryDirectory { dir in
            let bytes = Self.makeCSV(rows: rows, columns: columns, bigFieldEvery: bigFieldEvery)
            let input = dir + "/in.csv"
            try IngestTest.write(bytes, to: input)
            let db = dir + "/out.sqlite"
            let outcome = try SourceIngestor.ingest(inputPath: input, gzip: false, databasePath: db, limits: IngestLimits())
            let expected = try CSVMemoryReader.read(bytes)
            #expect(outcome.profile == expected.profile)
            #expect(outcome.valueIndex == expected.valueIndex)
            let stored = try IngestTest.rows(db, "SELECT * FROM data ORDER BY rowid")
            #expect(stored.count == rows)
            #expect(stored == expected.rows)
        }
    }

    @Test func concatenatedGzipMembersAreOneFile() throws {
        try IngestTest.withTemporaryDirectory { dir in
            try IngestTest.write(Array("a,b\n1,x\n".utf8), to: dir + "/p1.csv")
            try IngestTest.write(Array("2,y\n3,z\n".utf8), to: dir + "/p2.csv")
            let gz = dir + "/all.csv.gz"
            try SourceIngestorTests.shell("gzip -c '\(dir)/p1.csv' > '\(gz)' && gzip -c '\(dir)/p2.csv' >> '\(gz)'")
            let db = dir + "/out.sqlite"
            _ = try SourceIngestor.ingest(inputPath: gz, gzip: true, databasePath: db, limits: IngestLimits())
            #expect(try IngestTest.rows(db, "SELECT a, b FROM data") == [[.integer(1), .text("x")], [.integer(2), .text("y")],
                                                                         [.integer(3), .text("z")]])
        }
    }

    @Test func truncatedGzipIsRejected() throws {
        try IngestTest.withTemporaryDirectory { dir in
            let source = try IngestTest.fixturePath("test_sales_data.csv")
            let gz = dir + "/cut.csv.gz"
            try SourceIngestorTests.shell("gzip -c '\(source)' | head -c 200 > '\(gz)'")
            let error = IngestTest.ingestError { () throws(LumiereError) in
                try SourceIngestor.ingest(inputPath: gz, gzip: true, databasePath: dir + "/x.sqlite", limits: IngestLimits())
            }
            #expect(error?.code == .notCSV)
            #expect(!FileManager.default.fileExists(atPath: dir + "/x.sqlite"))
        }
    }

    @Test func emptyGzipFilesAreEmpty() throws {
        try IngestTest.withTemporaryDirectory { dir in
            try IngestTest.write([], to: dir + "/zero.csv.gz")
            try IngestTest.write([], to: dir + "/empty.csv")
            try SourceIngestorTests.shell("gzip -c '\(dir)/empty.csv' > '\(dir)/empty.csv.gz'")
            for name in ["zero.csv.gz", "empty.csv.gz"] {
                let error = IngestTest.ingestError { () throws(LumiereError) in
                    try SourceIngestor.ingest(inputPath: dir + "/" + name, gzip: true, databasePath: dir + "/x.sqlite",
                                              limits: IngestLimits())
                }
                #expect(error?.code == .emptyFile, "\(name)")
            }
        }
    }

    @Test func decompressedSizeIsCapped() throws {
        try IngestTest.withTemporaryDirectory { dir in
            let input = dir + "/big.csv"
            try IngestTest.write(Self.makeCSV(rows: 2000, columns: 4), to: input)
            try SourceIngestorTests.shell("gzip -k '\(input)'")
            let error = IngestTest.ingestError { () throws(LumiereError) in
                try SourceIngestor.ingest(inputPath: input + ".gz", gzip: true, databasePath: dir + "/x.sqlite",
                                          limits: IngestLimits(maxBytes: 20_000))
            }
            #expect(error?.code == .fileTooLarge)
            #expect(error?.message.contains("decompressed") == true)
        }
    }
}

@Suite("Row batch pipeline")
struct RowBatchPipelineTests {
    /// Produces `rows` one-integer rows.
    static func produce(rows: Int) -> @Sendable (inout BatchingSink) throws(LumiereError) -> Void {
        { (sink) throws(LumiereError) in
            var cell = CSVCell.integer(0)
            for i in 0..<rows {
                cell = .integer(Int64(i))
                try withUnsafePointer(to: &cell) { (p) throws(LumiereError) in
                    try sink.consume(UnsafeBufferPointer(start: p, count: 1))
                }
            }
        }
    }

    @Test func everyRowArrivesInOrder() throws {
        var seen: [Int64] = []
        try RowBatchPipeline.run(columnCount: 1, produce: Self.produce(rows: 50_000)) { (batch) throws(LumiereError) in
            for r in 0..<batch.rowCount {
                if case .integer(let v) = batch.cells[r] { seen.append(v) }
            }
        }
        #expect(seen == (0..<50_000).map(Int64.init))
    }

    @Test func consumerErrorStopsTheProducerAndIsRethrown() {
        var batches = 0
        let failure = LumiereError(.diskFull, "disk full", hint: "free space", transient: true)
        do {
            try RowBatchPipeline.run(columnCount: 1, produce: Self.produce(rows: 1_000_000)) { (_) throws(LumiereError) in
                batches += 1
                if batches == 2 { throw failure }
            }
            Issue.record("expected an error")
        } catch {
            #expect(error == failure)
        }
        #expect(batches == 2)
    }

    @Test func producerErrorIsRethrownAndItsPartialBatchDropped() {
        var rows = 0
        let failure = LumiereError(.malformedCSV, "bad", hint: "fix it")
        do {
            try RowBatchPipeline.run(columnCount: 1, produce: { (sink) throws(LumiereError) in
                try Self.produce(rows: 10)(&sink)
                throw failure
            }) { (batch) throws(LumiereError) in rows += batch.rowCount }
            Issue.record("expected an error")
        } catch {
            #expect(error == failure)
        }
        #expect(rows == 0)
    }
}
