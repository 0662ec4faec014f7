// AbsenceRule: "which region had no hardware sales" asks for the groups without such rows.
//
// The planner reads "no Hardware" as a row filter (Category <> 'Hardware'), which is right
// for rows ("sales with no hardware") but wrong for groups: it lists every region that has
// any other sale, with a total. When the question asks *which* groups ("which", "what") and
// the negation is spelled "no", "never" or "without", a plan grouped by (or listing) other
// columns becomes those groups that have no row matching the value:
// GROUP BY keys HAVING SUM(CASE WHEN <value> THEN 1 ELSE 0 END) = 0.
// Rankings, shares and measured questions with an aggregate word ("total sales by region
// without hardware") keep the row filter.
//
// Input: the plan and the question's tokens. Output: the plan, with `absent` set where the
// rule applies. Pure.

enum AbsenceRule {
    static func apply(_ plan: QueryPlan, tokens: [Token]) -> QueryPlan {
        let words = tokens.filter { $0.kind == .word }.map(\.text)
        guard words.contains(where: { absenceWords.contains($0) }),
              words.contains(where: { $0 == "which" || $0 == "what" }),
              !words.contains(where: { aggregateWords.contains($0) }),
              plan.absent.isEmpty, plan.coverAll == nil, plan.topPerGroup == nil, plan.periodAverage == nil,
              plan.limit == nil else { return plan }
        // Exactly one negated value filter, standing alone in its group.
        let negated = plan.conditions.indices.filter { k in
            plan.conditions[k].count == 1 && { if case .inValues(_, _, true) = plan.conditions[k][0] { return true } else { return false } }()
        }
        guard negated.count == 1, case .inValues(let column, let values, true) = plan.conditions[negated[0]][0] else { return plan }
        let keys: [String]
        let listed = plan.projections.compactMap { p -> String? in if case .column(let c) = p { return c } else { return nil } }
        if plan.groupBy.isEmpty, plan.distinct, !listed.isEmpty, listed.count == plan.projections.count {
            keys = listed
        } else {
            let grouped = plan.groupBy.compactMap { key -> String? in if case .column(let c) = key { return c } else { return nil } }
            guard !grouped.isEmpty, grouped.count == plan.groupBy.count else { return plan }
            // Only plain measures: a share or running total has another meaning.
            guard plan.projections.allSatisfy({ p in
                switch p { case .column, .measure: return true; default: return false }
            }) else { return plan }
            keys = grouped
        }
        guard !keys.contains(column) else { return plan }
        var out = QueryPlan()
        out.projections = keys.map { .column($0) }
        out.groupBy = keys.map { .column($0) }
        out.conditions = plan.conditions.enumerated().filter { $0.offset != negated[0] }.map(\.element)
        for key in keys where !out.conditions.contains([.isNull(column: key, negated: true)]) {
            out.conditions.append([.isNull(column: key, negated: true)])
        }
        out.absent = [[.inValues(column: column, values: values, negated: false)]]
        out.orderBy = keys.map { .column($0, descending: false) }
        out.intent = .listing
        return out
    }

    static let absenceWords: Set<String> = ["no", "never", "without"]
    /// An explicit aggregate asks for a measure over the remaining rows, not for absent groups.
    static let aggregateWords: Set<String> = ["total", "sum", "average", "avg", "mean", "median", "count", "many",
                                              "number", "much", "percentage", "share", "most", "least", "top"]
}
