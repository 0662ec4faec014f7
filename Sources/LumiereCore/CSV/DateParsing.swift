// DateParsing: reads one field's bytes as a date or a date-time.
//
// Inputs: a trimmed field's UTF-8 bytes.
// Outputs: a `ParsedTemporal` (calendar fields, already in UTC when the text gave a zone),
// and `write...` helpers that render the stored forms `YYYY-MM-DD` and
// `YYYY-MM-DD HH:MM:SS` into a caller's buffer.
// Accepted: 2024-01-05, 2024/01/05, 01/05/2024 and 05/01/2024 (order decided per column,
// see `SlashOrder`), Jan 5 2024, Jan 5, 2024, January 5, 2024, 5 January 2024,
// 5-Jan-2024, and date-times 2024-01-05T10:00[:00[.123]][Z|+02:00|-0500] or with a space.
// Fractions of seconds are dropped; a zone is converted to UTC; no zone means the time
// is kept as written. Years run 1000...9999.
// Failure modes: none; other text returns nil.

public struct ParsedTemporal: Equatable, Sendable {
    public var year: Int, month: Int, day: Int
    public var hour = 0, minute = 0, second = 0
    public var hasTime = false
    /// For `a/b/yyyy`: the two leading numbers, whose order the column decides.
    public var slash: (Int, Int)? = nil

    public static func == (a: ParsedTemporal, b: ParsedTemporal) -> Bool {
        a.year == b.year && a.month == b.month && a.day == b.day && a.hour == b.hour && a.minute == b.minute
            && a.second == b.second && a.hasTime == b.hasTime && a.slash?.0 == b.slash?.0 && a.slash?.1 == b.slash?.1
    }
}

/// How a column reads `a/b/yyyy` dates.
public enum SlashOrder: String, Sendable, Codable {
    case monthFirst = "M/D/Y"
    case dayFirst = "D/M/Y"
}

public enum DateParsing {
    public static func daysInMonth(_ y: Int, _ m: Int) -> Int {
        switch m {
        case 1, 3, 5, 7, 8, 10, 12: return 31
        case 4, 6, 9, 11: return 30
        case 2: return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 ? 29 : 28
        default: return 0
        }
    }

    static func validDate(_ y: Int, _ m: Int, _ d: Int) -> Bool {
        y >= 1000 && y <= 9999 && m >= 1 && m <= 12 && d >= 1 && d <= daysInMonth(y, m)
    }

    @inline(__always) static func isDigit(_ b: UInt8) -> Bool { b >= 0x30 && b <= 0x39 }

    /// Reads `count` digits at `i`.
    @inline(__always)
    static func digits(_ t: UnsafeRawBufferPointer, _ i: Int, _ count: Int) -> Int? {
        guard i + count <= t.count else { return nil }
        var v = 0
        for k in i..<(i + count) {
            guard isDigit(t[k]) else { return nil }
            v = v * 10 + Int(t[k] - 0x30)
        }
        return v
    }

    /// Parse a trimmed field. For slash dates both orders are checked later by the column;
    /// here the value is accepted if at least one order gives a real date.
    public static func parse(_ t: UnsafeRawBufferPointer) -> ParsedTemporal? {
        let n = t.count
        guard n >= 8, n <= 40 else { return nil }
        if isDigit(t[0]) && n >= 10, let y = digits(t, 0, 4), t[4] == UInt8(ascii: "-") || t[4] == UInt8(ascii: "/") {
            let sep = t[4]
            guard let m = digits(t, 5, 2), t[7] == sep, let d = digits(t, 8, 2), validDate(y, m, d) else { return nil }
            var r = ParsedTemporal(year: y, month: m, day: d)
            if n == 10 { return r }
            guard sep == UInt8(ascii: "-"), t[10] == UInt8(ascii: "T") || t[10] == UInt8(ascii: " ") else { return nil }
            guard parseTime(t, 11, &r) else { return nil }
            return r
        }
        if isDigit(t[0]), let r = parseSlashDate(t) { return r }
        return parseNamedMonth(t)
    }

    /// `a/b/yyyy` with one- or two-digit parts.
    static func parseSlashDate(_ t: UnsafeRawBufferPointer) -> ParsedTemporal? {
        var parts: [Int] = []
        var i = 0
        var v = 0, len = 0
        while i <= t.count {
            if i == t.count || t[i] == UInt8(ascii: "/") {
                guard len > 0 else { return nil }
                parts.append(v)
                if parts.count == 3 {
                    guard i == t.count, len == 4 else { return nil }
                } else if len > 2 {
                    return nil
                }
                v = 0
                len = 0
            } else if isDigit(t[i]) {
                v = v * 10 + Int(t[i] - 0x30)
                len += 1
                if len > 4 { return nil }
            } else {
                return nil
            }
            i += 1
        }
        guard parts.count == 3 else { return nil }
        let (a, b, y) = (parts[0], parts[1], parts[2])
        let mdy = validDate(y, a, b)
        let dmy = validDate(y, b, a)
        guard mdy || dmy else { return nil }
        var r = ParsedTemporal(year: y, month: mdy ? a : b, day: mdy ? b : a)
        r.slash = (a, b)
        return r
    }

    /// Which orders give a real date for slash parts (a, b) in year y.
    public static func slashOrders(_ p: ParsedTemporal) -> (monthFirst: Bool, dayFirst: Bool) {
        guard let (a, b) = p.slash else { return (true, true) }
        return (validDate(p.year, a, b), validDate(p.year, b, a))
    }

    /// Resolve a slash date with the column's order; nil when that order is not a date.
    public static func resolve(_ p: ParsedTemporal, order: SlashOrder) -> ParsedTemporal? {
        guard let (a, b) = p.slash else { return p }
        var r = p
        r.slash = nil
        if order == .monthFirst { r.month = a; r.day = b } else { r.month = b; r.day = a }
        return validDate(r.year, r.month, r.day) ? r : nil
    }

    /// HH:MM[:SS[.fff]][Z|±HH[:]MM| UTC] from `i` to the end.
    static func parseTime(_ t: UnsafeRawBufferPointer, _ start: Int, _ r: inout ParsedTemporal) -> Bool {
        var i = start
        guard let h = digits(t, i, 2), i + 2 < t.count, t[i + 2] == UInt8(ascii: ":"),
              let mi = digits(t, i + 3, 2), h < 24, mi < 60 else { return false }
        i += 5
        var s = 0
        if i < t.count && t[i] == UInt8(ascii: ":") {
            guard let sec = digits(t, i + 1, 2), sec < 60 else { return false }
            s = sec
            i += 3
            if i < t.count && (t[i] == UInt8(ascii: ".") || t[i] == UInt8(ascii: ",")) {
                i += 1
                let f = i
                while i < t.count && isDigit(t[i]) { i += 1 }
                if i == f { return false }
            }
        }
        r.hour = h; r.minute = mi; r.second = s; r.hasTime = true
        if i == t.count { return true }
        var offsetMinutes = 0
        if t[i] == UInt8(ascii: " ") { i += 1 }
        guard i < t.count else { return false }
        if i + 1 == t.count && t[i] == UInt8(ascii: "Z") {
            offsetMinutes = 0
        } else if t.count - i == 3 && ValueParsing.matches(UnsafeRawBufferPointer(rebasing: t[i...]), "utc") {
            offsetMinutes = 0
        } else if t[i] == UInt8(ascii: "+") || t[i] == UInt8(ascii: "-") {
            let sign = t[i] == UInt8(ascii: "-") ? -1 : 1
            i += 1
            guard let oh = digits(t, i, 2), oh <= 14 else { return false }
            i += 2
            if i < t.count && t[i] == UInt8(ascii: ":") { i += 1 }
            var om = 0
            if i < t.count {
                guard let m = digits(t, i, 2), m < 60, i + 2 == t.count else { return false }
                om = m
            }
            offsetMinutes = sign * (oh * 60 + om)
        } else {
            return false
        }
        if offsetMinutes != 0 { shiftToUTC(&r, offsetMinutes: offsetMinutes) }
        return true
    }

    /// Subtract a zone offset, carrying into the date (days from civil, H. Hinnant).
    static func shiftToUTC(_ r: inout ParsedTemporal, offsetMinutes: Int) {
        var minutes = daysFromCivil(r.year, r.month, r.day) * 1440 + r.hour * 60 + r.minute - offsetMinutes
        let days = Int((Double(minutes) / 1440).rounded(.down))
        minutes -= days * 1440
        let (y, m, d) = civilFromDays(days)
        r.year = y; r.month = m; r.day = d
        r.hour = minutes / 60; r.minute = minutes % 60
    }

    static func daysFromCivil(_ y0: Int, _ m: Int, _ d: Int) -> Int {
        let y = m <= 2 ? y0 - 1 : y0
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146097 + doe - 719468
    }

    static func civilFromDays(_ z0: Int) -> (Int, Int, Int) {
        let z = z0 + 719468
        let era = (z >= 0 ? z : z - 146096) / 146097
        let doe = z - era * 146097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (m <= 2 ? yoe + era * 400 + 1 : yoe + era * 400, m, d)
    }

    private static let monthNames: [StaticString] = [
        "january", "february", "march", "april", "may", "june",
        "july", "august", "september", "october", "november", "december",
    ]

    /// A month name, full or abbreviated to at least three letters ("Sept" too).
    static func month(_ word: UnsafeRawBufferPointer) -> Int? {
        guard word.count >= 3 else { return nil }
        for (index, name) in monthNames.enumerated() where word.count <= name.utf8CodeUnitCount {
            let p = name.utf8Start
            var ok = true
            for k in 0..<word.count where ValueParsing.lower(word[k]) != p[k] { ok = false; break }
            if ok { return index + 1 }
        }
        return nil
    }

    /// `Jan 5 2024`, `January 5, 2024`, `5 January 2024`, `5-Jan-2024`, `Jan. 5, 2024`.
    static func parseNamedMonth(_ t: UnsafeRawBufferPointer) -> ParsedTemporal? {
        // Split into at most three words/numbers at spaces, commas, dashes and dots.
        var tokens: [Range<Int>] = []
        var i = 0
        while i < t.count {
            let b = t[i]
            if b == UInt8(ascii: " ") || b == UInt8(ascii: ",") || b == UInt8(ascii: "-") || b == UInt8(ascii: ".") {
                i += 1
                continue
            }
            let start = i
            let digit = isDigit(b)
            while i < t.count {
                let c = t[i]
                if c == UInt8(ascii: " ") || c == UInt8(ascii: ",") || c == UInt8(ascii: "-") || c == UInt8(ascii: ".") { break }
                if isDigit(c) != digit { return nil }
                i += 1
            }
            tokens.append(start..<i)
            if tokens.count > 3 { return nil }
        }
        guard tokens.count == 3 else { return nil }
        func number(_ r: Range<Int>) -> Int? {
            guard r.count <= 4 else { return nil }
            return digits(t, r.lowerBound, r.count)
        }
        func word(_ r: Range<Int>) -> UnsafeRawBufferPointer { UnsafeRawBufferPointer(rebasing: t[r]) }
        guard tokens[2].count == 4, let y = number(tokens[2]) else { return nil }
        var m: Int?, d: Int?
        if let mm = month(word(tokens[0])), tokens[1].count <= 2 {
            m = mm; d = number(tokens[1])
        } else if let mm = month(word(tokens[1])), tokens[0].count <= 2 {
            m = mm; d = number(tokens[0])
        }
        guard let m, let d, validDate(y, m, d) else { return nil }
        return ParsedTemporal(year: y, month: m, day: d)
    }

    /// Writes `YYYY-MM-DD` (10 bytes).
    public static func writeDate(_ r: ParsedTemporal, to p: UnsafeMutablePointer<UInt8>) {
        put(r.year, 4, p)
        p[4] = UInt8(ascii: "-")
        put(r.month, 2, p + 5)
        p[7] = UInt8(ascii: "-")
        put(r.day, 2, p + 8)
    }

    /// Writes `YYYY-MM-DD HH:MM:SS` (19 bytes); a plain date gets 00:00:00.
    public static func writeDateTime(_ r: ParsedTemporal, to p: UnsafeMutablePointer<UInt8>) {
        writeDate(r, to: p)
        p[10] = UInt8(ascii: " ")
        put(r.hour, 2, p + 11)
        p[13] = UInt8(ascii: ":")
        put(r.minute, 2, p + 14)
        p[16] = UInt8(ascii: ":")
        put(r.second, 2, p + 17)
    }

    @inline(__always)
    private static func put(_ v: Int, _ width: Int, _ p: UnsafeMutablePointer<UInt8>) {
        var v = v
        for k in stride(from: width - 1, through: 0, by: -1) {
            p[k] = UInt8(0x30 + v % 10)
            v /= 10
        }
    }
}
