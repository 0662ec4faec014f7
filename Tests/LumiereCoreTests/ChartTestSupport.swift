// Sample results for chart, insight and report tests: the three sample questions over
// test_sales_data (see /work/shared/samples/README.md) and a few synthetic shapes.

@testable import LumiereCore

enum ChartSamples {
    static func result(_ columns: [(String, String)], _ rows: [[SQLValue]], truncated: Bool = false) -> QueryResult {
        QueryResult(columns: columns.map { ResultColumn(name: $0.0, type: $0.1) }, rows: rows, truncated: truncated)
    }

    /// "What were the total sales by region?"
    static let byRegion = result([("Region", "TEXT"), ("total_sales", "REAL")], [
        [.text("South"), .real(5224)], [.text("West"), .real(1805)],
        [.text("East"), .real(1680)], [.text("North"), .real(1486)],
    ])

    /// "Which product had the best performance?"
    static let bestProduct = result([("Product", "TEXT"), ("total_sales", "REAL"), ("avg_sales", "REAL")], [
        [.text("Tool C"), .real(4460), .real(892)],
    ])

    /// "How do retail vs wholesale sales compare?"
    static let retailVsWholesale = result(
        [("Customer_Type", "TEXT"), ("sale_count", "INTEGER"), ("total_sales", "REAL"), ("avg_sales", "REAL")], [
            [.text("Retail"), .integer(11), .real(4845), .real(4845.0 / 11)],
            [.text("Wholesale"), .integer(4), .real(5350), .real(1337.5)],
        ])

    /// Monthly sales of the sample data.
    static let monthly = result([("month", "TEXT"), ("total_sales", "REAL")], [
        [.text("2024-01"), .real(1860)], [.text("2024-02"), .real(3511)],
        [.text("2024-03"), .real(2904)], [.text("2024-04"), .real(1920)],
    ])

    static let cumulative = result([("month", "TEXT"), ("running_total", "REAL")], [
        [.text("2024-01"), .real(1860)], [.text("2024-02"), .real(5371)],
        [.text("2024-03"), .real(8275)], [.text("2024-04"), .real(10195)],
    ])

    static let byRegionAndCategory = result([("Region", "TEXT"), ("Category", "TEXT"), ("total_sales", "REAL")], [
        [.text("East"), .text("Electronics"), .real(1320)], [.text("East"), .text("Hardware"), .real(360)],
        [.text("North"), .text("Electronics"), .real(886)], [.text("North"), .text("Hardware"), .real(600)],
        [.text("South"), .text("Electronics"), .real(2204)], [.text("South"), .text("Hardware"), .real(3020)],
        [.text("West"), .text("Electronics"), .real(1325)], [.text("West"), .text("Hardware"), .real(480)],
    ])

    static let priceVsQuantity = result([("Price", "REAL"), ("Quantity", "INTEGER")], [
        [.real(25), .integer(12)], [.real(40), .integer(30)], [.real(120), .integer(3)], [.real(25), .integer(15)],
        [.real(115), .integer(20)], [.real(42), .integer(8)], [.real(25), .integer(20)], [.real(120), .integer(4)],
    ])

    static let totalOnly = result([("total_sales", "REAL")], [[.real(10195)]])

    static let wideListing = result(
        [("Date", "TEXT"), ("Product", "TEXT"), ("Sales", "REAL"), ("Region", "TEXT"), ("Category", "TEXT"), ("Price", "REAL")],
        [[.text("2024-01-05"), .text("Widget A"), .real(300), .text("North"), .text("Electronics"), .real(25)],
         [.text("2024-01-12"), .text("Gadget B"), .real(1200), .text("South"), .text("Electronics"), .real(40)]])

    /// `count` categories with falling values ("Item 01" = count, ... "Item N" = 1).
    static func manyCategories(_ count: Int, measure: String = "total_sales") -> QueryResult {
        result([("Item", "TEXT"), (measure, "INTEGER")],
               (1...count).map { i in [.text("Item \(i < 10 ? "0" : "")\(i)"), .integer(Int64(count - i + 1) * 10)] })
    }

    /// The profile of test_sales_data as ingest would describe it.
    static let schema = SourceSchema(rowCount: 15, columns: [
        ColumnProfile(name: "Date", type: .date, distinctCount: 15),
        ColumnProfile(name: "Product", type: .text, distinctCount: 3),
        ColumnProfile(name: "Sales", type: .real, distinctCount: 15),
        ColumnProfile(name: "Region", type: .text, distinctCount: 4),
        ColumnProfile(name: "Category", type: .text, distinctCount: 2),
        ColumnProfile(name: "Price", type: .real, distinctCount: 6),
        ColumnProfile(name: "Quantity", type: .integer, distinctCount: 13),
        ColumnProfile(name: "Customer_Type", type: .text, distinctCount: 2),
    ])

    static let hostile = "<script>alert('x')</script> & \"quotes\""
}

extension JSONValue {
    /// Walk a path of object keys and array indices: config.at("data", "datasets", 0, "data").
    func at(_ path: any ChartConfigPathComponent...) -> JSONValue? {
        var current: JSONValue? = self
        for component in path {
            if let key = component as? String { current = current?[key] }
            else if let index = component as? Int { current = current?.arrayValue.flatMap { index < $0.count ? $0[index] : nil } }
        }
        return current
    }
}

protocol ChartConfigPathComponent {}
extension String: ChartConfigPathComponent {}
extension Int: ChartConfigPathComponent {}
