// SandboxFunctions: aggregates analytic SQL needs that SQLite 3.40 lacks, registered on
// each sandboxed connection: median(x), percentile(x, p), stddev(x), variance(x).
//
// Inputs: the values of one group, one xStep call each. Outputs: one REAL per group, or
// NULL when the group has no numeric values (stddev/variance: fewer than two).
// Failure modes: SQLITE_NOMEM when storing values would pass the heap limit; an SQL error
// when percentile's p is not a number in 0...100 or changes within a group.
//
// Semantics: NULLs are ignored; INTEGER and REAL values count; TEXT that looks like a
// number counts as that number (SQLite's numeric affinity), other TEXT and BLOBs are
// ignored. stddev and variance are the sample statistics (n - 1), like PostgreSQL's.
// percentile(x, p) takes p in 0...100 and interpolates linearly, like SQLite 3.47's
// percentile extension; percentile(x, 50) == median(x).
//
// Memory: median and percentile must keep every value of a group. The values live in
// sqlite3_malloc'd memory, so they count against sqlite3_hard_heap_limit64 and a hostile
// median over a cross join fails with SQLITE_NOMEM instead of eating the process. Picking
// the middle uses quickselect (expected linear time) rather than a full sort, because it
// runs inside one VM instruction where the progress-handler deadline cannot stop it.
// The aggregate state sits in sqlite3_aggregate_context memory; SQLite calls xFinal for
// every group that saw an xStep, also when the statement fails or is interrupted, and
// xFinal frees the values.

import GRDBSQLite

enum SandboxFunctions {
    /// Register the functions on a connection: deterministic (usable in indexes and
    /// constant folding) and direct-only (never callable from schema objects).
    static func register(on db: OpaquePointer) -> Int32 {
        let flags = SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_DIRECTONLY
        let registrations: [(String, Int32, @convention(c) (OpaquePointer?, Int32, UnsafeMutablePointer<OpaquePointer?>?) -> Void,
                             @convention(c) (OpaquePointer?) -> Void)] = [
            ("median", 1, valuesStep, medianFinal),
            ("percentile", 2, valuesStep, percentileFinal),
            ("stddev", 1, momentsStep, stddevFinal),
            ("variance", 1, momentsStep, varianceFinal),
        ]
        for (name, argc, step, final) in registrations {
            let rc = sqlite3_create_function_v2(db, name, argc, flags, nil, nil, step, final, nil)
            if rc != SQLITE_OK { return rc }
        }
        return SQLITE_OK
    }
}

/// The numeric value of an argument, or nil when it is NULL, non-numeric text, a blob or NaN.
private func numericArgument(_ value: OpaquePointer?) -> Double? {
    switch sqlite3_value_numeric_type(value) {
    case SQLITE_INTEGER, SQLITE_FLOAT:
        let d = sqlite3_value_double(value)
        return d.isNaN ? nil : d
    default:
        return nil
    }
}

// MARK: median and percentile

/// Aggregate state for median/percentile. All-zero bytes (what sqlite3_aggregate_context
/// hands out) are a valid empty state.
private struct ValueBuffer {
    var values: UnsafeMutablePointer<Double>?
    var count: Int
    var capacity: Int
    /// percentile's p, fixed by the first row of the group.
    var percent: Double
    var hasPercent: Bool
}

private func valueBuffer(_ ctx: OpaquePointer?, create: Bool) -> UnsafeMutablePointer<ValueBuffer>? {
    let size = create ? Int32(MemoryLayout<ValueBuffer>.stride) : 0
    guard let raw = sqlite3_aggregate_context(ctx, size) else { return nil }
    return raw.bindMemory(to: ValueBuffer.self, capacity: 1)
}

private let valuesStep: @convention(c) (OpaquePointer?, Int32, UnsafeMutablePointer<OpaquePointer?>?) -> Void = { ctx, argc, argv in
    guard let argv, let state = valueBuffer(ctx, create: true) else {
        sqlite3_result_error_nomem(ctx)
        return
    }
    if argc == 2 {
        guard let p = numericArgument(argv[1]), p >= 0, p <= 100 else {
            sqlite3_result_error(ctx, "percentile(x, p): p must be a number from 0 to 100", -1)
            return
        }
        if state.pointee.hasPercent, state.pointee.percent != p {
            sqlite3_result_error(ctx, "percentile(x, p): p must be the same for every row of a group", -1)
            return
        }
        state.pointee.percent = p
        state.pointee.hasPercent = true
    }
    guard let x = numericArgument(argv[0]) else { return }
    if state.pointee.count == state.pointee.capacity {
        let capacity = max(64, state.pointee.capacity * 2)
        // sqlite3_realloc64, not Swift's allocator: the heap limit must see this memory.
        guard let grown = sqlite3_realloc64(state.pointee.values, UInt64(capacity * MemoryLayout<Double>.stride)) else {
            sqlite3_result_error_nomem(ctx)
            return
        }
        state.pointee.values = grown.bindMemory(to: Double.self, capacity: capacity)
        state.pointee.capacity = capacity
    }
    state.pointee.values![state.pointee.count] = x
    state.pointee.count += 1
}

private let medianFinal: @convention(c) (OpaquePointer?) -> Void = { ctx in
    finishPercentile(ctx, percent: 50)
}

private let percentileFinal: @convention(c) (OpaquePointer?) -> Void = { ctx in
    finishPercentile(ctx, percent: nil)
}

private func finishPercentile(_ ctx: OpaquePointer?, percent fixed: Double?) {
    guard let state = valueBuffer(ctx, create: false) else {
        sqlite3_result_null(ctx)
        return
    }
    defer {
        sqlite3_free(state.pointee.values)
        state.pointee.values = nil
        state.pointee.count = 0
        state.pointee.capacity = 0
    }
    guard let values = state.pointee.values, state.pointee.count > 0 else {
        sqlite3_result_null(ctx)
        return
    }
    let buffer = UnsafeMutableBufferPointer(start: values, count: state.pointee.count)
    let percent = fixed ?? state.pointee.percent
    sqlite3_result_double(ctx, interpolatedPercentile(buffer, percent: percent))
}

/// The p-th percentile (0...100) of the values, interpolating between neighbours.
/// Reorders the buffer.
func interpolatedPercentile(_ a: UnsafeMutableBufferPointer<Double>, percent: Double) -> Double {
    let rank = percent / 100 * Double(a.count - 1)
    let lower = Int(rank.rounded(.down))
    let upper = min(Int(rank.rounded(.up)), a.count - 1)
    let high = quickselect(a, upper)
    if upper == lower { return high }
    // After quickselect everything left of `upper` is <= a[upper]: the value ranked
    // `lower` (= upper - 1) is the largest of them.
    var low = a[0]
    for i in 1..<upper where a[i] > low { low = a[i] }
    return low + (high - low) * (rank - Double(lower))
}

/// Puts the k-th smallest value at index k, smaller-or-equal values left of it, and
/// returns it. Three-way partitioning with a pseudo-random pivot: expected linear time,
/// also when most values are equal.
func quickselect(_ a: UnsafeMutableBufferPointer<Double>, _ k: Int) -> Double {
    var lo = 0, hi = a.count - 1
    var seed = UInt64(truncatingIfNeeded: a.count) &* 0x9E37_79B9_7F4A_7C15 | 1
    while lo < hi {
        // xorshift64: cheap, and no adversary sees the pivots.
        seed ^= seed << 13; seed ^= seed >> 7; seed ^= seed << 17
        let pivot = a[lo + Int(seed % UInt64(hi - lo + 1))]
        var lt = lo, i = lo, gt = hi
        while i <= gt {
            if a[i] < pivot { a.swapAt(lt, i); lt += 1; i += 1 }
            else if a[i] > pivot { a.swapAt(i, gt); gt -= 1 }
            else { i += 1 }
        }
        if k < lt { hi = lt - 1 } else if k > gt { lo = gt + 1 } else { return pivot }
    }
    return a[k]
}

// MARK: stddev and variance

/// Welford's running mean and sum of squared deviations: numerically stable, constant memory.
private struct Moments {
    var count: Int
    var mean: Double
    var m2: Double
}

private let momentsStep: @convention(c) (OpaquePointer?, Int32, UnsafeMutablePointer<OpaquePointer?>?) -> Void = { ctx, _, argv in
    guard let argv, let raw = sqlite3_aggregate_context(ctx, Int32(MemoryLayout<Moments>.stride)) else {
        sqlite3_result_error_nomem(ctx)
        return
    }
    guard let x = numericArgument(argv[0]) else { return }
    let m = raw.bindMemory(to: Moments.self, capacity: 1)
    m.pointee.count += 1
    let delta = x - m.pointee.mean
    m.pointee.mean += delta / Double(m.pointee.count)
    m.pointee.m2 += delta * (x - m.pointee.mean)
}

private func sampleVariance(_ ctx: OpaquePointer?) -> Double? {
    guard let raw = sqlite3_aggregate_context(ctx, 0) else { return nil }
    let m = raw.bindMemory(to: Moments.self, capacity: 1).pointee
    guard m.count >= 2 else { return nil }
    return m.m2 / Double(m.count - 1)
}

private let varianceFinal: @convention(c) (OpaquePointer?) -> Void = { ctx in
    if let v = sampleVariance(ctx) { sqlite3_result_double(ctx, v) } else { sqlite3_result_null(ctx) }
}

private let stddevFinal: @convention(c) (OpaquePointer?) -> Void = { ctx in
    if let v = sampleVariance(ctx) { sqlite3_result_double(ctx, v.squareRoot()) } else { sqlite3_result_null(ctx) }
}
