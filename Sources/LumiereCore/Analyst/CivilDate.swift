// CivilDate: proleptic Gregorian calendar arithmetic on plain year/month/day values, so date
// ranges ("last 3 months", "in Q1 2024", "after 2024-03-01") become exact ISO literals without
// Calendar, time zones or the clock. Deterministic by construction.

struct CivilDate: Sendable, Equatable, Comparable, Hashable {
    var year: Int
    var month: Int
    var day: Int

    static func < (a: CivilDate, b: CivilDate) -> Bool { a.ordinal < b.ordinal }

    /// Parse the date part of an ISO-8601 text ("2024-03-01", "2024-03-01 10:00:00").
    init?(iso: String) {
        let parts = iso.prefix(10).split(separator: "-")
        guard parts.count == 3, let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2]),
              (1...12).contains(m), (1...31).contains(d) else { return nil }
        self.init(year: y, month: m, day: d)
    }

    init(year: Int, month: Int, day: Int) {
        self.year = year
        self.month = month
        self.day = day
    }

    var iso: String {
        func pad(_ v: Int, _ n: Int) -> String {
            let s = String(v)
            return String(repeating: "0", count: max(0, n - s.count)) + s
        }
        return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))"
    }

    /// Days since 1970-01-01 (Howard Hinnant's days_from_civil).
    var ordinal: Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146097 + doe - 719468
    }

    init(ordinal z0: Int) {
        let z = z0 + 719468
        let era = (z >= 0 ? z : z - 146096) / 146097
        let doe = z - era * 146097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365
        let y = yoe + era * 400
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        self.init(year: m <= 2 ? y + 1 : y, month: m, day: d)
    }

    func adding(days n: Int) -> CivilDate { CivilDate(ordinal: ordinal + n) }

    /// Add months, clamping the day to the target month's length (Mar 31 − 1 month = Feb 29).
    func adding(months n: Int) -> CivilDate {
        let total = year * 12 + (month - 1) + n
        let y = total >= 0 ? total / 12 : (total - 11) / 12
        let m = total - y * 12 + 1
        return CivilDate(year: y, month: m, day: min(day, CivilDate.daysIn(year: y, month: m)))
    }

    static func daysIn(year: Int, month: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    var firstOfMonth: CivilDate { CivilDate(year: year, month: month, day: 1) }
    /// Monday of this date's week.
    var startOfWeek: CivilDate {
        // 1970-01-01 was a Thursday; weekday 0 = Monday.
        let weekday = ((ordinal % 7) + 7 + 3) % 7
        return adding(days: -weekday)
    }
}

/// A half-open day range [from, to) over a date column; either end may be open.
struct DateRange: Sendable, Equatable {
    var from: CivilDate?
    var to: CivilDate?

    /// The days a partial date covers: a year, a month or one day.
    static func covering(_ d: PartialDate) -> DateRange {
        if let m = d.month, let day = d.day {
            let start = CivilDate(year: d.year, month: m, day: day)
            return DateRange(from: start, to: start.adding(days: 1))
        }
        if let m = d.month {
            let start = CivilDate(year: d.year, month: m, day: 1)
            return DateRange(from: start, to: start.adding(months: 1))
        }
        let start = CivilDate(year: d.year, month: 1, day: 1)
        return DateRange(from: start, to: CivilDate(year: d.year + 1, month: 1, day: 1))
    }

    static func quarter(_ q: Int, year: Int) -> DateRange {
        let start = CivilDate(year: year, month: (q - 1) * 3 + 1, day: 1)
        return DateRange(from: start, to: start.adding(months: 3))
    }
}
