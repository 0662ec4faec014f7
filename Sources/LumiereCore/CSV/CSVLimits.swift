// CSVLimits: the size caps the CSV reader enforces while it streams.
//
// Inputs: set by the caller (the store maps its `IngestLimits` onto these).
// Outputs: none; the tokenizer and analyzer read them.
// Failure modes: none here; exceeding a cap is reported by the reader as
// `too_many_columns` or `field_too_large` with a line number.

public struct CSVLimits: Sendable, Equatable {
    /// The most fields a row may have. SQLite's default column cap is 2000.
    /// The default is 2000.
    public var maxColumns: Int
    /// The most bytes one field may hold. The default is 1 MiB.
    public var maxFieldBytes: Int
    /// The most bytes one row may hold; bounds the tokenizer's buffer.
    /// The default is 64 MiB.
    public var maxRowBytes: Int

    public init(maxColumns: Int = 2000, maxFieldBytes: Int = 1 << 20, maxRowBytes: Int = 64 << 20) {
        self.maxColumns = max(1, maxColumns)
        // SQLite binds lengths as Int32, so no field or row may reach 2 GiB.
        self.maxFieldBytes = min(max(1, maxFieldBytes), Int(Int32.max) / 2)
        self.maxRowBytes = min(max(self.maxFieldBytes, maxRowBytes), Int(Int32.max) / 2)
    }
}

/// Caps for the column profile and the value index.
public struct CSVProfileOptions: Sendable, Equatable {
    /// Distinct values kept per text column in the value index. The default is 1000.
    public var valueIndexCap: Int
    /// Distinct values counted exactly per column before switching to a HyperLogLog
    /// estimate. The default is 100 000.
    public var distinctExactCap: Int
    /// Distinct values counted exactly over all columns together, so wide files stay
    /// within memory (each costs about 16 bytes). The default is 4 000 000.
    public var distinctBudget: Int

    public init(valueIndexCap: Int = 1000, distinctExactCap: Int = 100_000, distinctBudget: Int = 4_000_000) {
        self.valueIndexCap = max(0, valueIndexCap)
        self.distinctExactCap = max(1, distinctExactCap)
        self.distinctBudget = max(1, distinctBudget)
    }
}
