// RoleAssigner: decides what each remaining column word is for — a grouping ("by region",
// "for each product", "monthly", "which product"), a measure with its aggregate ("average
// price", "how many units"), a count ("how many employees", "number of distinct products"),
// a boolean filter ("managers", "non-managers"), or a plain column to list or rank.
//
// Input: tags left after time and filter parsing. Output: groups, measures, bare measure
// columns (aggregate chosen later), text columns without a role yet, and flags.

struct Roles: Sendable {
    /// Numeric columns named without an aggregate ("sales by region").
    var bareMeasures: [String] = []
    /// Text columns named without a role yet ("product sales", "list the products").
    var otherText: [String] = []
    /// An aggregate word that found no column ("what is the total").
    var orphanAggregate: AggregateFunction?
    var sawRowNoun = false
    var dateColumnNamed: String?
    /// Bare measures named by a row word ("sales", "orders"), dropped when another measure is asked for.
    var rowWordMeasures: Set<String> = []
}

extension PlanningState {
    // MARK: - Groups

    mutating func parseGroups() {
        for i in tags.indices where !tags[i].consumed && tags[i].lex == .groupCue {
            // "gender split", "status breakdown": the cue follows what it groups by.
            if ["split", "breakdown", "broken down", "distribution", "mix"].contains(tags[i].text),
               let p = previous(before: i), tags[p].columnHit != nil, !tags[p].consumed,
               next(after: i).map({ tags[$0].columnHit == nil && tags[$0].lex != .timeUnit(.month) }) ?? true,
               addGroup(at: p) {
                tags[i].consumed = true
                groupedByCue = true
                continue
            }
            guard let j = next(after: i) else { continue }
            // "published by a society", "made by an American firm": "by a" names who did it,
            // never a grouping; the words after it are read on their own.
            if tags[i].text == "by", i + 1 < tags.count, Lexicon.indefiniteArticles.contains(tags[i + 1].text) {
                tags[i].consumed = true
                continue
            }
            // "sorted by weight", "order by price": an order, not a grouping.
            if Lexicon.sortCues.contains(tags[i].text), !isRanking, tags[j].columnHit != nil, !tags[j].consumed,
               let column = column(of: j) {
                sortColumn = column
                tags[i].consumed = true
                tags[j].consumed = true
                continue
            }
            // "across all stores", "for all regions": everything together, not a grouping.
            if ["across all", "for all", "over all"].contains(tags[i].text) {
                tags[i].consumed = true
                if tags[j].columnHit != nil, profile(tags[j].columnHit!.column)?.type.isNumeric == false { tags[j].consumed = true }
                continue
            }
            // "cost per kg": a ratio of two numeric columns.
            // (Never per a year, month or day number: "plague deaths per year" is no ratio.)
            if tags[i].text == "per", let hit = tags[j].columnHit, !tags[j].consumed,
               profile(hit.column)?.type.isNumeric == true, !isRowWord(j), !isCodeLike(hit.column),
               !isDayOrMonthNumber(hit.column),
               let p = previous(before: i), let num = tags[p].columnHit, !tags[p].consumed,
               profile(num.column)?.type.isNumeric == true, num.column != hit.column,
               let numerator = column(of: p), let denominator = column(of: j) {
                ratios.append((numerator, denominator))
                for k in [p, i, j] { tags[k].consumed = true }
                continue
            }
            // "per sale", "per order", "per employee": per row, which an average already is.
            // So is "average … per year" over one row per year (a `Year` of distinct values).
            if tags[i].text == "per" || tags[i].text == "each", !tags[j].consumed,
               isRowWord(j) || (asksForRowStatistic && isOnePerRow(j)) {
                tags[i].consumed = true
                tags[j].consumed = true
                continue
            }
            // "broken down by number of carburetors", "per number of cylinders": group by it.
            if tags[j].lex == .howMany, !tags[j].consumed, let k = next(after: j), tags[k].columnHit != nil, addGroup(at: k) {
                tags[i].consumed = true
                tags[j].consumed = true
                groupedByCue = true
                continue
            }
            if addGroup(at: j) {
                tags[i].consumed = true
                groupedByCue = true
                if ["each", "every", "per"].contains(where: { tags[i].text.contains($0) }) { distributiveGroups = true }
                var k = j
                while let a = next(after: k), tags[a].lex == .and, let b = next(after: a), addGroup(at: b) {
                    tags[a].consumed = true
                    k = b
                }
            } else if tags[j].valueHit != nil || tags[j].columnHit != nil {
                // "shipped by air", "top 3 products by sales": not a grouping. In a ranking, a
                // number column after "by" is what the rows are ranked by ("top 5 days by ozone").
                tags[i].consumed = true
                if isRanking, rankBy == nil, let hit = tags[j].columnHit, profile(hit.column)?.type.isNumeric == true {
                    rankBy = hit.column
                }
            }
        }
        for i in tags.indices where !tags[i].consumed {
            if case .lex(.timeAdverb(let g)) = tags[i].kind {
                tags[i].consumed = true
                // "average monthly units": the average of the monthly totals, not a monthly series.
                if i > 0, tags[i - 1].lex == .aggregate(.avg), !g.isCyclic, let column = dateColumn() {
                    periodAverage = TimeBucket(column: column, grain: g)
                    continue
                }
                addBucket(g)
            }
        }
        // "which product", "what region": the thing asked about.
        for i in tags.indices where !tags[i].consumed && tags[i].lex == .which {
            guard let j = next(after: i) else { continue }
            if case .lex(.timeUnit) = tags[j].kind, addGroup(at: j) {
                tags[i].consumed = true
                rankTarget = groups.first
                continue
            }
            // "who are the managers": a yes/no column after "which" is a filter, not a grouping.
            if let hit = tags[j].columnHit, !tags[j].consumed, let type = profile(hit.column)?.type,
               type == .text || isCodeLike(hit.column), tags[j].valueHit == nil {
                if addGroup(at: j) {
                    tags[i].consumed = true
                    rankTarget = groups.last
                }
            }
        }
        if has({ $0 == .trend || $0 == .cumulative }) && !groups.contains(where: { if case .bucket = $0 { return true } else { return false } }) {
            if let column = dateColumn(), let grain = autoGrain(column) {
                groups.insert(.bucket(TimeBucket(column: column, grain: grain)), at: 0)
                addCondition(.isNull(column: column, negated: true))
            }
        }
        consumeAll { $0 == .trend }
    }

    /// A word naming the rows themselves: "rows", "orders", or "sale" for a sales table.
    /// An integer column holding only 0 and 1 (`Drama`, `Action`): a flag.
    func isFlagColumn(_ column: String) -> Bool {
        guard let p = profile(column), p.type == .integer, case .integer(0)? = p.min, case .integer(1)? = p.max else { return false }
        return true
    }

    func isRowWord(_ j: Int) -> Bool {
        if tags[j].lex == .rowNoun || isEntityNoun(j) { return true }
        guard let hit = tags[j].columnHit, !tags[j].isPlural else { return false }
        // msleep's `order` (Rodentia, Primates…) is a category: "per order" groups by it.
        if hit.strength == .full, let p = profile(hit.column), p.type == .text,
           p.distinctCount + p.nullCount < schema.rowCount { return false }
        let stem = Tokenizer.singularize(tags[j].text).0
        return Lexicon.transactionNouns.contains(stem)
    }

    /// An average, median, minimum or maximum was asked for: over one row per year, "per
    /// year" then means per row ("median number of girls per year").
    var asksForRowStatistic: Bool {
        hasLex(.aggregate(.avg)) || hasLex(.aggregate(.median)) || hasLex(.aggregate(.min)) || hasLex(.aggregate(.max))
    }

    /// True when the tag names a whole-number period column (`Year`) holding a different
    /// value on every row.
    func isOnePerRow(_ j: Int) -> Bool {
        guard let hit = tags[j].columnHit, isDayOrMonthNumber(hit.column), let p = profile(hit.column),
              !p.distinctIsEstimate else { return false }
        return p.nullCount == 0 && p.distinctCount == schema.rowCount
    }

    /// Add the grouping named at tag `j`; false when the tag cannot be a grouping.
    /// In a noun compound the last noun is the head: "product category" is `Category`.
    /// Returns the head's index and consumes the modifier.
    mutating func compoundHead(_ j: Int) -> Int {
        guard j + 1 < tags.count, let a = tags[j].columnHit, let b = tags[j + 1].columnHit, !tags[j + 1].consumed,
              a.column != b.column, a.strength != .partial, b.strength != .partial,
              profile(a.column)?.type == .text, profile(b.column)?.type == .text else { return j }
        tags[j].consumed = true
        penalty += 0.05
        return j + 1
    }

    /// A numeric column with a handful of distinct values (cylinders 4/6/8, a month number 5–9,
    /// a dose 0.5/1/2) is a category when a question groups by it: "avg mpg by cyl".
    func isCodeLike(_ column: String) -> Bool {
        guard let p = profile(column), p.type.isNumeric, !p.distinctIsEstimate else { return false }
        return p.distinctCount >= 2 && p.distinctCount <= 12 && schema.rowCount >= 2 * p.distinctCount
    }

    /// "for countries with gdp over 150": a plural of the rows' own names (a label column)
    /// before a clause picks rows, never one group per name.
    static func namesRowsBeforeClause(_ tags: [Tag], _ i: Int, _ columns: ColumnMatcher) -> Bool {
        guard tags[i].isPlural, let c = tags[i].columnHit?.column, columns.isLabel(c), i + 1 < tags.count else { return false }
        return Lexicon.relativeWords.contains(tags[i + 1].text)
    }

    /// True when "with" and "vs"/"or"/"and" stand right before the "without" at `p`.
    func saysWithOrWithout(before p: Int) -> Bool {
        guard p >= 2, tags[p - 2].text == "with" else { return false }
        switch tags[p - 1].lex {
        case .compare?, .or?, .and?: return true
        default: return false
        }
    }

    /// A year stored as a plain integer column (`Year`, `year`).
    func isYearNumber(_ column: String) -> Bool {
        guard let p = profile(column), p.type == .integer else { return false }
        let stems = Tokenizer.nameStems(column)
        guard stems.count == 1, let w = stems.first, case .timeUnit(let g)? = Lexicon.phrases[w] else { return false }
        return g == .year
    }

    /// A day-of-month or month number stored as a plain integer column ("Day", "Month").
    func isDayOrMonthNumber(_ column: String) -> Bool {
        guard let p = profile(column), p.type == .integer else { return false }
        let stems = Tokenizer.nameStems(column)
        guard stems.count == 1, let w = stems.first, case .timeUnit(let g)? = Lexicon.phrases[w] else { return false }
        return g == .day || g == .month || g == .year || g == .week || g == .hour
    }

    private mutating func addGroup(at index: Int) -> Bool {
        guard !tags[index].consumed else { return false }
        let j = compoundHead(index)
        switch tags[j].kind {
        case .column(let hit):
            guard let type = profile(hit.column)?.type else { return false }
            if type.isNumeric {
                // "top 3 doctors by fee": with a ranking and no other number to rank by, the
                // numeric column is the measure even when it has few values.
                // "the heaviest car per gear": the superlative names the other number.
                let otherNumber = tags.contains { t in
                    t.columnHit.map { $0.column != hit.column && profile($0.column)?.type.isNumeric == true } ?? false
                } || adjectiveMeasureInQuestion().map { $0 != hit.column } == true
                // "avg length by year" over an integer `year` of a hundred values: a period
                // number is a grouping however many values it has (it was averaged).
                guard isCodeLike(hit.column) || isDayOrMonthNumber(hit.column), !isRanking || otherNumber else { return false }
            }
            guard let column = column(of: j) else { return false }
            tags[j].consumed = true
            if type.isTemporal {
                // "by order date month" / "by date".
                if let n = next(after: j), case .lex(.timeUnit(let g)) = tags[n].kind {
                    tags[n].consumed = true
                    addBucket(g, column: column)
                } else {
                    addBucket(.day, column: column)
                }
                return true
            }
            if !groups.contains(.column(column)) { groups.append(.column(column)) }
            return true
        case .lex(.timeUnit(let g)):
            tags[j].consumed = true
            addBucket(g)
            return true
        case .lex(.timeAdverb(let g)):
            tags[j].consumed = true
            addBucket(g)
            return true
        default:
            return false
        }
    }

    mutating func addBucket(_ grain: TimeGrain, column explicit: String? = nil) {
        guard let column = explicit ?? dateColumn() else {
            problems.append("there is no date column to group by \(grain.rawValue)")
            return
        }
        let bucket = TimeBucket(column: column, grain: grain)
        if groups.contains(.bucket(bucket)) { return }
        groups.insert(.bucket(bucket), at: 0)
        addCondition(.isNull(column: column, negated: true))
    }

    /// A bucket size that gives a readable number of points for the column's span.
    func autoGrain(_ column: String) -> TimeGrain? {
        guard let p = profile(column), case .text(let lo)? = p.min, case .text(let hi)? = p.max,
              let a = CivilDate(iso: lo), let b = CivilDate(iso: hi) else { return .month }
        let span = b.ordinal - a.ordinal
        if span <= 1 && p.type == .datetime { return .hour }
        if span <= 31 { return .day }
        if span <= 92 { return .week }
        if span <= 1100 { return .month }
        return .year
    }

    // MARK: - Measures and the rest

    mutating func assignRoles() -> Roles {
        var roles = Roles()
        var pendingAggregate: AggregateFunction?
        /// Earlier aggregates of a list ("min and max temperature") waiting for the same column.
        var listedAggregates: [AggregateFunction] = []
        var aggregateApplied = false
        /// Where the pending aggregate was last applied: it carries over only through "and"
        /// ("average price and quantity"), not to a later noun ("average price across all sales").
        var appliedAt: Int?
        var pendingCount = false
        var pendingDistinct = false
        for i in tags.indices where !tags[i].consumed {
            switch tags[i].kind {
            case .lex(.aggregate(let f)):
                if let f0 = pendingAggregate, !aggregateApplied, f0 != .count, f != .count {
                    listedAggregates.append(f0)
                } else {
                    listedAggregates = []
                }
                pendingAggregate = f
                aggregateApplied = false
                tags[i].consumed = true
            case .lex(.howMuch):
                howMuch = true
                tags[i].consumed = true
            case .lex(.howMany):
                pendingCount = true
                tags[i].consumed = true
            case .lex(.distinct):
                pendingDistinct = true
                tags[i].consumed = true
            case .lex(.rowNoun):
                roles.sawRowNoun = true
                tags[i].consumed = true
                if pendingCount { countRows = true; pendingCount = false }
            case .unknown where isEntityNoun(i):
                roles.sawRowNoun = true
                tags[i].consumed = true
                if pendingCount { countRows = true; pendingCount = false }
            case .column:
                if compoundHead(i) != i { continue }
                guard let column = column(of: i), let type = profile(column)?.type else { continue }
                tags[i].consumed = true
                if type.isNumeric {
                    // "the earliest year", "latest year" over an integer `Year` column: its
                    // ends, like a date's (it was averaged as a bare number).
                    if pendingAggregate == nil, isYearNumber(column), has({ $0 == .first || $0 == .last }),
                       !tags.indices.contains(where: { k in
                           k != i && tags[k].columnHit.map { profile($0.column)?.type.isNumeric == true } == true
                       }) {
                        roles.dateColumnNamed = column
                        continue
                    }
                    // "count the dramas": a 0/1 column named in the plural picks its 1s.
                    if tags[i].isPlural, pendingAggregate == nil || aggregateApplied, !pendingDistinct, isFlagColumn(column),
                       tags[i].columnHit?.strength == .full {
                        addCondition(.compare(column: column, op: .eq, value: 1))
                        if pendingCount { countRows = true; pendingCount = false }
                        continue
                    }
                    if pendingCount && pendingDistinct {
                        // "how many different carburetor counts": the distinct values of a
                        // numeric column, counted — not the rows.
                        addMeasure(Measure(function: .countDistinct, column: column))
                        explicitAggregate = true
                        pendingCount = false
                        pendingDistinct = false
                    } else if pendingCount, let f = pendingAggregate, !aggregateApplied {
                        // "average number of items": the count words are part of the column's name.
                        addMeasure(Measure(function: f, column: column))
                        explicitAggregate = true
                        aggregateApplied = true
                        pendingCount = false
                    } else if pendingCount {
                        // "how many breaks": a count column named in the plural right after
                        // "how many" is summed, like a quantity; otherwise the rows are counted.
                        // "how many calories in Cheerios" sums a REAL column too; "how many sales"
                        // still counts the rows a `sales` amount column stands for.
                        let stem = Tokenizer.singularize(tags[i].text).0
                        let namedCount = tags[i].isPlural && i > 0 && tags[i - 1].lex == .howMany
                            && (tags[i].columnHit?.strength == .full || tags[i].assumption != nil)
                            && !Lexicon.transactionNouns.contains(stem)
                        // "how many years had no plague deaths": distinct years, never their sum.
                        if isDayOrMonthNumber(column) { addMeasure(Measure(function: .countDistinct, column: column)) }
                        else if isQuantityLike(column) || namedCount { addMeasure(Measure(function: .sum, column: column)) }
                        else { countRows = true }
                        pendingCount = false
                    } else if let f = pendingAggregate,
                              // "average government and private", "average government vs private".
                              appliedAt.map({ a in tags[(a + 1)..<i].contains { $0.lex == .and || $0.lex == .compare } }) ?? true {
                        appliedAt = i
                        for g in listedAggregates { addMeasure(Measure(function: g, column: column)) }
                        listedAggregates = []
                        if f == .count { countRows = true }
                        else { addMeasure(Measure(function: f, column: column)) }
                        explicitAggregate = true
                        aggregateApplied = true
                    } else if !roles.bareMeasures.contains(column) {
                        roles.bareMeasures.append(column)
                        // "sales" may just name the rows: "average price across all sales".
                        let stem = Tokenizer.singularize(tags[i].text).0
                        if Lexicon.transactionNouns.contains(stem) { roles.rowWordMeasures.insert(column) }
                    }
                } else if type == .boolean {
                    var value = true
                    if let p = previous(before: i), tags[p].lex == .negate { value = false; tags[p].consumed = true }
                    // "with vs without aircon", "with or without a garage": both sides are groups.
                    // (A helper, not a closure here: see `codeNumber`.)
                    if !value, let p = previous(before: i), saysWithOrWithout(before: p) {
                        for k in (p - 2)...p { tags[k].consumed = true }
                        comparedColumn = column
                    } else if let k = conditions.firstIndex(of: [.boolean(column: column, value: !value)]) {
                        // "managers vs non-managers": both sides of a yes/no column are groups.
                        conditions.remove(at: k)
                        comparedColumn = column
                    } else {
                        addCondition(.boolean(column: column, value: value))
                    }
                } else if type.isTemporal {
                    if let f = pendingAggregate, f == .min || f == .max, !aggregateApplied {
                        addMeasure(Measure(function: f, column: column))
                        explicitAggregate = true
                        aggregateApplied = true
                    } else {
                        roles.dateColumnNamed = column
                    }
                } else {
                    if pendingCount || pendingDistinct {
                        addMeasure(Measure(function: .countDistinct, column: column))
                        pendingCount = false
                        pendingDistinct = false
                        if pendingAggregate == .count { aggregateApplied = true }
                    } else if let f = pendingAggregate, !aggregateApplied, f != .count {
                        problems.append("\(f.phrase) of \"\(column)\" makes no sense: it holds text")
                        aggregateApplied = true
                    } else if i > 0, tags[i - 1].lex == .all, tags[i].isPlural, pendingAggregate != nil || !measures.isEmpty {
                        // "average price of all stocks": every stock together, not one figure per
                        // stock (as "across all stores").
                        penalty += 0.05
                    } else if Self.namesRowsBeforeClause(tags, i, columns) {
                        tags[i].consumed = true
                        penalty += 0.02
                    } else if !roles.otherText.contains(column) {
                        roles.otherText.append(column)
                    }
                }
            default:
                continue
            }
        }
        if pendingCount || pendingAggregate == .count { countRows = countRows || measures.isEmpty }
        if let f = pendingAggregate, !aggregateApplied, f != .count { roles.orphanAggregate = f }
        if !listedAggregates.isEmpty, !aggregateApplied { roles.orphanAggregate = listedAggregates[0] }
        if !measures.isEmpty || countRows {
            let named = Set(measures.compactMap(\.column))
            roles.bareMeasures.removeAll { roles.rowWordMeasures.contains($0) && !named.contains($0) }
        }
        // A column literally named like the aggregate word ("Total", "Count") is what was meant
        // when nothing else was measured: "total by region" over a `Total` column.
        if roles.orphanAggregate != nil, measures.isEmpty, roles.bareMeasures.isEmpty, !countRows,
           let word = tags.first(where: { if case .lex(.aggregate) = $0.kind { return true } else { return false } }),
           let hit = columns.match([word.text]), hit.strength == .full, profile(hit.column)?.type.isNumeric == true {
            roles.bareMeasures.append(hit.column)
            roles.orphanAggregate = nil
        }
        // Two different columns side by side, one only half-named ("manager name"), name
        // something the table does not have.
        for i in tags.indices.dropLast() {
            guard let a = tags[i].columnHit, let b = tags[i + 1].columnHit, a.column != b.column,
                  b.strength != .synonym, profile(b.column)?.type.isTemporal == false, a.strength == .partial || b.strength == .partial
                    || profile(a.column)?.type == .boolean else { continue }
            problems.append("I could not match \"\(tags[i].text) \(tags[i + 1].text)\" to a column")
        }
        return roles
    }

    mutating func addMeasure(_ m: Measure) {
        if !measures.contains(m) { measures.append(m) }
    }
}

extension AggregateFunction {
    var phrase: String {
        switch self {
        case .sum: return "sum"
        case .avg: return "average"
        case .median: return "median"
        case .min: return "minimum"
        case .max: return "maximum"
        case .count: return "number of rows"
        case .countDistinct: return "number of distinct values"
        case .stddev: return "standard deviation"
        case .variance: return "variance"
        case .range: return "range"
        }
    }
}
