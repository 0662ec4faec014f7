// PlanningState: what the planner has learned so far about one question — the tags (with
// which ones have been used), conditions, groups, measures, ranking, and the choices made
// where the question was ambiguous. The parsing passes (TimeParser, FilterParser,
// RoleAssigner) are extensions that read tags and fill these fields.

/// An open choice between readings; the engine re-plans once per option.
struct Ambiguity: Sendable, Equatable {
    var key: String
    var options: Int
}

/// A date filter found in the question, kept apart so "2023 vs 2024" can become groups.
struct DateFilter: Sendable, Equatable {
    var range: DateRange?
    var monthOfYear: Int?
    /// The grain the phrase named (a year, a month, a quarter, a day).
    var grain: TimeGrain
    /// A named period ("March", "2024") rather than a bound ("before March"): several
    /// periods in one question are alternatives ("in January and February").
    var isPeriod = false
}

struct PlanningState {
    let schema: SourceSchema
    let columns: ColumnMatcher
    let choices: [String: Int]
    var tags: [Tag]

    var ambiguity: Ambiguity?
    var conditions: [[Condition]] = []
    var dateFilters: [DateFilter] = []
    var groups: [GroupKey] = []
    var measures: [Measure] = []
    var listColumns: [String] = []
    var rankLimit: Int?
    var rowLimit: Int?
    var rowLimitFromEnd = false
    /// Set when "last 5 orders" means the newest by this date column.
    var recencyColumn: String?
    /// Values compared side by side ("retail vs wholesale"): the column and the values.
    var comparedColumn: String?
    /// True when a grouping came from "by", "per", "for each"... rather than "which X".
    var groupedByCue = false
    /// "average monthly units": measures are totalled per period, then averaged.
    var periodAverage: TimeBucket?
    /// The grouping came from "each"/"every"/"per": "highest salary in each department".
    var distributiveGroups = false
    /// "how much ...": an amount is asked for.
    var howMuch = false
    /// The grouping "which X" / "top X" asks about, when a question also groups by another.
    var rankTarget: GroupKey?
    /// The number column named after "by" in a ranking ("top 5 days by ozone"): rows are
    /// ranked by it, whatever other number columns the question names.
    var rankBy: String?
    /// Set when a comparative adjective stands between two named periods or values ("was 2014
    /// warmer than 2013"): they are compared side by side, like "2014 vs 2013".
    var comparesByAdjective = false
    /// A comparative between two named groups ("earn more than women"): compared by average.
    var comparesGroups = false
    /// "sorted by weight": the column a list of rows is ordered by.
    var sortColumn: String?
    /// "the 2nd heaviest": which place of the ranking is asked for (2 or more).
    var ordinal: Int?
    /// The measure a unit after a number implies, by the number's tag index ("90 degrees").
    var unitMeasures: [Int: String] = [:]
    /// Ratios named as "X per Y" with both numeric ("cost per kg").
    var ratios: [(String, String)] = []
    /// Each row is one date (or month) of the sole date column: the rows are periods, so a
    /// plural noun the schema does not know ("how many nurses") cannot be them.
    var rowsArePeriods = false
    var explicitAggregate = false
    var countRows = false
    var penalty = 0.0
    /// Words the plan did without ("house", "folks"): listed in the interpretation, and each
    /// lowers the confidence.
    var ignoredWords: [String] = []
    /// Problems that make the engine refuse, already phrased for people.
    var problems: [String] = []

    init(schema: SourceSchema, columns: ColumnMatcher, tags: [Tag], choices: [String: Int]) {
        self.schema = schema
        self.columns = columns
        self.tags = tags
        self.choices = choices
    }

    // MARK: - Tag helpers

    func has(_ predicate: (LexWord) -> Bool) -> Bool {
        // A plain loop: `tags.contains { $0.lex.map(predicate) ?? false }` crashes Swift
        // 6.3.1's optimizer (CopyPropagation ownership error) in release builds.
        for t in tags {
            if let w = t.lex, predicate(w) { return true }
        }
        return false
    }

    func hasLex(_ w: LexWord) -> Bool { has { $0 == w } }

    mutating func consumeAll(_ predicate: (LexWord) -> Bool) {
        // (A plain `if let`, for the same optimizer crash as in has(_:).)
        for i in tags.indices {
            if let w = tags[i].lex, predicate(w) { tags[i].consumed = true }
        }
    }

    /// The index of the next tag after `i` that is not filler ("the", "of"), or nil.
    func next(after i: Int, skippingValuePreps: Bool = true) -> Int? {
        var j = i + 1
        while j < tags.count {
            if let w = tags[j].lex, w == .stop || w == .all || (skippingValuePreps && w == .valuePrep) { j += 1; continue }
            return j
        }
        return nil
    }

    /// The index of the previous tag before `i` that is not filler, or nil.
    func previous(before i: Int) -> Int? {
        var j = i - 1
        while j >= 0 {
            if let w = tags[j].lex, w == .stop || w == .valuePrep || w == .all { j -= 1; continue }
            return j
        }
        return nil
    }

    func profile(_ column: String) -> ColumnProfile? { columns.profile(column) }

    /// Resolve a choice point: the caller's choice when re-planning, else record the first
    /// ambiguity and continue with option 0.
    mutating func choose(_ key: String, options: Int) -> Int {
        if let c = choices[key], c < options { return c }
        if ambiguity == nil { ambiguity = Ambiguity(key: key, options: options) }
        return 0
    }

    /// The column of a column tag, resolving alternatives.
    mutating func column(of index: Int) -> String? {
        guard let hit = tags[index].columnHit else { return nil }
        if hit.strength == .partial { penalty += 0.1 } else if hit.strength == .synonym { penalty += 0.05 }
        guard hit.alternatives.count > 1 else { return hit.column }
        // "mpg in the city" over `MPG.city` and `MPG.highway`: a word elsewhere that names one
        // of the alternatives by a part of its name picks it (and is used up).
        let refiners = tags.indices.filter { j in
            guard j != index, !tags[j].consumed, let other = tags[j].columnHit, other.strength != .full,
                  other.alternatives.count <= 1 else { return false }
            return hit.alternatives.contains(other.column)
        }
        if refiners.count == 1, let chosen = tags[refiners[0]].columnHit?.column {
            tags[refiners[0]].consumed = true
            return chosen
        }
        // "sales vs sales tax": a column the question names unambiguously elsewhere is not what
        // the shorter word means here.
        let namedElsewhere = Set(tags.indices.compactMap { j -> String? in
            guard j != index, let other = tags[j].columnHit, other.alternatives.count <= 1, other.strength == .full else { return nil }
            return other.column
        })
        var options = hit.alternatives.filter { !namedElsewhere.contains($0) }
        if options.isEmpty { options = hit.alternatives }
        if options.count == 1 { return options[0] }
        return options[choose("column@\(index)", options: min(3, options.count))]
    }

    // MARK: - Schema helpers

    var temporalColumns: [String] { schema.columns.filter { $0.type.isTemporal }.map(\.name) }

    /// The date column time words refer to: one named in the question, else the only one.
    mutating func dateColumn() -> String? {
        for i in tags.indices {
            if let hit = tags[i].columnHit, profile(hit.column)?.type.isTemporal == true {
                tags[i].consumed = true
                return hit.column
            }
        }
        let all = temporalColumns
        if all.count <= 1 { return all.first }
        // Event times are timestamps; a lone DATETIME among dates is the one time words mean.
        let stamps = schema.columns.filter { $0.type == .datetime }.map(\.name)
        if stamps.count == 1 { penalty += 0.05; return stamps[0] }
        return all[choose("datecolumn", options: min(3, all.count))]
    }

    /// The newest date in a column (from the profile), the anchor of "last 3 months".
    func oldestDate(_ column: String) -> CivilDate? {
        guard let min = profile(column)?.min, case .text(let s) = min else { return nil }
        return CivilDate(iso: s)
    }

    func newestDate(_ column: String) -> CivilDate? {
        guard let max = profile(column)?.max, case .text(let s) = max else { return nil }
        return CivilDate(iso: s)
    }

    func isAdditive(_ column: String) -> Bool {
        let stems = Tokenizer.nameStems(column).map { Lexicon.abbreviations[$0] ?? $0 }
        // `Miles_per_Gallon`, "cost per unit": a rate, whose sum means nothing.
        if stems.count >= 3, stems.dropFirst().dropLast().contains("per") { return false }
        // "the urban male (death) rate": the question calls the column a rate.
        for k in tags.indices where Lexicon.rateWords.contains(Tokenizer.singularize(tags[k].text).0) {
            if k > 0, tags[k - 1].columnHit?.column == column { return false }
            if k > 1, tags[k - 2].columnHit?.column == column, tags[k - 1].columnHit == nil { return false }
        }
        // "which sex is the heaviest": a measure named by an adjective is a property of each
        // row (weight, age, height), compared by its average, never its total.
        for t in tags where Lexicon.adjectiveMeasures[t.text] != nil {
            if columns.hit(forAdjective: t.text)?.alternatives.contains(column) == true { return false }
        }
        // "the highest test score" over `testscr`: the words that named it say what it is.
        var named = stems
        for t in tags where t.columnHit?.column == column {
            named += t.text.split(separator: " ").map { Tokenizer.singularize(String($0)).0 }
        }
        if named.contains(where: { Lexicon.nonAdditive.contains($0) }) {
            // "total_price" or "price_total" is a sum of money again.
            return stems.contains("total") || stems.contains("amount")
        }
        return true
    }

    func isQuantityLike(_ column: String) -> Bool {
        Tokenizer.nameStems(column).map { Lexicon.abbreviations[$0] ?? $0 }
            .contains { Lexicon.quantityStems.contains($0) }
    }

    /// The default aggregate for a measure column named without one.
    /// A column that is itself a maximum or minimum (`temp_max`, "Low") takes that
    /// aggregate: "max temperature in July" is the highest `temp_max`, not its average.
    func defaultAggregate(_ column: String) -> AggregateFunction {
        let stems = Set(Tokenizer.nameStems(column).map { Lexicon.abbreviations[$0] ?? $0 })
        if !stems.isDisjoint(with: ["max", "maximum", "highest", "peak"]) { return .max }
        // "min" alone as a word of the name (`temp_min`, "Level Min"); stems would also
        // read "mins" (`Mins_Played`: minutes) as min.
        let words = Set(column.lowercased().split { !$0.isLetter }.map(String.init))
        if !stems.isDisjoint(with: ["minimum", "lowest"]) || words.contains("min") { return .min }
        return isAdditive(column) ? .sum : .avg
    }

    mutating func addCondition(_ c: Condition) {
        // A text column may spell "missing" as a stored marker ("NA" in R exports): missing
        // is then empty or that marker, and known is neither.
        if case .isNull(let column, let negated) = c, profile(column)?.type == .text,
           let stored = schema.valueIndex.values[column] {
            let markers = stored.filter { Lexicon.missingMarkers.contains($0) }
            if !markers.isEmpty {
                let marked = Condition.inValues(column: column, values: markers, negated: negated)
                let groups: [[Condition]] = negated ? [[c], [marked]] : [[c, marked]]
                for g in groups where !conditions.contains(g) { conditions.append(g) }
                return
            }
        }
        if !conditions.contains([c]) { conditions.append([c]) }
    }
}
