// Planner: runs the parsing passes over a tagged question and assembles one `QueryPlan` —
// choosing the shape (single number, grouped, ranking, share, trend, comparison, listing),
// default measures and aggregates, ordering and limits — or says why it cannot.
//
// Input: tags, the schema, and choices for ambiguities found by an earlier pass. Output:
// `PlanOutcome`: a plan with its confidence, an open ambiguity (the engine re-plans once per
// option), or the reasons to refuse. Pure and deterministic.

enum PlanOutcome {
    case plan(QueryPlan, confidence: Double, ambiguity: Ambiguity?)
    case refuse(unmatched: [String], problems: [String])
}

enum Planner {
    static func plan(tags: [Tag], schema: SourceSchema, columns: ColumnMatcher, choices: [String: Int]) -> PlanOutcome {
        var state = PlanningState(schema: schema, columns: columns, tags: tags, choices: choices)
        state.parseTime()
        state.parseRowLimit()
        state.parseComparisons()
        state.parseValues()
        state.parseNullChecks()
        state.parseNegatedColumns()
        state.parseRankLimit()
        state.parseGroups()
        let roles = state.assignRoles()
        let unmatched = state.leftoverWords()
        if !unmatched.isEmpty || !state.problems.isEmpty {
            return .refuse(unmatched: unmatched, problems: state.problems)
        }
        guard let plan = state.assemble(roles) else {
            return .refuse(unmatched: [], problems: state.problems)
        }
        let confidence = max(0.3, min(0.99, 0.97 - state.penalty))
        return .plan(plan, confidence: confidence, ambiguity: state.ambiguity)
    }
}

extension PlanningState {
    var rankHigh: Bool { has { $0 == .superlativeHigh || $0 == .top || $0 == .best } }
    var rankLow: Bool { has { $0 == .superlativeLow || $0 == .bottom || $0 == .worst } }
    var isRanking: Bool { rankHigh || rankLow }
    var isPerformance: Bool { has { $0 == .best || $0 == .worst || $0 == .performance } }
    var isCompare: Bool { hasLex(.compare) }
    var isShare: Bool { hasLex(.share) }
    var isListVerb: Bool { hasLex(.list) }
    /// Descending unless the first ranking word asks for the low end.
    var rankDescending: Bool {
        for t in tags {
            switch t.lex {
            case .superlativeHigh?, .top?, .best?: return true
            case .superlativeLow?, .bottom?, .worst?: return false
            default: continue
            }
        }
        return true
    }

    /// An explicit sort order ("largest first", "ascending"), if the question gave one.
    var sortDescending: Bool? {
        for t in tags { if case .lex(.sortOrder(let d)) = t.kind { return d } }
        return nil
    }

    /// "first 10 rows", "show 5 records", "last 3 rows".
    mutating func parseRowLimit() {
        for i in tags.indices where !tags[i].consumed {
            guard let n = tags[i].numberValue, n >= 1, n == n.rounded(), var r = next(after: i) else { continue }
            // "5 most recent orders", "3 earliest appointments"
            var between: Int?
            if tags[r].lex == .last || tags[r].lex == .first, let after = next(after: r) {
                between = r
                r = after
            }
            let isRowWord = tags[r].lex == .rowNoun
            guard isRowWord || isEntityNoun(r) else { continue }
            var edge: Int? = between
            if edge == nil, let p = previous(before: i), tags[p].lex == .first || tags[p].lex == .last || tags[p].lex == .top {
                edge = p
            }
            // "top 3 employees" is a ranking, not a row limit.
            if let e = edge, tags[e].lex == .top, !isRowWord { continue }
            // "first 10 rows" is file order; "last 5 orders" is by date when there is one.
            if let e = edge, !isRowWord || between != nil, let column = soleDateColumn {
                recencyColumn = column
                rowLimitFromEnd = tags[e].lex == .last
            } else if let e = edge {
                rowLimitFromEnd = tags[e].lex == .last
            } else if !isRowWord {
                continue
            }
            rowLimit = Int(n)
            tags[i].consumed = true
            tags[r].consumed = true
            if let e = edge { tags[e].consumed = true }
        }
    }

    /// The date column when the schema has exactly one.
    var soleDateColumn: String? { temporalColumns.count == 1 ? temporalColumns[0] : nil }

    /// "top 5", "bottom 3", "5 best", "three highest".
    mutating func parseRankLimit() {
        for i in tags.indices where !tags[i].consumed {
            switch tags[i].lex {
            case .top?, .bottom?, .best?, .worst?, .superlativeHigh?, .superlativeLow?, .first?, .last?:
                if let j = next(after: i), let n = tags[j].numberValue, !tags[j].consumed, n >= 1, n == n.rounded() {
                    rankLimit = Int(n)
                    tags[j].consumed = true
                    if tags[i].lex == .first || tags[i].lex == .last { tags[i].consumed = true }
                }
            case .which?:
                // "which two products had the highest sales"
                if isRanking, let j = next(after: i), let n = tags[j].numberValue, !tags[j].consumed, n >= 1, n == n.rounded() {
                    rankLimit = Int(n)
                    tags[j].consumed = true
                }
            case nil:
                if let n = tags[i].numberValue, n >= 1, n == n.rounded(), let j = next(after: i) {
                    switch tags[j].lex {
                    case .top?, .bottom?, .best?, .worst?, .superlativeHigh?, .superlativeLow?:
                        rankLimit = Int(n)
                        tags[i].consumed = true
                    default: break
                    }
                }
            default:
                continue
            }
        }
    }

    /// Words nobody used: unknown words, stray numbers, and operators whose neglect would
    /// change the answer (a negation, a comparison, a month).
    mutating func leftoverWords() -> [String] {
        var words: [String] = []
        for i in tags.indices where !tags[i].consumed {
            switch tags[i].kind {
            case .unknown:
                if isEntityNoun(i) { continue }
                words.append(tags[i].text)
            case .number, .date:
                words.append(tags[i].text)
            case .lex(let w):
                switch w {
                case .negate, .comparator, .between, .isNull, .isNotNull, .timeUnit, .month, .quarter, .this:
                    words.append(tags[i].text)
                case .number:
                    if !["one", "ones"].contains(tags[i].text) { words.append(tags[i].text) }
                default:
                    continue
                }
            case .value, .column:
                continue
            }
        }
        return words
    }

    // MARK: - Assembly

    mutating func assemble(_ roles: Roles) -> QueryPlan? {
        var plan = QueryPlan()
        applyDateFilters()
        var otherText = roles.otherText

        // Rows as they are: "show the first 10 rows".
        if let n = rowLimit, measures.isEmpty, !countRows {
            plan.projections = listProjection(otherText + roles.bareMeasures)
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

        // Share of a whole.
        if isShare {
            let measure = shareMeasure(roles)
            let keys = groups + otherText.map { GroupKey.column($0) }
            if !keys.isEmpty {
                plan.projections = keys.map(projection) + [.measure(measure), .share(measure)]
                plan.groupBy = keys
                plan.conditions = conditions
                plan.orderBy = [.alias(measure.alias, descending: true)]
                plan.intent = .share
                return plan
            }
            guard !conditions.isEmpty else {
                problems.append("a share needs groups (\"by region\") or a condition (\"in the North\")")
                return nil
            }
            plan.projections = [.conditionalShare(measure)]
            plan.conditions = conditions
            plan.intent = .share
            return plan
        }

        // Named values side by side: "retail vs wholesale".
        if let compared = comparedColumn {
            let keys = groups.filter { $0 != .column(compared) } + [.column(compared)]
            var ms = measures
            if countRows { ms.insert(Measure(function: .count, column: nil), at: 0) }
            if ms.isEmpty, roles.bareMeasures.isEmpty, roles.sawRowNoun {
                ms = [Measure(function: .count, column: nil)]
            } else if ms.isEmpty {
                guard let m = roles.bareMeasures.first ?? columns.defaultMeasure else {
                    ms = [Measure(function: .count, column: nil)]
                    return finishComparison(&plan, keys: keys, measures: ms)
                }
                if roles.bareMeasures.isEmpty { penalty += 0.05 }
                ms = comparisonMeasures(m)
                for extra in roles.bareMeasures.dropFirst() { ms.append(Measure(function: defaultAggregate(extra), column: extra)) }
            } else {
                for extra in roles.bareMeasures { ms.append(Measure(function: defaultAggregate(extra), column: extra)) }
            }
            return finishComparison(&plan, keys: keys, measures: ms)
        }

        // Two measures against each other: "price vs quantity".
        if isCompare, groups.isEmpty, otherText.isEmpty, measures.isEmpty, !countRows, roles.bareMeasures.count >= 2 {
            plan.projections = roles.bareMeasures.map { .column($0) }
            plan.conditions = conditions
            plan.intent = .correlation
            return plan
        }

        let nothingToMeasure = measures.isEmpty && !countRows && roles.bareMeasures.isEmpty
            && roles.orphanAggregate == nil && !isPerformance

        // Distinct values: "list the products", "which regions bought Tool C".
        if nothingToMeasure, !isRanking, !isCompare, !roles.sawRowNoun, !groupedByCue, !otherText.isEmpty || !groups.isEmpty,
           groups.allSatisfy({ if case .column = $0 { return true } else { return false } }) {
            let cols = groups.compactMap { key -> String? in if case .column(let c) = key { return c } else { return nil } } + otherText
            plan.distinct = true
            plan.projections = cols.map { .column($0) }
            plan.conditions = conditions + cols.map { [.isNull(column: $0, negated: true)] }
            plan.orderBy = cols.map { .column($0, descending: false) }
            plan.intent = .listing
            return plan
        }

        // Rows as they are: "show all sales over 1000 in the South", "employees hired since 2020",
        // "quantity less than 10" (only conditions).
        if nothingToMeasure, roles.sawRowNoun || !conditions.isEmpty, !hasLex(.howMany), !isRanking, !isCompare,
           groups.isEmpty, otherText.isEmpty, ratios.isEmpty {
            plan.projections = [.star]
            plan.conditions = conditions
            plan.intent = .listing
            return plan
        }
        if isListVerb, measures.isEmpty, !countRows, roles.orphanAggregate == nil, !isRanking, groups.isEmpty {
            plan.projections = listProjection(otherText + roles.bareMeasures)
            plan.conditions = conditions
            plan.intent = .listing
            return plan
        }

        // Row-level ranking: "top 5 orders by shipping cost", "the most expensive sale".
        if isRanking, groups.isEmpty, otherText.isEmpty, measures.isEmpty, !countRows, !explicitAggregate {
            guard let m = roles.bareMeasures.first ?? adjectiveMeasureInQuestion()
                    ?? (isPerformance ? columns.defaultMeasure : nil) else {
                problems.append("I could not tell what to rank by")
                return nil
            }
            if rankLimit != nil || hasLex(.top) || hasLex(.bottom) || roles.sawRowNoun || isListVerb {
                plan.projections = [.star]
                plan.conditions = conditions + [[.isNull(column: m, negated: true)]]
                plan.orderBy = [.column(m, descending: rankDescending)]
                plan.limit = rankLimit ?? (tags.contains { $0.isPlural && $0.lex == .rowNoun } ? 5 : 1)
                plan.intent = .ranking
                return plan
            }
            let measure = Measure(function: rankDescending ? .max : .min, column: m)
            plan.projections = [.measure(measure)]
            plan.conditions = conditions
            plan.intent = .single
            return plan
        }

        // Aggregates, grouped or not.
        let textGroups = otherText.prefix(max(0, 2 - groups.count)).map { GroupKey.column($0) }
        otherText.removeFirst(textGroups.count)
        let keys = groups + textGroups
        var ms: [Measure] = []
        if countRows { ms.append(Measure(function: .count, column: nil)) }
        ms += measures
        for m in roles.bareMeasures where !ms.contains(where: { $0.column == m }) {
            // "sales on average": an aggregate word that found no column of its own.
            let f = roles.orphanAggregate.flatMap { $0 == .count ? nil : $0 } ?? defaultAggregate(m)
            ms.append(Measure(function: f, column: m))
        }
        if ms.isEmpty {
            if let m = adjectiveMeasureInQuestion() {
                ms = [Measure(function: defaultAggregate(m), column: m)]
            } else if isPerformance, let m = columns.defaultMeasure {
                penalty += 0.1
                ms = [Measure(function: .sum, column: m), Measure(function: .avg, column: m)]
            } else if isRanking, !keys.isEmpty {
                if let m = columns.defaultMeasure {
                    let options = [Measure(function: .sum, column: m), Measure(function: .count, column: nil)]
                    ms = [options[choose("rankmeasure", options: 2)]]
                } else {
                    ms = [Measure(function: .count, column: nil)]
                }
            } else if isCompare, !keys.isEmpty, let m = columns.defaultMeasure {
                // "compare the products": the usual side-by-side figures of the main measure.
                penalty += 0.1
                ms = comparisonMeasures(m)
            } else if !ratios.isEmpty {
                ms = []
            } else if let f = roles.orphanAggregate {
                problems.append("I could not tell which column to take the \(f.phrase) of")
                return nil
            } else if !keys.isEmpty {
                ms = [Measure(function: .count, column: nil)]
            } else {
                problems.append("I could not find anything to calculate")
                return nil
            }
        }
        if !otherText.isEmpty {
            problems.append("I could not tell what to do with \(otherText.map { "\"\($0)\"" }.joined(separator: ", "))")
            return nil
        }
        plan.projections = keys.map(projection) + ms.map { .measure($0) }
            + ratios.map { .ratio(numerator: $0.0, denominator: $0.1) }
        plan.groupBy = keys
        plan.conditions = conditions
        let buckets = keys.compactMap { key -> TimeBucket? in if case .bucket(let b) = key { return b } else { return nil } }
        if hasLex(.cumulative), let bucket = buckets.first, let first = ms.first {
            plan.projections.append(.cumulative(first, orderBy: bucket))
            plan.orderBy = keys.map(orderKey)
            plan.intent = .cumulative
            return plan
        }
        if isRanking, !keys.isEmpty {
            plan.orderBy = [.alias(primaryAlias(ms), descending: rankDescending)]
            let pluralGroup = tags.contains { t in
                guard t.isPlural, let hit = t.columnHit else { return false }
                return keys.contains(.column(hit.column))
            }
            let limit = rankLimit ?? (has({ [.top, .bottom, .best, .worst].contains($0) }) && pluralGroup ? 5 : 1)
            plan.intent = .ranking
            // "top product in each region": the ranked thing within each group of the other.
            if keys.count == 2, let target = rankTarget ?? textGroups.first, let partition = keys.first(where: { $0 != target }),
               groupedByCue, let measure = ms.first {
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
        if keys.isEmpty {
            plan.intent = .single
        } else if !buckets.isEmpty {
            plan.orderBy = keys.map(orderKey)
            plan.intent = keys.count == 1 ? .trend : .grouped2
        } else if keys.count == 1 {
            plan.orderBy = [.alias(primaryAlias(ms), descending: sortDescending ?? true)]
            plan.intent = isCompare ? .comparison : .grouped
        } else {
            plan.orderBy = keys.map(orderKey) 
            plan.intent = .grouped2
        }
        if isCompare, keys.count == 1, !explicitAggregate, ms.count == 1, let c = ms[0].column, !countRows {
            plan.projections = keys.map(projection) + comparisonMeasures(c).map { .measure($0) }
            plan.orderBy = [.alias(Measure(function: defaultAggregate(c), column: c).alias, descending: true)]
        }
        return plan
    }

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
        if isAdditive(column) {
            return [Measure(function: .count, column: nil), Measure(function: .sum, column: column),
                    Measure(function: .avg, column: column)]
        }
        return [Measure(function: .count, column: nil), Measure(function: .avg, column: column)]
    }

    private mutating func finishComparison(_ plan: inout QueryPlan, keys: [GroupKey], measures: [Measure]) -> QueryPlan {
        plan.projections = keys.map(projection) + measures.map { .measure($0) }
        plan.groupBy = keys
        plan.conditions = conditions
        plan.orderBy = keys.map(orderKey)
        plan.intent = .comparison
        return plan
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
