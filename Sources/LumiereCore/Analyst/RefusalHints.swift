// RefusalHints: the `unsupported_question` error for a question the engine will not guess
// at. The message names the words it could not match; the hint lists the columns and two or
// three example questions built from this schema's real columns, so the person can rephrase.

enum RefusalHints {
    static func error(unmatched: [String], problems: [String], schema: SourceSchema, columns: ColumnMatcher) -> LumiereError {
        var parts: [String] = []
        if !unmatched.isEmpty {
            var seen: [String] = []
            for w in unmatched where !seen.contains(w) { seen.append(w) }
            let quoted = seen.prefix(8).map { "\"\($0)\"" }.joined(separator: ", ")
            parts.append("I could not match \(quoted) to any column or value")
        }
        parts.append(contentsOf: problems)
        if parts.isEmpty { parts.append("I could not understand the question") }
        let message = parts.joined(separator: "; ")
        return LumiereError(.unsupportedQuestion, message, hint: hint(schema: schema, columns: columns))
    }

    static func hint(schema: SourceSchema, columns: ColumnMatcher) -> String {
        let names = schema.columns.map(\.name)
        var text = "Columns: " + names.joined(separator: ", ") + "."
        let examples = exampleQuestions(schema: schema, columns: columns)
        if !examples.isEmpty {
            text += " Try: " + examples.map { "\"\($0)\"" }.joined(separator: ", ") + "."
        }
        return text
    }

    static func exampleQuestions(schema: SourceSchema, columns: ColumnMatcher) -> [String] {
        // Identifiers are numbers nobody sums.
        let numeric = schema.columns.filter {
            $0.type.isNumeric && !Tokenizer.nameStems($0.name).contains { ["id", "key", "code", "zip"].contains($0) }
        }.map(\.name)
        let measure = columns.defaultMeasure ?? numeric.first
        let category = schema.columns.first {
            $0.type == .text && $0.distinctCount > 1 && $0.distinctCount <= min(50, max(2, schema.rowCount / 2))
        }?.name ?? schema.columns.first { $0.type == .text }?.name
        let date = schema.columns.first { $0.type.isTemporal }?.name
        var out: [String] = []
        if let measure, let category { out.append("total \(measure) by \(category)") }
        if let measure, let category { out.append("top 3 \(category) by \(measure)") }
        if let measure, date != nil { out.append("monthly \(measure)") }
        if let category, out.count < 3 { out.append("how many rows per \(category)") }
        if out.isEmpty { out.append("how many rows are there") }
        return Array(out.prefix(3))
    }
}
