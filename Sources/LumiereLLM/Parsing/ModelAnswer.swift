// ModelAnswer: strict parsing of what a model wrote. The content must be one JSON object
// (a surrounding ```json fence is tolerated: servers without JSON mode often add one) no
// larger than 256 KiB; each field has the type the prompt asked for and a size limit.
// Extra fields are ignored. Failures are `llm_error` with a reason the repair prompt can
// send back ("field confidence must be a number from 0 to 1").

import Foundation
import LumiereCore

/// The SQL prompt's answer: {sql, interpretation, confidence} (+ optional intent).
public struct SQLAnswer: Sendable, Equatable {
    /// nil when the model said the question cannot be answered from the table.
    public var sql: String?
    public var interpretation: String
    public var confidence: Double?
    public var intent: QueryIntent?
}

/// The chart prompt's answer: {chart_type, reason, config}.
public struct ChartAnswer: Sendable, Equatable {
    public var chartType: String
    public var reason: String?
    public var config: JSONValue?
}

public enum ModelAnswer {
    static let maxContentBytes = 256 * 1024
    static let maxSQLLength = 20_000

    static func bad(_ reason: String) -> LumiereError {
        LumiereError(.llmError, reason, hint: "the model did not follow the answer format; a different model or prompt may do better")
    }

    /// The content as a JSON object.
    public static func object(_ content: String) throws(LumiereError) -> [String: JSONValue] {
        guard content.utf8.count <= maxContentBytes else { throw bad("the answer is larger than 256 KiB") }
        var text = content.trimmingCharacters(in: .whitespacesAndNewlines)
        if text.hasPrefix("```") {
            // ```json\n{...}\n```
            guard let firstNewline = text.firstIndex(of: "\n"), text.hasSuffix("```"), text.count >= 6 else {
                throw bad("the answer is not a JSON object")
            }
            text = String(text[text.index(after: firstNewline)..<text.index(text.endIndex, offsetBy: -3)])
                .trimmingCharacters(in: .whitespacesAndNewlines)
        }
        guard text.hasPrefix("{"), let value = try? JSONDecoder().decode(JSONValue.self, from: Data(text.utf8)),
              case .object(let object) = value else {
            throw bad("the answer is not a JSON object")
        }
        return object
    }

    public static func sql(_ content: String) throws(LumiereError) -> SQLAnswer {
        let o = try object(content)
        var answer = SQLAnswer(sql: nil, interpretation: "", confidence: nil, intent: nil)
        switch o["sql"] {
        case .string(let s)?:
            let trimmed = s.trimmingCharacters(in: .whitespacesAndNewlines)
            guard trimmed.count <= maxSQLLength else { throw bad("field sql is longer than \(maxSQLLength) characters") }
            answer.sql = trimmed.isEmpty ? nil : trimmed
        case .null?:
            answer.sql = nil
        case nil:
            throw bad("the answer has no field sql")
        default:
            throw bad("field sql must be a string (or null when the question cannot be answered)")
        }
        switch o["interpretation"] {
        case .string(let s)?: answer.interpretation = UntrustedText.clean(s, maxLength: 500)
        case nil, .null?: break
        default: throw bad("field interpretation must be a string")
        }
        switch o["confidence"] {
        case .number(let d)? where d.isFinite && d >= 0 && d <= 1: answer.confidence = d
        case nil, .null?: break
        default: throw bad("field confidence must be a number from 0 to 1")
        }
        if case .string(let s)? = o["intent"] { answer.intent = QueryIntent(rawValue: s) }
        return answer
    }

    public static func chart(_ content: String) throws(LumiereError) -> ChartAnswer {
        let o = try object(content)
        guard case .string(let type)? = o["chart_type"] else { throw bad("field chart_type must be a string") }
        var reason: String?
        switch o["reason"] {
        case .string(let s)?: reason = s
        case nil, .null?: break
        default: throw bad("field reason must be a string")
        }
        let config = o["config"]
        if let config, config != .null, config.objectValue == nil { throw bad("field config must be an object") }
        return ChartAnswer(chartType: type, reason: reason, config: config == .null ? nil : config)
    }

    /// {summary, findings, recommendations}: a summary of 1–600 characters, 1–8 findings
    /// and 0–5 recommendations of at most 400 characters each, control characters removed.
    public static func insights(_ content: String) throws(LumiereError) -> Insights {
        let o = try object(content)
        guard case .string(let summary)? = o["summary"] else { throw bad("field summary must be a string") }
        let cleanSummary = UntrustedText.clean(summary, maxLength: 600)
        guard !cleanSummary.isEmpty else { throw bad("field summary is empty") }
        func list(_ key: String, _ range: ClosedRange<Int>) throws(LumiereError) -> [String] {
            let value = o[key] ?? .array([])
            guard case .array(let items) = value else { throw bad("field \(key) must be a list of strings") }
            var out: [String] = []
            for item in items {
                guard case .string(let s) = item else { throw bad("field \(key) must be a list of strings") }
                let clean = UntrustedText.clean(s, maxLength: 400)
                if !clean.isEmpty { out.append(clean) }
            }
            guard range.contains(out.count) else {
                throw bad("field \(key) must hold \(range.lowerBound) to \(range.upperBound) items")
            }
            return out
        }
        return Insights(summary: cleanSummary, findings: try list("findings", 1...8),
                        recommendations: try list("recommendations", 0...5))
    }
}
