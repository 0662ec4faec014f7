// ValueParsing: reads one field's bytes as a null token, number or boolean, without
// building a String.
//
// Inputs: a field's UTF-8 bytes (surrounding spaces are ignored).
// Outputs: nil when the text is not of that kind.
// Rules (one place, so inference and conversion always agree):
// - Null tokens: empty, NA, N/A, #N/A, null, None, `-` (any case).
// - Numbers: optional sign or accounting parentheses `(12.50)` = -12.5; an optional
//   currency sign ($ € £ ¥) before or after; thousands separators `,` only in groups of
//   three (`1,200`); decimals with `.`; exponents (`1e5`) only on plain numbers. A
//   trailing `%` keeps the number as written (`45%` → 45.0, REAL), not divided by 100,
//   so the stored value matches what people see. Leading zeros (`007`, `08123`) mean a
//   code, not a number, and stay text. Integers beyond Int64 stay text (no value lost).
//   Decimal commas (`3,5`) are not numbers here; see `parseDecimalCommaNumber`, which
//   type inference tries only in files not delimited by commas.
// - Booleans: true/false, yes/no, t/f, y/n (any case); 0/1 are numbers first.
// Failure modes: none; unparsable text returns nil.

import Foundation

public enum ParsedNumber: Equatable, Sendable {
    case integer(Int64)
    case real(Double)

    public var doubleValue: Double {
        switch self {
        case .integer(let i): return Double(i)
        case .real(let d): return d
        }
    }
}

public enum ValueParsing {
    private static let space = UInt8(ascii: " ")
    private static let tab = UInt8(ascii: "\t")

    /// The field without leading and trailing spaces and tabs.
    @inline(__always)
    public static func trim(_ f: UnsafeRawBufferPointer) -> UnsafeRawBufferPointer {
        var lo = 0
        var hi = f.count
        while lo < hi && (f[lo] == space || f[lo] == tab) { lo += 1 }
        while hi > lo && (f[hi - 1] == space || f[hi - 1] == tab) { hi -= 1 }
        if lo == 0 && hi == f.count { return f }
        return UnsafeRawBufferPointer(rebasing: f[lo..<hi])
    }

    /// Whether the (trimmed) field is a null token.
    @inline(__always)
    public static func isNull(_ t: UnsafeRawBufferPointer) -> Bool {
        switch t.count {
        case 0: return true
        case 1: return t[0] == UInt8(ascii: "-")
        case 2: return lower(t[0]) == 0x6E && lower(t[1]) == 0x61  // na
        case 3: return lower(t[0]) == 0x6E && t[1] == UInt8(ascii: "/") && lower(t[2]) == 0x61  // n/a
        case 4:
            return (t[0] == UInt8(ascii: "#") && lower(t[1]) == 0x6E && t[2] == UInt8(ascii: "/") && lower(t[3]) == 0x61)
                || matches(t, "null") || matches(t, "none")
        default: return false
        }
    }

    @inline(__always)
    static func lower(_ b: UInt8) -> UInt8 { (b >= 0x41 && b <= 0x5A) ? b | 0x20 : b }

    /// Case-insensitive comparison with an ASCII lowercase word.
    static func matches(_ t: UnsafeRawBufferPointer, _ word: StaticString) -> Bool {
        guard t.count == word.utf8CodeUnitCount else { return false }
        let w = word.utf8Start
        for i in 0..<t.count where lower(t[i]) != w[i] { return false }
        return true
    }

    /// true/false, yes/no, t/f, y/n, 1/0 (any case).
    public static func parseBool(_ t: UnsafeRawBufferPointer) -> Bool? {
        switch t.count {
        case 1:
            switch lower(t[0]) {
            case UInt8(ascii: "t"), UInt8(ascii: "y"), UInt8(ascii: "1"): return true
            case UInt8(ascii: "f"), UInt8(ascii: "n"), UInt8(ascii: "0"): return false
            default: return nil
            }
        case 2: return matches(t, "no") ? false : nil
        case 3: return matches(t, "yes") ? true : nil
        case 4: return matches(t, "true") ? true : nil
        case 5: return matches(t, "false") ? false : nil
        default: return nil
        }
    }

    /// Parse a (trimmed) field as a number; see the rules in the file header.
    public static func parseNumber(_ t: UnsafeRawBufferPointer) -> ParsedNumber? {
        if let plain = parsePlainNumber(t) { return plain }
        let n = t.count
        guard n > 0, n < 64 else { return nil }
        var i = 0
        var end = n
        var negative = false
        var decorated = false  // currency, parentheses or separators: no exponent allowed
        var percent = false

        if t[0] == UInt8(ascii: "(") {
            guard t[n - 1] == UInt8(ascii: ")") else { return nil }
            negative = true
            decorated = true
            i = 1
            end = n - 1
        }
        // Sign and currency prefix, in either order.
        var sawSign = false
        for _ in 0..<2 {
            guard i < end else { return nil }
            let b = t[i]
            if !sawSign && (b == UInt8(ascii: "-") || b == UInt8(ascii: "+")) && !negative {
                negative = b == UInt8(ascii: "-")
                sawSign = true
                i += 1
            } else if let len = currencyLength(t, i, end) {
                decorated = true
                i += len
            }
        }
        // Suffixes: percent and/or currency.
        if end > i && t[end - 1] == UInt8(ascii: "%") {
            percent = true
            end -= 1
        }
        if let len = currencySuffixLength(t, i, end) {
            decorated = true
            end -= len
            while end > i && t[end - 1] == space { end -= 1 }
        }
        guard i < end else { return nil }

        // Integer part with optional thousands separators.
        var mantissa: UInt64 = 0
        var digits = 0           // significant digits taken into the mantissa
        var dropped = 0          // integer digits beyond 19 (scale by 10 each)
        var intDigits = 0
        var groupLen = 0
        var sawSeparator = false
        let first = t[i]
        while i < end {
            let b = t[i]
            if b >= 0x30 && b <= 0x39 {
                if digits < 19 {
                    mantissa = mantissa &* 10 &+ UInt64(b - 0x30)
                    if mantissa != 0 { digits += 1 }
                } else {
                    dropped += 1
                }
                intDigits += 1
                groupLen += 1
                i += 1
            } else if b == UInt8(ascii: ",") {
                // Groups: first 1-3 digits, then exactly 3.
                if intDigits == 0 || (sawSeparator ? groupLen != 3 : groupLen > 3) { return nil }
                sawSeparator = true
                decorated = true
                groupLen = 0
                i += 1
            } else {
                break
            }
        }
        if sawSeparator && groupLen != 3 { return nil }
        if intDigits > 1 && first == UInt8(ascii: "0") { return nil }  // a code like 007

        var fracDigits = 0
        var isReal = percent
        if i < end && t[i] == UInt8(ascii: ".") {
            isReal = true
            i += 1
            while i < end, t[i] >= 0x30 && t[i] <= 0x39 {
                if digits < 19 {
                    mantissa = mantissa &* 10 &+ UInt64(t[i] - 0x30)
                    if mantissa != 0 { digits += 1 }
                    fracDigits += 1
                }
                i += 1
            }
            if intDigits == 0 && fracDigits == 0 { return nil }
        } else if intDigits == 0 {
            return nil
        }
        var exponent = 0
        if i < end && (t[i] == UInt8(ascii: "e") || t[i] == UInt8(ascii: "E")) {
            if decorated || percent { return nil }
            isReal = true
            i += 1
            var expNegative = false
            if i < end && (t[i] == UInt8(ascii: "-") || t[i] == UInt8(ascii: "+")) {
                expNegative = t[i] == UInt8(ascii: "-")
                i += 1
            }
            var expDigits = 0
            while i < end, t[i] >= 0x30 && t[i] <= 0x39 {
                if exponent < 10_000 { exponent = exponent * 10 + Int(t[i] - 0x30) }
                expDigits += 1
                i += 1
            }
            if expDigits == 0 { return nil }
            if expNegative { exponent = -exponent }
        }
        guard i == end else { return nil }

        if !isReal {
            guard dropped == 0, mantissa <= UInt64(Int64.max) + (negative ? 1 : 0) else { return nil }
            if negative {
                return .integer(mantissa == UInt64(Int64.max) + 1 ? Int64.min : -Int64(mantissa))
            }
            return .integer(Int64(mantissa))
        }
        let scale = exponent + dropped - fracDigits
        var value: Double
        if digits <= 15 && scale >= -22 && scale <= 22 {
            // Exact: both operands are exactly representable (Clinger's fast path).
            value = Double(mantissa)
            if scale < 0 { value /= pow10[-scale] } else { value *= pow10[scale] }
        } else {
            value = slowParse(t)
        }
        guard value.isFinite else { return nil }
        return .real(negative ? -value : value)
    }

    /// A number written with a decimal comma and `.` thousands separators (`1.234,56`,
    /// `-3,5`, `12,0`, `(1.200,00 €)`), as `;`-delimited European exports write them.
    /// Dots are thousands separators only in groups of three after 1-3 digits, and only
    /// before the comma; at most one comma. Everything else follows `parseNumber` (the
    /// text is rewritten to the dot form and parsed by it), so signs, currency, `%`,
    /// parentheses and the leading-zero rule are the same. `1.234` alone is 1234 here.
    public static func parseDecimalCommaNumber(_ t: UnsafeRawBufferPointer) -> ParsedNumber? {
        let n = t.count
        guard n > 0, n < 64 else { return nil }
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: n) { out -> ParsedNumber? in
            var used = 0
            var sawComma = false, sawDot = false
            var digitsBefore = 0   // digits of the integer part seen so far
            var groupLen = 0       // digits since the last dot (or since the first digit)
            for b in t {
                switch b {
                case 0x30...0x39:
                    if !sawComma { digitsBefore += 1; groupLen += 1 }
                    out[used] = b
                    used += 1
                case UInt8(ascii: "."):
                    if sawComma || digitsBefore == 0 || (sawDot ? groupLen != 3 : groupLen > 3) { return nil }
                    sawDot = true
                    groupLen = 0
                case UInt8(ascii: ","):
                    if sawComma || (sawDot && groupLen != 3) { return nil }
                    sawComma = true
                    out[used] = UInt8(ascii: ".")
                    used += 1
                default:
                    // A digit group may only be broken by a separator, never by a sign or
                    // a letter in the middle; parseNumber checks the rest.
                    if sawDot && !sawComma && groupLen != 3 { return nil }
                    out[used] = b
                    used += 1
                }
            }
            if sawDot && !sawComma && groupLen != 3 { return nil }
            return parseNumber(UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(out)[..<used]))
        }
    }

    /// Whether the field holds a comma between two digits (so it would read differently
    /// with a decimal comma than without).
    public static func hasDecimalComma(_ t: UnsafeRawBufferPointer) -> Bool {
        guard t.count >= 3 else { return false }
        for i in 1..<(t.count - 1) where t[i] == UInt8(ascii: ",") {
            if t[i - 1] >= 0x30 && t[i - 1] <= 0x39 && t[i + 1] >= 0x30 && t[i + 1] <= 0x39 { return true }
        }
        return false
    }

    /// The common case — `-?digits(.digits)?`, at most 15 digits, no leading zero — in
    /// one loop. Returns nil for anything else, which the full parser then decides; for
    /// what it accepts, it computes exactly what the full parser would.
    @inline(__always)
    static func parsePlainNumber(_ t: UnsafeRawBufferPointer) -> ParsedNumber? {
        let n = t.count
        guard n > 0, n <= 16 else { return nil }
        var i = 0
        let negative = t[0] == UInt8(ascii: "-")
        if negative { i = 1 }
        let intStart = i
        var mantissa: UInt64 = 0
        while i < n {
            let d = t[i] &- 0x30
            if d > 9 { break }
            mantissa = mantissa &* 10 &+ UInt64(d)
            i += 1
        }
        let intDigits = i - intStart
        guard intDigits > 0, intDigits == 1 || t[intStart] != 0x30 else { return nil }
        if i == n {
            return .integer(negative ? -Int64(mantissa) : Int64(mantissa))
        }
        guard t[i] == UInt8(ascii: "."), i + 1 < n else { return nil }
        i += 1
        let fracStart = i
        while i < n {
            let d = t[i] &- 0x30
            if d > 9 { return nil }
            mantissa = mantissa &* 10 &+ UInt64(d)
            i += 1
        }
        let value = Double(mantissa) / pow10[n - fracStart]
        return .real(negative ? -value : value)
    }

    /// 10^0 ... 10^22, each exact in a Double (built by multiplication, which is exact here).
    private static let pow10: [Double] = {
        var table: [Double] = [1]
        for _ in 1...22 { table.append(table[table.count - 1] * 10) }
        return table
    }()

    /// Correctly rounded fallback for long mantissas: strtod over the digits alone.
    private static func slowParse(_ t: UnsafeRawBufferPointer) -> Double {
        var text: [CChar] = []
        text.reserveCapacity(t.count + 1)
        for b in t {
            if (b >= 0x30 && b <= 0x39) || b == UInt8(ascii: ".") || b == UInt8(ascii: "e") || b == UInt8(ascii: "E")
                || b == UInt8(ascii: "+") || (b == UInt8(ascii: "-") && !text.isEmpty) {
                text.append(CChar(bitPattern: b))
            }
        }
        text.append(0)
        return strtod(text, nil)
    }

    /// Length of a currency sign at `i` ($, €, £, ¥), if any.
    @inline(__always)
    private static func currencyLength(_ t: UnsafeRawBufferPointer, _ i: Int, _ end: Int) -> Int? {
        let b = t[i]
        if b == UInt8(ascii: "$") { return 1 }
        if b == 0xE2 && i + 2 < end && t[i + 1] == 0x82 && t[i + 2] == 0xAC { return 3 }  // €
        if b == 0xC2 && i + 1 < end && (t[i + 1] == 0xA3 || t[i + 1] == 0xA5) { return 2 }  // £ ¥
        return nil
    }

    /// Length of a currency sign ending just before `end`, if any.
    @inline(__always)
    private static func currencySuffixLength(_ t: UnsafeRawBufferPointer, _ start: Int, _ end: Int) -> Int? {
        if end - start >= 2 && t[end - 1] == UInt8(ascii: "$") { return 1 }
        if end - start >= 4 && t[end - 3] == 0xE2 && t[end - 2] == 0x82 && t[end - 1] == 0xAC { return 3 }
        if end - start >= 3 && t[end - 2] == 0xC2 && (t[end - 1] == 0xA3 || t[end - 1] == 0xA5) { return 2 }
        return nil
    }
}
