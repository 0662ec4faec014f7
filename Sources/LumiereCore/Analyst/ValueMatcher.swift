// ValueMatcher: finds data values named in a question ("in the North region", "Widget A").
//
// Input: the schema's value index (distinct text values per column). Output: for a span of
// question stems, the (column, stored value) pairs whose normalized stems equal the span —
// case-, punctuation- and plural-insensitive, multi-word values included. The tagger tries
// spans longest first. When no value matches a single word exactly, a small alias table
// ("women" → Female, "Canadian" → Canada) and derivational stems ("engineers" →
// Engineering, "complete" → Completed) are tried. Values that are only a stopword or a
// single character are not indexed: "a" or "M" in a question is far more often English.
// Given the question, values whose first word it cannot match are skipped unparsed, so
// large indexes stay fast.

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
    /// Single-word values by derivational stem ("Engineering" ← "engineers", "Completed" ←
    /// "complete"), tried only when nothing matches exactly.
    private let derived: [String: [ColumnValue]]
    /// Short codes ("A", "D", "VC", "f") by column, lowercased: not indexed as values, since
    /// alone they are far more often English, but "wool A" or "color D" names one.
    private let codes: [String: [String: String]]
    /// One-word values of small categorical columns, lowercased ("herbi", "prof", "sun"), for
    /// words that extend them ("herbivores", "professors", "sunny") or that they extend
    /// ("rodents" → "Rodentia"). Built whatever the question, since the question's word is
    /// not the value's first word.
    private let stubs: [(key: String, entry: ColumnValue)]
    /// CamelCase values by their parts ("AsstProf" → asst, prof), for "assistant professors".
    private let compounds: [(parts: [String], entry: ColumnValue)]

    /// Strip derivational endings so related words meet: engineering/engineers → engineer,
    /// completed/complete → complet, cancelled/cancel → cancel.
    static func derivationalStem(_ word: String) -> String? {
        guard word.count >= 5, word.allSatisfy(\.isLetter) else { return nil }
        var w = word
        if w.hasSuffix("s"), !w.hasSuffix("ss") { w.removeLast() }
        // Up to two endings: engineering → engineer → engine, marketers → marketer → market.
        for _ in 0..<2 {
            guard let suffix = ["ing", "er", "ist", "ian", "ed", "ment"].first(where: { w.hasSuffix($0) && w.count - $0.count >= 4 })
            else { break }
            w = String(w.dropLast(suffix.count))
        }
        if w.hasSuffix("e"), w.count >= 5 { w.removeLast() }
        if let last = w.last, w.dropLast().last == last, !"aeiou".contains(last) { w.removeLast() }
        return w
    }

    /// Index the schema's values. With the question's tokens, values whose first word the
    /// question cannot match are skipped before tokenizing (large indexes stay fast).
    init(schema: SourceSchema, question: [Token]? = nil) {
        var words: Set<String>?
        var derivedWords: Set<String> = []
        if let question {
            var w = Set(question.flatMap { [$0.text, $0.stem] })
            for t in question {
                for alias in Lexicon.valueAliases[t.stem] ?? Lexicon.valueAliases[t.text] ?? [] {
                    w.insert(String(alias.split(separator: " ").first ?? ""))
                }
                if let d = ValueMatcher.derivationalStem(t.text) { derivedWords.insert(d) }
            }
            words = w
        }
        var index: [String: [ColumnValue]] = [:]
        var derived: [String: [ColumnValue]] = [:]
        let columnOrder = schema.columns.map(\.name)
        for column in columnOrder {
            guard let values = schema.valueIndex.values[column],
                  let profile = schema.column(named: column), profile.type == .text else { continue }
            for value in values {
                if let words, let first = ValueMatcher.firstASCIIWord(value) {
                    let (singular, _) = Tokenizer.singularize(first)
                    guard words.contains(first) || words.contains(singular)
                            || ValueMatcher.ordinalWords[first].map(words.contains) == true
                            || ValueMatcher.derivationalStem(first).map(derivedWords.contains) == true else { continue }
                }
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
                // "first class" for a stored "1st class".
                if let spelled = ValueMatcher.spellingOrdinals(key), spelled != key, !(index[spelled]?.contains(entry) ?? false) {
                    index[spelled, default: []].append(entry)
                }
                if tokens.count == 1, let d = ValueMatcher.derivationalStem(tokens[0].text), !(derived[d]?.contains(entry) ?? false) {
                    derived[d, default: []].append(entry)
                }
            }
        }
        self.index = index
        self.derived = derived
        var codes: [String: [String: String]] = [:]
        for column in columnOrder {
            guard let values = schema.valueIndex.values[column], values.count <= 50,
                  schema.column(named: column)?.type == .text else { continue }
            for v in values where !v.isEmpty && v.count <= 3 && v.allSatisfy({ $0.isLetter || $0.isNumber }) {
                codes[column, default: [:]][v.lowercased()] = v
            }
        }
        self.codes = codes
        var stubs: [(key: String, entry: ColumnValue)] = []
        var compounds: [(parts: [String], entry: ColumnValue)] = []
        for column in columnOrder {
            // Categories only: in a column of names (every value once) "markets" is not "Mark".
            guard let values = schema.valueIndex.values[column], values.count <= ValueMatcher.maxStubValues,
                  let profile = schema.column(named: column), profile.type == .text,
                  profile.distinctCount < schema.rowCount - profile.nullCount else { continue }
            for v in values where v.count >= 3 && v.count <= 24 && v.allSatisfy({ $0.isASCII && $0.isLetter }) {
                let key = v.lowercased()
                guard Lexicon.phrases[key] == nil else { continue }
                let entry = ColumnValue(column: column, value: v)
                stubs.append((key, entry))
                let parts = Tokenizer.nameStems(v)
                if parts.count >= 2, parts.count <= 3 { compounds.append((parts, entry)) }
            }
        }
        self.stubs = stubs
        self.compounds = compounds
    }

    /// Ordinal numerals and their words: a stored "1st class" answers to "first class".
    static let ordinalWords: [String: String] = ["1st": "first", "2nd": "second", "3rd": "third", "4th": "fourth",
                                                 "5th": "fifth", "6th": "sixth", "7th": "seventh", "8th": "eighth",
                                                 "9th": "ninth", "10th": "tenth"]

    /// `key` (space-joined stems) with ordinal numerals spelled out, or nil when it has none.
    static func spellingOrdinals(_ key: String) -> String? {
        var parts = key.split(separator: " ").map(String.init)
        var changed = false
        var k = 0
        while k < parts.count {
            if let w = ordinalWords[parts[k]] { parts[k] = w; changed = true }
            else if k + 1 < parts.count, let w = ordinalWords[parts[k] + parts[k + 1]] {
                parts[k] = w; parts.remove(at: k + 1); changed = true
            }
            k += 1
        }
        return changed ? parts.joined(separator: " ") : nil
    }

    /// Columns with more distinct values than this are names, not categories: their values
    /// are not read from words that merely start with them.
    static let maxStubValues = 60

    /// A stored one-word value that `word` extends or that extends `word` by a short ending:
    /// "herbivores" → vore `herbi`, "professors" → rank `Prof`, "sunny" → weather `sun`,
    /// "rodents" → order `Rodentia`. Every such value is an alternative (two columns → the
    /// planner asks). The reading is a guess the tagger states. nil when nothing fits.
    func extendedMatch(_ word: String) -> ValueHit? {
        guard word.count >= 5, word.allSatisfy(\.isLetter), !word.hasSuffix("ly") else { return nil }
        let singular = Tokenizer.singularize(word).0
        var hits: [ColumnValue] = []
        for (key, entry) in stubs where !hits.contains(entry) {
            let extends = singular.count > key.count && singular.hasPrefix(key)
            let extended = singular.count >= 5 && key.count > singular.count && key.count - singular.count <= 3
                && key.hasPrefix(singular)
            if extends || extended { hits.append(entry) }
        }
        guard let first = hits.first else { return nil }
        return ValueHit(column: first.column, value: first.value, alternatives: hits)
    }

    /// A CamelCase value whose parts abbreviate the words in order: "assistant professors" →
    /// `AsstProf`, "associate prof" → `AssocProf`. Each part is the word, starts it, or is
    /// its letters in order from the same first letter (asst ⊂ assistant).
    func compoundMatch(_ words: [String]) -> ValueHit? {
        guard words.count >= 2, words.count <= 3 else { return nil }
        let singular = words.map { Tokenizer.singularize($0).0 }
        // Parts that start their word count most: "associate" is `Assoc`, though "asst" is
        // also among its letters.
        var hits: [ColumnValue] = []
        var bestScore = 0
        for (parts, entry) in compounds where parts.count == words.count && !hits.contains(entry) {
            guard zip(parts, singular).allSatisfy({ ValueMatcher.abbreviates($0, $1) }) else { continue }
            let score = zip(parts, singular).filter { $1.hasPrefix($0) }.count + 1
            if score > bestScore { bestScore = score; hits = [entry] } else if score == bestScore { hits.append(entry) }
        }
        guard let first = hits.first else { return nil }
        return ValueHit(column: first.column, value: first.value, alternatives: hits)
    }

    /// True when `part` stands for `word`: equal, a prefix of it, or (three letters or more)
    /// its letters in order starting with the same letter ("asst" for "assistant").
    static func abbreviates(_ part: String, _ word: String) -> Bool {
        guard let f = part.first, word.first == f else { return false }
        if word.hasPrefix(part) { return true }
        guard part.count >= 3 else { return false }
        var rest = word[...]
        for c in part {
            guard let k = rest.firstIndex(of: c) else { return false }
            rest = rest[rest.index(after: k)...]
        }
        return true
    }

    /// The first word of an ASCII value, lowercased; nil for other text (tokenized in full).
    static func firstASCIIWord(_ value: String) -> String? {
        var bytes: [UInt8] = []
        var started = false
        for b in value.utf8 {
            guard b < 0x80 else { return nil }
            let isAlnum = (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A)
            if isAlnum {
                bytes.append(b >= 0x41 && b <= 0x5A ? b + 32 : b)
                started = true
            } else if started {
                break
            }
        }
        return bytes.isEmpty ? nil : String(decoding: bytes, as: UTF8.self)
    }

    /// The stored code of `column` written as `text` ("a" → "A" for wool), if any.
    func code(_ text: String, of column: String) -> String? { codes[column]?[text] }

    /// The one single-letter code of `column` that is `word`'s initial ("low" → "L" among
    /// L/M/H), when the column's codes are all single letters with distinct initials.
    func initialCode(_ word: String, of column: String) -> String? {
        guard let codes = codes[column], codes.count >= 2, codes.keys.allSatisfy({ $0.count == 1 }),
              let initial = word.first.map(String.init) else { return nil }
        return codes[initial]
    }

    func match(_ span: [String]) -> ValueHit? {
        let key = span.joined(separator: " ")
        var hits = index[key] ?? []
        if hits.isEmpty, span.count == 1, let aliases = Lexicon.valueAliases[key] {
            for alias in aliases {
                if let found = index[alias] { hits = found; break }
            }
            // "the men" over a `sex` column of M/F: one-letter codes are not indexed as words,
            // but a sex or gender column's letter is what the word means.
            if hits.isEmpty {
                for alias in aliases where alias.count == 1 {
                    for (column, byText) in codes.sorted(by: { $0.key < $1.key })
                    where Tokenizer.nameStems(column).contains(where: { $0 == "sex" || $0 == "gender" }) {
                        if let code = byText[alias] { hits.append(ColumnValue(column: column, value: code)) }
                    }
                    if !hits.isEmpty { break }
                }
            }
        }
        if hits.isEmpty, span.count == 1, Lexicon.phrases[key] == nil,
           let d = ValueMatcher.derivationalStem(key), let found = derived[d] {
            hits = found
        }
        guard let first = hits.first else { return nil }
        return ValueHit(column: first.column, value: first.value, alternatives: hits)
    }
}
