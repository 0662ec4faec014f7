// Targets of lumiere-fuzz: libFuzzer targets for Lumiere's untrusted-input parsers, one binary, the
// target chosen by $LUMIERE_FUZZ_TARGET (csv, request, analyst). Built only by
// scripts/fuzz (LUMIERE_FUZZ=1, -sanitize=fuzzer,address); main.swift starts libFuzzer.
//
// Inputs: libFuzzer's byte strings. Outputs: nothing; a broken property traps (fatalError
// with the reason), which libFuzzer reports as a crash and saves the input.
// Properties:
//   csv      CSVMemoryReader (dialect, encoding, header, type inference, profile) never
//            crashes; every error is a LumiereError with a message; every row has one cell
//            per column; reading in chunks of 1..64 bytes gives exactly what one chunk gives.
//   request  Request.parse never crashes; errors are malformed_request / unknown_action
//            with a message; an accepted ask/sql/choose request has the fields it needs.
//   analyst  BuiltinAnalyst.translate over one of 256 generated schemas (really ingested by
//            SourceIngestor into a small SQLite source): never crashes; a refusal is
//            unsupported_question with a message; every SQL it emits (answer or candidate)
//            prepares and runs in SandboxedExecutor without error. Hangs are caught by
//            libFuzzer's -timeout.

import Foundation
import LumiereCore
import LumiereStore

enum FuzzTarget: String {
    case csv, request, analyst
}

nonisolated(unsafe) let fuzzTarget: FuzzTarget = {
    let name = ProcessInfo.processInfo.environment["LUMIERE_FUZZ_TARGET"] ?? ""
    guard let t = FuzzTarget(rawValue: name) else {
        fatalError("set LUMIERE_FUZZ_TARGET to csv, request or analyst (got \"\(name)\")")
    }
    return t
}()

/// libFuzzer's per-input callback. Exported under libFuzzer's name too: the toolchain's
/// libclang_rt.fuzzer archive member with libFuzzer's own main() gets linked and refers to
/// it by that name (SwiftPM's main, main.swift, is still the one that runs).
@_cdecl("LLVMFuzzerTestOneInput")
public func lumiereFuzzOne(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    switch fuzzTarget {
    case .csv: fuzzCSV(bytes)
    case .request: fuzzRequest(bytes)
    case .analyst: AnalystFuzz.shared.run(bytes)
    }
    return 0
}

func fail(_ why: String) -> Never {
    fatalError("lumiere-fuzz property broken: \(why)")
}

// MARK: csv

func fuzzCSV(_ input: [UInt8]) {
    // The first byte picks the chunk size, so chunk boundaries land everywhere.
    let chunk = input.isEmpty ? 1 : Int(input[0] % 64) + 1
    let bytes = Array(input.dropFirst())
    let limits = CSVLimits(maxColumns: 64, maxFieldBytes: 4096, maxRowBytes: 65536)
    let whole: Result<CSVTable, LumiereError>
    do throws(LumiereError) { whole = .success(try CSVMemoryReader.read(bytes, limits: limits)) } catch {
        whole = .failure(error)
    }
    let chunked: Result<CSVTable, LumiereError>
    do throws(LumiereError) { chunked = .success(try CSVMemoryReader.read(bytes, limits: limits, chunkSize: chunk)) } catch {
        chunked = .failure(error)
    }
    switch (whole, chunked) {
    case (.success(let a), .success(let b)):
        let width = a.columnNames.count
        if let bad = a.rows.firstIndex(where: { $0.count != width }) {
            fail("row \(bad) has \(a.rows[bad].count) cells for \(width) columns")
        }
        if a.profile.columns.count != width { fail("profile has \(a.profile.columns.count) columns for \(width)") }
        if a.profile.rowCount != a.rows.count { fail("profile says \(a.profile.rowCount) rows, read \(a.rows.count)") }
        if a.analysis != b.analysis { fail("chunk size \(chunk) changed the analysis") }
        if a.rows.count != b.rows.count || !zip(a.rows, b.rows).allSatisfy({ sameRow($0, $1) }) {
            fail("chunk size \(chunk) changed the rows")
        }
    case (.failure(let e), .failure(let f)):
        if e.message.isEmpty { fail("an error without a message: \(e.code)") }
        if e.code != f.code { fail("chunk size \(chunk) changed the error: \(e.code) vs \(f.code)") }
    case (.success, .failure(let e)), (.failure(let e), .success):
        fail("chunk size \(chunk) changed success into \(e.code) or back")
    }
}

/// Equal cells, with NaN equal to NaN.
func sameRow(_ a: [SQLValue], _ b: [SQLValue]) -> Bool {
    zip(a, b).allSatisfy { x, y in
        if case .real(let p) = x, case .real(let q) = y { return p == q || (p.isNaN && q.isNaN) }
        return x == y
    }
}

// MARK: request

func fuzzRequest(_ bytes: [UInt8]) {
    do throws(LumiereError) {
        let request = try Request.parse(Data(bytes))
        // What the daemon relies on after a successful parse.
        switch request.action {
        case .ask:
            if request.source == nil || (request.question ?? "").trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
                fail("an ask request without a source or question was accepted")
            }
        case .sql:
            if request.source == nil || request.sql == nil { fail("a sql request without a source or sql was accepted") }
        case .choose:
            if request.queryID == nil || request.choice == nil { fail("a choose request without query_id/choice was accepted") }
        default: break
        }
    } catch {
        if ![LumiereError.Code.malformedRequest, .unknownAction].contains(error.code) {
            fail("unexpected error code \(error.code)")
        }
        if error.message.isEmpty { fail("an error without a message") }
    }
}

// MARK: analyst

/// Generated schemas, each ingested once into a small real source database.
final class AnalystFuzz {
    nonisolated(unsafe) static let shared = AnalystFuzz()

    struct Source {
        var schema: SourceSchema
        var executor: SandboxedExecutor
        var words: [String]
    }

    private var sources: [UInt8: Source] = [:]
    private let dir: String

    init() {
        dir = NSTemporaryDirectory() + "lumiere-fuzz-\(getpid())"
        try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        atexit { try? FileManager.default.removeItem(atPath: NSTemporaryDirectory() + "lumiere-fuzz-\(getpid())") }
    }

    static let columnNames = [
        "Sales", "Region", "Date", "Product", "Price", "Quantity", "Category", "Customer_Type", "Total", "Amount",
        "Order Date", "count", "select", "data", "by", "top", "name", "Name", "value", "id", "user_id", "Salary",
        "Department", "Hire Date", "Temperature", "Shipped At", "status", "Status", "a\"b", "x'y", "ünïcode", "per cent %",
        "2024", "average", "month", "week", "day", "hour", "is_active", "Rating", "Score", "City",
    ]
    static let textValues = ["North", "South", "East", "West", "Widget A", "Gadget B", "Tool C", "Retail", "Wholesale",
                             "O'Brien", "\"quoted\"", "by", "total", "2024", "NULL", "", "a,b", "Ünïcode", "x; DROP TABLE data"]
    static let vocabulary = [
        "total", "average", "median", "max", "min", "how many", "number of", "distinct", "share of", "percentage",
        "by", "per", "for each", "across", "top 3", "bottom 2", "best", "worst", "highest", "lowest", "most", "least",
        "which", "show", "list", "first 5 rows", "vs", "compare", "difference between", "and", "or", "not",
        "excluding", "over 100", "under 50", "at least 5", "between 10 and 20", "in 2024", "in March",
        "before 2024-03-01", "after 2024-02-15", "since 2024", "last 3 months", "last month", "monthly", "weekly",
        "by quarter", "trend", "cumulative", "missing", "rows", "the", "of", "in", "what is", "running total",
        "this year", "Q1 2024", "from 2024-01-01 to 2024-02-01", "the week of March 4", "day of week", "hour of day",
        "most recent", "the first", "-5", ",", "=", "?", "99999999999999999999", "0", "on average", "each",
    ]

    func source(_ key: UInt8) -> Source {
        if let s = sources[key] { return s }
        var rng = SplitMix(state: UInt64(key) &+ 0x1234)
        let width = 1 + rng.below(6)
        var names: [String] = []
        while names.count < width {
            let n = rng.pick(Self.columnNames)
            if !names.contains(n) { names.append(n) }
        }
        let kinds = names.map { _ in rng.below(6) }  // 0 int, 1 real, 2 text, 3 date, 4 datetime, 5 boolean
        var csv = names.map(csvField).joined(separator: ",") + "\n"
        let rows = rng.below(30)
        for r in 0..<rows {
            let cells: [String] = kinds.map { k in
                if rng.below(10) == 0 { return "" }
                switch k {
                case 0: return String(rng.below(2000) - 500)
                case 1: return String(format: "%.2f", Double(rng.below(100_000)) / 100)
                case 2: return csvField(rng.pick(Self.textValues))
                case 3: return String(format: "2024-%02d-%02d", 1 + rng.below(12), 1 + rng.below(28))
                case 4: return String(format: "2024-%02d-%02d %02d:%02d:00", 1 + rng.below(12), 1 + rng.below(28), rng.below(24), rng.below(60))
                default: return r % 2 == 0 ? "true" : "false"
                }
            }
            csv += cells.joined(separator: ",") + "\n"
        }
        let csvPath = "\(dir)/s\(key).csv", dbPath = "\(dir)/s\(key).sqlite"
        FileManager.default.createFile(atPath: csvPath, contents: Data(csv.utf8))
        do {
            let outcome = try SourceIngestor.ingest(inputPath: csvPath, gzip: false, databasePath: dbPath)
            let schema = SourceSchema(rowCount: outcome.profile.rowCount, columns: outcome.profile.columns,
                                      valueIndex: outcome.valueIndex)
            var limits = SandboxLimits()
            limits.timeoutSeconds = 5
            let executor = try SandboxedExecutor(databasePath: dbPath, limits: limits)
            let words = Self.vocabulary + schema.columns.map(\.name) + schema.valueIndex.values.values.flatMap { $0.prefix(4) }
            let s = Source(schema: schema, executor: executor, words: words)
            sources[key] = s
            return s
        } catch {
            fail("the generated source \(key) did not ingest: \(error)\n\(csv)")
        }
    }

    func csvField(_ s: String) -> String {
        s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" }) ? "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : s
    }

    func run(_ bytes: [UInt8]) {
        guard bytes.count >= 2 else { return }
        let src = source(bytes[0])
        let rest = bytes.dropFirst(2)
        // Second byte even: the rest is raw question text. Odd: each byte picks a word
        // (vocabulary, the schema's columns and values), so salads reach the planner.
        let question: String
        if bytes[1] % 2 == 0 {
            question = String(decoding: rest, as: UTF8.self)
        } else {
            question = rest.prefix(24).map { src.words[Int($0) % src.words.count] }.joined(separator: " ")
        }
        let outcome = BuiltinAnalyst().translate(question, schema: src.schema)
        var sqls: [String] = []
        switch outcome {
        case .answer(let q): sqls = [q.sql]
        case .clarify(let candidates):
            if candidates.count < 2 { fail("a clarification with \(candidates.count) candidate(s) for \(question)") }
            sqls = candidates.map(\.sql)
        case .refuse(let e):
            if e.code != .unsupportedQuestion || e.message.isEmpty {
                fail("a refusal with code \(e.code) / message \"\(e.message)\" for \(question)")
            }
        }
        for sql in sqls {
            do throws(LumiereError) { _ = try src.executor.run(sql) } catch {
                fail("the sandbox refused generated SQL\n  question: \(question)\n  columns: "
                     + src.schema.columns.map { "\($0.name):\($0.type.rawValue)" }.joined(separator: ", ")
                     + "\n  sql: \(sql)\n  error: \(error)")
            }
        }
    }
}

struct SplitMix {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }
    mutating func pick<T>(_ items: [T]) -> T { items[below(items.count)] }
}
