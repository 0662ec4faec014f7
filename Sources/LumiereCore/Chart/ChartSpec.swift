// ChartSpec: the chart as plain data (kind, labels, series, titles) between the recommender's
// decision and its two outputs — the Chart.js configuration here and, read back from that
// configuration, the SVG drawing. Keeping one intermediate form means the browser chart and
// the static SVG cannot drift apart.

struct ChartSeries: Equatable {
    var name: String
    /// One value per label (nil draws as a gap). Unused for scatter.
    var values: [Double?] = []
    /// Scatter points (x, y). Unused for other kinds.
    var points: [ChartPoint] = []
    /// Per-element colours (bars and slices); nil means the series colour for all.
    var colors: [String]? = nil
    var color: String
}

struct ChartPoint: Equatable {
    var x: Double
    var y: Double
}

struct ChartSpec: Equatable {
    var kind: ChartKind
    var title: String
    var labels: [String] = []
    var series: [ChartSeries] = []
    /// Title of the category axis (x for vertical charts) and of the value axis.
    var categoryTitle: String?
    var valueTitle: String?

    /// The Chart.js (v3/v4) configuration for this spec.
    func chartJSConfig() -> JSONValue {
        let type = kind.chartJSType ?? "bar"
        var datasets: [JSONValue] = []
        for (i, s) in series.enumerated() {
            var ds: [String: JSONValue] = ["label": .string(s.name)]
            if kind == .scatter {
                ds["data"] = .array(s.points.map { ["x": .number($0.x), "y": .number($0.y)] })
            } else {
                ds["data"] = .array(s.values.map { $0.map(JSONValue.number) ?? .null })
            }
            switch kind {
            case .line, .area:
                ds["borderColor"] = .string(s.color)
                ds["backgroundColor"] = .string(kind == .area ? ChartPalette.translucent(i) : s.color)
                ds["fill"] = kind == .area ? (i == 0 ? "origin" : "-1") : false
                ds["tension"] = 0
                ds["borderWidth"] = 2
                ds["pointRadius"] = 3
            case .pie, .doughnut:
                ds["backgroundColor"] = .array((s.colors ?? []).map(JSONValue.string))
                ds["borderColor"] = "#ffffff"
                ds["borderWidth"] = 1
            default:
                if let colors = s.colors {
                    ds["backgroundColor"] = .array(colors.map(JSONValue.string))
                } else {
                    ds["backgroundColor"] = .string(s.color)
                }
                ds["borderColor"] = .string(s.color)
                ds["borderWidth"] = kind == .scatter ? 1 : 0
            }
            datasets.append(.object(ds))
        }
        var data: [String: JSONValue] = ["datasets": .array(datasets)]
        if kind != .scatter { data["labels"] = .array(labels.map(JSONValue.string)) }

        var plugins: [String: JSONValue] = [
            "title": ["display": true, "text": .string(title)],
            "legend": ["display": .bool(series.count > 1 || kind.isRadial), "position": "bottom"],
        ]
        plugins["tooltip"] = ["enabled": true]
        var options: [String: JSONValue] = ["responsive": true, "animation": false, "plugins": .object(plugins)]
        if !kind.isRadial {
            let stacked = kind == .stackedBar
            func axis(_ title: String?, beginAtZero: Bool) -> JSONValue {
                var a: [String: JSONValue] = [:]
                if let title { a["title"] = ["display": true, "text": .string(title)] }
                if stacked { a["stacked"] = true }
                if beginAtZero { a["beginAtZero"] = true }
                return .object(a)
            }
            let barLike = kind.isBarFamily || kind == .area
            if kind == .horizontalBar {
                options["indexAxis"] = "y"
                options["scales"] = ["x": axis(valueTitle, beginAtZero: true), "y": axis(categoryTitle, beginAtZero: false)]
            } else {
                options["scales"] = ["x": axis(categoryTitle, beginAtZero: false), "y": axis(valueTitle, beginAtZero: barLike)]
            }
        }
        return ["type": .string(type), "data": .object(data), "options": .object(options)]
    }

    /// Read a spec back from a payload (the renderer's input). Tolerates configs written by
    /// others: unknown colours fall back to the palette, missing values become gaps.
    init?(payload: ChartPayload) {
        guard let config = payload.config, let kind = ChartKind(rawValue: payload.type) ?? Self.kind(of: config),
              kind != .none else { return nil }
        self.kind = kind
        title = config["options"]?["plugins"]?["title"]?["text"]?.stringValue ?? ""
        labels = config["data"]?["labels"]?.arrayValue?.map(Self.text) ?? []
        let scales = config["options"]?["scales"]
        if kind == .horizontalBar {
            valueTitle = scales?["x"]?["title"]?["text"]?.stringValue
            categoryTitle = scales?["y"]?["title"]?["text"]?.stringValue
        } else {
            categoryTitle = scales?["x"]?["title"]?["text"]?.stringValue
            valueTitle = scales?["y"]?["title"]?["text"]?.stringValue
        }
        for (i, ds) in (config["data"]?["datasets"]?.arrayValue ?? []).enumerated() {
            let name = ds["label"]?.stringValue ?? "Series \(i + 1)"
            let raw = ds["data"]?.arrayValue ?? []
            let colorValue = kind == .line || kind == .area ? ds["borderColor"] : ds["backgroundColor"]
            let color = colorValue?.stringValue.flatMap(Self.safeColor) ?? ChartPalette.color(i)
            var s = ChartSeries(name: name, color: color)
            if let list = ds["backgroundColor"]?.arrayValue {
                s.colors = list.enumerated().map { j, c in c.stringValue.flatMap(Self.safeColor) ?? ChartPalette.color(j) }
            }
            if kind == .scatter {
                s.points = raw.compactMap { p in
                    guard let x = p["x"]?.doubleValue, let y = p["y"]?.doubleValue, x.isFinite, y.isFinite else { return nil }
                    return ChartPoint(x: x, y: y)
                }
            } else {
                s.values = raw.map { v in v.doubleValue.flatMap { $0.isFinite ? $0 : nil } }
            }
            series.append(s)
        }
    }

    init(kind: ChartKind, title: String, labels: [String] = [], series: [ChartSeries] = [],
         categoryTitle: String? = nil, valueTitle: String? = nil) {
        self.kind = kind
        self.title = title
        self.labels = labels
        self.series = series
        self.categoryTitle = categoryTitle
        self.valueTitle = valueTitle
    }

    private static func kind(of config: JSONValue) -> ChartKind? {
        switch config["type"]?.stringValue {
        case "bar": return config["options"]?["indexAxis"]?.stringValue == "y" ? .horizontalBar : .bar
        case "line": return .line
        case "pie": return .pie
        case "doughnut": return .doughnut
        case "scatter": return .scatter
        default: return nil
        }
    }

    private static func text(_ v: JSONValue) -> String {
        switch v {
        case .string(let s): return s
        case .number(let d): return ReadableNumber.plain(d)
        case .bool(let b): return String(b)
        default: return ""
        }
    }

    /// Only `#rgb`/`#rrggbb`/`#rrggbbaa` colours reach an SVG attribute.
    static func safeColor(_ s: String) -> String? {
        let hex = s.utf8.dropFirst()
        guard s.hasPrefix("#"), [3, 4, 6, 8].contains(hex.count),
              hex.allSatisfy({ ($0 >= 48 && $0 <= 57) || ($0 >= 65 && $0 <= 70) || ($0 >= 97 && $0 <= 102) })
        else { return nil }
        return s
    }
}
