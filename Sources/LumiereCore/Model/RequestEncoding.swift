// The request as a JSON document again: what the history stores as "the request" of a
// query, and what `lumiere` writes when it hands a command to the daemon as a request file.
//
// Input: a parsed (or built) Request. Output: a JSON object with the same field names
// `Request.parse` reads, defaults left out, so `Request.parse(r.jsonData())` gives `r`
// back. Pure; cannot fail.

import Foundation

extension Request {
    public var jsonValue: JSONValue {
        var o: [String: JSONValue] = ["action": .string(action.rawValue)]
        func put(_ key: String, _ value: String?) { if let value { o[key] = .string(value) } }
        func put(_ key: String, _ value: Int?) { if let value { o[key] = .number(Double(value)) } }
        put("id", clientID)
        put("source", source)
        put("version", sourceVersion)
        put("question", question)
        put("sql", sql)
        if !chart { o["chart"] = .bool(false) }
        if !insight { o["insight"] = .bool(false) }
        put("engine", engine?.rawValue)
        put("query_id", queryID.map { Int($0) })
        put("choice", choice)
        put("chart_type", chartType?.rawValue)
        put("name", name)
        put("description", description)
        put("limit", limit)
        put("offset", offset)
        put("status", status?.rawValue)
        put("subscription_id", subscriptionID.map { Int($0) })
        put("term", term)
        put("column", column)
        put("value", value)
        return .object(o)
    }

    /// The request file's bytes (sorted keys, one line).
    public func jsonData() -> Data {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return ((try? e.encode(jsonValue)) ?? Data("{}".utf8)) + Data("\n".utf8)
    }
}

extension JSONValue {
    /// Any Encodable as a JSONValue (for `ResultDocument.data` payloads built from models).
    public static func encoding<T: Encodable>(_ value: T) -> JSONValue {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys]
        guard let data = try? e.encode(value), let v = try? JSONDecoder().decode(JSONValue.self, from: data) else {
            return .null
        }
        return v
    }

    /// Decode a model back out of a JSONValue (the CLI reads `data` payloads this way).
    public func decoded<T: Decodable>(as type: T.Type) -> T? {
        guard let data = try? JSONEncoder().encode(self) else { return nil }
        return try? JSONDecoder().decode(T.self, from: data)
    }
}
