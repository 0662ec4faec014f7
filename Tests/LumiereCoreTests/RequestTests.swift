import Foundation
import Testing
@testable import LumiereCore

@Suite("Request files")
struct RequestTests {
    func parse(_ json: String) throws(LumiereError) -> Request { try Request.parse(Data(json.utf8)) }

    @Test func questionRequest() throws {
        let r = try parse(#"{"id": "c-1", "source": "sales", "question": "total by region", "chart": false}"#)
        #expect(r.action == .ask)
        #expect(r.clientID == "c-1")
        #expect(r.source == "sales")
        #expect(r.chart == false)
        #expect(r.insight == true)
    }

    @Test func sqlRequestInfersAction() throws {
        let r = try parse(#"{"source": "sales", "sql": "SELECT 1"}"#)
        #expect(r.action == .sql)
        #expect(r.sql == "SELECT 1")
    }

    @Test func chooseRequest() throws {
        let r = try parse(#"{"action": "choose", "query_id": 12, "choice": 2}"#)
        #expect(r.action == .choose)
        #expect(r.queryID == 12)
        #expect(r.choice == 2)
    }

    @Test(arguments: [
        (#"{"source": "s", "question": "q", "colour": "red"}"#, "unknown field(s): colour"),
        (#"{"source": 3, "question": "q"}"#, "\"source\" must be a string"),
        (#"{"source": "s", "question": "q", "chart": "yes"}"#, "\"chart\" must be true or false"),
        (#"{"source": "s", "question": "q", "chart": 1}"#, "\"chart\" must be true or false"),
        (#"{"action": "choose", "query_id": true, "choice": 1}"#, "\"query_id\" must be a whole number"),
        (#"{"action": "choose", "query_id": 1.5, "choice": 1}"#, "\"query_id\" must be a whole number"),
        (#"{"source": "s"}"#, "needs field \"question\""),
        (#"{"question": "q"}"#, "needs field \"source\""),
        (#"{"source": "s", "question": "   "}"#, "needs field \"question\""),
        (#"{"source": "s", "question": "q", "sql": "SELECT 1"}"#, "either \"question\" or \"sql\""),
        (#"{"action": "rerun"}"#, "needs field \"query_id\""),
        (#"{"source": "s", "question": "q", "engine": "gpt"}"#, "engine"),
        (#"{"source": "s", "question": "q", "chart_type": "radar"}"#, "is not a chart type"),
        (#"{"action": "list_queries", "status": "done"}"#, "is not one of succeeded"),
        (#"[1, 2]"#, "must be a JSON object"),
        (#"{not json"#, "not valid JSON"),
        ("", "not valid JSON"),
    ])
    func malformed(json: String, fragment: String) {
        #expect {
            _ = try parse(json)
        } throws: { error in
            guard let e = error as? LumiereError else { return false }
            return e.code == .malformedRequest && e.message.contains(fragment) && e.hint != nil
        }
    }

    @Test func typedFields() throws {
        let r = try parse(#"{"source": "s", "question": "q", "engine": "auto", "chart_type": "donut"}"#)
        #expect(r.engine == .auto && r.chartType == .doughnut)
        let list = try parse(#"{"action": "list_queries", "status": "needs_clarification"}"#)
        #expect(list.status == .needsClarification)
        // Aliases are stored under the canonical name, so the history's copy parses the same.
        #expect(try Request.parse(r.jsonData()) == r)
    }

    @Test func unknownAction() {
        #expect {
            _ = try parse(#"{"action": "explode"}"#)
        } throws: { ($0 as? LumiereError)?.code == .unknownAction }
    }

    @Test func hostileSizesAreBounded() {
        let long = String(repeating: "x", count: 3000)
        #expect(throws: LumiereError.self) { try parse(#"{"source": "s", "question": "\#(long)"}"#) }
    }
}

@Suite("Spool names")
struct SpoolNamesTests {
    @Test(arguments: [".rsync.XyZ12", "a.csv.tmp", "a.CSV.PART", "a.partial", "a.csv~", ".hidden.json"])
    func ignored(name: String) { #expect(SpoolNames.isIgnored(name)) }

    @Test(arguments: ["a.csv", "a.json", "tmp.csv", "part.json", "a.tmp.csv"])
    func notIgnored(name: String) { #expect(!SpoolNames.isIgnored(name)) }

    @Test func kindsAndNames() {
        #expect(SpoolNames.kind(of: "Sales.CSV") == .upload)
        #expect(SpoolNames.kind(of: "s.tsv") == .upload)
        #expect(SpoolNames.kind(of: "s.csv.gz") == .upload)
        #expect(SpoolNames.kind(of: "q.json") == .request)
        #expect(SpoolNames.kind(of: "x.txt") == nil)
        #expect(SpoolNames.kind(of: "x.gz") == nil)
        #expect(SpoolNames.uploadFormat(of: "Budget.XLSX") == .xlsx)
        #expect(SpoolNames.stem(of: "budget.xlsx") == "budget")
        // Not read (README: no maintained reader); refused as unsupported_file.
        #expect(SpoolNames.kind(of: "sales.parquet") == nil)
        #expect(SpoolNames.kind(of: "old.xls") == nil)
        #expect(SpoolNames.stem(of: "sales.csv.gz") == "sales")
        #expect(SpoolNames.sourceName(forUpload: "test_sales_data.csv") == "test_sales_data")
        #expect(SpoolNames.sourceName(forUpload: "my sales (2024).csv") == "my_sales__2024_")
        #expect(SpoolNames.sourceName(forUpload: "..csv") == "source")
        #expect(SpoolNames.resultName(forInput: "q1.json", kind: .request) == "q1.result.json")
        #expect(SpoolNames.resultName(forInput: "d.csv.gz", kind: .upload) == "d.source.json")
        #expect(SpoolNames.resultName(forInput: "x.txt", kind: nil) == "x.txt.result.json")
    }
}
