// CoverAllRule: "both" as each, not either.
//
// "Which regions sold both Widget A and Gadget B" asks for the regions that have rows for
// each product. The planner reads "both" as "and", and values of one column as
// alternatives (a row never holds two products), so its plan lists the regions with
// either — a wrong answer. This rule turns a distinct listing, or a count of distinct
// values, filtered to two or more values of one column, into groups that cover every
// value: GROUP BY target HAVING COUNT(DISTINCT column) = n.
// A grouped measure gets the same HAVING when "both" follows the group's own verb
// ("countries that have both delivered and returned orders"), not a preposition: "sales
// by region for both retail and wholesale" includes both kinds of rows, it does not drop
// regions that lack one. Other shapes keep the planner's reading: "total sales of both A
// and B" is the sum over both, which the IN filter computes.
//
// Input: the plan and the question's tokens. Output: the plan, with `coverAll` set where
// the rule applies. Pure.

enum CoverAllRule {
    static func apply(_ plan: QueryPlan, tokens: [Token]) -> QueryPlan {
        guard let both = tokens.firstIndex(where: { $0.kind == .word && $0.text == "both" }),
              plan.coverAll == nil, plan.topPerGroup == nil, plan.periodAverage == nil else { return plan }
        // "for both A and B", "of both": the values are included together, not required of each group.
        if both > 0, prepositions.contains(tokens[both - 1].text) { return plan }
        // Exactly one positive multi-value filter, standing alone in its disjunction.
        let filters = plan.conditions.compactMap { group -> (column: String, count: Int)? in
            guard group.count == 1, case .inValues(let column, let values, false) = group[0], values.count >= 2 else { return nil }
            return (column, values.count)
        }
        guard filters.count == 1, let filter = filters.first else { return plan }
        var out = plan
        let cover = CoverAll(column: filter.column, count: filter.count)
        // "which regions ...": a distinct listing of other columns.
        let listed = plan.projections.compactMap { p -> String? in if case .column(let c) = p { return c } else { return nil } }
        if plan.distinct, plan.groupBy.isEmpty, !listed.isEmpty, listed.count == plan.projections.count,
           !listed.contains(filter.column) {
            out.distinct = false
            out.groupBy = listed.map { .column($0) }
            out.coverAll = cover
            return out
        }
        // "how many regions ...": a count of the distinct values of another column.
        if plan.groupBy.isEmpty, plan.projections.count == 1, case .measure(let m) = plan.projections[0],
           m.function == .countDistinct, let target = m.column, target != filter.column {
            out.coverAll = cover
            return out
        }
        // "countries that have both ...": a grouped measure over columns other than the filter's.
        let keys = plan.groupBy.compactMap { key -> String? in if case .column(let c) = key { return c } else { return nil } }
        if !keys.isEmpty, keys.count == plan.groupBy.count, !keys.contains(filter.column), !plan.distinct {
            out.coverAll = cover
            return out
        }
        return plan
    }

    static let prepositions: Set<String> = ["for", "of", "in", "from", "across", "between", "on", "to", "at", "by",
                                            "among", "over", "within", "including", "include", "includes"]
}
