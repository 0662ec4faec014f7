// TimeParser: date filters in a question — "in 2024", "in March 2024", "Q1", "before
// 2024-03-01", "after March", "since 2024-02", "between 2024-01-01 and 2024-02-15",
// "last 3 months", "last month", "this year".
//
// Input: tags. Output: `DateFilter`s on the planning state (tags used are consumed).
// Relative phrases are anchored at the newest date in the data (the profile's max), never at
// the clock, so answers are reproducible. "last 3 months" is the rolling window ending on
// that date; "last month" is the calendar month before it. Without a date column, nothing
// here applies and year-like numbers stay numbers.

extension PlanningState {
    mutating func parseTime() {
        guard !temporalColumns.isEmpty else { return }
        parseWeekOf()
        parseRelativeTime()
        var i = 0
        var lastPeriodEnd: Int?
        while i < tags.count {
            guard !tags[i].consumed, let (range, grain, end) = datePhrase(at: i) else { i += 1; continue }
            var filter = DateFilter(range: range.range, monthOfYear: range.month, grain: grain, isPeriod: true)
            var lastIndex = end
            // What stands before the phrase decides how it bounds the range.
            let fromIndex = i > 0 && tags[i - 1].text == "from" && !tags[i - 1].consumed ? i - 1 : nil
            if let p = fromIndex ?? previous(before: i), !tags[p].consumed {
                let anchored = anchorMonth(range)
                switch tags[p].lex {
                case .datePrep(.before)?:
                    filter = DateFilter(range: DateRange(from: nil, to: anchored?.from), grain: .day)
                    tags[p].consumed = true
                case .datePrep(.after)?:
                    filter = DateFilter(range: DateRange(from: anchored?.to, to: nil), grain: .day)
                    tags[p].consumed = true
                case .datePrep(.since)?:
                    filter = DateFilter(range: DateRange(from: anchored?.from, to: nil), grain: .day)
                    tags[p].consumed = true
                case .datePrep(.until)?:
                    filter = DateFilter(range: DateRange(from: nil, to: anchored?.to), grain: .day)
                    tags[p].consumed = true
                case .between?, .valuePrep?:
                    // "between A and B", "from A to B"
                    if tags[p].lex == .between || tags[p].text == "from",
                       let j = index(after: end, where: { $0.lex == .and || $0.text == "to" || $0.lex == .datePrep(.until) }),
                       let (r2, _, end2) = datePhrase(at: j + 1), let a = anchored, let b = anchorMonth(r2) {
                        filter = DateFilter(range: DateRange(from: a.from, to: b.to), grain: .day)
                        tags[p].consumed = true
                        tags[j].consumed = true
                        for k in (j + 1)...end2 { tags[k].consumed = true }
                        lastIndex = end2
                    }
                case .datePrep(.on)?, .datePrep(.during)?:
                    tags[p].consumed = true
                default:
                    break
                }
            }
            // "in March or April": named periods are alternatives anyway (applyDateFilters ORs
            // them), so the "or" between two of them is used.
            if filter.isPeriod, let previousEnd = lastPeriodEnd, let p = previous(before: i), p > previousEnd,
               !tags[p].consumed, tags[p].lex == .or {
                tags[p].consumed = true
            }
            for k in i...end { tags[k].consumed = true }
            dateFilters.append(filter)
            if filter.isPeriod { lastPeriodEnd = lastIndex }
            i = lastIndex + 1
        }
    }

    /// "rainy days per year", "top 3 wettest days", "how many snow days": in a table with one
    /// row per date, "days" left over by the date phrases ("last 30 days") names the rows. Not
    /// after "by"/"per" (a grouping) and not when some rows share a date.
    mutating func parseDailyRows() {
        parseDayOfMonthRows()
        guard let column = soleDateColumn, let p = profile(column), !p.distinctIsEstimate,
              p.distinctCount == schema.rowCount, p.nullCount == 0 else { return }
        rowsArePeriods = true
        // Also "the hottest day", "which day": one row, as over a day-of-month column. In a
        // table with one row per month (every date the 1st), "months" and "which month" likewise.
        let dates = ([p.min, p.max].compactMap { v -> String? in if case .text(let s)? = v { return s } else { return nil } })
            + p.samples.map { "\($0)" }
        // One row per month: every date the 1st, or (month ends, mid-months) as many rows as
        // months from the first date's month to the last's, each date distinct.
        let monthIndex = { (v: SQLValue?) -> Int? in
            guard case .text(let s)? = v, s.count >= 7, let y = Int(s.prefix(4)), let m = Int(s.dropFirst(5).prefix(2)) else { return nil }
            return y * 12 + m
        }
        let spanOfMonths = monthIndex(p.min).flatMap { lo in monthIndex(p.max).map { $0 - lo + 1 } }
        let monthly = !dates.isEmpty && (dates.allSatisfy { $0.count >= 10 && $0.dropFirst(7).prefix(3) == "-01" }
            || spanOfMonths == schema.rowCount)
        for i in tags.indices where !tags[i].consumed && (tags[i].isPlural || asksForOneRow(i)) {
            // (A date column itself called `month` or `day`, asked "which month…", is the same.)
            // (So is a month label beside the date, Nightingale's `Month` of "Apr", "May": "which
            // month had the largest army" is one row, not a sum over the years' Aprils.)
            let namesDateColumn = (tags[i].columnHit?.column == column || (monthly && tags[i].columnHit != nil))
                && (asksForOneRow(i) || followsTopN(i) || followsHowMany(i))
                && ["day", "month"].contains(Tokenizer.singularize(tags[i].text).0) && (monthly || tags[i].text.hasPrefix("day"))
            guard tags[i].lex == .timeUnit(.day) || (monthly && tags[i].lex == .timeUnit(.month)) || namesDateColumn else { continue }
            if let b = previous(before: i), tags[b].lex == .groupCue || tags[b].lex == .distinct { continue }
            tags[i].kind = .lex(.rowNoun)
        }
        // "when was the army at its largest": over rows that are dates, "when" with a
        // superlative asks for the row (and so its date), not the highest value alone.
        if let first = tags.first, first.lex == .stop, first.text.split(separator: " ").first == "when",
           hasLex(.superlativeHigh) || hasLex(.superlativeLow) {
            tags[0].kind = .lex(.rowNoun)
        }
    }

    /// True when "how many" comes right before the word at `i` ("how many months had …").
    private func followsHowMany(_ i: Int) -> Bool {
        guard let p = previous(before: i) else { return false }
        return tags[p].lex == .howMany
    }

    /// True when the word at `i` is a plural right after "top N" / "bottom N" ("top 3 months").
    private func followsTopN(_ i: Int) -> Bool {
        guard tags[i].isPlural, i >= 2, tags[i - 1].numberValue != nil else { return false }
        return tags[i - 2].lex == .top || tags[i - 2].lex == .bottom
    }

    /// True when the word at `i` follows a superlative, "which", "best"/"worst" or a list
    /// verb, or starts the question: "the hottest day", "which day", "day with the highest gust".
    private func asksForOneRow(_ i: Int) -> Bool {
        guard let p = previous(before: i) else { return true }
        switch tags[p].lex {
        case .superlativeHigh?, .superlativeLow?, .best?, .worst?, .which?, .list?: return true
        default: return false
        }
    }

    /// Readings kept by month and day-of-month columns with no date column (R's
    /// `airquality`): "days" in the plural names the rows ("how many days", "percentage of
    /// days", "days with ozone over 100"), never a sum of the day numbers. Only a column named
    /// `Day` holding 1–31; not after "by"/"per" or "distinct" (a grouping or a count of days).
    /// "in August", "in May or September" over a table with a month-number column (`Month`,
    /// integers 1–12) and no date column: `Month = 8`, `Month IN (5, 9)` as one OR group.
    mutating func parseMonthNumbers() {
        guard soleDateColumn == nil, dateColumn() == nil,
              let column = schema.columns.first(where: { c in
                  guard c.name.lowercased() == "month", c.type == .integer,
                        case .integer(let lo)? = c.min, case .integer(let hi)? = c.max else { return false }
                  return lo >= 1 && hi <= 12
              })?.name else { return }
        var group: [Condition] = []
        for i in tags.indices where !tags[i].consumed {
            guard case .lex(.month(let m))? = Optional(tags[i].kind) else { continue }
            tags[i].consumed = true
            if let p = previous(before: i), tags[p].lex == .or, !group.isEmpty { tags[p].consumed = true }
            group.append(.compare(column: column, op: .eq, value: Double(m)))
        }
        if !group.isEmpty, !conditions.contains(group) { conditions.append(group) }
    }

    mutating func parseDayOfMonthRows() {
        parseMonthNumbers()
        guard soleDateColumn == nil else { return }
        for i in tags.indices where !tags[i].consumed {
            // Also "the hottest day", "which day", "show the day with…", a question starting
            // with "day": which row, not the highest reading alone.
            guard tags[i].isPlural || asksForOneRow(i) else { continue }
            guard let hit = tags[i].columnHit, hit.column.lowercased() == "day", let p = profile(hit.column),
                  p.type == .integer, case .integer(let lo)? = p.min, case .integer(let hi)? = p.max,
                  lo >= 1, hi <= 31 else { continue }
            if let b = previous(before: i), tags[b].lex == .groupCue || tags[b].lex == .distinct { continue }
            tags[i].kind = .lex(.rowNoun)
        }
    }

    /// A month-of-year without a year, placed in the year of the newest date.
    private mutating func anchorMonth(_ r: (range: DateRange?, month: Int?)) -> DateRange? {
        if let range = r.range { return range }
        guard let m = r.month, let column = dateColumn(), let newest = newestDate(column) else { return nil }
        return DateRange.covering(PartialDate(year: newest.year, month: m, day: nil))
    }

    private func index(after i: Int, where predicate: (Tag) -> Bool) -> Int? {
        let j = i + 1
        guard j < tags.count, predicate(tags[j]) else { return nil }
        return j
    }

    /// A date phrase starting at `i`: its range (or month of year), grain and last tag index.
    private mutating func datePhrase(at i: Int) -> ((range: DateRange?, month: Int?), TimeGrain, Int)? {
        guard i < tags.count, !tags[i].consumed else { return nil }
        switch tags[i].kind {
        case .date(let d):
            return ((DateRange.covering(d), nil), d.day != nil ? .day : .month, i)
        case .lex(.month(let m)):
            // "March 10", "March 10 2024"
            if let j = next(after: i), case .number(let d, false) = tags[j].kind, !tags[j].consumed,
               d == d.rounded(), d >= 1, d <= 31 {
                var end = j
                var year: Int?
                if let k = next(after: j), case .number(let y, true) = tags[k].kind, !tags[k].consumed {
                    year = Int(y)
                    end = k
                } else if let column = dateColumn(), let newest = newestDate(column) {
                    year = newest.year
                }
                if let year {
                    return ((DateRange.covering(PartialDate(year: year, month: m, day: Int(d))), nil), .day, end)
                }
            }
            if let j = next(after: i), case .number(let y, true) = tags[j].kind, !tags[j].consumed {
                return ((DateRange.covering(PartialDate(year: Int(y), month: m, day: nil)), nil), .month, j)
            }
            return ((nil, m), .month, i)
        case .lex(.quarter(let q)):
            if let j = next(after: i), case .number(let y, true) = tags[j].kind, !tags[j].consumed {
                return ((DateRange.quarter(q, year: Int(y)), nil), .quarter, j)
            }
            guard let column = dateColumn(), let newest = newestDate(column) else { return nil }
            return ((DateRange.quarter(q, year: newest.year), nil), .quarter, i)
        case .number(let y, true):
            // A year, unless it is a count or a threshold ("top 2000", "over 2000").
            if let p = previous(before: i) {
                switch tags[p].lex {
                case .comparator?, .top?, .bottom?, .first?, .last?, .best?, .worst?: return nil
                case .between?:
                    // "between 2000 and 3000" is a year range only if both are years.
                    if let a = next(after: i), tags[a].lex == .and, let b = next(after: a),
                       case .number(_, true) = tags[b].kind {} else { return nil }
                default: break
                }
            }
            // "2000 or more" is a threshold.
            if i + 1 < tags.count, case .lex(.comparator) = tags[i + 1].kind { return nil }
            return ((DateRange.covering(PartialDate(year: Int(y), month: nil, day: nil)), nil), .year, i)
        default:
            return nil
        }
    }

    /// "the week of March 18" (Monday to Sunday around that day), "the first week of March"
    /// (its first seven days), "the last week of March" (its last seven).
    private mutating func parseWeekOf() {
        for i in tags.indices where !tags[i].consumed && tags[i].lex == .timeUnit(.week) {
            guard let j = next(after: i), let (phrase, grain, end) = datePhrase(at: j),
                  let range = anchorMonth(phrase), let from = range.from, let to = range.to else { continue }
            var week: DateRange
            var first = i
            if grain == .day {
                week = DateRange(from: from.startOfWeek, to: from.startOfWeek.adding(days: 7))
            } else if grain == .month, let p = previous(before: i), tags[p].lex == .first || tags[p].lex == .last {
                week = tags[p].lex == .first ? DateRange(from: from, to: from.adding(days: 7))
                    : DateRange(from: to.adding(days: -7), to: to)
                first = p
            } else {
                continue
            }
            if week.from! < from && grain != .day { week.from = from }
            for k in first...end { tags[k].consumed = true }
            dateFilters.append(DateFilter(range: week, monthOfYear: nil, grain: .day, isPeriod: true))
        }
    }

    /// "last 3 months", "past 2 weeks", "last month", "this year".
    private mutating func parseRelativeTime() {
        for i in tags.indices where !tags[i].consumed {
            let isLast = tags[i].lex == .last
            let isThis = tags[i].lex == .this
            guard isLast || isThis, let j = next(after: i) else { continue }
            var count: Int?
            var unitIndex = j
            if isLast, let n = tags[j].numberValue, n >= 1, n <= 1_000, n == n.rounded(), let k = next(after: j) {
                count = Int(n)
                unitIndex = k
            }
            guard case .lex(.timeUnit(let grain)) = tags[unitIndex].kind, grain != .hour, !grain.isCyclic else { continue }
            guard let column = dateColumn(), let newest = newestDate(column) else { continue }
            let range: DateRange
            if let n = count {
                let start: CivilDate
                switch grain {
                case .day: start = newest.adding(days: -n)
                case .week: start = newest.adding(days: -7 * n)
                case .month: start = newest.adding(months: -n)
                case .quarter: start = newest.adding(months: -3 * n)
                case .year, .hour, .weekday, .hourOfDay: start = newest.adding(months: -12 * n)
                }
                range = DateRange(from: start.adding(days: 1), to: nil)
            } else {
                let current: DateRange
                switch grain {
                case .day: current = DateRange(from: newest, to: newest.adding(days: 1))
                case .week: current = DateRange(from: newest.startOfWeek, to: newest.startOfWeek.adding(days: 7))
                case .month: current = DateRange(from: newest.firstOfMonth, to: newest.firstOfMonth.adding(months: 1))
                case .quarter:
                    current = DateRange.quarter((newest.month - 1) / 3 + 1, year: newest.year)
                case .year, .hour, .weekday, .hourOfDay:
                    current = DateRange.covering(PartialDate(year: newest.year, month: nil, day: nil))
                }
                if isThis {
                    range = current
                } else {
                    let from: CivilDate
                    switch grain {
                    case .day: from = current.from!.adding(days: -1)
                    case .week: from = current.from!.adding(days: -7)
                    case .month: from = current.from!.adding(months: -1)
                    case .quarter: from = current.from!.adding(months: -3)
                    case .year, .hour, .weekday, .hourOfDay: from = current.from!.adding(months: -12)
                    }
                    range = DateRange(from: from, to: current.from)
                }
            }
            for k in i...unitIndex { tags[k].consumed = true }
            dateFilters.append(DateFilter(range: range, monthOfYear: nil, grain: .day))
        }
    }
}

extension LexWord {
    var isDatePrep: Bool { if case .datePrep = self { return true } else { return false } }
}
