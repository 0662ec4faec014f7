// ExcelSerialDate: Excel's date numbers (days since an epoch, the time as the fraction)
// → ISO text the CSV type rules read as DATE, DATETIME or a time of day; and whether a
// number format code shows a date.
//
// Rules: the 1900 system counts 1900-01-01 as day 1 and, like Lotus 1-2-3, believes in a
// 1900-02-29 (day 60): days from 61 on are one more than the calendar says, so they are
// counted from 1899-12-30 and days below 61 from 1899-12-31 (day 60 reads as 1900-03-01,
// the day it stands in for). The 1904 system (Mac Excel's old default, `date1904`) counts
// 1904-01-01 as day 0. Times round to the nearest second.
// Failure modes: none; a number outside 0 ..< 2 958 466 (after 9999-12-31) is no date (nil).

public enum ExcelSerialDate {
    /// What a number format shows.
    public enum Kind: Sendable, Equatable {
        case date
        case dateTime
        case time
    }

    /// The ISO text of `serial` shown with a format of `kind`: `YYYY-MM-DD` for a date
    /// format (`YYYY-MM-DD HH:MM:SS` if the number has a time anyway), `YYYY-MM-DD HH:MM:SS`
    /// for a date-time format, `HH:MM:SS` for a time format below one day.
    public static func text(_ serial: Double, kind: Kind, date1904: Bool) -> String? {
        guard serial.isFinite, serial >= 0, serial < 2_958_466 else { return nil }
        var days = Int(serial.rounded(.down))
        var seconds = Int(((serial - Double(days)) * 86_400).rounded())
        if seconds >= 86_400 {
            days += 1
            seconds -= 86_400
        }
        let clock = pad(seconds / 3600) + ":" + pad(seconds / 60 % 60) + ":" + pad(seconds % 60)
        if kind == .time && days == 0 { return clock }
        // Days from 1970-01-01.
        let unixDays: Int
        if date1904 {
            unixDays = days - 24_107
        } else {
            unixDays = days >= 61 ? days - 25_569 : days - 25_568
        }
        let (y, m, d) = DateParsing.civilFromDays(unixDays)
        let date = String(y) + "-" + pad(m) + "-" + pad(d)
        return seconds == 0 && kind == .date ? date : date + " " + clock
    }

    /// Whether a built-in number format id shows a date or a time (ECMA-376 §18.8.30, and
    /// the East Asian ids Excel uses for dates).
    public static func builtinKind(_ id: Int) -> Kind? {
        switch id {
        case 22: return .dateTime
        case 14...17, 27...36, 50...58: return .date
        case 18...21, 45...47: return .time
        default: return nil
        }
    }

    /// Whether a custom format code (`yyyy-mm-dd`, `[$-409]d/m/yy h:mm`, `0.00"d"`) shows a
    /// date or a time: its letters outside quotes, escapes and `[...]` sections.
    public static func customKind(_ code: String) -> Kind? {
        var inQuotes = false
        var inBrackets = false
        var escaped = false
        var hasDate = false
        var hasTime = false
        for ch in code.lowercased() {
            if escaped { escaped = false; continue }
            if inQuotes { if ch == "\"" { inQuotes = false }; continue }
            if inBrackets {
                // [h], [mm], [ss]: elapsed time.
                if ch == "]" { inBrackets = false } else if ch == "h" || ch == "s" { hasTime = true }
                continue
            }
            switch ch {
            case "\\", "_", "*": escaped = true
            case "\"": inQuotes = true
            case "[": inBrackets = true
            case ";": return kind(hasDate, hasTime)  // only the first section counts
            case "y", "d": hasDate = true
            case "h", "s": hasTime = true
            default: break
            }
        }
        return kind(hasDate, hasTime)
    }

    private static func kind(_ hasDate: Bool, _ hasTime: Bool) -> Kind? {
        hasDate ? (hasTime ? .dateTime : .date) : hasTime ? .time : nil
    }

    private static func pad(_ n: Int) -> String { n < 10 ? "0" + String(n) : String(n) }
}
