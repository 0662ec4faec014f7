// QueryPlan: the typed shape of one SELECT over `data`, built by the planner and rendered by
// `SQLBuilder`. Every column name in it comes from the schema and every literal from the
// value index, a parsed number or a computed date — never raw question text.

extension TimeGrain {
    /// The adjective form used in aliases: "monthly", "daily".
    var adverb: String {
        switch self {
        case .year: return "yearly"
        case .quarter: return "quarterly"
        case .month: return "monthly"
        case .week: return "weekly"
        case .day: return "daily"
        case .hour: return "hourly"
        case .weekday: return "weekday"
        case .hourOfDay: return "hour_of_day"
        }
    }

    /// How interpretations name the bucket.
    var phrase: String {
        switch self {
        case .weekday: return "day of the week"
        case .hourOfDay: return "hour of the day"
        default: return rawValue
        }
    }
}

/// A time bucket over a date/datetime column.
struct TimeBucket: Sendable, Equatable {
    var column: String
    var grain: TimeGrain
    var alias: String { grain.rawValue }
}

/// A measure: an aggregate over a column (or over rows for COUNT(*)).
struct Measure: Sendable, Equatable {
    var function: AggregateFunction
    /// nil for COUNT(*).
    var column: String?

    var alias: String {
        let base = column.map(SQLBuilder.aliasStem) ?? "row"
        switch function {
        case .sum: return "total_\(base)"
        case .avg: return "avg_\(base)"
        case .median: return "median_\(base)"
        case .min: return "min_\(base)"
        case .max: return "max_\(base)"
        case .count: return column == nil ? "row_count" : "\(base)_count"
        case .countDistinct: return "distinct_\(base)_count"
        case .stddev: return "stddev_\(base)"
        case .variance: return "variance_\(base)"
        case .range: return "range_\(base)"
        }
    }
}

/// One condition of the WHERE clause.
enum Condition: Sendable, Equatable {
    case inValues(column: String, values: [String], negated: Bool)
    case compare(column: String, op: ComparisonOp, value: Double)
    case between(column: String, low: Double, high: Double, negated: Bool)
    case dateRange(column: String, range: DateRange)
    case monthOfYear(column: String, month: Int)
    case boolean(column: String, value: Bool)
    case isNull(column: String, negated: Bool)
    /// "above-average mpg": compared with the column's average over all rows.
    case compareToAverage(column: String, op: ComparisonOp)
    /// "painters whose colour is higher than their drawing": one number column against another, row by row.
    case compareColumns(column: String, op: ComparisonOp, other: String)

    var column: String {
        switch self {
        case .inValues(let c, _, _), .compare(let c, _, _), .between(let c, _, _, _), .dateRange(let c, _),
             .monthOfYear(let c, _), .boolean(let c, _), .isNull(let c, _), .compareToAverage(let c, _),
             .compareColumns(let c, _, _):
            return c
        }
    }
}

/// A select-list item.
enum Projection: Sendable, Equatable {
    case column(String)
    case bucket(TimeBucket)
    case measure(Measure)
    /// The measure as a percentage of its total over all groups.
    case share(Measure)
    /// A running total of the measure in bucket order.
    case cumulative(Measure, orderBy: TimeBucket)
    /// Percentage of the measure that meets the plan's conditions (ungrouped share).
    case conditionalShare(Measure)
    /// SUM(numerator) / SUM(denominator): "cost per kg".
    case ratio(numerator: String, denominator: String)
    case star

    var alias: String? {
        switch self {
        case .column, .star: return nil
        case .bucket(let b): return b.alias
        case .measure(let m): return m.alias
        case .share: return "share_pct"
        case .cumulative(let m, _): return "cumulative_\(m.alias)"
        case .conditionalShare: return "share_pct"
        case .ratio(let n, let d): return "\(SQLBuilder.aliasStem(n))_per_\(SQLBuilder.aliasStem(d))"
        }
    }
}

enum GroupKey: Sendable, Equatable {
    case column(String)
    case bucket(TimeBucket)
}

enum OrderKey: Sendable, Equatable {
    case alias(String, descending: Bool)
    case column(String, descending: Bool)
    case bucket(TimeBucket)
}

/// "top product in each region": rank within each partition and keep the first N.
struct TopPerGroup: Sendable, Equatable {
    var partition: GroupKey
    var measure: Measure
    var descending: Bool
    var limit: Int
}

/// "top 2 cars by mpg for each cyl": the first rows of each partition by one column, whole rows.
struct RowsPerGroup: Sendable, Equatable {
    var partition: String
    var orderColumn: String
    var descending: Bool
    var limit: Int
}

/// Groups must have rows for every listed value of `column` ("regions that sold both A and
/// B"): HAVING COUNT(DISTINCT column) = count. See CoverAllRule.
struct CoverAll: Sendable, Equatable {
    var column: String
    var count: Int
}

struct QueryPlan: Sendable, Equatable {
    var projections: [Projection] = []
    var distinct = false
    /// AND of ORs: each inner list is one parenthesized disjunction.
    var conditions: [[Condition]] = []
    var groupBy: [GroupKey] = []
    var orderBy: [OrderKey] = []
    var limit: Int?
    /// Set for per-group rankings; rendered as a window query over the grouped one.
    var topPerGroup: TopPerGroup?
    /// Set for "average monthly X": measures are computed per period, then averaged.
    var periodAverage: TimeBucket?
    /// Set for "both A and B" over a listing or a distinct count (CoverAllRule).
    var coverAll: CoverAll?
    /// Set for "which regions had no hardware sales" (AbsenceRule): groups with no row that
    /// meets these conditions, HAVING SUM(CASE WHEN … THEN 1 ELSE 0 END) = 0.
    var absent: [[Condition]] = []
    /// The whole a conditional share is taken of ("share of professors in discipline B": the
    /// professors), a WHERE clause around the share's own condition.
    var shareWithin: [[Condition]] = []
    /// "which car has the most horsepower": every row tied for the top of the first ORDER BY
    /// column, not one of them picked by chance (rendered as `= (SELECT MAX…)`, no LIMIT).
    var keepTies = false
    /// Rows skipped before the LIMIT: "the second highest" is LIMIT 1 OFFSET 1.
    var offset: Int?
    /// Row-level ranking within groups (`ROW_NUMBER() OVER (PARTITION BY …)`).
    var rowsPerGroup: RowsPerGroup?
    var intent: QueryIntent = .single
    /// What the engine assumed or left out ("ignored "house"", "assumed "prce" means "price""),
    /// appended to the interpretation.
    var notes: [String] = []
}
