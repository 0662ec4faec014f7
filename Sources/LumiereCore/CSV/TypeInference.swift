// TypeInference: decides each column's type from every value it holds.
//
// Inputs: the fields of one column, one at a time (`observe`).
// Outputs: `resolve()` gives the column type, the order for `a/b/yyyy` dates and any
// warning. Rules: null tokens are ignored; a column keeps a type only while every other
// value parses as it. Priority when several fit: INTEGER (so a 0/1 column is INTEGER),
// REAL (integers and decimals mixed), BOOLEAN, DATE, DATETIME (dates and date-times
// mixed); anything else, or no values at all, is TEXT and keeps the original text.
// Slash dates: a first part > 12 forces D/M/Y, a second part > 12 forces M/D/Y, both
// seen means not a date; neither means M/D/Y with a warning.
// Decimal commas (only when the file is not comma-delimited): the column is also tried
// as numbers written `1.234,56`; that reading wins when every value fits it and at least
// one value has a comma between digits, so `1,5` is 1.5 but a column of `1.234` and
// `2.5` keeps the dot reading. One value that fits neither makes the column TEXT.
// Failure modes: none.

public struct ColumnTypeInference: Sendable {
    struct Kinds: OptionSet, Sendable {
        let rawValue: UInt8
        static let integer = Kinds(rawValue: 1)
        static let real = Kinds(rawValue: 2)
        static let boolean = Kinds(rawValue: 4)
        static let date = Kinds(rawValue: 8)
        static let datetime = Kinds(rawValue: 16)
        static let numeric: Kinds = [.integer, .real]
        static let temporal: Kinds = [.date, .datetime]
        static let all: Kinds = [.integer, .real, .boolean, .date, .datetime]
    }

    var kinds = Kinds.all
    /// Kinds (integer/real) the values still fit when read with a decimal comma; empty
    /// when decimal commas are not considered.
    var commaKinds: Kinds
    var sawDecimalComma = false
    public private(set) var nonNullCount = 0
    var monthFirstPossible = true
    var dayFirstPossible = true
    var sawSlashDate = false

    /// `decimalComma`: also try the decimal-comma reading (files not delimited by `,`).
    public init(decimalComma: Bool = false) {
        commaKinds = decimalComma ? .numeric : []
    }

    /// Whether more values can still change the outcome.
    @inline(__always) public var isSettledAsText: Bool { kinds.isEmpty && commaKinds.isEmpty }

    @inline(__always)
    public mutating func observe(_ field: UnsafeRawBufferPointer) {
        if isSettledAsText { return }
        let t = ValueParsing.trim(field)
        if ValueParsing.isNull(t) { return }
        nonNullCount += 1
        var fits: Kinds = []
        if !kinds.isDisjoint(with: .numeric), let number = ValueParsing.parseNumber(t) {
            if case .integer = number { fits.formUnion(.numeric) } else { fits.insert(.real) }
        }
        if kinds.contains(.boolean), ValueParsing.parseBool(t) != nil { fits.insert(.boolean) }
        if !kinds.isDisjoint(with: .temporal), t.count >= 8, let temporal = DateParsing.parse(t) {
            fits.insert(.datetime)
            if !temporal.hasTime { fits.insert(.date) }
            if temporal.slash != nil {
                sawSlashDate = true
                let orders = DateParsing.slashOrders(temporal)
                monthFirstPossible = monthFirstPossible && orders.monthFirst
                dayFirstPossible = dayFirstPossible && orders.dayFirst
                if !monthFirstPossible && !dayFirstPossible { fits.subtract(.temporal) }
            }
        }
        kinds.formIntersection(fits)
        if !commaKinds.isEmpty {
            switch ValueParsing.parseDecimalCommaNumber(t) {
            case .integer?: break
            case .real?: commaKinds.remove(.integer)
            case nil: commaKinds = []
            }
            if !sawDecimalComma && ValueParsing.hasDecimalComma(t) { sawDecimalComma = true }
        }
    }

    public struct Resolution: Sendable, Equatable {
        public var type: ColumnType
        public var slashOrder: SlashOrder
        /// True when slash dates could be read either way and M/D/Y was assumed.
        public var ambiguousSlashDates: Bool
        /// True when numbers are read with a decimal comma (`1.234,56`).
        public var decimalComma: Bool = false
    }

    public func resolve() -> Resolution {
        var order = SlashOrder.monthFirst
        var ambiguous = false
        if sawSlashDate && !monthFirstPossible { order = .dayFirst }
        if sawSlashDate && monthFirstPossible && dayFirstPossible { ambiguous = true }
        if nonNullCount > 0 && sawDecimalComma && !commaKinds.isEmpty {
            return Resolution(type: commaKinds.contains(.integer) ? .integer : .real, slashOrder: order,
                              ambiguousSlashDates: false, decimalComma: true)
        }
        let type: ColumnType
        if nonNullCount == 0 { type = .text }
        else if kinds.contains(.integer) { type = .integer }
        else if kinds.contains(.real) { type = .real }
        else if kinds.contains(.boolean) { type = .boolean }
        else if kinds.contains(.date) { type = .date }
        else if kinds.contains(.datetime) { type = .datetime }
        else { type = .text }
        return Resolution(type: type, slashOrder: order, ambiguousSlashDates: ambiguous && type.isTemporal)
    }
}
