// FollowUpSuggester: up to three follow-up questions for a successful answer, each one the
// builtin engine answers on the same source.
//
// Input: the answered question, the SQL that answered it, the source's schema.
// Output: at most `maxSuggestions` questions, in a fixed order of kinds:
//   drill-down  the answer's measure by a category (a text column with 2–20 distinct values)
//               the plan neither groups nor filters by;
//   time trend  the measure per month (or day, hour, year, by the date column's span) when
//               the source has a date column and the plan has no time bucket;
//   top items   the top 5 (or 3) of the category with the most values by the measure;
//   then further drill-downs while fewer than three were found.
// The answer's single-value filters ("in the North region") are carried into each suggestion.
// Frame: the builtin engine's plan for the question — the reading whose SQL is the answered
// SQL, else its one answer; without one (the LLM answered a question the builtin refuses) the
// schema alone frames them: the default measure (or a row count), nothing excluded.
// Verification: every candidate is planned by the builtin engine and offered only when it is
// answered (no refusal, no clarification), its plan has the shape the suggestion promises
// (groups by that category, buckets by that grain, keeps the carried filters and adds none) and its SQL differs from
// the answer's and from earlier suggestions'. At most `maxPlans` candidates are planned.
// Pure and deterministic: the same question, SQL and schema give the same suggestions.

public struct FollowUpSuggester: Sendable {
    public static let maxSuggestions = 3
    /// Candidates planned per answer, whatever the schema: keeps suggestions cheap.
    public static let maxPlans = 6
    /// Categories with more distinct values than this are not drill-down dimensions.
    static let maxDrillValues = 20

    public init() {}

    public func suggest(question: String, answeredSQL: String?, schema: SourceSchema) -> [String] {
        let engine = BuiltinAnalyst()
        let frame = Self.frame(engine.readings(question, schema: schema), sql: answeredSQL)
        let columns = ColumnMatcher(schema: schema)
        let measure = frame.flatMap(Self.measure(of:)) ?? Self.defaultMeasure(schema: schema, columns: columns)
        let grouped = Set((frame?.groupBy ?? []).compactMap { key -> String? in
            if case .column(let c) = key { return c } else { return nil }
        })
        let filtered = Set(frame?.conditions.flatMap { $0.map(\.column) } ?? [])
        let carried = frame.map(Self.carriedFilters(of:)) ?? []
        let suffix = carried.map { " in \($0.value)" }.joined()
        let carriedConditions = carried.map { [Condition.inValues(column: $0.column, values: [$0.value], negated: false)] }

        var seenSQL: Set<String> = answeredSQL.map { [$0] } ?? []
        var out: [String] = []
        var plans = 0
        /// Plan one candidate; keep it when it is answered with the promised shape.
        func offer(_ text: String, _ shape: (QueryPlan) -> Bool) {
            guard out.count < Self.maxSuggestions, plans < Self.maxPlans else { return }
            plans += 1
            guard case .answer(let reading) = engine.readings(text, schema: schema), shape(reading.plan),
                  carriedConditions.allSatisfy(reading.plan.conditions.contains),
                  // no filter beyond the carried ones but the engine's own "IS NOT NULL"
                  // guards: a stored value read back as more words ("North by Category")
                  // must not add conditions the suggestion does not show
                  reading.plan.conditions.allSatisfy({ carriedConditions.contains($0) || $0.allSatisfy(Self.isNotNullGuard) }),
                  seenSQL.insert(reading.query.sql).inserted else { return }
            out.append(text)
        }
        let phrase = Self.phrase(measure)
        let dimensions = Self.drillDimensions(schema: schema, excluding: grouped.union(filtered))
        // 1. Drill down by the first category not already in the plan.
        if let dim = dimensions.first {
            offer("\(phrase) by \(dim)\(suffix)") { $0.groupBy.contains(.column(dim)) }
        }
        // 2. The trend over time.
        let bucketed = frame?.groupBy.contains { if case .bucket = $0 { return true } else { return false } } ?? false
        if !bucketed, let (date, grain) = Self.trendColumn(schema: schema) {
            offer("\(grain.adverb) \(phrase)\(suffix)") { $0.groupBy.contains(.bucket(TimeBucket(column: date, grain: grain))) }
        }
        // 3. The top items of a category.
        // (not the category just drilled into: that would list the same groups again)
        if let (dim, n) = Self.topDimension(schema: schema, frame: frame, excluding: filtered.union(dimensions.prefix(1))) {
            offer("top \(n) \(dim) by \(phrase)\(suffix)") { $0.groupBy.contains(.column(dim)) && $0.limit == n }
        }
        // Fewer than three: more drill-downs.
        for dim in dimensions.dropFirst() {
            offer("\(phrase) by \(dim)\(suffix)") { $0.groupBy.contains(.column(dim)) }
        }
        return out
    }

    static func isNotNullGuard(_ c: Condition) -> Bool {
        if case .isNull(_, negated: true) = c { return true } else { return false }
    }

    /// The builtin engine's plan of the answered reading.
    static func frame(_ readings: BuiltinAnalyst.Readings, sql: String?) -> QueryPlan? {
        switch readings {
        case .answer(let r): return r.plan
        case .clarify(let rs): return rs.first { $0.query.sql == sql }?.plan
        case .refuse: return nil
        }
    }

    /// The measure a plan computes (the first one), nil for a listing.
    static func measure(of plan: QueryPlan) -> Measure? {
        for p in plan.projections {
            switch p {
            case .measure(let m), .share(let m), .cumulative(let m, _), .conditionalShare(let m): return m
            default: continue
            }
        }
        return plan.topPerGroup?.measure
    }

    /// Without a measure in the plan: the sum of the source's sales-like column, or a row count.
    static func defaultMeasure(schema: SourceSchema, columns: ColumnMatcher) -> Measure {
        columns.defaultMeasure.map { Measure(function: .sum, column: $0) } ?? Measure(function: .count, column: nil)
    }

    /// Filters of one stored value ("Region = 'North'") that a suggestion keeps; others
    /// (ranges, dates, negations) would need rephrasing the engine may not read back.
    static func carriedFilters(of plan: QueryPlan) -> [(column: String, value: String)] {
        plan.conditions.compactMap { group in
            guard group.count == 1, case .inValues(let c, let values, false) = group[0], values.count == 1 else { return nil }
            return (c, values[0])
        }
    }

    /// How suggestions name the measure, in words the engine reads back.
    static func phrase(_ m: Measure) -> String {
        guard let c = m.column else { return "number of rows" }
        switch m.function {
        case .sum: return "total \(c)"
        case .avg: return "average \(c)"
        case .median: return "median \(c)"
        case .min: return "minimum \(c)"
        case .max: return "maximum \(c)"
        case .count: return "number of \(c)"
        case .countDistinct: return "number of distinct \(c)"
        case .stddev: return "standard deviation of \(c)"
        case .variance: return "variance of \(c)"
        case .range: return "range of \(c)"
        }
    }

    /// Text columns with a few distinct values, fewest first (ties in column order).
    static func drillDimensions(schema: SourceSchema, excluding: Set<String>) -> [String] {
        schema.columns.enumerated()
            .filter { _, c in
                c.type == .text && !c.distinctIsEstimate && c.distinctCount >= 2 && c.distinctCount <= maxDrillValues
                    && c.distinctCount < schema.rowCount && !excluding.contains(c.name)
            }
            .sorted { ($0.element.distinctCount, $0.offset) < ($1.element.distinctCount, $1.offset) }
            .map(\.element.name)
    }

    /// The category to rank: the text column with the most distinct values (more than 3, short
    /// of one per row) outside `excluding`; a grouping of the plan only when its answer is too
    /// long to read (more than `maxDrillValues` groups), since ranking a short one repeats it.
    /// Top 5, or top 3 of a category with at most 5 values. nil when the plan ranks already.
    static func topDimension(schema: SourceSchema, frame: QueryPlan?, excluding: Set<String>) -> (String, Int)? {
        if frame?.limit != nil || frame?.topPerGroup != nil { return nil }
        let grouped = Set((frame?.groupBy ?? []).compactMap { key -> String? in
            if case .column(let c) = key { return c } else { return nil }
        })
        let candidates = schema.columns.enumerated().filter { _, c in
            c.type == .text && c.distinctCount > 3 && c.distinctCount < schema.rowCount && !excluding.contains(c.name)
                && (!grouped.contains(c.name) || c.distinctCount > maxDrillValues)
        }
        guard let best = candidates.max(by: {
            ($0.element.distinctCount, -$0.offset) < ($1.element.distinctCount, -$1.offset)
        })?.element else { return nil }
        return (best.name, best.distinctCount > 5 ? 5 : 3)
    }

    /// The first date column and a grain that gives several buckets over its span.
    static func trendColumn(schema: SourceSchema) -> (String, TimeGrain)? {
        guard let c = schema.columns.first(where: { $0.type.isTemporal }) else { return nil }
        guard case .text(let lo)? = c.min, case .text(let hi)? = c.max,
              let first = CivilDate(iso: String(lo.prefix(10))), let last = CivilDate(iso: String(hi.prefix(10))) else {
            return (c.name, .month)
        }
        let days = last.ordinal - first.ordinal
        if c.type == .datetime && days <= 2 { return (c.name, .hour) }
        if days <= 90 { return (c.name, .day) }
        if days > 365 * 4 { return (c.name, .year) }
        return (c.name, .month)
    }
}
