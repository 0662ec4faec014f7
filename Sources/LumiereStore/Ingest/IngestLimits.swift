// IngestLimits and IngestOutcome: what an ingest may consume and what it reports.
//
// Inputs: set by the daemon's configuration (or the defaults below).
// Outputs: `IngestOutcome` carries the profile, the value index, the input's SHA-256 and
// size, and how long each stage took.
// Failure modes: none here.

import LumiereCore

public struct IngestLimits: Sendable, Equatable {
    /// The most bytes an input may have, counted both as stored and after
    /// decompression. The default is 2 GiB.
    public var maxBytes: Int64
    /// The most columns a table may have (SQLite's own default cap).
    /// The default is 2000.
    public var maxColumns: Int
    /// The most bytes one field may hold. The default is 1 MiB.
    public var maxFieldBytes: Int
    /// Distinct values kept per text column in the value index. The default is 1000.
    public var valueIndexCap: Int
    /// Distinct values counted exactly per column before the count becomes a
    /// HyperLogLog estimate. The default is 100 000.
    public var distinctExactCap: Int

    /// JSON Lines: the deepest nesting of objects and arrays accepted (the line's own
    /// object is level 1). The default is 32.
    public var maxJSONDepth: Int

    /// Excel `.xlsx`: the most entries (files) the ZIP archive may list. The default is 10 000.
    public var maxZipEntries: Int
    /// Excel `.xlsx`: the most bytes one part may inflate to per compressed byte, counted
    /// while it is read (the sizes in the ZIP headers are not trusted). Parts that inflate
    /// to less than 16 MiB are not checked. The default is 200.
    public var maxCompressionRatio: Int
    /// Excel `.xlsx`: the most shared strings (distinct cell texts) a workbook may hold.
    /// The default is 2 000 000.
    public var maxSharedStrings: Int
    /// Excel `.xlsx`: the most bytes of text the shared strings may hold in all; the
    /// table is kept in memory while the sheet is read. The default is 256 MiB.
    public var maxSharedStringBytes: Int

    public init(maxBytes: Int64 = 2 << 30, maxColumns: Int = 2000, maxFieldBytes: Int = 1 << 20,
                valueIndexCap: Int = 1000, distinctExactCap: Int = 100_000, maxJSONDepth: Int = 32,
                maxZipEntries: Int = 10_000, maxCompressionRatio: Int = 200,
                maxSharedStrings: Int = 2_000_000, maxSharedStringBytes: Int = 256 << 20) {
        self.maxBytes = maxBytes
        self.maxColumns = maxColumns
        self.maxFieldBytes = maxFieldBytes
        self.valueIndexCap = valueIndexCap
        self.distinctExactCap = distinctExactCap
        self.maxJSONDepth = maxJSONDepth
        self.maxZipEntries = maxZipEntries
        self.maxCompressionRatio = maxCompressionRatio
        self.maxSharedStrings = maxSharedStrings
        self.maxSharedStringBytes = maxSharedStringBytes
    }

    var csvLimits: CSVLimits { CSVLimits(maxColumns: maxColumns, maxFieldBytes: maxFieldBytes) }
    var profileOptions: CSVProfileOptions {
        CSVProfileOptions(valueIndexCap: valueIndexCap, distinctExactCap: distinctExactCap)
    }
}

public struct IngestOutcome: Sendable, Equatable {
    public var profile: SourceProfile
    public var valueIndex: ValueIndex
    /// SHA-256 (lowercase hex) of the input file's bytes as given (compressed or not).
    public var sha256: String
    /// Size of the input file as given, in bytes.
    public var sizeBytes: Int64
    /// Milliseconds per stage: `analyze` (first pass), `load` (second pass and
    /// INSERTs), `finalize` (meta table, journal mode, fsync, rename), `total`.
    public var timingsMs: [String: Double]

    public init(profile: SourceProfile, valueIndex: ValueIndex, sha256: String, sizeBytes: Int64,
                timingsMs: [String: Double]) {
        self.profile = profile
        self.valueIndex = valueIndex
        self.sha256 = sha256
        self.sizeBytes = sizeBytes
        self.timingsMs = timingsMs
    }
}
