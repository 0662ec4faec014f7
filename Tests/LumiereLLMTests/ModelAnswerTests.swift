// Strict parsing of model answers and the single-SELECT check of model SQL.

import Foundation
import Testing
import LumiereCore
import LumiereLLM

@Suite("Model answers")
struct ModelAnswerTests {
    @Test func sqlAnswer() throws {
        let a = try ModelAnswer.sql(#"{"sql": "SELECT 1", "interpretation": "one\u0007", "confidence": 0.8, "intent": "single", "extra": 1}"#)
        #expect(a.sql == "SELECT 1")
        #expect(a.interpretation == "one")
        #expect(a.confidence == 0.8)
        #expect(a.intent == .single)
        let fenced = try ModelAnswer.sql("```json\n{\"sql\": \"SELECT 2\"}\n```")
        #expect(fenced.sql == "SELECT 2" && fenced.confidence == nil)
        #expect(try ModelAnswer.sql(#"{"sql": null, "interpretation": "no date column"}"#).sql == nil)
        #expect(try ModelAnswer.sql(#"{"sql": "SELECT 1", "intent": "dance"}"#).intent == nil)
    }

    @Test(arguments: [
        ("SELECT 1", "not a JSON object"),
        ("Sure! {\"sql\": \"SELECT 1\"}", "not a JSON object"),
        ("[\"SELECT 1\"]", "not a JSON object"),
        ("{\"query\": \"SELECT 1\"}", "no field sql"),
        ("{\"sql\": 5}", "field sql must be a string"),
        ("{\"sql\": \"SELECT 1\", \"confidence\": 7}", "confidence must be a number from 0 to 1"),
        ("{\"sql\": \"SELECT 1\", \"confidence\": \"high\"}", "confidence must be a number"),
        ("{\"sql\": \"SELECT 1\", \"interpretation\": [1]}", "interpretation must be a string"),
        ("```\nnot json\n```", "not a JSON object"),
    ])
    func badSQLAnswers(content: String, fragment: String) {
        #expect { _ = try ModelAnswer.sql(content) } throws: {
            guard let e = $0 as? LumiereError else { return false }
            return e.code == .llmError && e.message.contains(fragment)
        }
    }

    @Test func insights() throws {
        let i = try ModelAnswer.insights(#"{"summary": "South leads.", "findings": ["South 5224", ""], "recommendations": []}"#)
        #expect(i.summary == "South leads." && i.findings == ["South 5224"] && i.recommendations.isEmpty)
        for bad in [#"{"summary": ""}"#, #"{"summary": "x", "findings": []}"#, #"{"summary": "x", "findings": [1]}"#,
                    #"{"summary": "x", "findings": ["a","b","c","d","e","f","g","h","i"]}"#, #"{"findings": ["a"]}"#] {
            #expect(throws: LumiereError.self) { try ModelAnswer.insights(bad) }
        }
        let long = try ModelAnswer.insights("{\"summary\": \"\(String(repeating: "y", count: 2000))\", \"findings\": [\"a\"]}")
        #expect(long.summary.count == 600)
    }

    @Test func chartAnswer() throws {
        let c = try ModelAnswer.chart(#"{"chart_type": "bar", "reason": "compare", "config": {"type": "bar"}}"#)
        #expect(c.chartType == "bar" && c.config?["type"]?.stringValue == "bar")
        #expect(try ModelAnswer.chart(#"{"chart_type": "none", "config": null}"#).config == nil)
        #expect(throws: LumiereError.self) { try ModelAnswer.chart(#"{"chart_type": "bar", "config": "x"}"#) }
        #expect(throws: LumiereError.self) { try ModelAnswer.chart(#"{"type": "bar"}"#) }
    }
}

@Suite("Single SELECT check")
struct SQLStatementCheckTests {
    @Test(arguments: [
        ("SELECT 1", "SELECT 1"),
        ("  select Region from data ;  ", "select Region from data"),
        ("WITH t AS (SELECT 1 AS x) SELECT x FROM t;;", "WITH t AS (SELECT 1 AS x) SELECT x FROM t"),
        ("/* note */ SELECT ';' AS semi", "/* note */ SELECT ';' AS semi"),
        ("-- comment\nSELECT \"a;b\" FROM data; -- done", "-- comment\nSELECT \"a;b\" FROM data"),
        ("(SELECT 1)", "(SELECT 1)"),
        ("SELECT 'it''s; fine'", "SELECT 'it''s; fine'"),
        ("SELECT\"Region\"FROM data", "SELECT\"Region\"FROM data"),
    ])
    func accepted(sql: String, expected: String) throws {
        #expect(try SQLStatementCheck.singleSelect(sql) == expected)
    }

    @Test(arguments: [
        ("DROP TABLE data", "only SELECT"),
        ("SELECT 1; DROP TABLE data", "only one statement"),
        ("SELECT 1;\n/* x */ DELETE FROM data", "only one statement"),
        ("PRAGMA table_info(data)", "only SELECT"),
        ("ATTACH DATABASE '/tmp/x' AS x", "only SELECT"),
        ("INSERT INTO data VALUES (1)", "only SELECT"),
        ("VALUES (1)", "only SELECT"),
        ("", "empty"),
        ("-- nothing here", "empty"),
        ("SELECT 'open", "unterminated"),
        ("'text' SELECT", "must start with SELECT"),
        ("; SELECT 1", "must start with SELECT"),
    ])
    func refused(sql: String, fragment: String) {
        #expect { _ = try SQLStatementCheck.singleSelect(sql) } throws: {
            guard let e = $0 as? LumiereError else { return false }
            return e.code == .forbiddenSQL && e.message.contains(fragment)
        }
    }
}
