// SQLBuilder: renders a `QueryPlan` as one SQLite SELECT over `data`.
//
// Input: a plan whose names come from the schema and whose literals are values, numbers or
// dates. Output: SQL text for SQLite 3.40 (window functions yes; median() only because the
// executor registers it). Identifiers go through `quoteIdentifier`, text through
// `quoteLiteral`, numbers through `numberLiteral` — nothing else reaches the SQL.

enum SQLBuilder {
    /// A readable, stable alias stem from a column name: "Salary ($)" → "salary".
    static func aliasStem(_ column: String) -> String {
        var out = ""
        var lastUnderscore = true
        for scalar in column.lowercased().unicodeScalars {
            if (scalar >= "a" && scalar <= "z") || (scalar >= "0" && scalar <= "9") {
                out.unicodeScalars.append(scalar)
                lastUnderscore = false
            } else if !lastUnderscore {
                out.append("_")
                lastUnderscore = true
            }
        }
        while out.hasSuffix("_") { out.removeLast() }
        return out.isEmpty ? "value" : out
    }

    static func numberLiteral(_ v: Double) -> String {
        guard v.isFinite else { return "0" }
        if v.rounded() == v && abs(v) < 1e15 { return String(Int64(v)) }
        return String(v)
    }

    static func bucketExpression(_ b: TimeBucket) -> String {
        let c = quoteIdentifier(b.column)
        switch b.grain {
        case .year: return "strftime('%Y', \(c))"
        case .quarter: return "strftime('%Y', \(c)) || '-Q' || ((CAST(strftime('%m', \(c)) AS INTEGER) + 2) / 3)"
        case .month: return "strftime('%Y-%m', \(c))"
        case .week: return "date(\(c), 'weekday 0', '-6 days')"
        case .day: return "date(\(c))"
        case .hour: return "strftime('%Y-%m-%d %H:00', \(c))"
        case .hourOfDay: return "strftime('%H', \(c))"
        case .weekday:
            // ISO order, readable and sortable: '1 Monday' … '7 Sunday'.
            let names = ["0": "7 Sunday", "1": "1 Monday", "2": "2 Tuesday", "3": "3 Wednesday", "4": "4 Thursday",
                         "5": "5 Friday", "6": "6 Saturday"]
            let whens = names.keys.sorted().map { "WHEN '\($0)' THEN '\(names[$0]!)'" }.joined(separator: " ")
            return "CASE strftime('%w', \(c)) \(whens) END"
        }
    }

    static func measureExpression(_ m: Measure) -> String {
        guard let column = m.column else { return "COUNT(*)" }
        let c = quoteIdentifier(column)
        switch m.function {
        case .sum: return "SUM(\(c))"
        case .avg: return "AVG(\(c))"
        case .median: return "median(\(c))"
        case .min: return "MIN(\(c))"
        case .max: return "MAX(\(c))"
        case .count: return "COUNT(\(c))"
        case .countDistinct: return "COUNT(DISTINCT \(c))"
        // Registered by the sandboxed executor (SandboxFunctions): sample statistics.
        case .stddev: return "stddev(\(c))"
        case .variance: return "variance(\(c))"
        case .range: return "MAX(\(c)) - MIN(\(c))"
        }
    }

    static func conditionExpression(_ condition: Condition) -> String {
        switch condition {
        case .inValues(let column, let values, let negated):
            let c = quoteIdentifier(column)
            if values.count == 1 { return "\(c) \(negated ? "<>" : "=") \(quoteLiteral(values[0]))" }
            return "\(c) \(negated ? "NOT IN" : "IN") (\(values.map(quoteLiteral).joined(separator: ", ")))"
        case .compare(let column, let op, let value):
            return "\(quoteIdentifier(column)) \(op.rawValue) \(numberLiteral(value))"
        case .compareColumns(let column, let op, let other):
            return "\(quoteIdentifier(column)) \(op.rawValue) \(quoteIdentifier(other))"
        case .compareToAverage(let column, let op):
            let c = quoteIdentifier(column)
            return "\(c) \(op.rawValue) (SELECT AVG(\(c)) FROM \(quoteIdentifier(SourceSchema.tableName)))"
        case .between(let column, let low, let high, let negated):
            return "\(quoteIdentifier(column)) \(negated ? "NOT BETWEEN" : "BETWEEN") \(numberLiteral(low)) AND \(numberLiteral(high))"
        case .dateRange(let column, let range):
            let c = quoteIdentifier(column)
            var parts: [String] = []
            if let from = range.from { parts.append("\(c) >= \(quoteLiteral(from.iso))") }
            if let to = range.to { parts.append("\(c) < \(quoteLiteral(to.iso))") }
            return parts.isEmpty ? "\(c) IS NOT NULL" : parts.joined(separator: " AND ")
        case .monthOfYear(let column, let month):
            let m = month < 10 ? "0\(month)" : "\(month)"
            return "strftime('%m', \(quoteIdentifier(column))) = \(quoteLiteral(m))"
        case .boolean(let column, let value):
            return "\(quoteIdentifier(column)) = \(value ? 1 : 0)"
        case .isNull(let column, let negated):
            return "\(quoteIdentifier(column)) IS \(negated ? "NOT " : "")NULL"
        }
    }

    static func whereExpression(_ conditions: [[Condition]]) -> String? {
        let clauses = conditions.filter { !$0.isEmpty }.map { group -> String in
            let parts = group.map(conditionExpression)
            if group.count == 1 { return parts[0] }
            return "(" + parts.map { "(\($0))" }.joined(separator: " OR ") + ")"
        }
        return clauses.isEmpty ? nil : clauses.joined(separator: " AND ")
    }

    static func projectionExpression(_ p: Projection, plan: QueryPlan) -> String {
        switch p {
        case .star: return "*"
        case .column(let c): return quoteIdentifier(c)
        case .bucket(let b): return bucketExpression(b)
        case .measure(let m): return measureExpression(m)
        case .share(let m):
            let e = measureExpression(m)
            return "100.0 * \(e) / SUM(\(e)) OVER ()"
        case .cumulative(let m, let bucket):
            return "SUM(\(measureExpression(m))) OVER (ORDER BY \(bucketExpression(bucket)))"
        case .ratio(let n, let d):
            // Only rows where both are known count on either side.
            let (a, b) = (quoteIdentifier(n), quoteIdentifier(d))
            return "SUM(CASE WHEN \(b) IS NOT NULL THEN \(a) END) * 1.0 / NULLIF(SUM(CASE WHEN \(a) IS NOT NULL THEN \(b) END), 0)"
        case .conditionalShare(let m):
            let condition = whereExpression(plan.conditions) ?? "1"
            if m.function == .count || m.column == nil {
                return "100.0 * SUM(CASE WHEN \(condition) THEN 1 ELSE 0 END) / COUNT(*)"
            }
            let c = quoteIdentifier(m.column!)
            return "100.0 * SUM(CASE WHEN \(condition) THEN \(c) ELSE 0 END) / SUM(\(c))"
        }
    }

    /// The alias of a measure averaged per period: "avg_monthly_units".
    static func periodAlias(_ m: Measure, _ period: TimeBucket) -> String {
        "avg_\(period.grain.adverb)_" + (m.column.map(aliasStem) ?? "row_count")
    }

    static func render(_ plan: QueryPlan) -> String {
        if let period = plan.periodAverage { return renderPeriodAverage(plan, period) }
        if let r = plan.rowsPerGroup { return renderRowsPerGroup(plan, r) }
        // "how many regions sold both A and B": count the groups that cover every value.
        if plan.coverAll != nil, plan.groupBy.isEmpty, plan.projections.count == 1,
           case .measure(let m) = plan.projections[0], m.function == .countDistinct, let target = m.column {
            var inner = plan
            inner.projections = [.column(target)]
            inner.groupBy = [.column(target)]
            inner.conditions.append([.isNull(column: target, negated: true)])
            inner.orderBy = []
            inner.limit = nil
            return "SELECT COUNT(*) AS \(quoteIdentifier(m.alias)) FROM (\(renderFlat(inner)))"
        }
        if let ranked = renderRankedGroups(plan) { return ranked }
        guard let top = plan.topPerGroup else { return renderFlat(plan) }
        // Rank inside each partition with a window over the grouped query, keep the first N.
        var inner = plan
        inner.topPerGroup = nil
        inner.orderBy = []
        inner.limit = nil
        let partition: String
        switch top.partition {
        case .column(let c): partition = quoteIdentifier(c)
        case .bucket(let b): partition = bucketExpression(b)
        }
        // RANK, not ROW_NUMBER: groups tied at the cut are all kept ("the top product" of a
        // region where two sold the same is both), since picking one would be arbitrary.
        let window = "RANK() OVER (PARTITION BY \(partition) ORDER BY \(measureExpression(top.measure))"
            + (top.descending ? " DESC" : " ASC NULLS LAST") + ")"
        var innerSQL = renderFlat(inner)
        let from = " FROM \(quoteIdentifier(SourceSchema.tableName))"
        if let r = innerSQL.range(of: from) {
            innerSQL.replaceSubrange(r, with: ", \(window) AS \(quoteIdentifier("rank_in_group"))" + from)
        }
        let outputs = outputNames(plan).map(quoteIdentifier)
        let partitionName: String
        switch top.partition {
        case .column(let c): partitionName = quoteIdentifier(c)
        case .bucket(let b): partitionName = quoteIdentifier(b.alias)
        }
        return "SELECT \(outputs.joined(separator: ", ")) FROM (\(innerSQL)) WHERE \(quoteIdentifier("rank_in_group")) <= \(top.limit)"
            + " ORDER BY \(partitionName) ASC, \(quoteIdentifier("rank_in_group")) ASC"
    }

    /// "which product sold the least", "top 3 regions": a grouped query cut to its first N by a
    /// measure. Rendered with RANK over the grouped query instead of ORDER BY … LIMIT N, so
    /// groups tied at the cut are all returned rather than one picked arbitrarily; groups whose
    /// measure is NULL are never ranked. nil when the plan is not of that shape.
    static func renderRankedGroups(_ plan: QueryPlan) -> String? {
        guard plan.topPerGroup == nil, plan.periodAverage == nil, plan.coverAll == nil, !plan.groupBy.isEmpty,
              let n = plan.limit, case .alias(let rankAlias, let descending)? = plan.orderBy.first,
              let measure = plan.projections.lazy.compactMap({ p -> Measure? in
                  if case .measure(let m) = p, m.alias == rankAlias { return m } else { return nil }
              }).first else { return nil }
        let projected = Set(outputNames(plan))
        // The outer query sees only the inner one's output names.
        var outerOrder: [String] = []
        for key in plan.orderBy {
            switch key {
            case .alias(let a, let d), .column(let a, let d):
                guard projected.contains(a) else { return nil }
                outerOrder.append(quoteIdentifier(a) + (d ? " DESC" : " ASC"))
            case .bucket(let b):
                guard projected.contains(b.alias) else { return nil }
                outerOrder.append(quoteIdentifier(b.alias) + " ASC")
            }
        }
        var inner = plan
        inner.orderBy = []
        inner.limit = nil
        var rankName = "rank"
        while projected.contains(rankName) { rankName += "_" }   // a column may be called "rank"
        let rank = quoteIdentifier(rankName)
        let window = "RANK() OVER (ORDER BY \(measureExpression(measure))" + (descending ? " DESC" : " ASC NULLS LAST") + ")"
        var innerSQL = renderFlat(inner)
        let from = " FROM \(quoteIdentifier(SourceSchema.tableName))"
        guard let r = innerSQL.range(of: from) else { return nil }
        innerSQL.replaceSubrange(r, with: ", \(window) AS \(rank)" + from)
        let outputs = outputNames(plan).map(quoteIdentifier)
        return "SELECT \(outputs.joined(separator: ", ")) FROM (\(innerSQL)) WHERE \(rank) <= \(n)"
            + " AND \(quoteIdentifier(rankAlias)) IS NOT NULL ORDER BY \(outerOrder.joined(separator: ", "))"
    }

    /// The names a grouped query's projections have for a query wrapped around it.
    static func outputNames(_ plan: QueryPlan) -> [String] {
        plan.projections.compactMap { p -> String? in
            switch p {
            case .column(let c): return c
            case .star: return nil
            default: return p.alias
            }
        }
    }

    /// Totals per period in an inner query, averaged per group outside.
    static func renderPeriodAverage(_ plan: QueryPlan, _ period: TimeBucket) -> String {
        var inner = plan
        inner.periodAverage = nil
        inner.orderBy = []
        inner.limit = nil
        let keyNames = plan.groupBy.map { key -> String in
            switch key {
            case .column(let c): return quoteIdentifier(c)
            case .bucket(let b): return quoteIdentifier(b.alias)
            }
        }
        let measures = plan.projections.compactMap { p -> Measure? in if case .measure(let m) = p { return m } else { return nil } }
        inner.projections = plan.groupBy.map { key -> Projection in
            switch key {
            case .column(let c): return .column(c)
            case .bucket(let b): return .bucket(b)
            }
        } + [.bucket(TimeBucket(column: period.column, grain: period.grain))] + measures.map { .measure($0) }
        inner.groupBy = plan.groupBy + [.bucket(period)]
        inner.conditions.append([.isNull(column: period.column, negated: true)])
        let outer = keyNames + measures.map { "AVG(\(quoteIdentifier($0.alias))) AS \(quoteIdentifier(periodAlias($0, period)))" }
        var sql = "SELECT \(outer.joined(separator: ", ")) FROM (\(renderFlat(inner)))"
        if !keyNames.isEmpty { sql += " GROUP BY \(keyNames.joined(separator: ", "))" }
        if let m = measures.first, !keyNames.isEmpty {
            sql += " ORDER BY \(quoteIdentifier(periodAlias(m, period))) DESC"
        }
        return sql
    }

    static func renderFlat(_ plan: QueryPlan) -> String {
        var sql = "SELECT "
        if plan.distinct { sql += "DISTINCT " }
        sql += plan.projections.map { p in
            let e = projectionExpression(p, plan: plan)
            if let alias = p.alias { return "\(e) AS \(quoteIdentifier(alias))" }
            return e
        }.joined(separator: ", ")
        sql += " FROM \(quoteIdentifier(SourceSchema.tableName))"
        let conditional = plan.projections.contains { if case .conditionalShare = $0 { return true } else { return false } }
        if plan.keepTies, case .column(let c, let descending)? = plan.orderBy.first {
            // The extreme over the same rows, and every row that reaches it.
            let inner = whereExpression(plan.conditions).map { " WHERE \($0)" } ?? ""
            let extreme = "(SELECT \(descending ? "MAX" : "MIN")(\(quoteIdentifier(c))) FROM \(quoteIdentifier(SourceSchema.tableName))\(inner))"
            let tie = "\(quoteIdentifier(c)) = \(extreme)"
            sql += " WHERE " + (whereExpression(plan.conditions).map { "\($0) AND \(tie)" } ?? tie)
        } else if !conditional, let w = whereExpression(plan.conditions) { sql += " WHERE \(w)" }
        if conditional, let w = whereExpression(plan.shareWithin) { sql += " WHERE \(w)" }
        if !plan.groupBy.isEmpty {
            sql += " GROUP BY " + plan.groupBy.map { key -> String in
                switch key {
                case .column(let c): return quoteIdentifier(c)
                case .bucket(let b): return bucketExpression(b)
                }
            }.joined(separator: ", ")
            var having: [String] = []
            if let cover = plan.coverAll {
                having.append("COUNT(DISTINCT \(quoteIdentifier(cover.column))) = \(cover.count)")
            }
            if let absent = whereExpression(plan.absent) {
                having.append("SUM(CASE WHEN \(absent) THEN 1 ELSE 0 END) = 0")
            }
            if !having.isEmpty { sql += " HAVING " + having.joined(separator: " AND ") }
        }
        if !plan.orderBy.isEmpty {
            sql += " ORDER BY " + plan.orderBy.map { key -> String in
                switch key {
                case .alias(let a, let d): return quoteIdentifier(a) + (d ? " DESC" : " ASC")
                case .column(let c, let d): return quoteIdentifier(c) + (d ? " DESC" : " ASC")
                case .bucket(let b): return bucketExpression(b) + " ASC"
                }
            }.joined(separator: ", ")
        }
        if plan.keepTies {
            sql += " LIMIT \(SQLBuilder.maxTiedRows)"
        } else if let limit = plan.limit {
            sql += " LIMIT \(limit)"
            if let offset = plan.offset, offset > 0 { sql += " OFFSET \(offset)" }
        }
        return sql
    }

    /// "top 2 cars by mpg for each cyl": number the rows within each partition, keep the first N.
    static func renderRowsPerGroup(_ plan: QueryPlan, _ r: RowsPerGroup) -> String {
        let (p, o) = (quoteIdentifier(r.partition), quoteIdentifier(r.orderColumn))
        let direction = r.descending ? "DESC" : "ASC"
        var conditions = plan.conditions
        conditions.append([.isNull(column: r.orderColumn, negated: true)])
        let filter = whereExpression(conditions).map { " WHERE \($0)" } ?? ""
        let numbered = "SELECT *, ROW_NUMBER() OVER (PARTITION BY \(p) ORDER BY \(o) \(direction)) AS \(quoteIdentifier("rank_in_group")) FROM \(quoteIdentifier(SourceSchema.tableName))\(filter)"
        return "SELECT * FROM (\(numbered)) WHERE \(quoteIdentifier("rank_in_group")) <= \(r.limit) ORDER BY \(p) ASC, \(o) \(direction)"
    }

    /// A cap on rows tied for the top (a column of one repeated value would return them all).
    static let maxTiedRows = 50
}
