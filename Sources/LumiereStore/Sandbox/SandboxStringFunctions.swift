// SandboxStringFunctions: linear-time replacements for SQLite's instr(X,Y), replace(X,Y,Z)
// and the two-argument trim/ltrim/rtrim(X,Y), registered over the built-ins on sandboxed
// connections.
//
// Why: SQLite 3.40 implements these with nested loops — O(len(X) × len(Y)). With values up
// to SQLITE_LIMIT_LENGTH, one call is a CPU bomb that runs inside a single VM instruction,
// where neither the progress handler nor sqlite3_interrupt can stop it (measured with the
// sqlite3 shell: trim(s, t) on two 128 KiB strings takes 26 s; at 10 MB it would take days).
// These versions search with glibc's memmem (two-way algorithm, linear) and trim with hash
// sets, so their cost is linear in their input.
//
// Inputs/outputs: SQLite's semantics, checked against the built-ins in the tests — NULL in,
// NULL out; instr counts characters for text and bytes when both arguments are blobs;
// replace with an empty pattern returns X unchanged; trim removes any of the characters of
// Y (UTF-8 characters, compared as bytes). Failure modes: SQLITE_TOOBIG when replace's
// output would pass SQLITE_LIMIT_LENGTH (checked before allocating), SQLITE_NOMEM when
// the heap limit refuses the output buffer.

import CSQLiteShim
import Foundation
import GRDBSQLite

enum SandboxStringFunctions {
    static func register(on db: OpaquePointer) -> Int32 {
        // Deterministic like the built-ins they replace; not DIRECTONLY, because the
        // built-ins are not either (sources have no schema objects that call them anyway).
        let flags = SQLITE_UTF8 | SQLITE_DETERMINISTIC
        var rc = sqlite3_create_function_v2(db, "instr", 2, flags, nil, instrFunction, nil, nil, nil)
        if rc != SQLITE_OK { return rc }
        rc = sqlite3_create_function_v2(db, "replace", 3, flags, nil, replaceFunction, nil, nil, nil)
        if rc != SQLITE_OK { return rc }
        // The trim side goes in the function's user data: 1 = left, 2 = right, 3 = both.
        for (name, side) in [("ltrim", 1), ("rtrim", 2), ("trim", 3)] {
            rc = sqlite3_create_function_v2(db, name, 2, flags, UnsafeMutableRawPointer(bitPattern: side),
                                            trimFunction, nil, nil, nil)
            if rc != SQLITE_OK { return rc }
        }
        return SQLITE_OK
    }
}

/// The bytes of a value as text (SQLite converts numbers), or nil for NULL.
private func textBytes(_ value: OpaquePointer?) -> UnsafeRawBufferPointer? {
    guard let p = sqlite3_value_text(value) else { return nil }
    return UnsafeRawBufferPointer(start: p, count: Int(sqlite3_value_bytes(value)))
}

private func blobBytes(_ value: OpaquePointer?) -> UnsafeRawBufferPointer {
    let n = Int(sqlite3_value_bytes(value))
    guard n > 0, let p = sqlite3_value_blob(value) else { return UnsafeRawBufferPointer(start: nil, count: 0) }
    return UnsafeRawBufferPointer(start: p, count: n)
}

/// Offset of the first occurrence of `needle` in `haystack` at or after `from`, or nil.
private func find(_ needle: UnsafeRawBufferPointer, in haystack: UnsafeRawBufferPointer, from: Int) -> Int? {
    guard needle.count <= haystack.count - from, let h = haystack.baseAddress, let n = needle.baseAddress else {
        return nil
    }
    guard let hit = lumiere_memmem(h + from, haystack.count - from, n, needle.count) else { return nil }
    return UnsafeRawPointer(hit) - h
}

private let instrFunction: @convention(c) (OpaquePointer?, Int32, UnsafeMutablePointer<OpaquePointer?>?) -> Void = { ctx, _, argv in
    guard let argv else { return }
    let typeX = sqlite3_value_type(argv[0]), typeY = sqlite3_value_type(argv[1])
    if typeX == SQLITE_NULL || typeY == SQLITE_NULL { return sqlite3_result_null(ctx) }
    let isText = !(typeX == SQLITE_BLOB && typeY == SQLITE_BLOB)
    // Text conversion may move a value's bytes; fetch both before using either pointer.
    let haystack: UnsafeRawBufferPointer, needle: UnsafeRawBufferPointer
    if isText {
        guard let h = textBytes(argv[0]), let n = textBytes(argv[1]) else { return sqlite3_result_error_nomem(ctx) }
        haystack = h; needle = n
    } else {
        haystack = blobBytes(argv[0]); needle = blobBytes(argv[1])
    }
    if needle.count == 0 { return sqlite3_result_int64(ctx, 1) }
    guard let offset = find(needle, in: haystack, from: 0) else { return sqlite3_result_int64(ctx, 0) }
    guard isText else { return sqlite3_result_int64(ctx, Int64(offset + 1)) }
    // Character position: count the bytes before the hit that start a UTF-8 character.
    var characters: Int64 = 0
    for i in 0..<offset where haystack[i] & 0xC0 != 0x80 { characters += 1 }
    sqlite3_result_int64(ctx, characters + 1)
}

private let replaceFunction: @convention(c) (OpaquePointer?, Int32, UnsafeMutablePointer<OpaquePointer?>?) -> Void = { ctx, _, argv in
    guard let argv else { return }
    guard let source = textBytes(argv[0]) else { return sqlite3_result_null(ctx) }
    guard let pattern = textBytes(argv[1]) else { return sqlite3_result_null(ctx) }
    if pattern.count == 0 { return sqlite3_result_value(ctx, argv[0]) }
    guard let replacement = textBytes(argv[2]) else { return sqlite3_result_null(ctx) }
    // textBytes(argv[2]) cannot move argv[0]/argv[1]'s bytes: each value converts only itself.

    // Pass 1: count matches, so the output size is known (and checked) before allocating.
    var matches = 0
    var at = 0
    while let hit = find(pattern, in: source, from: at) {
        matches += 1
        at = hit + pattern.count
    }
    if matches == 0 { return sqlite3_result_value(ctx, argv[0]) }
    let size = source.count + matches * (replacement.count - pattern.count)
    let limit = Int(sqlite3_limit(sqlite3_context_db_handle(ctx), SQLITE_LIMIT_LENGTH, -1))
    if size > limit { return sqlite3_result_error_toobig(ctx) }
    // sqlite3_malloc so the heap limit sees it; SQLite frees it with sqlite3_free.
    guard let out = sqlite3_malloc64(UInt64(max(size, 1)))?.assumingMemoryBound(to: UInt8.self) else {
        return sqlite3_result_error_nomem(ctx)
    }
    // Pass 2: copy.
    var from = 0, to = 0
    while let hit = find(pattern, in: source, from: from) {
        let run = hit - from
        if run > 0 { memcpy(out + to, source.baseAddress! + from, run) }
        to += run
        if replacement.count > 0 { memcpy(out + to, replacement.baseAddress!, replacement.count) }
        to += replacement.count
        from = hit + pattern.count
    }
    if source.count > from { memcpy(out + to, source.baseAddress! + from, source.count - from) }
    to += source.count - from
    sqlite3_result_text64(ctx, UnsafeMutableRawPointer(out).assumingMemoryBound(to: CChar.self), UInt64(to),
                          sqlite3_free, UInt8(SQLITE_UTF8))
}

/// The characters of a trim set, as SQLite splits them (a lead byte and its continuation
/// bytes), hashed for constant-time lookup. Characters of up to 8 bytes (all valid UTF-8)
/// pack into a UInt64; longer (malformed) ones go into a set of byte arrays.
private struct TrimSet {
    var short: [Set<UInt64>] = Array(repeating: [], count: 9)
    var long: [Int: Set<[UInt8]>] = [:]
    var lengths: [Int] = []

    init(_ bytes: UnsafeRawBufferPointer) {
        var i = 0
        var seen = Set<Int>()
        while i < bytes.count {
            var j = i + 1
            if bytes[i] >= 0xC0 { while j < bytes.count && bytes[j] & 0xC0 == 0x80 { j += 1 } }
            let length = j - i
            if length <= 8 {
                short[length].insert(Self.pack(bytes, i, length))
            } else {
                long[length, default: []].insert(Array(bytes[i..<j]))
            }
            if seen.insert(length).inserted { lengths.append(length) }
            i = j
        }
        lengths.sort()
    }

    static func pack(_ bytes: UnsafeRawBufferPointer, _ start: Int, _ length: Int) -> UInt64 {
        var key: UInt64 = 0
        for k in 0..<length { key |= UInt64(bytes[start + k]) << (8 * UInt64(k)) }
        return key
    }

    /// Whether the `length` bytes at `start` are a character of the set.
    func contains(_ bytes: UnsafeRawBufferPointer, at start: Int, length: Int) -> Bool {
        if length <= 8 { return short[length].contains(Self.pack(bytes, start, length)) }
        return long[length]?.contains(Array(bytes[start..<(start + length)])) == true
    }

    /// The length of a set character found at `start` (not reaching past `end`), or nil.
    func match(_ bytes: UnsafeRawBufferPointer, at start: Int, limit end: Int) -> Int? {
        for length in lengths where start + length <= end && contains(bytes, at: start, length: length) {
            return length
        }
        return nil
    }
}

private let trimFunction: @convention(c) (OpaquePointer?, Int32, UnsafeMutablePointer<OpaquePointer?>?) -> Void = { ctx, _, argv in
    guard let argv else { return }
    if sqlite3_value_type(argv[0]) == SQLITE_NULL { return sqlite3_result_null(ctx) }
    guard let input = textBytes(argv[0]) else { return sqlite3_result_null(ctx) }
    guard let characters = textBytes(argv[1]) else { return sqlite3_result_null(ctx) }
    let side = Int(bitPattern: sqlite3_user_data(ctx))
    var start = 0, end = input.count
    if characters.count > 0 {
        let set = TrimSet(characters)
        if side & 1 != 0 {
            while start < end, let n = set.match(input, at: start, limit: end) { start += n }
        }
        if side & 2 != 0 {
            // From the right SQLite compares each set character with the bytes that end
            // the input; try each length the set has.
            while end > start {
                var matched = 0
                for length in set.lengths where end - length >= start
                    && set.contains(input, at: end - length, length: length) {
                    matched = length
                    break
                }
                if matched == 0 { break }
                end -= matched
            }
        }
    }
    guard end > start, let base = input.baseAddress else { return sqlite3_result_text(ctx, "", 0, nil) }
    sqlite3_result_text64(ctx, (base + start).assumingMemoryBound(to: CChar.self), UInt64(end - start),
                          SQLITE_TRANSIENT_DESTRUCTOR, UInt8(SQLITE_UTF8))
}
