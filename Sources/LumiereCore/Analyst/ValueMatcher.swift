// ValueMatcher: finds data values named in a question ("in the North region", "Widget A").
//
// Input: the schema's value index (distinct text values per column). Output: for a span of
// question stems, the (column, stored value) pairs whose normalized stems equal the span —
// case-, punctuation- and plural-insensitive, multi-word values included. The tagger tries
// spans longest first. Values that are only a stopword or a single character are not
// indexed: "a" or "M" in a question is far more often English than data.

struct ValueHit: Sendable, Equatable {
    var column: String
    /// The value exactly as stored, for the SQL literal.
    var value: String
    /// All (column, value) pairs that fit the words, including the chosen one.
    var alternatives: [ColumnValue]
}

struct ColumnValue: Sendable, Equatable, Hashable {
    var column: String
    var value: String
}

struct ValueMatcher: Sendable {
    static let maxWords = 6
    private let index: [String: [ColumnValue]]

    init(schema: SourceSchema) {
        var index: [String: [ColumnValue]] = [:]
        let columnOrder = schema.columns.map(\.name)
        for column in columnOrder {
            guard let values = schema.valueIndex.values[column],
                  let profile = schema.column(named: column), profile.type == .text else { continue }
            for value in values {
                let tokens = Tokenizer.tokenize(value)
                guard !tokens.isEmpty, tokens.count <= ValueMatcher.maxWords else { continue }
                let key = tokens.map(\.stem).joined(separator: " ")
                if tokens.count == 1 {
                    let t = tokens[0]
                    if t.text.count < 2 && t.kind == .word { continue }
                    if t.kind == .number || t.kind == .date { continue }
                    if Lexicon.phrases[t.stem] == .stop || Lexicon.phrases[t.text] == .stop { continue }
                }
                let entry = ColumnValue(column: column, value: value)
                if !(index[key]?.contains(entry) ?? false) { index[key, default: []].append(entry) }
            }
        }
        self.index = index
    }

    func match(_ span: [String]) -> ValueHit? {
        let key = span.joined(separator: " ")
        var hits = index[key] ?? []
        if hits.isEmpty, span.count == 1, let aliases = Lexicon.valueAliases[key] {
            for alias in aliases {
                if let found = index[alias] { hits = found; break }
            }
        }
        guard let first = hits.first else { return nil }
        return ValueHit(column: first.column, value: first.value, alternatives: hits)
    }
}
