// Planner: runs the parsing passes over a tagged question in order — time, row limits,
// comparisons, values, missing values, ranking limits, groupings, roles — then checks that
// every word was understood and hands over to PlanAssembler for the plan's shape.
//
// Input: tags, the schema, and choices for ambiguities found by an earlier pass. Output:
// `PlanOutcome`: a plan with its confidence and any open ambiguity (the engine re-plans once
// per option), or the words and problems that make the engine refuse. Pure, deterministic.

enum PlanOutcome {
    case plan(QueryPlan, confidence: Double, ambiguity: Ambiguity?)
    case refuse(unmatched: [String], problems: [String])
}

enum Planner {
    static func plan(tags: [Tag], schema: SourceSchema, columns: ColumnMatcher, choices: [String: Int]) -> PlanOutcome {
        var state = PlanningState(schema: schema, columns: columns, tags: tags, choices: choices)
        // "what will renewables be in 2025": the engine answers from the data; it does not forecast.
        if state.asksForForecast {
            return .refuse(unmatched: [], problems: ["I answer from the data as it is; I cannot forecast or predict"])
        }
        state.parseInTotal()
        state.parseTime()
        state.parseDailyRows()
        state.parseWhoRows()
        state.parseRowLimit()
        state.parseEdgeRows()
        state.parseUnits()
        state.parseComparisons()
        state.parseYearNumbers()
        state.parseCodedNumberLists()
        state.parseCodedNumbers()
        state.parseComparativeAdjectives()
        state.parseValues()
        state.parseNullChecks()
        state.parseHavingAValue()
        state.parseNegatedColumns()
        state.parseRankLimit()
        state.parseGroups()
        let roles = state.assignRoles()
        let unmatched = state.leftoverWords()
        if !unmatched.isEmpty || !state.problems.isEmpty {
            return .refuse(unmatched: unmatched, problems: state.problems)
        }
        guard var plan = state.assemble(roles) else {
            return .refuse(unmatched: [], problems: state.problems)
        }
        // "avg age for each type of death" read as type = 'Death' ("type of <value>"), grouped by
        // type: one group where each was asked for. Say so rather than answer it.
        for case .column(let g) in plan.groupBy where plan.conditions.contains(where: { group in
            group.count == 1 && {
                if case .inValues(g, let values, false) = group[0] { return values.count == 1 } else { return false }
            }()
        }) && state.tags.indices.contains(where: { k in
            k >= 2 && state.tags[k].valueHit?.column == g && state.tags[k - 1].text == "of" && state.tags[k - 2].columnHit?.column == g
        }) {
            return .refuse(unmatched: [], problems: ["I read both \"each \(g)\" and one \(g) only; ask for each \(g), or for that one"])
        }
        // "how many are published by elsevier" read as COUNT(DISTINCT pub) within pub = 'Elsevier':
        // the distinct count of a column held to one of its values is always 1, so the column was
        // named for the filter and the question counts the rows.
        if plan.groupBy.isEmpty {
            plan.projections = plan.projections.map { p in
                guard case .measure(let m) = p, m.function == .countDistinct, let c = m.column,
                      Self.heldToOneValue(c, plan.conditions) else { return p }
                return .measure(Measure(function: .count, column: nil))
            }
        }
        if let problem = Self.misreadShape(plan, state) {
            return .refuse(unmatched: [], problems: [problem])
        }
        // A sum nobody asked for over a coded number ("what doses were used", "days with ozone
        // over 100") adds up labels: refuse rather than answer confidently wrong.
        let summedCodes = plan.projections.contains { p in
            if case .measure(let m) = p, m.function == .sum, let c = m.column {
                // "how many cases" over `ncases`: a count column named after "how many" asks for its sum.
                let namedAfterCount = state.tags.indices.contains { k in
                    k > 0 && state.tags[k].columnHit?.column == c && state.tags[k].isPlural && state.tags[k - 1].lex == .howMany
                }
                return state.isDayOrMonthNumber(c)
                    || (state.isCodeLike(c) && c != columns.defaultMeasure && !namedAfterCount && !columns.isCountName(c))
            }
            return false
        }
        // ("Raphael's drawing score": one named row, so the "sum" is its value.)
        let oneNamedRow = plan.conditions.contains { group in
            group.count == 1 && Self.heldToOneValue(group[0].column, [group]) && columns.isLabel(group[0].column)
        }
        if summedCodes && !state.has({ $0 == .aggregate(.sum) }) && !oneNamedRow {
            return .refuse(unmatched: [], problems: ["I would have to add up a column of codes; ask for a count, an average or a list"])
        }
        // "days above 90 degrees": a comparison of a day or month number with a number it can
        // never reach meant some other column.
        for group in plan.conditions {
            for case .compare(let c, _, let v) in group where state.isDayOrMonthNumber(c) {
                let range = state.profile(c).flatMap { p -> ClosedRange<Double>? in
                    guard case .integer(let lo)? = p.min, case .integer(let hi)? = p.max, lo <= hi else { return nil }
                    return Double(lo)...Double(hi)
                }
                if let range, !range.contains(v) {
                    return .refuse(unmatched: [], problems: ["\(c) never reaches \(SQLBuilder.numberLiteral(v)); say which column the number is about"])
                }
            }
        }
        // "the date range": spread statistics are for numbers; a date's range is its first and
        // last value.
        var spreadChecked: [Projection] = []
        for p in plan.projections {
            guard case .measure(let m) = p, [.stddev, .variance, .range].contains(m.function), let c = m.column,
                  let type = state.profile(c)?.type else { spreadChecked.append(p); continue }
            if type.isNumeric {
                // "the range of fertility": its ends and the distance between them.
                let parts = m.function == .range
                    ? [Measure(function: .min, column: c), Measure(function: .max, column: c), m] : [m]
                for part in parts where !spreadChecked.contains(.measure(part)) && !plan.projections.contains(.measure(part)) || part == m {
                    spreadChecked.append(.measure(part))
                }
                continue
            }
            guard type.isTemporal, m.function == .range else {
                return .refuse(unmatched: [], problems: ["\(c) is not a number, so it has no \(m.function.phrase)"])
            }
            spreadChecked += [.measure(Measure(function: .min, column: c)), .measure(Measure(function: .max, column: c))]
        }
        plan.projections = spreadChecked
        // A period the data does not reach has no answer to give.
        for group in plan.conditions + plan.shareWithin {
            for case .dateRange(let c, let r) in group {
                guard let newest = state.newestDate(c), let oldest = state.oldestDate(c) else { continue }
                if let from = r.from, from > newest {
                    return .refuse(unmatched: [], problems: ["\(c) ends on \(newest.iso); there is no data from \(from.iso)"])
                }
                if let to = r.to, to <= oldest {
                    return .refuse(unmatched: [], problems: ["\(c) starts on \(oldest.iso); there is no data before \(to.iso)"])
                }
            }
        }
        // "what time of day…" over a column of dates alone: every hour would be 00.
        for key in plan.groupBy {
            if case .bucket(let b) = key, b.grain == .hourOfDay || b.grain == .hour, state.profile(b.column)?.type == .date {
                return .refuse(unmatched: [], problems: ["\(b.column) holds dates without times, so there is no hour to group by"])
            }
        }
        if !state.ignoredWords.isEmpty {
            plan.notes.append("ignored " + state.ignoredWords.map { "\"\($0)\"" }.joined(separator: ", "))
        }
        let confidence = max(0.3, min(0.99, 0.97 - state.penalty))
        return .plan(plan, confidence: confidence, ambiguity: state.ambiguity)
    }

    /// True when an AND-ed condition keeps `column` to a single value (`pub = 'Elsevier'`).
    static func heldToOneValue(_ column: String, _ conditions: [[Condition]]) -> Bool {
        for group in conditions where group.count == 1 {
            if case .inValues(column, let values, false) = group[0], values.count == 1 { return true }
        }
        return false
    }

    /// A plan whose shape cannot be what the question asks, read from the frame (the plan and
    /// the tags' lexicon words), or nil:
    /// - "top 5 years by number of deaths" with no ranking in the plan: the top N was lost;
    /// - "the year with the fewest christenings" as MIN(Year): a counting superlative is
    ///   never the earliest or latest year itself;
    /// - "how many days have a reading for lu" as COUNT(*) and SUM(lu): "how many" asks for
    ///   one count, and a sum nobody asked for beside it means a word was misread.
    static func misreadShape(_ plan: QueryPlan, _ state: PlanningState) -> String? {
        let tags = state.tags
        let ranked = plan.limit != nil || plan.topPerGroup != nil || plan.rowsPerGroup != nil || plan.keepTies
            || !plan.orderBy.isEmpty
        for (k, t) in tags.enumerated() where t.lex == .top || t.lex == .bottom {
            if k + 1 < tags.count, tags[k + 1].numberValue != nil, !ranked {
                return "I could not tell what to rank by for \"\(t.text) \(tags[k + 1].text)\"; name the number column (\"top 5 by price\")"
            }
        }
        // "average army in the first 6 months": a row limit the plan's shape dropped (an
        // aggregate over all rows) would answer for every row.
        if let n = state.rowLimit, plan.limit == nil {
            return "I could not apply \"\(n)\" rows to this question; ask for the figure over a period (\"in 1855\") instead"
        }
        let measures = plan.projections.compactMap { p -> Measure? in if case .measure(let m) = p { return m } else { return nil } }
        let isPeriod = { (c: String) in state.isDayOrMonthNumber(c) || state.profile(c)?.type.isTemporal == true }
        let periodExtreme = plan.groupBy.isEmpty && !measures.isEmpty && measures.allSatisfy { m in
            [.min, .max].contains(m.function) && m.column.map(isPeriod) == true
        }
        // ("which year had the most rows" as the rows ordered by year.)
        let periodOrder = plan.groupBy.isEmpty && measures.isEmpty && !plan.orderBy.isEmpty && plan.orderBy.allSatisfy { key in
            if case .column(let c, _) = key { return isPeriod(c) } else { return false }
        }
        if periodExtreme || periodOrder,
           let word = tags.first(where: { Lexicon.countingSuperlatives.contains($0.text) && $0.lex != .top && $0.lex != .bottom }) {
            return "I could not tell what \"\(word.text)\" counts; ask for a count per period (\"number of rows per year\")"
        }
        if state.has({ $0 == .howMany }), !state.has({ $0 == .aggregate(.sum) }), plan.groupBy.isEmpty,
           measures.contains(where: { $0.function == .count || $0.function == .countDistinct }),
           let summed = measures.first(where: { $0.function == .sum })?.column {
            return "I could not tell whether to count rows or add up \(summed); ask for one (\"how many rows have \(summed)\", \"total \(summed)\")"
        }
        return nil
    }
}

extension PlanningState {
    /// "what will sales be in 2025", "predict next year's revenue" — but not "will you show me".
    var asksForForecast: Bool {
        var words: [String] = []
        for t in tags {
            switch t.kind {
            case .lex(.stop), .unknown: words += t.text.split(separator: " ").map(String.init)
            default: words.append("")
            }
        }
        for (k, w) in words.enumerated() where Lexicon.forecastWords.contains(w) {
            if w == "will", k + 1 < words.count, ["you", "u", "ya"].contains(words[k + 1]) { continue }
            return true
        }
        return false
    }

    var rankHigh: Bool { has { $0 == .superlativeHigh || $0 == .top || $0 == .best } }
    var rankLow: Bool { has { $0 == .superlativeLow || $0 == .bottom || $0 == .worst } }
    var isRanking: Bool { rankHigh || rankLow }
    var isPerformance: Bool { has { $0 == .best || $0 == .worst || $0 == .performance } }
    var isCompare: Bool { hasLex(.compare) || comparesByAdjective }
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

    /// "lowest drawing score and who got it", "who is the heaviest": "who" beside a
    /// superlative asks for the row that holds the extreme, not the value alone.
    mutating func parseWhoRows() {
        guard hasLex(.superlativeHigh) || hasLex(.superlativeLow) else { return }
        for i in tags.indices where tags[i].lex == .which && Lexicon.personQuestionWords.contains(tags[i].text) {
            tags[i].kind = .lex(.rowNoun)
            // "who scored highest on colour": the verb after "who" only links the row to the ranking.
            if i + 1 < tags.count, case .unknown = tags[i + 1].kind, tags[i + 1].text.hasSuffix("ed") {
                tags[i + 1].kind = .lex(.stop)
            }
        }
    }

    /// "first 10 rows", "show 5 records", "last 3 rows".
    mutating func parseRowLimit() {
        for i in tags.indices where !tags[i].consumed {
            guard let n = tags[i].numberValue, n >= 1, n <= 1_000_000, n == n.rounded(), var r = next(after: i) else { continue }
            // "5 most recent orders", "3 earliest appointments"
            var between: Int?
            if tags[r].lex == .last || tags[r].lex == .first, let after = next(after: r) {
                between = r
                r = after
            }
            let genericRows = tags[r].lex == .rowNoun
            guard genericRows || isEntityNoun(r) else { continue }
            var edge: Int? = between
            if edge == nil, let p = previous(before: i), tags[p].lex == .first || tags[p].lex == .last || tags[p].lex == .top {
                edge = p
            }
            // "top 3 employees", "top 3 transactions by quantity" are rankings, not row limits.
            let namesNumber = tags.contains { $0.columnHit.map { profile($0.column)?.type.isNumeric == true } ?? false }
            if let e = edge, tags[e].lex == .top, !genericRows || namesNumber { continue }
            // "first 10 rows" is file order; "last 5 orders" is by date when there is one.
            if let e = edge, !genericRows || between != nil, let column = soleDateColumn {
                recencyColumn = column
                rowLimitFromEnd = tags[e].lex == .last
            } else if let e = edge {
                rowLimitFromEnd = tags[e].lex == .last
            } else if !genericRows {
                continue
            }
            rowLimit = Int(n)
            tags[i].consumed = true
            tags[r].consumed = true
            if let e = edge { tags[e].consumed = true }
        }
    }

    /// "Gadget B in total": a sum when nothing else says what to compute. Next to another
    /// aggregate, a count or a ranking ("how many orders in total") it is filler, as before.
    mutating func parseInTotal() {
        guard let i = tags.firstIndex(where: { $0.text == "in total" && $0.lex == .stop }) else { return }
        let computes = tags.contains { t in
            switch t.lex {
            case .aggregate?, .howMany?, .howMuch?, .share?, .distinct?, .superlativeHigh?, .superlativeLow?, .top?,
                 .bottom?, .best?, .worst?, .performance?, .compare?, .list?, .cumulative?:
                return true
            default:
                return false
            }
        }
        if !computes { tags[i].kind = .lex(.aggregate(.sum)) }
    }

    /// True when the question uses a verb of selling ("what did Gadget B sell").
    var saysSold: Bool { tags.contains { ["sell", "sold", "selling"].contains($0.text) } }

    /// "the first sale", "most recent orders", "latest appointment": rows by date, newest or
    /// oldest first. "in one sale", "in a single transaction": just "a row".
    mutating func parseEdgeRows() {
        for i in tags.indices where !tags[i].consumed {
            guard let r = next(after: i), !tags[r].consumed, isRowWord(r) else { continue }
            if tags[i].text == "one" || tags[i].text == "single" || tags[i].text == "a single" {
                tags[i].consumed = true
                // "the biggest single sale": the superlative ranks by the word that names both
                // the row and a column (`Sales`), so that word stays for the measure.
                let ranked = previous(before: i).map { tags[$0].lex == .superlativeHigh || tags[$0].lex == .superlativeLow } ?? false
                if !(ranked && tags[r].columnHit != nil) { tags[r].consumed = true }
                continue
            }
            guard tags[i].lex == .first || tags[i].lex == .last, let column = soleDateColumn else { continue }
            if let n = next(after: r), tags[n].numberValue != nil { continue }
            rowLimit = tags[r].isPlural ? 5 : 1
            recencyColumn = column
            rowLimitFromEnd = tags[i].lex == .last
            tags[i].consumed = true
            tags[r].consumed = true
        }
    }

    /// The date column when the schema has exactly one.
    var soleDateColumn: String? { temporalColumns.count == 1 ? temporalColumns[0] : nil }

    /// "top 5", "bottom 3", "5 best", "three highest".
    mutating func parseRankLimit() {
        // "the 2nd heaviest car", "second highest mpg": the k-th, not the top k.
        for i in tags.indices where !tags[i].consumed && i + 1 < tags.count {
            switch tags[i + 1].lex {
            case .superlativeHigh?, .superlativeLow?, .best?, .worst?:
                let word = tags[i].text
                let k = Lexicon.ordinals[word] ?? (tags[i].numberValue != nil && ["st", "nd", "rd", "th"].contains { word.hasSuffix($0) }
                                                    ? tags[i].numberValue.map { Int($0) } : nil)
                guard let k, k >= 2, k <= 1000 else { continue }
                ordinal = k
                tags[i].consumed = true
                if case .unknown = tags[i].kind { tags[i].kind = .lex(.stop) }
            default:
                continue
            }
        }
        for i in tags.indices where !tags[i].consumed {
            switch tags[i].lex {
            case .top?, .bottom?, .best?, .worst?, .superlativeHigh?, .superlativeLow?, .first?, .last?:
                if let j = next(after: i), let n = tags[j].numberValue, !tags[j].consumed, n >= 1, n <= 1_000_000, n == n.rounded() {
                    rankLimit = Int(n)
                    tags[j].consumed = true
                    if tags[i].lex == .first || tags[i].lex == .last { tags[i].consumed = true }
                }
            case .which?:
                // "which two products had the highest sales"
                if isRanking, let j = next(after: i), let n = tags[j].numberValue, !tags[j].consumed, n >= 1, n <= 1_000_000, n == n.rounded() {
                    rankLimit = Int(n)
                    tags[j].consumed = true
                }
            case nil, .number?:
                if let n = tags[i].numberValue, n >= 1, n <= 1_000_000, n == n.rounded(), let j = next(after: i) {
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

    /// An unknown word can be left out only when it reads as the noun for what a row is —
    /// plural ("how many houses", "the folks here") or after "a"/"an" ("the average price of
    /// a house") — and nothing the plan builds depends on it. It cannot when it sits where
    /// meaning is needed: after "by"/"per"/"for each", as a filter value (after "in", "for",
    /// "not", or a bare "of": "sales of unicorns"), beside a value ("the north pole"), a
    /// comparative, a superlative, an aggregate or a number, before "by" (the measure: "profit
    /// by store"), or when the question names nothing of the schema at all.
    func canIgnoreUnknown(_ i: Int) -> Bool {
        let namesSchema = tags.contains { t in
            switch t.kind {
            case .column, .value: return true
            case .lex(let w): return w == .howMany || w == .rowNoun
            default: return false
            }
        }
        // ("the 5 deepest quakes": the adjective names `depth`. Only one column: over msleep
        // "heaviest" may be `brainwt` or `bodywt`, and picking one would be a guess.)
        let namesMeasure = tags.contains { t in
            Lexicon.adjectiveMeasures[t.text] != nil && columns.hit(forAdjective: t.text).map { $0.alternatives.count == 1 } == true
        }
        guard namesSchema || namesMeasure, !Lexicon.neverIgnored.contains(tags[i].text) else { return false }
        // "published by Elsevier", "published by a society": a past participle before a "by"
        // that names who did it (a value, or "a"/"an") is the verb of that condition.
        if tags[i].text.count >= 5, tags[i].text.hasSuffix("ed"), i + 2 < tags.count, tags[i + 1].text == "by",
           tags[i + 2].valueHit != nil || Lexicon.indefiniteArticles.contains(tags[i + 2].text) {
            return true
        }
        // "share of cases out of all participants": the whole is named, and it is not the rows.
        var d = i - 1
        while d >= 0, tags[d].lex == .stop || tags[d].lex == .all, !tags[d].text.contains(" ") { d -= 1 }
        if d + 2 < i, Lexicon.denominatorCues.contains(tags[d + 1].text + " " + tags[d + 2].text) { return false }
        // "plague deaths as a percentage of all deaths": after "as a percentage of" comes the whole.
        var s = i - 1
        while s >= 0, tags[s].lex == .stop || tags[s].lex == .all { s -= 1 }
        if s >= 1, tags[s].lex == .share,
           tags[s - 1].text.split(separator: " ").first == "as" || (s >= 2 && tags[s - 1].text == "a" && tags[s - 2].text == "as") {
            return false
        }
        // "the rural male death rate" over `vadeaths`: the row noun stands between.
        if Lexicon.measureTailWords.contains(Tokenizer.singularize(tags[i].text).0), i > 1,
           tags[i - 1].lex == .rowNoun || isEntityNoun(i - 1),
           let c = tags[i - 2].columnHit?.column, columns.profile(c)?.type.isNumeric == true {
            return true
        }
        if Lexicon.categoryTailWords.contains(Tokenizer.singularize(tags[i].text).0), i > 0,
           let c = tags[i - 1].columnHit?.column, columns.profile(c)?.type == .text {
            return true
        }
        // A kind of thing the lexicon knows ("employees") that this table's columns are not
        // about: the question is about some other table.
        let stem = Tokenizer.singularize(tags[i].text).0
        if Lexicon.entityGroups.contains(where: { $0.contains(stem) }) { return false }
        // "how many omnivores…" over a `vore` column holding "omni": a word that looks like
        // a stored value is a filter the engine could not read, never a row noun.
        if resemblesStoredValue(stem) { return false }
        let before = i > 0 ? tags[i - 1] : nil
        let afterArticle = before.map { Lexicon.indefiniteArticles.contains($0.text) } ?? false
        guard tags[i].isPlural || afterArticle else { return false }
        // "for states that are at least 70% urban", "in states with murder under 5": a plural
        // followed by a clause that sets a condition on a named column is the rows it picks.
        if i + 2 < tags.count, Lexicon.relativeWords.contains(tags[i + 1].text),
           tags[(i + 2)...].prefix(3).contains(where: { t in
               if t.columnHit != nil || t.valueHit != nil { return true }
               if case .comparator? = t.lex { return true }
               return false
           }) {
            return true
        }
        // A plural noun naming no column is the row noun ("list the cars with mpg above 30",
        // "top 5 diamonds by price", "how many cars have 3 gears"), also where a list, a count,
        // a limit or a ranking asks for rows, and before a comparison on a named column.
        let rowPosition: Bool = {
            guard tags[i].isPlural else { return false }
            var p = i - 1
            while p >= 0, tags[p].lex == .stop { p -= 1 }
            guard p >= 0 else { return false }
            if tags[p].numberValue != nil { return true }
            switch tags[p].lex {
            case .list?, .howMany?, .top?, .bottom?, .superlativeHigh?, .superlativeLow?, .first?, .last?, .all?: return true
            // "what share of the animals are herbivores": the whole is the rows.
            case .share?: return true
            default:
                // "how many domesticated animals": a count of rows with a named value.
                guard tags[p].valueHit != nil else { return false }
                var q = p - 1
                while q >= 0, tags[q].lex == .stop { q -= 1 }
                return q >= 0 && tags[q].lex == .howMany
            }
        }()
        // "how many fords are there": with no column or value named, the noun is all the
        // question asks about, and counting every row would answer another question — unless
        // the question points at the whole table ("how many animals are in the list").
        // Over rows that each have a name (a label column: states, provinces, cereals) the
        // plural is what they are: "how many provinces are covered".
        // "how many nurses were working each month" over one row per month: the rows are
        // months, and a count of them would answer another question.
        if rowPosition, rowsArePeriods, let b = previous(before: i), tags[b].lex == .howMany,
           !tags.contains(where: { $0.lex == .stop && Lexicon.pointsAtTable($0.text) }) { return false }
        if rowPosition, !tags.contains(where: { $0.columnHit != nil || $0.valueHit != nil }),
           !tags.contains(where: { $0.lex == .stop && Lexicon.pointsAtTable($0.text) }), !columns.hasLabelColumn { return false }
        // "count of animals per order", "share of the animals": the "of" after a count or a
        // share introduces the rows, not a qualifier ("sales of unicorns").
        if let b = before, b.lex == .stop, Lexicon.qualifyingPrepositions.contains(b.text), !afterArticle, !rowPosition { return false }
        if i + 1 < tags.count, tags[i + 1].valueHit != nil { return false }
        if let b = before, b.valueHit != nil, !rowPosition { return false }
        var p = i - 1
        while p >= 0, tags[p].lex == .stop { p -= 1 }
        if p >= 0, !rowPosition {
            switch tags[p].kind {
            case .number, .date, .unknown, .value: return false
            case .lex(let w):
                switch w {
                case .groupCue, .valuePrep, .negate, .comparator, .between, .aggregate, .howMuch, .superlativeHigh,
                     .superlativeLow, .top, .bottom, .best, .worst, .compare, .distinct, .share, .which, .datePrep,
                     .or, .list, .number, .first, .last, .this, .and, .all:
                    return false
                case .howMany:
                    // "how many houses": the row noun, when it is the only word left unknown.
                    let unknowns = tags.indices.filter { j in
                        if case .unknown = tags[j].kind { return !tags[j].consumed && !isEntityNoun(j) } else { return false }
                    }
                    return unknowns == [i]
                default:
                    break
                }
            default:
                break
            }
        }
        var n = i + 1
        while n < tags.count, tags[n].lex == .stop { n += 1 }
        if n < tags.count {
            // ("how many cars have 8 cylinders": the rows, then a verb, then the condition.)
            if tags[n].numberValue != nil, !(rowPosition && n > i + 1) { return false }
            switch tags[n].kind {
            case .lex(.comparator), .lex(.between):
                // "diamonds over 1 carat", "cars with mpg above 30": the comparison has its column.
                return rowPosition || tags[i].isPlural && tags[n].lex != nil && tags.contains { $0.columnHit != nil }
            // "number of looms per wool type": after a count, the noun before "per" is the rows;
            // elsewhere it is the measure ("profit by store").
            case .lex(.groupCue): return rowPosition
            // "which publisher charges the most": a word before a superlative says what it ranks.
            // (Unless a column after the superlative names it: "who scored highest on colour".)
            case .lex(.superlativeHigh), .lex(.superlativeLow):
                let namedAfter = next(after: n).map { tags[$0].columnHit != nil } ?? false
                if tags[(i + 1)..<n].allSatisfy({ $0.text == "the" }), !namedAfter { return false }
            case .date, .unknown: return false
            default: break
            }
        }
        return true
    }

    /// True when a stored text value's first word and `stem` share their first four or more
    /// letters with one a prefix of the other ("omnivore"/"omni", "ford"/"ford torino").
    func resemblesStoredValue(_ stem: String) -> Bool {
        guard stem.count >= 4 else { return false }
        for (_, values) in schema.valueIndex.values {
            for v in values {
                guard let first = ValueMatcher.firstASCIIWord(v), first.count >= 4 else { continue }
                if stem.hasPrefix(first) || first.hasPrefix(stem) { return true }
            }
        }
        return false
    }

    /// True when a comparator ("more than", "at least", "between") stands right before the
    /// number at `n` (stopwords skipped, or "and" of a between).
    func comparedBefore(_ n: Int) -> Bool {
        var p = n - 1
        while p >= 0, tags[p].lex == .stop || tags[p].lex == .and || tags[p].numberValue != nil {
            // "shallower than 100 km", "taller than 170 cm": a comparative adjective's "than".
            if tags[p].text == "than" { return true }
            p -= 1
        }
        guard p >= 0 else { return false }
        switch tags[p].lex {
        case .comparator?, .between?: return true
        default: return false
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
                if canIgnoreUnknown(i) {
                    if !ignoredWords.contains(tags[i].text) { ignoredWords.append(tags[i].text) }
                    penalty += 0.08
                    continue
                }
                words.append(tags[i].text)
            case .number, .date:
                words.append(tags[i].text)
            case .lex(let w):
                switch w {
                case .timeUnit(let unit) where i > 0 && tags[i - 1].numberValue != nil && tags[i - 1].consumed && tags[i].isPlural
                                     && comparedBefore(i - 1):
                    // "sleep more than 15 hours": the unit of a compared number (the column
                    // holds the amount in its own unit); said in the interpretation. But "longer
                    // than two hours" over a `length` whose values could be hours or minutes
                    // (both 2 and 120 in its range) cannot be read safely.
                    let n = tags[i - 1].numberValue!
                    if unit == .hour, let c = conditions.joined().first(where: {
                        if case .compare(_, _, n) = $0 { return true } else { return false } })?.column,
                       let p = profile(c), let lo = p.min?.doubleValue, let hi = p.max?.doubleValue,
                       (lo...hi).contains(n), (lo...hi).contains(n * 60) {
                        let problem = "I cannot tell whether \(c) is in \(tags[i].text) or another unit; give the number in \(c)'s own unit"
                        if !problems.contains(problem) { problems.append(problem) }
                    }
                    if !ignoredWords.contains(tags[i].text) { ignoredWords.append(tags[i].text) }
                case .negate, .comparator, .between, .isNull, .isNotNull, .timeUnit, .month, .quarter, .this:
                    words.append(tags[i].text)
                case .or where tags[i].text == "or":
                    // An "or" no filter joined would silently become "and".
                    let problem = "I can join these conditions with \"and\" but not with \"or\"; ask for each part separately"
                    if !problems.contains(problem) { problems.append(problem) }
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
}
