// PlanAssembler: turns what the parsing passes found into one `QueryPlan`, by shape, in order
// of precedence: a row limit ("first 10 rows"), a share of a whole, named values side by
// side ("retail vs wholesale"), two measures against each other, distinct values ("list
// the products"), rows as they are ("show sales over 1000"), a row-level ranking ("top 5
// orders by cost"), and otherwise aggregates — single, grouped, ranked, cumulative.
//
// Input: the planning state and the roles of its columns. Output: a plan, or nil with a
// reason in `problems` when there is nothing sensible to compute.

extension PlanningState {
    mutating func assemble(_ roles: Roles) -> QueryPlan? {
        applyDateFilters()
        if let n = rowLimit, measures.isEmpty, !countRows { return rowLimitPlan(n, roles) }
        if isShare { return sharePlan(roles) }
        if let compared = comparedColumn { return comparisonPlan(compared, roles) }
        if isCompare, groups.isEmpty, roles.otherText.isEmpty, measures.isEmpty, !countRows, roles.bareMeasures.count >= 2 {
            return correlationPlan(roles)
        }
        if var plan = listingPlan(roles) {
            // "list cars sorted by weight": the rows in that order.
            if let column = sortColumn {
                plan.orderBy = [.column(column, descending: sortDescending ?? false)]
                return plan
            }
            return recencyOrdered(plan, roles)
        }
        if let plan = dateExtremePlan(roles) { return sorted(plan) }
        if isRanking, groups.isEmpty, roles.otherText.isEmpty, measures.isEmpty, !countRows, !explicitAggregate {
            return sorted(rowRankingPlan(roles))
        }
        return sorted(aggregatePlan(roles))
    }

    /// "average mpg by cyl sorted by cyl": ordered by a group it shows. Also: an ordinal
    /// ("the second best region") only a row ranking can take; never dropped. A sort the answer
    /// cannot take is refused, never dropped silently.
    private mutating func sorted(_ plan: QueryPlan?) -> QueryPlan? {
        if let k = ordinal, plan?.offset == nil {
            problems.append("I can pick the \(Interpretation.ordinal(k)) row or value, but not the \(Interpretation.ordinal(k)) group; ask for the top \(k)")
            return nil
        }
        guard var plan, let column = sortColumn else { return plan }
        if plan.groupBy.contains(.column(column)) {
            plan.orderBy = [.column(column, descending: sortDescending ?? false)]
            return plan
        }
        problems.append("I can sort a list of rows, or groups by their own column, by \(column), but not this answer; ask for the rows, or for a ranking (\"top 5 by \(column)\")")
        return nil
    }

    /// Nothing was asked to be measured: no measure, count, aggregate word or "performance".
    private func nothingToMeasure(_ roles: Roles) -> Bool {
        measures.isEmpty && !countRows && roles.bareMeasures.isEmpty && roles.orphanAggregate == nil && !isPerformance
            && !howMuch
    }

    // MARK: - Shapes

    /// "show the first 10 rows", "the 5 most recent orders".
    private func rowLimitPlan(_ n: Int, _ roles: Roles) -> QueryPlan {
        var plan = QueryPlan()
        plan.projections = listProjection(roles.otherText + roles.bareMeasures)
        plan.conditions = conditions
        if let column = recencyColumn {
            plan.orderBy = [.column(column, descending: rowLimitFromEnd)]
        } else if rowLimitFromEnd {
            plan.orderBy = [.column("rowid", descending: true)]
        }
        plan.limit = n
        plan.intent = .listing
        return plan
    }

    /// "percentage of sales by region" (distribution) or "what share of sales came from the
    /// North" (the conditions as the numerator).
    private mutating func sharePlan(_ roles: Roles) -> QueryPlan? {
        var plan = QueryPlan()
        let measure = shareMeasure(roles)
        var keys = groups + roles.otherText.map { GroupKey.column($0) }
        // "survival rate of adults versus children": the compared values are the groups.
        if let compared = comparedColumn, !keys.contains(.column(compared)) { keys.append(.column(compared)) }
        plan.intent = .share
        // "percentage of managers by department": the managers' distribution across departments,
        // or the rate of managers within each department? Both are common; ask.
        let subjectFilters = conditions.contains { group in
            group.contains { if case .inValues = $0 { return true }; if case .boolean = $0 { return true }; return false }
        }
        // ("survival rate for each class": a rate is always within each group.)
        if !keys.isEmpty, subjectFilters, shareIsRate || choose("sharereading", options: 2) == 1 {
            plan.projections = keys.map(projection) + [.conditionalShare(measure)]
            plan.groupBy = keys
            plan.conditions = conditions
            plan.orderBy = [.alias("share_pct", descending: true)]
            return plan
        }
        if !keys.isEmpty {
            plan.projections = keys.map(projection) + [.measure(measure), .share(measure)]
            plan.groupBy = keys
            plan.conditions = conditions
            plan.orderBy = [.alias(measure.alias, descending: true)]
            return plan
        }
        guard !conditions.isEmpty else {
            problems.append("a share needs groups (\"by region\") or a condition (\"in the North\")")
            return nil
        }
        plan.projections = [.conditionalShare(measure)]
        plan.conditions = conditions
        // "share of professors in discipline B": the value named as the share's whole (right
        // after "share of") picks the rows; the other conditions are the part.
        if conditions.count >= 2, let whole = shareWholeColumn(),
           let k = conditions.firstIndex(where: { $0.count == 1 && $0[0].column == whole }) {
            plan.shareWithin = [conditions[k]]
            plan.conditions.remove(at: k)
        }
        // "what share of 2017 generation came from renewables", "share of the men who were
        // married in 1980" (a whole-number `year`): a period is the whole the share is taken
        // within, never part of the condition.
        let periods = periodGroups(plan.conditions)
        if !periods.isEmpty, periods.count < plan.conditions.count {
            plan.shareWithin += periods
            plan.conditions.removeAll { periods.contains($0) }
        }
        return plan
    }

    /// The groups that only name a period: a date range, or a comparison on a year kept as a
    /// whole number (`year = 1980`). (Not inlined in the mutating caller: see `codeNumber`.)
    func periodGroups(_ conditions: [[Condition]]) -> [[Condition]] {
        var periods: [[Condition]] = []
        for group in conditions {
            var onlyPeriod = true
            for condition in group {
                switch condition {
                case .dateRange: continue
                case .compare(let column, _, _), .between(let column, _, _, false):
                    if !isYearNumber(column) { onlyPeriod = false }
                default: onlyPeriod = false
                }
            }
            if onlyPeriod { periods.append(group) }
        }
        return periods
    }

    /// True when the share was named as a rate ("survival rate"): read within each group.
    var shareIsRate: Bool {
        for t in tags where t.lex == .share && t.text == "rate" { return true }
        return false
    }

    /// True when the ranking word counts rows by itself: "the most", "the fewest".
    var rankingCountsRows: Bool {
        tags.contains { t in
            switch t.lex {
            case .superlativeHigh?, .superlativeLow?, .top?, .bottom?:
                return Lexicon.countingSuperlatives.contains(t.text)
            default: return false
            }
        }
    }

    /// The only number column that is a measure (not a code, a day or month number, or a year).
    var soleMeasureColumn: String? {
        let measures = schema.columns.filter { c in
            c.type.isNumeric && !isCodeLike(c.name) && !isDayOrMonthNumber(c.name)
                && !Tokenizer.nameStems(c.name).contains(where: { ["year", "yr", "id", "key"].contains($0) })
        }
        return measures.count == 1 ? measures[0].name : nil
    }

    /// True when a superlative that names its own measure ("cheapest", "heaviest") stands
    /// right before a data value ("the cheapest van"): which row, not the extreme alone.
    private func superlativeBeforeValue() -> Bool {
        for k in tags.indices {
            switch tags[k].lex {
            case .superlativeHigh?, .superlativeLow?:
                guard measureForAdjective(tags[k].text) != nil, let n = next(after: k) else { continue }
                if tags[n].valueHit != nil { return true }
            default: continue
            }
        }
        return false
    }

    /// The column of a data value named right after the share word ("percentage of managers").
    /// Also "of the survivors, what percent were in first class": a value between a leading
    /// "of"/"among" and the share word. Not "what percent were in first class" (the part).
    private func shareWholeColumn() -> String? {
        guard let s = tags.firstIndex(where: { $0.lex == .share }) else { return nil }
        if let first = tags.first?.text.split(separator: " ").first, ["of", "among", "out"].contains(first),
           let v = tags[..<s].firstIndex(where: { t in
               t.valueHit != nil || t.columnHit.map { profile($0.column)?.type == .boolean || isFlagColumn($0.column) } == true }) {
            return tags[v].valueHit?.column ?? tags[v].columnHit?.column
        }
        var k = s + 1
        while k < tags.count, tags[k].isStopLike, tags[k].valueHit == nil, tags[k].text.split(separator: " ").allSatisfy({ ["of", "the", "all"].contains($0) }) {
            k += 1
        }
        guard k < tags.count, k > s + 1 || tags[s].text.hasSuffix(" of"), let hit = tags[k].valueHit else { return nil }
        return hit.column
    }

    /// Named values side by side: "retail vs wholesale", "compare north and south sales".
    private mutating func comparisonPlan(_ compared: String, _ roles: Roles) -> QueryPlan {
        let keys = groups.filter { $0 != .column(compared) } + [.column(compared)]
        var ms = measures
        if countRows { ms.insert(Measure(function: .count, column: nil), at: 0) }
        let bare = roles.bareMeasures.map { Measure(function: defaultAggregate($0), column: $0) }
        if ms.isEmpty, roles.bareMeasures.isEmpty, roles.sawRowNoun {
            ms = [Measure(function: .count, column: nil)]            // "united states vs canada orders"
        } else if ms.isEmpty, let m = roles.bareMeasures.first ?? columns.defaultMeasure {
            if roles.bareMeasures.isEmpty { penalty += 0.05 }
            ms = comparisonMeasures(m) + bare.dropFirst()
        } else if ms.isEmpty {
            ms = [Measure(function: .count, column: nil)]
        } else {
            ms += bare
        }
        var plan = QueryPlan()
        plan.projections = keys.map(projection) + ms.map { .measure($0) }
        plan.groupBy = keys
        plan.conditions = conditions
        plan.orderBy = keys.map(orderKey)
        plan.intent = .comparison
        return plan
    }

    /// Two measures against each other: "price vs quantity".
    private func correlationPlan(_ roles: Roles) -> QueryPlan {
        var plan = QueryPlan()
        plan.projections = roles.bareMeasures.map { .column($0) }
        plan.conditions = conditions
        plan.intent = .correlation
        return plan
    }

    /// Distinct values ("list the products", "which regions bought Tool C") or rows as they
    /// are ("show all sales over 1000 in the South", "employees hired since 2020").
    private func listingPlan(_ roles: Roles) -> QueryPlan? {
        var plan = QueryPlan()
        plan.intent = .listing
        let nothing = nothingToMeasure(roles)
        if nothing, !isRanking, !isCompare, !roles.sawRowNoun, !groupedByCue,
           !roles.otherText.isEmpty || !groups.isEmpty,
           groups.allSatisfy({ if case .column = $0 { return true } else { return false } }) {
            let cols = groups.compactMap { key -> String? in if case .column(let c) = key { return c } else { return nil } }
                + roles.otherText
            plan.distinct = true
            plan.projections = cols.map { .column($0) }
            plan.conditions = conditions + cols.map { [.isNull(column: $0, negated: true)] }
            plan.orderBy = cols.map { .column($0, descending: false) }
            return plan
        }
        if nothing, roles.sawRowNoun || !conditions.isEmpty, !hasLex(.howMany), !isRanking, !isCompare,
           groups.isEmpty, roles.otherText.isEmpty, ratios.isEmpty {
            plan.projections = [.star]
            plan.conditions = conditions
            return plan
        }
        // "AAPL prices in 2009", "temperatures in March": a price or rate named in the plural
        // with no aggregate word asks for the values, not their average.
        if measures.isEmpty, !countRows, roles.orphanAggregate == nil, !isRanking, !isCompare, !howMuch, !isPerformance,
           groups.isEmpty, roles.otherText.isEmpty, ratios.isEmpty, periodAverage == nil, !roles.bareMeasures.isEmpty,
           roles.bareMeasures.allSatisfy({ c in !isAdditive(c) && tags.contains { $0.isPlural && $0.columnHit?.column == c } }) {
            plan.projections = listProjection(roles.bareMeasures)
            plan.conditions = conditions
            return plan
        }
        if isListVerb, measures.isEmpty, !countRows, roles.orphanAggregate == nil, !isRanking, groups.isEmpty {
            plan.projections = listProjection(roles.otherText + roles.bareMeasures)
            plan.conditions = conditions
            return plan
        }
        return nil
    }

    /// "show the latest sales", "the most recently hired employee": a listing whose "latest" or
    /// "first" no earlier pass used. Dropping the word would list every row as if it had not
    /// been said, so the rows are taken newest (or oldest) first by the date column the
    /// question names or the only one there is: 5 for a plural, 1 otherwise. With no such date
    /// column the question is refused.
    private mutating func recencyOrdered(_ plan: QueryPlan, _ roles: Roles) -> QueryPlan? {
        guard plan.groupBy.isEmpty, plan.orderBy.isEmpty, plan.limit == nil, !plan.distinct,
              let edge = tags.indices.first(where: { !tags[$0].consumed && (tags[$0].lex == .first || tags[$0].lex == .last) })
        else { return plan }
        guard let column = roles.dateColumnNamed ?? soleDateColumn else {
            problems.append("I could not tell which date \"\(tags[edge].text)\" is measured by")
            return nil
        }
        tags[edge].consumed = true
        var ordered = plan
        let plural = next(after: edge).map { tags[$0].isPlural } ?? false
        ordered.conditions.append([.isNull(column: column, negated: true)])
        ordered.orderBy = [.column(column, descending: tags[edge].lex == .last)]
        ordered.limit = plural ? 5 : 1
        penalty += 0.05
        return ordered
    }

    /// "the oldest hire date", "latest order date": the extreme of a named date column.
    private func dateExtremePlan(_ roles: Roles) -> QueryPlan? {
        // "the 2 wettest days" over a column `day`: the superlative names another measure, so
        // the rows are ranked by it, not the date ("oldest", "latest" still name the date's ends).
        guard let column = roles.dateColumnNamed, isRanking || has({ $0 == .first || $0 == .last }),
              adjectiveMeasureInQuestion() == nil
                || tags.contains(where: { Lexicon.earliestDateWords.contains($0.text) || Lexicon.latestDateWords.contains($0.text) }),
              groups.isEmpty, roles.otherText.isEmpty, roles.bareMeasures.isEmpty, measures.isEmpty, !countRows
        else { return nil }
        let wantsEarliest = tags.contains { Lexicon.earliestDateWords.contains($0.text) }
        let wantsLatest = tags.contains { Lexicon.latestDateWords.contains($0.text) }
        var plan = QueryPlan()
        if tags.contains(where: { $0.text == "who" }) {
            // "who was hired first": the row (the person), not only the date.
            plan.projections = [.star]
            plan.conditions = conditions + [[.isNull(column: column, negated: true)]]
            plan.orderBy = [.column(column, descending: !wantsEarliest)]
            plan.limit = 1
            plan.intent = .listing
            return plan
        }
        // "first and last date": both ends of the range, not just the first word's end.
        if wantsEarliest && wantsLatest {
            plan.projections = [.measure(Measure(function: .min, column: column)),
                                .measure(Measure(function: .max, column: column))]
        } else {
            plan.projections = [.measure(Measure(function: wantsEarliest ? .min : .max, column: column))]
        }
        plan.conditions = conditions
        plan.intent = .single
        return plan
    }

    /// Rows ranked by a column ("top 5 orders by shipping cost", "heaviest order"), or the
    /// extreme value itself ("what is the highest price").
    private mutating func rowRankingPlan(_ roles: Roles) -> QueryPlan? {
        // A superlative that names its measure ranks by it: "the most expensive diamond's
        // carat" ranks by price and shows the carat.
        guard let m = rankBy.flatMap({ roles.bareMeasures.contains($0) ? $0 : nil }) ?? adjectiveMeasureInQuestion()
                ?? roles.bareMeasures.first
                ?? (isPerformance ? columns.defaultMeasure : nil) else {
            problems.append("I could not tell what to rank by")
            return nil
        }
        var plan = QueryPlan()
        if let k = ordinal {
            // "the 2nd heaviest car": that row; "second highest mpg": the second distinct value.
            let rows = roles.sawRowNoun || isListVerb
            plan.projections = rows ? [.star] : [.column(m)]
            plan.distinct = !rows
            plan.conditions = conditions + [[.isNull(column: m, negated: true)]]
            plan.orderBy = [.column(m, descending: rankDescending)]
            plan.limit = 1
            plan.offset = k - 1
            plan.intent = rows ? .ranking : .single
            return plan
        }
        if rankLimit != nil || hasLex(.top) || hasLex(.bottom) || roles.sawRowNoun || isListVerb {
            plan.projections = [.star]
            plan.conditions = conditions + [[.isNull(column: m, negated: true)]]
            plan.orderBy = [.column(m, descending: rankDescending)]
            // "the cereals on the top shelf": every row at that end, however many.
            let placeEnd = tags.contains { ["top", "bottom"].contains($0.text) && ($0.lex == .superlativeHigh || $0.lex == .superlativeLow) }
            let pluralRows = !placeEnd && tags.indices.contains { tags[$0].isPlural && (tags[$0].lex == .rowNoun || isEntityNoun($0)) }
            plan.limit = rankLimit ?? (pluralRows ? 5 : 1)
            // "which car has the most horsepower": the one row asked for may be several tied.
            plan.keepTies = rankLimit == nil && !pluralRows
            plan.intent = .ranking
            return plan
        }
        // "cheapest van?": a superlative that names its measure, then a value, asks for the row.
        if superlativeBeforeValue() {
            plan.projections = [.star]
            plan.conditions = conditions + [[.isNull(column: m, negated: true)]]
            plan.orderBy = [.column(m, descending: rankDescending)]
            plan.limit = 1
            plan.keepTies = true
            plan.intent = .ranking
            return plan
        }
        plan.projections = [.measure(Measure(function: rankDescending ? .max : .min, column: m))]
        plan.conditions = conditions
        plan.intent = .single
        return plan
    }

    /// Aggregates: one number, per group, ranked, over time, or cumulative.
    private mutating func aggregatePlan(_ roles: Roles) -> QueryPlan? {
        var otherText = roles.otherText
        let textGroups = otherText.prefix(max(0, 2 - groups.count)).map { GroupKey.column($0) }
        otherText.removeFirst(textGroups.count)
        let keys = groups + textGroups
        guard otherText.isEmpty else {
            problems.append("I could not tell what to do with \(otherText.map { "\"\($0)\"" }.joined(separator: ", "))")
            return nil
        }
        guard var ms = aggregateMeasures(roles, keys: keys) else { return nil }
        if periodAverage != nil {
            // Each period's total (or average, for prices and rates), then their average.
            ms = ms.map { m in
                guard let c = m.column, m.function == .avg else { return m }
                return Measure(function: defaultAggregate(c), column: c)
            }
        }

        var plan = QueryPlan()
        plan.projections = keys.map(projection) + ms.map { .measure($0) }
            + ratios.map { .ratio(numerator: $0.0, denominator: $0.1) }
        plan.groupBy = keys
        plan.conditions = conditions
        if let period = periodAverage {
            plan.periodAverage = period
            plan.intent = keys.isEmpty ? .single : (keys.count == 1 ? .grouped : .grouped2)
            return plan
        }
        let buckets = keys.compactMap { key -> TimeBucket? in if case .bucket(let b) = key { return b } else { return nil } }
        if hasLex(.cumulative), let bucket = buckets.first, let first = ms.first {
            plan.projections.append(.cumulative(first, orderBy: bucket))
            plan.orderBy = keys.map(orderKey)
            plan.intent = .cumulative
            return plan
        }
        if isRanking, keys.count == 1, case .column(let partition) = keys[0], distributiveGroups, rankTarget == nil,
           !explicitAggregate, rankLimit != nil || roles.sawRowNoun,
           let m = rankBy ?? adjectiveMeasureInQuestion() ?? roles.bareMeasures.first, m != partition {
            // "top 2 cars by mpg for each cyl", "the heaviest car in each gear": rows, not an extreme.
            var rows = QueryPlan()
            rows.projections = [.star]
            rows.conditions = conditions
            rows.rowsPerGroup = RowsPerGroup(partition: partition, orderColumn: m, descending: rankDescending, limit: rankLimit ?? 1)
            rows.intent = .ranking
            return rows
        }
        if isRanking, !keys.isEmpty, distributiveGroups, rankTarget == nil, textGroups.isEmpty, !explicitAggregate,
           !roles.bareMeasures.isEmpty {
            // "highest salary in each department": the extreme within each group, not a ranking of groups.
            let f: AggregateFunction = rankDescending ? .max : .min
            let extremes = ms.map { m in m.column.map { roles.bareMeasures.contains($0) } == true ? Measure(function: f, column: m.column) : m }
            plan.projections = keys.map(projection) + extremes.map { .measure($0) }
            plan.orderBy = keys.map(orderKey)
            plan.intent = keys.count == 1 ? .grouped : .grouped2
            return plan
        }
        if isRanking, !keys.isEmpty {
            return rankGroups(plan, keys: keys, textGroups: textGroups, measures: ms)
        }
        if keys.isEmpty {
            plan.intent = .single
        } else if !buckets.isEmpty {
            plan.orderBy = keys.map(orderKey)
            // Days of the week and hours of the day are categories, not a timeline.
            let timeline = buckets.contains { !$0.grain.isCyclic }
            plan.intent = keys.count == 1 ? (timeline ? .trend : .grouped) : .grouped2
        } else if keys.count == 1, sortDescending == nil, case .column(let year) = keys[0], isYearNumber(year) {
            // "total males per year" over a whole-number `Year`: a timeline, in year order.
            plan.orderBy = [.column(year, descending: false)]
            plan.intent = isCompare ? .comparison : .grouped
        } else if keys.count == 1 {
            plan.orderBy = [.alias(primaryAlias(ms), descending: sortDescending ?? true)]
            plan.intent = isCompare ? .comparison : .grouped
        } else {
            plan.orderBy = keys.map(orderKey)
            plan.intent = .grouped2
        }
        // "compare sales across regions": the usual side-by-side figures.
        if isCompare, keys.count == 1, !explicitAggregate, ms.count == 1, let c = ms[0].column, !countRows {
            let side = comparisonMeasures(c)
            plan.projections = keys.map(projection) + side.map { .measure($0) }
            // Sorted by the figure the comparison is about: the total, or the average.
            let main = Measure(function: defaultAggregate(c), column: c)
            plan.orderBy = [.alias(side.contains(main) ? main.alias : primaryAlias(side), descending: true)]
        }
        return plan
    }

    /// The measures of an aggregate plan: named ones, counts, bare columns with their default
    /// aggregate, and defaults when none was named (or nil with a problem).
    private mutating func aggregateMeasures(_ roles: Roles, keys: [GroupKey]) -> [Measure]? {
        var ms: [Measure] = []
        if countRows { ms.append(Measure(function: .count, column: nil)) }
        ms += measures
        for m in roles.bareMeasures where !ms.contains(where: { $0.column == m }) {
            // "sales on average": an aggregate word that found no column of its own.
            let f = roles.orphanAggregate.flatMap { $0 == .count ? nil : $0 } ?? defaultAggregate(m)
            ms.append(Measure(function: f, column: m))
        }
        // "how many orders per customer on average": an average of the counts per group, which
        // a plain count per group would silently not be.
        if let f = roles.orphanAggregate, f == .avg || f == .median, !keys.isEmpty, !ms.isEmpty,
           ms.allSatisfy({ $0.function == .count && $0.column == nil }) {
            problems.append("I can count the rows per group, but not take the \(f.phrase) of those counts; ask for the count per group")
            return nil
        }
        guard ms.isEmpty else { return ms }
        if let m = adjectiveMeasureInQuestion() {
            // "most expensive ship mode on average"
            let f = roles.orphanAggregate.flatMap { $0 == .count ? nil : $0 } ?? defaultAggregate(m)
            return [Measure(function: f, column: m)]
        }
        if let word = superlativeWithoutItsMeasure() {
            // "which year was the wettest" with no rain column: counting rows instead would be
            // confidently wrong.
            problems.append("I could not find the column \"\(word)\" is measured by; name it")
            return nil
        }
        if howMuch, let m = columns.defaultMeasure {
            // "how much did we sell": the main amount.
            penalty += 0.05
            return [Measure(function: defaultAggregate(m), column: m)]
        }
        if isPerformance, let m = columns.defaultMeasure {
            // "best performance": total and average of the most sales-like column.
            penalty += 0.1
            return [Measure(function: .sum, column: m), Measure(function: .avg, column: m)]
        }
        if isRanking, !keys.isEmpty,
           roles.sawRowNoun || (tags.contains(where: { $0.valueHit != nil && $0.isPlural }) && (rankingCountsRows || columns.defaultMeasure == nil && soleMeasureColumn == nil)) {
            return [Measure(function: .count, column: nil)]        // "the fewest orders", "the most no-shows"
        }
        if isRanking, !keys.isEmpty {
            // "top customers": by amount or by count? Ask.
            guard let m = columns.defaultMeasure else {
                // "which year had the most": rows. "the biggest yearly figure": some amount —
                // the table's one number column if it has one (asked, with the count), else refused.
                if rankingCountsRows { return [Measure(function: .count, column: nil)] }
                guard let sole = soleMeasureColumn else {
                    problems.append("I could not tell what to rank by; name the column (\"highest total sales\")")
                    return nil
                }
                let options = [Measure(function: .sum, column: sole), Measure(function: .count, column: nil)]
                return [options[choose("rankmeasure", options: 2)]]
            }
            let options = [Measure(function: .sum, column: m), Measure(function: .count, column: nil)]
            return [options[choose("rankmeasure", options: 2)]]
        }
        if isCompare, !keys.isEmpty, let m = columns.defaultMeasure {
            // "compare the products": the usual side-by-side figures of the main measure.
            penalty += 0.1
            return comparisonMeasures(m)
        }
        if !ratios.isEmpty { return [] }
        if let f = roles.orphanAggregate, f == .sum || f == .avg, saysSold, let m = columns.defaultMeasure {
            // "what did Gadget B sell in total": the verb names the main amount.
            penalty += 0.05
            return [Measure(function: f, column: m)]
        }
        if let f = roles.orphanAggregate {
            problems.append("I could not tell which column to take the \(f.phrase) of")
            return nil
        }
        let timeline = keys.contains { if case .bucket(let b) = $0 { return !b.grain.isCyclic } else { return false } }
        if timeline, !roles.sawRowNoun, let m = columns.defaultMeasure {
            // "how did Gadget B sell month by month": the main amount over time.
            penalty += 0.1
            return [Measure(function: defaultAggregate(m), column: m)]
        }
        if !keys.isEmpty { return [Measure(function: .count, column: nil)] }
        problems.append("I could not find anything to calculate")
        return nil
    }

    /// Rank groups by the first measure; "top product in each region" ranks within groups.
    private func rankGroups(_ grouped: QueryPlan, keys: [GroupKey], textGroups: [GroupKey], measures ms: [Measure]) -> QueryPlan {
        var plan = grouped
        plan.intent = .ranking
        plan.orderBy = [.alias(primaryAlias(ms), descending: rankDescending)]
        let pluralGroup = tags.contains { t in
            guard t.isPlural, let hit = t.columnHit else { return false }
            return keys.contains(.column(hit.column))
        }
        let limit = rankLimit ?? (has({ [.top, .bottom, .best, .worst].contains($0) }) && pluralGroup ? 5 : 1)
        if keys.count == 2, groupedByCue, let target = rankTarget ?? textGroups.first,
           let partition = keys.first(where: { $0 != target }), let measure = ms.first {
            plan.projections = [projection(partition), projection(target)] + Array(plan.projections.dropFirst(2))
            plan.topPerGroup = TopPerGroup(partition: partition, measure: measure, descending: rankDescending, limit: limit)
            plan.orderBy = []
            let known = Condition.isNull(column: partitionColumn(partition), negated: true)
            if !plan.conditions.contains([known]) { plan.conditions.append([known]) }
            return plan
        }
        // A missing value is not a winner: "which department" never answers NULL.
        for case .column(let c) in keys where !plan.conditions.contains([.isNull(column: c, negated: true)]) {
            plan.conditions.append([.isNull(column: c, negated: true)])
        }
        plan.limit = limit
        return plan
    }
}

// MARK: - Helpers

extension PlanningState {
    private func partitionColumn(_ key: GroupKey) -> String {
        switch key {
        case .column(let c): return c
        case .bucket(let b): return b.column
        }
    }

    /// The alias results are ranked and sorted by: the first measure, else the first ratio.
    private func primaryAlias(_ measures: [Measure]) -> String {
        // Side-by-side figures sort by the total, not the row count.
        if isCompare, let m = measures.first(where: { $0.function != .count }) { return m.alias }
        if let m = measures.first { return m.alias }
        if let r = ratios.first { return Projection.ratio(numerator: r.0, denominator: r.1).alias ?? "" }
        return ""
    }

    private func projection(_ key: GroupKey) -> Projection {
        switch key {
        case .column(let c): return .column(c)
        case .bucket(let b): return .bucket(b)
        }
    }

    private func orderKey(_ key: GroupKey) -> OrderKey {
        switch key {
        case .column(let c): return .column(c, descending: false)
        case .bucket(let b): return .alias(b.alias, descending: false)
        }
    }

    private func listProjection(_ columns: [String]) -> [Projection] {
        columns.count >= 2 ? columns.map { .column($0) } : [.star]
    }

    /// Count, total and average side by side (count and average for non-additive columns).
    private func comparisonMeasures(_ column: String) -> [Measure] {
        // "windier", "earn more": groups of different sizes compare by their average.
        if isAdditive(column), !comparesGroups {
            return [Measure(function: .count, column: nil), Measure(function: .sum, column: column),
                    Measure(function: .avg, column: column)]
        }
        return [Measure(function: .count, column: nil), Measure(function: .avg, column: column)]
    }

    private mutating func shareMeasure(_ roles: Roles) -> Measure {
        if let m = measures.first(where: { $0.column != nil && $0.function != .countDistinct }) {
            return Measure(function: .sum, column: m.column)
        }
        if let m = roles.bareMeasures.first { return Measure(function: .sum, column: m) }
        return Measure(function: .count, column: nil)
    }

    /// Date filters become conditions; several periods compared ("2023 vs 2024") become
    /// groups of one bucket with the periods ORed.
    private mutating func applyDateFilters() {
        guard !dateFilters.isEmpty, let column = dateColumn() else {
            if !dateFilters.isEmpty { problems.append("there is no date column") }
            return
        }
        let grains = Set(dateFilters.map(\.grain))
        if isCompare, dateFilters.count >= 2, grains.count == 1, let grain = grains.first, grain != .day,
           dateFilters.allSatisfy({ $0.range != nil }), comparedColumn == nil {
            conditions.append(dateFilters.map { .dateRange(column: column, range: $0.range!) })
            let bucket = TimeBucket(column: column, grain: grain)
            if !groups.contains(.bucket(bucket)) { groups.insert(.bucket(bucket), at: 0) }
            return
        }
        func condition(_ f: DateFilter) -> Condition? {
            if let r = f.range { return .dateRange(column: column, range: r) }
            if let m = f.monthOfYear { return .monthOfYear(column: column, month: m) }
            return nil
        }
        // Named periods are alternatives (a date is in January or in February, never both);
        // bounds narrow each other.
        let periods = dateFilters.filter(\.isPeriod).compactMap(condition)
        if periods.count > 1 { conditions.append(periods) } else if let p = periods.first { addCondition(p) }
        for f in dateFilters where !f.isPeriod {
            if let c = condition(f) { addCondition(c) }
        }
    }
}
