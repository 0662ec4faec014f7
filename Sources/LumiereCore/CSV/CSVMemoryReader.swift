// CSVMemoryReader: both passes over bytes already in memory, in chunks of a chosen size
// (tests use tiny chunks to cross every boundary; previews use it on small files).
//
// Inputs: the file's bytes, limits, and the chunk size.
// Outputs: `CSVTable` — the analysis, every row as `SQLValue`s, the profile and value index.
// Failure modes: those of `CSVAnalyzer` and `CSVConverter`.

public struct CSVTable: Sendable {
    public var analysis: CSVAnalysis
    public var rows: [[SQLValue]]
    public var profile: SourceProfile
    public var valueIndex: ValueIndex

    public var columnNames: [String] { analysis.columns.map(\.name) }
}

public enum CSVMemoryReader {
    public static func read(_ bytes: [UInt8], limits: CSVLimits = CSVLimits(),
                            profileOptions: CSVProfileOptions = CSVProfileOptions(),
                            chunkSize: Int = 1 << 20) throws(LumiereError) -> CSVTable {
        let chunk = max(1, chunkSize)
        func chunks(_ body: (UnsafeRawBufferPointer) throws(LumiereError) -> Bool) throws(LumiereError) {
            try bytes.withBytes { (all) throws(LumiereError) in
                var at = 0
                while at < all.count {
                    let end = min(all.count, at + chunk)
                    if try !body(UnsafeRawBufferPointer(rebasing: all[at..<end])) { return }
                    at = end
                }
            }
        }
        let analyzer = CSVAnalyzer(limits: limits)
        try chunks { (c) throws(LumiereError) in try analyzer.feed(c); return !analyzer.needsWindows1252Restart }
        var analysis = try analyzer.finish()
        if analysis == nil {
            let retry = CSVAnalyzer(limits: limits, forcedEncoding: .windows1252)
            try chunks { (c) throws(LumiereError) in try retry.feed(c); return true }
            analysis = try retry.finish()
        }
        guard let analysis else {
            throw LumiereError(.internalError, "the CSV analysis did not settle on an encoding",
                               hint: "this is a bug in Lumiere; please report it with the file")
        }
        let converter = CSVConverter(analysis: analysis, limits: limits, profileOptions: profileOptions)
        var sink = CollectingSink()
        try chunks { (c) throws(LumiereError) in try converter.feed(c, into: &sink); return true }
        try converter.finish(into: &sink)
        let (profile, index) = converter.profile()
        return CSVTable(analysis: analysis, rows: sink.rows, profile: profile, valueIndex: index)
    }

    struct CollectingSink: CSVRowSink {
        var rows: [[SQLValue]] = []
        mutating func consume(_ cells: UnsafeBufferPointer<CSVCell>) throws(LumiereError) {
            rows.append(cells.map { cell in
                switch cell {
                case .null: return .null
                case .integer(let v): return .integer(v)
                case .real(let v): return .real(v)
                case .text(let b): return .text(String(decoding: b, as: UTF8.self))
                }
            })
        }
    }
}
