// ChartKind: the chart types Lumiere recommends, and the fixed colour palette both the
// Chart.js configuration and the SVG renderer use, so the two pictures match.

/// A recommended chart type. Raw values are what result documents carry in `chart.type`
/// and what requests name in `chart_type`.
public enum ChartKind: String, Sendable, Codable, CaseIterable {
    case bar
    case horizontalBar = "horizontal_bar"
    case groupedBar = "grouped_bar"
    case stackedBar = "stacked_bar"
    case line
    case area
    case pie
    case doughnut
    case scatter
    case none

    /// The Chart.js `type` this kind is drawn with (variants are options on these).
    public var chartJSType: String? {
        switch self {
        case .bar, .horizontalBar, .groupedBar, .stackedBar: return "bar"
        case .line, .area: return "line"
        case .pie: return "pie"
        case .doughnut: return "doughnut"
        case .scatter: return "scatter"
        case .none: return nil
        }
    }

    /// Parse a user's `chart_type`, tolerating Chart.js names and common spellings.
    public init?(userValue: String) {
        let key = userValue.lowercased()
            .replacingOccurrences(of: "-", with: "_")
            .replacingOccurrences(of: " ", with: "_")
        switch key {
        case "horizontal", "hbar", "horizontalbar", "bar_horizontal": self = .horizontalBar
        case "grouped", "groupedbar", "clustered_bar": self = .groupedBar
        case "stacked", "stackedbar": self = .stackedBar
        case "donut", "donut_chart": self = .doughnut
        case "points", "xy": self = .scatter
        case "column": self = .bar
        default:
            guard let kind = ChartKind(rawValue: key) else { return nil }
            self = kind
        }
    }

    var isBarFamily: Bool { self == .bar || self == .horizontalBar || self == .groupedBar || self == .stackedBar }
    var isRadial: Bool { self == .pie || self == .doughnut }
}

/// Okabe–Ito colours: distinguishable under the common colour-vision deficiencies.
/// Grey is reserved for the "Other" bucket so it never looks like a real category.
enum ChartPalette {
    static let colors = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#56B4E9", "#CC79A7", "#F0E442", "#000000"]
    static let other = "#999999"

    static func color(_ index: Int) -> String { colors[index % colors.count] }

    /// The same colour with an alpha channel, for area fills (`#RRGGBBAA` works in both
    /// Chart.js and SVG).
    static func translucent(_ index: Int) -> String { color(index) + "55" }
}
