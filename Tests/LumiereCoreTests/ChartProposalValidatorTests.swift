// ChartProposalValidator: charts proposed by an untrusted author must match the rows they
// claim to draw, and come out rebuilt in Lumiere's own form.

import Foundation
import Testing
@testable import LumiereCore

private let result = QueryResult(
    columns: [ResultColumn(name: "Region", type: "TEXT"), ResultColumn(name: "total", type: "REAL"),
              ResultColumn(name: "n", type: "INTEGER")],
    rows: [[.text("South"), .real(5224), .integer(5)], [.text("West"), .real(1805), .integer(3)],
           [.text("East"), .real(1680.456), .integer(4)], [.text("North"), .real(1486), .integer(3)]])

private func config(_ type: String = "bar", labels: JSONValue = ["South", "West", "East", "North"],
                    datasets: JSONValue = [["label": "Total", "data": [5224, 1805, 1680.46, 1486]]],
                    extra: [String: JSONValue] = [:]) -> JSONValue {
    var o: [String: JSONValue] = ["type": .string(type), "data": ["labels": labels, "datasets": datasets],
                                  "options": ["plugins": ["title": ["text": "Sales <b>by</b> region\u{202E}"]]]]
    for (k, v) in extra { o[k] = v }
    return .object(o)
}

@Suite("Chart proposals from an LLM")
struct ChartProposalValidatorTests {
    @Test("a matching bar chart is rebuilt: our numbers, our palette, cleaned title, no foreign options")
    func valid() throws {
        var c = config(extra: ["plugins": ["evil": "x"]])
        if case .object(var o) = c, case .object(var d) = o["data"]!, case .array(var ds) = d["datasets"]!, case .object(var first) = ds[0] {
            first["backgroundColor"] = "javascript:alert(1)"
            ds[0] = .object(first); d["datasets"] = .array(ds); o["data"] = .object(d); c = .object(o)
        }
        let payload = try ChartProposalValidator.validate(type: "bar", config: c, reason: "compare\nregions", result: result,
                                                          question: "q").get()
        #expect(payload.type == "bar")
        #expect(payload.reason == "Chosen by the LLM: compare regions")
        let out = try #require(payload.config)
        #expect(out["data"]?["labels"] == ["South", "West", "East", "North"])
        #expect(out["data"]?["datasets"]?.arrayValue?.first?["data"] == [5224, 1805, 1680.456, 1486])
        #expect(out["data"]?["datasets"]?.arrayValue?.first?["backgroundColor"]?.stringValue?.hasPrefix("#") == true)
        #expect(out["options"]?["plugins"]?["title"]?["text"] == "Sales <b>by</b> region")
        #expect(out["plugins"] == nil)
        #expect(SVGChartRenderer().render(payload)?.hasPrefix("<svg") == true)
    }

    @Test("pie with one dataset; scatter of two numeric columns; none without config")
    func otherKinds() throws {
        #expect(try ChartProposalValidator.validate(type: "pie", config: config("pie"), reason: nil, result: result, question: nil).get().type == "pie")
        let points: JSONValue = .array(result.rows.map { ["x": .number($0[1].doubleValue!), "y": .number($0[2].doubleValue!)] })
        let scatter = config("scatter", labels: [], datasets: [["data": points]])
        #expect(try ChartProposalValidator.validate(type: "scatter", config: scatter, reason: nil, result: result, question: nil).get().type == "scatter")
        let none = try ChartProposalValidator.validate(type: "none", config: nil, reason: "one number", result: result, question: nil).get()
        #expect(none.type == "none" && none.config == nil)
        let byCount = config(datasets: [["data": [5, 3, 4, 3]]])
        #expect(try ChartProposalValidator.validate(type: "horizontal_bar", config: byCount, reason: nil, result: result, question: nil).get()
            .config?["options"]?["indexAxis"] == "y")
    }

    @Test(arguments: [
        ("radar", config(), "unknown chart type"),
        ("line", config("bar"), "config.type must be \"line\""),
        ("bar", config(labels: ["South", "West", "East"]), "one label per row"),
        ("bar", config(labels: ["South", "West", "North", "East"]), "not the values of one column"),
        ("bar", config(datasets: [["data": [5224, 1805, 1680]]]), "one value per row"),
        ("bar", config(datasets: [["data": [5224, 1805, 1680, 9999]]]), "not a numeric column"),
        ("bar", config(datasets: [["data": [5224, 1805, "1680", 1486]]]), "not a number"),
        ("bar", config(datasets: []), "1 to 8 datasets"),
        ("pie", config("pie", datasets: [["data": [5224, 1805, 1680, 1486]], ["data": [5, 3, 4, 3]]]), "exactly one dataset"),
        ("bar", JSONValue.string("bar"), "no Chart.js config object"),
        ("scatter", config("scatter", labels: [], datasets: [["data": [["x": 1, "y": 2]]]]), "one {x, y} point per row"),
    ])
    func refused(type: String, config: JSONValue, fragment: String) {
        switch ChartProposalValidator.validate(type: type, config: config, reason: nil, result: result, question: nil) {
        case .success(let p): Issue.record("accepted \(p.type) but expected a refusal containing \(fragment)")
        case .failure(let why): #expect(why.reason.contains(fragment), "\(why.reason)")
        }
    }

    @Test("results over 50 rows, and negative pies, are not drawn from proposals")
    func limits() {
        let many = QueryResult(columns: [ResultColumn(name: "k", type: "TEXT"), ResultColumn(name: "v", type: "INTEGER")],
                               rows: (0..<51).map { [.text("k\($0)"), .integer(Int64($0))] })
        let c = JSONValue.object(["type": "bar", "data": ["labels": .array((0..<51).map { .string("k\($0)") }),
                                                           "datasets": [["data": .array((0..<51).map { .number(Double($0)) })]]]])
        #expect(throws: ChartRejection.self) { try ChartProposalValidator.validate(type: "bar", config: c, reason: nil, result: many, question: nil).get() }
        let neg = QueryResult(columns: result.columns, rows: [[.text("a"), .real(-1), .integer(1)], [.text("b"), .real(2), .integer(1)]])
        let pie = config("pie", labels: ["a", "b"], datasets: [["data": [-1, 2]]])
        #expect(throws: ChartRejection.self) { try ChartProposalValidator.validate(type: "pie", config: pie, reason: nil, result: neg, question: nil).get() }
    }
}

@Suite("Untrusted text")
struct UntrustedTextTests {
    @Test func clean() {
        #expect(UntrustedText.clean("  a\tb\n\nc\u{0007}\u{202E}d  ", maxLength: 100) == "a b cd")
        #expect(UntrustedText.clean(String(repeating: "x", count: 20), maxLength: 5) == "xxxx…")
    }
}
