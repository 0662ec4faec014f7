// TextEncoding: how the bytes of a CSV file are read as text.
//
// Inputs: raw file bytes in chunks.
// Outputs: `UTF8Validator` says whether a stream is valid UTF-8 (sequences may straddle
// chunks); `CSVByteDecoder` strips a byte order mark and, for Windows-1252 and UTF-16
// files, transcodes each chunk to UTF-8 so everything downstream sees UTF-8.
// Detection order: a UTF-16 byte order mark (FF FE little-endian, FE FF big-endian) wins;
// then valid UTF-8 (with or without its BOM); anything else is Windows-1252.
// UTF-16 is recognised by its BOM only: without one, its NUL bytes make the file binary.
// Failure modes: none; invalid UTF-8 is not an error, it makes the reader fall back to
// Windows-1252 (every byte sequence is valid Windows-1252) and record a warning; a
// broken UTF-16 sequence (lone surrogate, odd final byte) becomes U+FFFD and is counted.

public enum CSVEncoding: String, Sendable, Codable {
    case utf8 = "utf-8"
    case utf8BOM = "utf-8-bom"
    case windows1252 = "windows-1252"
    case utf16LE = "utf-16le"
    case utf16BE = "utf-16be"

    /// Whether the bytes are UTF-8 as stored (so UTF-8 validation decides the encoding).
    public var isUTF8: Bool { self == .utf8 || self == .utf8BOM }
    public var isUTF16: Bool { self == .utf16LE || self == .utf16BE }
}

/// Incremental UTF-8 validation (rejects overlongs, surrogates and code points > U+10FFFF).
public struct UTF8Validator: Sendable {
    /// Continuation bytes still expected.
    private var pending = 0
    /// Allowed range of the next continuation byte (narrowed after E0, ED, F0, F4).
    private var low: UInt8 = 0x80
    private var high: UInt8 = 0xBF
    public private(set) var isValid = true

    public init() {}

    public mutating func validate(_ chunk: UnsafeRawBufferPointer) {
        guard isValid, let base = chunk.baseAddress else { return }
        let n = chunk.count
        var i = 0
        while i < n {
            if pending == 0 {
                // ASCII fast path, eight bytes at a time.
                while i + 8 <= n && base.loadUnaligned(fromByteOffset: i, as: UInt64.self) & 0x8080_8080_8080_8080 == 0 {
                    i += 8
                }
                if i >= n { break }
                let b = base.load(fromByteOffset: i, as: UInt8.self)
                i += 1
                switch b {
                case 0x00...0x7F: continue
                case 0xC2...0xDF: pending = 1; low = 0x80; high = 0xBF
                case 0xE0: pending = 2; low = 0xA0; high = 0xBF
                case 0xED: pending = 2; low = 0x80; high = 0x9F
                case 0xE1...0xEC, 0xEE...0xEF: pending = 2; low = 0x80; high = 0xBF
                case 0xF0: pending = 3; low = 0x90; high = 0xBF
                case 0xF1...0xF3: pending = 3; low = 0x80; high = 0xBF
                case 0xF4: pending = 3; low = 0x80; high = 0x8F
                default: isValid = false; return
                }
            } else {
                let b = base.load(fromByteOffset: i, as: UInt8.self)
                i += 1
                guard b >= low && b <= high else { isValid = false; return }
                pending -= 1
                low = 0x80
                high = 0xBF
            }
        }
    }

    /// Call at the end of input: a sequence cut off by the end is invalid.
    public mutating func finish() {
        if pending != 0 { isValid = false }
    }
}

/// Strips a leading BOM and transcodes Windows-1252 or UTF-16 to UTF-8, chunk by chunk.
public struct CSVByteDecoder {
    public let encoding: CSVEncoding
    private var bomBytesLeft: Int
    private var scratch: [UInt8] = []
    /// UTF-16: the first byte of a code unit cut off by the end of the previous chunk.
    private var pendingByte: UInt8?
    /// UTF-16: a high surrogate waiting for its low half (which may be in the next chunk).
    private var pendingHighSurrogate: UInt16?
    /// UTF-16 sequences that were broken and replaced with U+FFFD.
    public private(set) var replacedSequences = 0

    public init(encoding: CSVEncoding) {
        self.encoding = encoding
        switch encoding {
        case .utf8BOM: bomBytesLeft = 3
        case .utf16LE, .utf16BE: bomBytesLeft = 2
        case .utf8, .windows1252: bomBytesLeft = 0
        }
    }

    public static func hasBOM(_ bytes: UnsafeRawBufferPointer) -> Bool {
        bytes.count >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF
    }

    /// The UTF-16 encoding a leading byte order mark announces, if any.
    public static func utf16BOM(_ bytes: UnsafeRawBufferPointer) -> CSVEncoding? {
        guard bytes.count >= 2 else { return nil }
        if bytes[0] == 0xFF && bytes[1] == 0xFE { return .utf16LE }
        if bytes[0] == 0xFE && bytes[1] == 0xFF { return .utf16BE }
        return nil
    }

    /// Hands `body` the chunk's text as UTF-8.
    public mutating func decode(_ chunk: UnsafeRawBufferPointer,
                                _ body: (UnsafeRawBufferPointer) throws(LumiereError) -> Void) throws(LumiereError) {
        var chunk = chunk
        if bomBytesLeft > 0 {
            let skip = min(bomBytesLeft, chunk.count)
            bomBytesLeft -= skip
            chunk = UnsafeRawBufferPointer(rebasing: chunk[skip...])
        }
        if encoding.isUTF16 {
            try decodeUTF16(chunk, body)
            return
        }
        guard encoding == .windows1252 else {
            try body(chunk)
            return
        }
        scratch.removeAll(keepingCapacity: true)
        scratch.reserveCapacity(chunk.count * 2)
        for b in chunk {
            if b < 0x80 {
                scratch.append(b)
            } else {
                let scalar = b < 0xA0 ? Self.cp1252High[Int(b - 0x80)] : UInt32(b)
                if scalar < 0x800 {
                    scratch.append(UInt8(0xC0 | (scalar >> 6)))
                    scratch.append(UInt8(0x80 | (scalar & 0x3F)))
                } else {
                    scratch.append(UInt8(0xE0 | (scalar >> 12)))
                    scratch.append(UInt8(0x80 | ((scalar >> 6) & 0x3F)))
                    scratch.append(UInt8(0x80 | (scalar & 0x3F)))
                }
            }
        }
        let out = scratch
        try out.withBytes { (p) throws(LumiereError) in try body(p) }
    }

    /// Call at the end of input: hands `body` a U+FFFD for a UTF-16 sequence the end cut off.
    public mutating func finish(_ body: (UnsafeRawBufferPointer) throws(LumiereError) -> Void) throws(LumiereError) {
        guard pendingByte != nil || pendingHighSurrogate != nil else { return }
        pendingByte = nil
        pendingHighSurrogate = nil
        replacedSequences += 1
        let replacement: [UInt8] = [0xEF, 0xBF, 0xBD]
        try replacement.withBytes { (p) throws(LumiereError) in try body(p) }
    }

    private mutating func decodeUTF16(_ chunk: UnsafeRawBufferPointer,
                                      _ body: (UnsafeRawBufferPointer) throws(LumiereError) -> Void) throws(LumiereError) {
        scratch.removeAll(keepingCapacity: true)
        // Each 2-byte unit becomes at most 3 UTF-8 bytes (a surrogate pair 4 bytes for 4).
        scratch.reserveCapacity(chunk.count / 2 * 3 + 8)
        let bigEndian = encoding == .utf16BE
        for b in chunk {
            guard let first = pendingByte else {
                pendingByte = b
                continue
            }
            pendingByte = nil
            let unit = bigEndian ? UInt16(first) << 8 | UInt16(b) : UInt16(b) << 8 | UInt16(first)
            if let high = pendingHighSurrogate {
                pendingHighSurrogate = nil
                if (0xDC00...0xDFFF).contains(unit) {
                    appendUTF8(0x10000 + (UInt32(high - 0xD800) << 10) + UInt32(unit - 0xDC00))
                    continue
                }
                replacedSequences += 1
                appendUTF8(0xFFFD)
            }
            switch unit {
            case 0xD800...0xDBFF: pendingHighSurrogate = unit
            case 0xDC00...0xDFFF:
                replacedSequences += 1
                appendUTF8(0xFFFD)
            default: appendUTF8(UInt32(unit))
            }
        }
        let out = scratch
        try out.withBytes { (p) throws(LumiereError) in try body(p) }
    }

    @inline(__always)
    private mutating func appendUTF8(_ scalar: UInt32) {
        switch scalar {
        case 0..<0x80:
            scratch.append(UInt8(scalar))
        case 0x80..<0x800:
            scratch.append(UInt8(0xC0 | (scalar >> 6)))
            scratch.append(UInt8(0x80 | (scalar & 0x3F)))
        case 0x800..<0x10000:
            scratch.append(UInt8(0xE0 | (scalar >> 12)))
            scratch.append(UInt8(0x80 | ((scalar >> 6) & 0x3F)))
            scratch.append(UInt8(0x80 | (scalar & 0x3F)))
        default:
            scratch.append(UInt8(0xF0 | (scalar >> 18)))
            scratch.append(UInt8(0x80 | ((scalar >> 12) & 0x3F)))
            scratch.append(UInt8(0x80 | ((scalar >> 6) & 0x3F)))
            scratch.append(UInt8(0x80 | (scalar & 0x3F)))
        }
    }

    /// Unicode scalars of Windows-1252 bytes 0x80...0x9F; the five undefined bytes map to
    /// the C1 control of the same value, as Windows' own converter does.
    static let cp1252High: [UInt32] = [
        0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
        0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x008D, 0x017D, 0x008F,
        0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
        0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x009D, 0x017E, 0x0178,
    ]
}
