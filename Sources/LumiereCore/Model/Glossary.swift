// Glossary: a source owner's own words for the source (issue 14 item 4) — "revenue" means
// the column `Sales`, "EMEA" means `Region = 'Europe'`. Kept per source name (every version
// of the source shares it, renames carry it, deleting the source drops it) in the state
// store; the builtin engine reads an entry like a column name or a stored value, and the
// LLM prompt lists the entries.
//
// Validation (`GlossaryEntry.validated`) is pure and runs when an entry is added, against
// the newest version's schema: the term must be 1–4 plain words that are not already an
// operator of the question language ("total", "by", "top"...), the column must exist, and a
// value must be one of the column's stored text values (matched case-insensitively; the
// stored spelling is kept). A later version may drop the column: the entry is then kept
// but unused (`isUsable`), and `sources show` says so.

public struct GlossaryEntry: Sendable, Codable, Equatable, Hashable {
    /// The owner's word or phrase, as written.
    public var term: String
    /// The column it names, or the column its value belongs to.
    public var column: String
    /// nil: the term names the column. Set: the term means `column = value`.
    public var value: String?

    public init(term: String, column: String, value: String? = nil) {
        self.term = term
        self.column = column
        self.value = value
    }

    public static let maxTermLength = 60
    public static let maxTermWords = 4
    /// Entries per source: a glossary is a short list of house words, not a thesaurus.
    public static let maxEntries = 200

    /// The term's normalized words (lowercase, singular), the key the engine matches on.
    public var key: String { Self.key(term) }

    public static func key(_ term: String) -> String {
        Tokenizer.tokenize(term).map(\.stem).joined(separator: " ")
    }

    /// True when the schema still has the column (and, for a value, the column is text).
    public func isUsable(in schema: SourceSchema) -> Bool {
        guard let c = schema.column(named: column) else { return false }
        return value == nil || c.type == .text
    }

    /// The entry checked against the source's schema, with the column's and the value's
    /// stored spelling. Throws `invalid_glossary_term` naming what is wrong.
    public func validated(against schema: SourceSchema) throws(LumiereError) -> GlossaryEntry {
        let trimmed = term.trimmingCharacters(in: .whitespacesAndNewlines)
        func bad(_ message: String, _ hint: String) -> LumiereError {
            LumiereError(.invalidGlossaryTerm, message, hint: hint)
        }
        guard !trimmed.isEmpty, trimmed.count <= Self.maxTermLength else {
            throw bad("a glossary term must be 1 to \(Self.maxTermLength) characters",
                      "use the word or short phrase people type, e.g. \"revenue\" or \"EMEA\"")
        }
        let tokens = Tokenizer.tokenize(trimmed)
        guard !tokens.isEmpty, tokens.count <= Self.maxTermWords, tokens.allSatisfy({ $0.kind == .word }) else {
            throw bad("the term \"\(trimmed.prefix(60))\" must be 1 to \(Self.maxTermWords) words of letters",
                      "numbers, dates and symbols already mean something in a question")
        }
        let wholePhrase = Lexicon.phrases[tokens.map(\.stem).joined(separator: " ")].map(Tagger.isOperator) ?? false
        if let reserved = wholePhrase ? trimmed.lowercased()
            : (tokens.first(where: Self.isOperator) ?? (tokens.allSatisfy(Self.isFiller) ? tokens.first : nil))?.text {
            throw bad("\"\(reserved)\" already means something in a question, so it cannot be a glossary term",
                      "pick a word the engine does not read as an operator (such as total, by, top, average, not)")
        }
        guard let profile = schema.column(named: column)
                ?? schema.columns.first(where: { $0.name.lowercased() == column.lowercased() }) else {
            throw bad("the source has no column \"\(column.prefix(60))\"",
                      "columns: " + schema.columns.prefix(20).map(\.name).joined(separator: ", "))
        }
        var entry = GlossaryEntry(term: trimmed, column: profile.name, value: nil)
        guard let value else { return entry }
        guard profile.type == .text else {
            throw bad("a glossary value needs a text column; \(profile.name) is \(profile.type.rawValue)",
                      "give a column only (\"revenue\" → Sales), or a value of a text column")
        }
        let known = schema.valueIndex.values[profile.name] ?? []
        if let stored = known.first(where: { $0 == value }) ?? known.first(where: { $0.lowercased() == value.lowercased() }) {
            entry.value = stored
        } else if schema.valueIndex.truncatedColumns.contains(profile.name) || known.isEmpty {
            // Too many distinct values to index: the value cannot be checked here, and is
            // used as given (an unknown one finds no rows, which the answer shows).
            entry.value = value
        } else {
            throw bad("\(profile.name) has no value \"\(value.prefix(60))\"",
                      "values: " + known.prefix(10).joined(separator: ", "))
        }
        return entry
    }

    /// Words the question language gives a meaning (aggregates, comparisons, negation,
    /// grouping, ranking): a term holding one would change how every question reads.
    static func isOperator(_ token: Token) -> Bool {
        (Lexicon.phrases[token.stem] ?? Lexicon.phrases[token.text]).map(Tagger.isOperator) ?? false
    }

    /// Filler ("the", "in", "of"): allowed inside a term ("north of england"), not as all of it.
    static func isFiller(_ token: Token) -> Bool {
        guard let word = Lexicon.phrases[token.stem] ?? Lexicon.phrases[token.text] else { return false }
        return Tag(kind: .lex(word), text: token.text, isPlural: false).isStopLike
    }
}
