// Interpretation: a short plain-English restatement of a plan, shown next to the answer so a
// person can check the engine understood them ("sum of Sales per Region, largest first").
// Built from the typed plan only — column names, stored values and numbers.

enum Interpretation {
    /// "2nd", "3rd", "11th".
    static func ordinal(_ n: Int) -> String {
        let suffix = (11...13).contains(n % 100) ? "th" : (n % 10 == 1 ? "st" : n % 10 == 2 ? "nd" : n % 10 == 3 ? "rd" : "th")
        return "\(n)\(suffix)"
    }

    static func describe(_ plan: QueryPlan) -> String {
        if let offset = plan.offset, offset > 0, case .column(let c, let d)? = plan.orderBy.first {
            // "the 2nd highest wt (the whole row)", "the 2nd highest distinct mpg"
            var text = "the \(ordinal(offset + 1)) \(d ? "highest" : "lowest") \(plan.distinct ? "distinct " : "")\(c)"
            if plan.projections == [.star] { text += " (the whole row)" }
            let stated = plan.conditions.filter { !$0.allSatisfy { if case .isNull(c, true) = $0 { return true } else { return false } } }
            if let more = describe(stated), !more.isEmpty { text += ", where \(more)" }
            return text
        }
        if let r = plan.rowsPerGroup {
            var text = "rows, \(r.descending ? "top" : "bottom") \(r.limit) by \(r.orderColumn) within each \(r.partition)"
            if let more = describe(plan.conditions), !more.isEmpty { text += ", where \(more)" }
            return text
        }
        if let cover = plan.coverAll, plan.intent == .listing || plan.groupBy.isEmpty { return describeCoverAll(plan, cover) }
        if !plan.absent.isEmpty {
            // "Region with no rows where Category is "Hardware"" (AbsenceRule)
            let keys = plan.groupBy.compactMap { key -> String? in if case .column(let c) = key { return c } else { return nil } }
            var text = keys.joined(separator: " and ") + " with no rows where " + (describe(plan.absent) ?? "the condition holds")
            let rest = plan.conditions.filter { !$0.allSatisfy { if case .isNull(let c, true) = $0 { return keys.contains(c) } else { return false } } }
            if let more = describe(rest), !more.isEmpty { text += ", among rows where \(more)" }
            return text
        }
        // "percentage of rows where status is "Returned", within each country"
        for case .conditionalShare(let m) in plan.projections {
            let whole = m.column.map { "\($0) (sum)" } ?? "rows"
            var text = "percentage of \(whole) where \(describe(plan.conditions) ?? "the condition holds")"
            let groups = plan.groupBy.map { key -> String in
                switch key {
                case .column(let c): return c
                case .bucket(let b): return "\(b.grain.phrase) of \(b.column)"
                }
            }
            if let whole = describe(plan.shareWithin) { text += ", among rows where \(whole)" }
            if !groups.isEmpty { text += ", within each " + groups.joined(separator: " and ") + ", largest first" }
            return text
        }
        var text: String
        let measures = plan.projections.compactMap { p -> String? in
            switch p {
            case .measure(let m): return describe(m)
            case .share: return "its share of the total (%)"
            case .conditionalShare(let m): return "share of \(describe(m))"
            case .cumulative(let m, _): return "running total of \(describe(m))"
            case .ratio(let n, let d): return "sum of \(n) per unit of \(d)"
            default: return nil
            }
        }
        let groupNames = plan.groupBy.map { key -> String in
            switch key {
            case .column(let c): return c
            case .bucket(let b): return "\(b.grain.phrase) of \(b.column)"
            }
        }
        switch plan.intent {
        case .listing where plan.distinct:
            text = "distinct " + plan.projections.compactMap { if case .column(let c) = $0 { return c } else { return nil } }
                .joined(separator: " and ")
        case .listing, .correlation:
            let cols = plan.projections.compactMap { if case .column(let c) = $0 { return c } else { return nil } }
            text = cols.isEmpty ? "rows" : cols.joined(separator: " and ") + " of each row"
        default:
            if plan.projections.contains(.star) {
                text = "rows"
            } else {
                text = measures.joined(separator: ", ")
            }
        }
        if !groupNames.isEmpty { text += " per " + groupNames.joined(separator: " and ") }
        // "not missing" on a column the answer groups, ranks or shows is housekeeping, not
        // worth saying; on any other column it was asked for ("rows that have an ozone value").
        var keys = plan.groupBy.map { key -> String in
            switch key {
            case .column(let c): return c
            case .bucket(let b): return b.column
            }
        }
        for key in plan.orderBy { if case .column(let c, _) = key { keys.append(c) } }
        for p in plan.projections {
            switch p {
            case .column(let c): keys.append(c)
            case .measure(let m), .share(let m), .cumulative(let m, _): if let c = m.column { keys.append(c) }
            case .ratio(let n, let d): keys += [n, d]
            default: break
            }
        }
        let stated = plan.conditions.filter { !$0.allSatisfy { if case .isNull(let c, true) = $0 { return keys.contains(c) } else { return false } } }
        if let conditions = describe(stated), !conditions.isEmpty {
            let conditional = plan.projections.contains { if case .conditionalShare = $0 { return true } else { return false } }
            text += conditional ? " that are \(conditions)" : " where \(conditions)"
        }
        if let first = plan.orderBy.first {
            switch first {
            case .alias(_, let d), .column(_, let d):
                if plan.intent == .ranking || plan.intent == .grouped || plan.intent == .share {
                    if let limit = plan.limit {
                        text += d ? ", top \(limit)" : ", bottom \(limit)"
                        if case .column(let c, _) = first { text += " by \(c)" }
                        if plan.keepTies { text += " (ties included)" }
                    } else if case .alias = first {
                        text += d ? ", largest first" : ", smallest first"
                    }
                } else if case .column("rowid", true) = first {
                    text += ", last rows first"
                } else if case .column(let c, let d) = first, plan.intent == .listing {
                    text += ", by \(c) \(d ? "newest or largest" : "oldest or smallest") first"
                }
            case .bucket:
                break
            }
        }
        if let limit = plan.limit, plan.intent == .listing { text += ", first \(limit)" }
        if let period = plan.periodAverage { text = "average \(period.grain.adverb) " + text }
        if let top = plan.topPerGroup {
            let name: (GroupKey) -> String = { key in
                switch key {
                case .column(let c): return c
                case .bucket(let b): return b.grain.rawValue
                }
            }
            let target = plan.groupBy.first { $0 != top.partition }.map(name) ?? "rows"
            text += ", \(top.descending ? "top" : "bottom") \(top.limit) \(target) in each \(name(top.partition))"
        }
        if let cover = plan.coverAll {
            // A grouped measure kept only for groups with every value (CoverAllRule).
            let keys = plan.groupBy.compactMap { key -> String? in if case .column(let c) = key { return c } else { return nil } }
            text += "; only \(keys.joined(separator: " and ")) with rows for each of those \(cover.count) \(cover.column) values"
        }
        return text
    }

    static func describe(_ m: Measure) -> String {
        guard let c = m.column else { return "number of rows" }
        switch m.function {
        case .sum: return "sum of \(c)"
        case .avg: return "average of \(c)"
        case .median: return "median of \(c)"
        case .min: return "minimum of \(c)"
        case .max: return "maximum of \(c)"
        case .count: return "number of \(c) values"
        case .countDistinct: return "number of distinct \(c)"
        case .stddev: return "standard deviation of \(c)"
        case .variance: return "variance of \(c)"
        case .range: return "range (maximum − minimum) of \(c)"
        }
    }

    /// "Region with rows for each of Product "Widget A" and "Gadget B"" (CoverAllRule).
    static func describeCoverAll(_ plan: QueryPlan, _ cover: CoverAll) -> String {
        var values: [String] = []
        var rest: [[Condition]] = []
        for group in plan.conditions {
            if group.count == 1, case .inValues(cover.column, let v, false) = group[0] { values = v } else { rest.append(group) }
        }
        let list = values.map { "\"\($0)\"" }.joined(separator: " and ")
        let counted = plan.projections.compactMap { p -> String? in
            if case .measure(let m) = p, m.function == .countDistinct { return m.column } else { return nil }
        }.first
        let targets = plan.groupBy.compactMap { key -> String? in if case .column(let c) = key { return c } else { return nil } }
        var text = counted.map { "number of distinct \($0)" } ?? targets.joined(separator: " and ")
        text += " with rows for each of \(cover.column) \(list)"
        if let more = describe(rest), !more.isEmpty { text += ", where \(more)" }
        return text
    }

    static func describe(_ conditions: [[Condition]]) -> String? {
        let parts = conditions.compactMap { group -> String? in
            let items = group.compactMap(describe)
            if items.isEmpty { return nil }
            return items.count == 1 ? items[0] : "(" + items.joined(separator: " or ") + ")"
        }
        return parts.isEmpty ? nil : parts.joined(separator: " and ")
    }

    static func describe(_ c: Condition) -> String? {
        switch c {
        case .inValues(let column, let values, let negated):
            let list = values.map { "\"\($0)\"" }.joined(separator: " or ")
            return "\(column) is \(negated ? "not " : "")\(list)"
        case .compare(let column, let op, let v):
            return "\(column) \(op.symbol) \(SQLBuilder.numberLiteral(v))"
        case .compareColumns(let column, let op, let other):
            return "\(column) \(op.symbol) \(other)"
        case .compareToAverage(let column, let op):
            let word = op == .gt || op == .ge ? "above" : "below"
            return "\(column) is \(word) its average over all rows"
        case .between(let column, let lo, let hi, let negated):
            return "\(column) \(negated ? "not " : "")between \(SQLBuilder.numberLiteral(lo)) and \(SQLBuilder.numberLiteral(hi))"
        case .dateRange(let column, let r):
            switch (r.from, r.to) {
            case let (a?, b?): return "\(column) from \(a.iso) to before \(b.iso)"
            case let (a?, nil): return "\(column) on or after \(a.iso)"
            case let (nil, b?): return "\(column) before \(b.iso)"
            case (nil, nil): return nil
            }
        case .monthOfYear(let column, let m):
            let names = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
                         "October", "November", "December"]
            return "\(column) in \(names[m - 1])"
        case .boolean(let column, let v):
            return "\(column) is \(v ? "true" : "false")"
        case .isNull(let column, let negated):
            return negated ? "\(column) is not missing" : "\(column) is missing"
        }
    }
}

extension ComparisonOp {
    /// The sign people read: ">", "≥", "<", "≤", "=", "≠".
    var symbol: String {
        switch self {
        case .gt: return ">"
        case .ge: return "≥"
        case .lt: return "<"
        case .le: return "≤"
        case .eq: return "="
        case .ne: return "≠"
        }
    }
}
