// ColumnProfileAccumulator: the statistics of one column, gathered from the values as
// they are stored (after conversion), so the profile describes the table, not the file.
//
// Inputs: each stored cell (`addNull`, `add(integer:)`, `add(real:)`, `add(text:)`).
// Outputs: a `ColumnProfile` (null count, distinct count — exact, or estimated past the
// cap —, typed min/max, up to 5 samples in first-seen order) and, for TEXT columns, the
// value-index list (distinct values in first-seen order, up to `valueIndexCap`).
// Text min/max compare bytes, as SQLite's BINARY collation does. Kept texts are cut to
// 256 bytes (see `maxKeptTextBytes`) so memory stays bounded whatever the fields hold.
// Failure modes: none.

import Foundation

public struct ColumnProfileAccumulator {
    public static let sampleCount = 5
    public let name: String
    public let type: ColumnType
    public private(set) var nullCount = 0
    var distinct: DistinctCounter
    let indexesValues: Bool
    let valueIndexCap: Int
    public private(set) var samples: [String] = []
    public private(set) var indexValues: [String] = []
    public private(set) var indexTruncated = false
    var intMin = Int64.max, intMax = Int64.min
    var realMin = Double.infinity, realMax = -Double.infinity
    var textMin: [UInt8]?, textMax: [UInt8]?

    public init(name: String, type: ColumnType, exactDistinctCap: Int, valueIndexCap: Int) {
        self.name = name
        self.type = type
        self.distinct = DistinctCounter(exactCap: exactDistinctCap)
        self.indexesValues = type == .text
        self.valueIndexCap = valueIndexCap
    }

    @inline(__always) public mutating func addNull() { nullCount += 1 }

    @inline(__always)
    public mutating func add(integer v: Int64) {
        // A value seen before cannot be a new extreme: compare only new values (all of
        // them once the count is an estimate).
        let isNew = distinct.insert(ValueHash.integer(v))
        guard isNew || distinct.isEstimate else { return }
        if v < intMin { intMin = v }
        if v > intMax { intMax = v }
        if isNew && samples.count < Self.sampleCount { samples.append(String(v)) }
    }

    @inline(__always)
    public mutating func add(real v: Double) {
        let isNew = distinct.insert(ValueHash.real(v))
        guard isNew || distinct.isEstimate else { return }
        if v < realMin { realMin = v }
        if v > realMax { realMax = v }
        if isNew && samples.count < Self.sampleCount { samples.append(SQLValue.real(v).description) }
    }

    @inline(__always)
    public mutating func add(text v: UnsafeRawBufferPointer) {
        let isNew = distinct.insert(ValueHash.bytes(v))
        guard isNew || distinct.isEstimate else { return }
        if textMin == nil || Self.less(v, textMin!) { textMin = Array(Self.prefix(v)) }
        if textMax == nil || Self.less(textMax!, v) { textMax = Array(Self.prefix(v)) }
        guard isNew else { return }
        let wantSample = samples.count < Self.sampleCount
        let wantIndex = indexesValues && !indexTruncated
        guard wantSample || wantIndex else { return }
        let s = String(decoding: Self.prefix(v), as: UTF8.self)
        if wantSample { samples.append(s) }
        if wantIndex {
            // Long texts (descriptions, notes) are no use for matching words in questions
            // and would make the index large: leave them out and mark the list incomplete.
            if indexValues.count < valueIndexCap && v.count <= Self.maxKeptTextBytes {
                indexValues.append(s)
            } else {
                indexTruncated = true
            }
        }
    }

    /// Longest text kept for samples, min/max and the value index. A field may hold up to
    /// the field cap (1 MiB) and a file 2000 columns, so keeping whole values could cost
    /// gigabytes; min/max of longer texts are their first 256 bytes (compared as such).
    public static let maxKeptTextBytes = 256

    /// The first `maxKeptTextBytes` bytes, cut at a UTF-8 character boundary.
    @inline(__always)
    static func prefix(_ v: UnsafeRawBufferPointer) -> UnsafeRawBufferPointer {
        if v.count <= maxKeptTextBytes { return v }
        var end = maxKeptTextBytes
        while end > 0 && v[end] & 0xC0 == 0x80 { end -= 1 }
        return UnsafeRawBufferPointer(rebasing: v[..<end])
    }

    @inline(__always)
    static func less(_ a: UnsafeRawBufferPointer, _ b: UnsafeRawBufferPointer) -> Bool {
        let n = min(a.count, b.count)
        if n > 0 {
            let c = memcmp(a.baseAddress!, b.baseAddress!, n)
            if c != 0 { return c < 0 }
        }
        return a.count < b.count
    }

    static func less(_ a: UnsafeRawBufferPointer, _ b: [UInt8]) -> Bool {
        b.withUnsafeBytes { less(a, $0) }
    }

    static func less(_ a: [UInt8], _ b: UnsafeRawBufferPointer) -> Bool {
        a.withUnsafeBytes { less($0, b) }
    }

    public var profile: ColumnProfile {
        var lo: SQLValue?, hi: SQLValue?
        switch type {
        case .integer, .boolean:
            if intMin <= intMax { lo = .integer(intMin); hi = .integer(intMax) }
        case .real:
            if realMin <= realMax { lo = .real(realMin); hi = .real(realMax) }
        case .text, .date, .datetime:
            lo = textMin.map { .text(String(decoding: $0, as: UTF8.self)) }
            hi = textMax.map { .text(String(decoding: $0, as: UTF8.self)) }
        }
        return ColumnProfile(name: name, type: type, nullCount: nullCount, distinctCount: distinct.count,
                             distinctIsEstimate: distinct.isEstimate, min: lo, max: hi, samples: samples)
    }
}
