// Tagger: reads the question's tokens left to right and labels each span with what it means —
// a lexicon word, a column, a data value, a number or a date — longest span first.
//
// Input: tokens, a `ColumnMatcher`, a `ValueMatcher`. Output: `[Tag]`, each covering one or
// more tokens; spans nobody understands are `.unknown` and later make the engine refuse.
// Ties between readings of the same length: operator words ("total", "by", "top") beat
// schema names, schema names beat filler words; a data value beats a column name right
// after "in", "for", "excluding"...

struct Tag: Sendable {
    enum Kind: Sendable {
        case lex(LexWord)
        case column(ColumnHit)
        case value(ValueHit)
        case number(Double, couldBeYear: Bool)
        case date(PartialDate)
        case unknown
    }

    var kind: Kind
    /// The question's words for this span (normalized), for messages.
    var text: String
    var isPlural: Bool
    /// Set by the planner once the tag's meaning has been used.
    var consumed = false
    /// The glossary term the span was read as, if the owner's glossary gave its meaning.
    var glossaryTerm: String? = nil
    /// A reading the engine guessed and must state ("assumed "low" means tension L").
    var assumption: String? = nil

    var lex: LexWord? { if case .lex(let w) = kind { return w } else { return nil } }
    var columnHit: ColumnHit? { if case .column(let c) = kind { return c } else { return nil } }
    var valueHit: ValueHit? { if case .value(let v) = kind { return v } else { return nil } }
    var numberValue: Double? {
        if case .number(let n, _) = kind { return n }
        if case .lex(.number(let n)) = kind { return Double(n) }
        return nil
    }
    var isStopLike: Bool {
        switch lex {
        case .stop?, .valuePrep?, .and?, .which?, .list?, .all?: return true
        default: return false
        }
    }
}

struct Tagger: Sendable {
    let columns: ColumnMatcher
    let values: ValueMatcher
    /// The owner's terms: at each span length they outrank every other reading, since the
    /// owner said what they mean (Glossary.swift keeps operator words out of them).
    var glossary = GlossaryMatcher(schema: SourceSchema(rowCount: 0, columns: []))

    /// Lexicon meanings that outrank a schema name of the same length.
    static func isOperator(_ w: LexWord) -> Bool {
        switch w {
        case .aggregate, .howMany, .howMuch, .distinct, .share, .groupCue, .superlativeHigh, .superlativeLow, .top,
             .bottom, .first, .last, .best, .worst, .compare, .comparator, .between, .and, .or, .negate,
             .month, .quarter, .number, .cumulative:
            return true
        default:
            return false
        }
    }

    /// An unknown word, or "high"/"low" read as a maximum/minimum column.
    static func mayNameCode(_ tag: Tag) -> Bool {
        switch tag.kind {
        case .unknown: return true
        case .column: return ColumnMatcher.extremeWords([Tokenizer.singularize(tag.text).0]) != nil
        default: return false
        }
    }

    private static func isValueIntroducer(_ w: LexWord?) -> Bool {
        switch w {
        case .valuePrep?, .negate?, .compare?, .or?: return true
        default: return false
        }
    }

    func tag(_ tokens: [Token]) -> [Tag] {
        var tags: [Tag] = []
        var i = 0
        while i < tokens.count {
            let t = tokens[i]
            // "for 70-74": a stored range ("50-54" in an age-group column) is a value, not two
            // numbers; so is a value that starts with a number ("3rd class", "2 door").
            if t.kind == .number, i + 1 < tokens.count,
               let (hit, n) = [3, 2].lazy.compactMap({ (n: Int) -> (ValueHit, Int)? in
                   guard i + n <= tokens.count else { return nil }
                   return values.match(tokens[i..<(i + n)].map(\.stem)).map { ($0, n) }
               }).first {
                let joiner = tokens[i + 1].kind == .number ? "-" : " "
                tags.append(Tag(kind: .value(hit), text: tokens[i..<(i + n)].map(\.text).joined(separator: joiner), isPlural: false))
                i += n
                continue
            }
            if t.kind == .number {
                let n = t.number ?? 0
                let year = t.couldBeYear || (t.text.count == 4 && t.text.allSatisfy(\.isNumber) && columns.isYearOfTheData(n))
                tags.append(Tag(kind: .number(n, couldBeYear: year), text: t.text, isPlural: false))
                i += 1
                continue
            }
            if t.kind == .date, let d = t.date {
                tags.append(Tag(kind: .date(d), text: t.text, isPlural: false))
                i += 1
                continue
            }
            // "discipline A vs B", "wool A or B": a short code right after another code of the
            // same column and "or"/"vs"/"and"/"than" is that column's code too.
            if t.kind == .word, t.text.count <= 3, tags.count >= 2, Lexicon.phrases[t.text] == nil || Lexicon.phrases[t.text] == .stop,
               let joiner = tags.last, joiner.lex == .or || joiner.lex == .compare || joiner.lex == .and || joiner.text == "than",
               let previous = tags[tags.count - 2].valueHit, let code = values.code(t.text, of: previous.column) {
                tags.append(Tag(kind: .value(ValueHit(column: previous.column, value: code,
                                                      alternatives: [ColumnValue(column: previous.column, value: code)])),
                                text: t.text, isPlural: false))
                i += 1
                continue
            }
            // Longest span of word/symbol tokens.
            var end = i
            // Numbers may continue a span ("dev 01"), so values with digits can match.
            while end < tokens.count, end - i < max(Lexicon.maxPhraseLength, ValueMatcher.maxWords),
                  tokens[end].kind == .word || tokens[end].kind == .symbol || (end > i && tokens[end].kind == .number) {
                end += 1
            }
            var chosen: (Tag.Kind, Int)?
            var term: String?
            var guessed: String?
            let previousLex = tags.last?.lex
            var length = end - i
            while length >= 1 && chosen == nil {
                let span = Array(tokens[i..<(i + length)])
                let stems = span.map(\.stem)
                let texts = span.map(\.text)
                if let entry = glossary.match(stems) {
                    term = entry.term
                    if let value = entry.value {
                        chosen = (.value(ValueHit(column: entry.column, value: value,
                                                  alternatives: [ColumnValue(column: entry.column, value: value)])), length)
                    } else {
                        chosen = (.column(ColumnHit(column: entry.column, strength: .full, alternatives: [entry.column])), length)
                    }
                    break
                }
                // "how many first class women made it": an idiom whose words are all filler
                // still means something (survived) — unknown, so never silently dropped.
                // ("no airbags at all" is only emphasis.)
                if Lexicon.idiomsWithMeaning.contains(texts.joined(separator: " ")),
                   !(texts == ["at", "all"] && tags.contains { $0.lex == .negate }) {
                    chosen = (.unknown, length)
                    break
                }
                let lex = Lexicon.phrases[stems.joined(separator: " ")] ?? Lexicon.phrases[texts.joined(separator: " ")]
                var column = columns.match(stems)
                // "number of cases" over `ncases`: a generic row word the table names as a column.
                if column == nil, length == 1, lex == .rowNoun, span[0].kind == .word, values.match(stems) == nil,
                   let c = columns.shortenedName(texts[0]) {
                    column = ColumnHit(column: c, strength: .synonym, alternatives: [c])
                    guessed = "read \"\(texts[0])\" as \(c)"
                }
                // "assistant professors" → `AsstProf`: only when no reading of the words exists.
                // "labor economics journals" is not the one title "Economic Journal": a name only
                // one row holds is never read from a plural (unless it is plural itself).
                let exact = values.match(stems).flatMap { hit -> ValueHit? in
                    guard span.last?.isPlural == true, columns.isLabel(hit.column),
                          Tokenizer.tokenize(hit.value).last?.isPlural != true else { return hit }
                    return nil
                }
                let compound = exact == nil && lex == nil && column == nil && length >= 2 && length <= 3
                    && span.allSatisfy({ $0.kind == .word }) ? values.compoundMatch(texts) : nil
                let value = exact ?? compound
                if let compound {
                    guessed = "assumed \"\(texts.joined(separator: " "))\" means \(compound.column) = \(quoteLiteral(compound.value))"
                }
                // "which type of car" over a `Type` column: filler ("type of") never hides a
                // column named by its first word.
                if lex == .stop, length > 1, column == nil, value == nil,
                   let first = columns.match([stems[0]]), first.strength == .full {
                    length -= 1
                    continue
                }
                // "never smoke" over a `Smoke` column holding "Never": the stored word beside its
                // own column is the value, not a negation.
                let besideOwnColumn = value.map { v in
                    (tags.last?.columnHit?.column == v.column)
                        || (i + length < tokens.count && columns.match([tokens[i + length].stem])?.column == v.column)
                } ?? false
                if let lex, Tagger.isOperator(lex), !(value != nil && Tagger.isValueIntroducer(previousLex) && length > 1),
                   !(besideOwnColumn && length == 1) {
                    chosen = (.lex(lex), length)
                } else if let value, let column {
                    chosen = Tagger.isValueIntroducer(previousLex) ? (.value(value), length) : (.column(column), length)
                } else if let value {
                    chosen = (.value(value), length)
                } else if let column {
                    chosen = (.column(column), length)
                } else if let lex {
                    chosen = (.lex(lex), length)
                }
                if chosen == nil { length -= 1 }
            }
            // "wool A", "color D": a column named, then one of its short codes.
            if term == nil, case .column(let hit)? = chosen?.0, let n = chosen?.1, i + n < tokens.count,
               tokens[i + n].kind == .word || tokens[i + n].kind == .number,
               let code = values.code(tokens[i + n].text, of: hit.column) {
                let span = tokens[i...(i + n)]
                tags.append(Tag(kind: .value(ValueHit(column: hit.column, value: code,
                                                      alternatives: [ColumnValue(column: hit.column, value: code)])),
                                text: span.map(\.text).joined(separator: " "), isPlural: false))
                i += n + 1
                continue
            }
            // "low tension", "high tension": a word before a column of one-letter codes whose
            // initial is exactly one of them (L/M/H) names that code; the guess is stated.
            // (Also over "high"/"low" read as a max/min column: before a code column they are its code.)
            if term == nil, case .column(let hit)? = chosen?.0, let last = tags.last,
               Tagger.mayNameCode(last), !last.text.contains(" "), last.text.count >= 3, last.text.allSatisfy(\.isLetter),
               let code = values.initialCode(last.text, of: hit.column) {
                tags[tags.count - 1] = Tag(kind: .value(ValueHit(column: hit.column, value: code,
                                                                alternatives: [ColumnValue(column: hit.column, value: code)])),
                                           text: last.text + " " + tokens[i..<(i + chosen!.1)].map(\.text).joined(separator: " "),
                                           isPlural: false,
                                           assumption: "assumed \"\(last.text)\" means \(hit.column) \(code)")
                i += chosen!.1
                continue
            }
            // "mining and logging headcount": after a number column, "headcount" is what the
            // column holds, not a count of rows.
            if case .lex(.howMany)? = chosen?.0, tokens[i].text.hasPrefix("head"), let hit = tags.last?.columnHit,
               columns.profile(hit.column)?.type.isNumeric == true {
                chosen = (.lex(.stop), chosen!.1)
            }
            // "on the top shelf", "in the bottom drawer": the place at one end, not a top-N list.
            if case .lex(let w)? = chosen?.0, w == .top || w == .bottom, let last = tags.last,
               ["on the", "in the", "at the", "from the"].contains(last.text)
                || (last.text == "the" && tags.count >= 2 && ["on", "in", "at", "from"].contains(tags[tags.count - 2].text)),
               i + 1 < tokens.count, tokens[i + 1].kind == .word {
                chosen = (.lex(w == .top ? .superlativeHigh : .superlativeLow), chosen!.1)
            }
            if let (kind, n) = chosen {
                let span = tokens[i..<(i + n)]
                tags.append(Tag(kind: kind, text: span.map(\.text).joined(separator: " "),
                                isPlural: span.last?.isPlural ?? false, glossaryTerm: term, assumption: guessed))
                i += n
            } else if t.kind == .word, columns.dateColumn(forVerb: t.text) == nil, columns.column(forInflection: t.text) == nil,
                      let hit = columns.hit(forAdjective: t.text) {
                // "warmer": the measure the adjective names, every column it could be.
                tags.append(Tag(kind: .column(hit), text: t.text, isPlural: false))
                i += 1
            } else if t.kind == .word, let column = columns.dateColumn(forVerb: t.text) ?? columns.column(forInflection: t.text) {
                // "hired in 2020": the verb stands for its date column.
                tags.append(Tag(kind: .column(ColumnHit(column: column, strength: .synonym, alternatives: [column])),
                                text: t.text, isPlural: false))
                i += 1
            } else if t.kind == .word, let degree = columns.degreeForm(t.text) {
                // "the windiest day" ranks by `wind`; "windier in May than in June" compares by it.
                let hit = ColumnHit(column: degree.column, strength: .synonym, alternatives: [degree.column])
                tags.append(Tag(kind: degree.superlative ? .lex(.superlativeHigh) : .column(hit), text: t.text, isPlural: false))
                i += 1
            } else if t.kind == .word, let hit = values.extendedMatch(t.text) {
                // "herbivores" over a `vore` column of herbi/carni/omni: the stored word it
                // starts with. A guess, so it is stated (and costs confidence).
                tags.append(Tag(kind: .value(hit), text: t.text, isPlural: t.isPlural,
                                assumption: "assumed \"\(t.text)\" means \(hit.column) = \(quoteLiteral(hit.value))"))
                i += 1
            } else if t.kind == .word, i + 1 < tokens.count, tokens[i + 1].kind == .word,
                      let column = columns.spelledOutName(t.text, tokens[i + 1].text) {
                // "birth weight" over `bwt`: two words that spell out a terse name. A guess, stated.
                let text = t.text + " " + tokens[i + 1].text
                tags.append(Tag(kind: .column(ColumnHit(column: column, strength: .synonym, alternatives: [column])),
                                text: text, isPlural: tokens[i + 1].isPlural, assumption: "read \"\(text)\" as \(column)"))
                i += 2
            } else if t.kind == .word, let column = columns.shortenedName(t.text) {
                // "magnitude" over `mag`, "alcohol" over `alcgp`: a terse name spelled out. A guess, stated.
                tags.append(Tag(kind: .column(ColumnHit(column: column, strength: .synonym, alternatives: [column])),
                                text: t.text, isPlural: t.isPlural, assumption: "read \"\(t.text)\" as \(column)"))
                i += 1
            } else {
                tags.append(Tag(kind: .unknown, text: t.text, isPlural: t.isPlural))
                i += 1
            }
        }
        return readMeasureWords(tags)
    }

    /// Readings that need the tags on both sides, after the left-to-right pass. Each says what a
    /// word beside a column means; the word lists are the Lexicon's.
    private func readMeasureWords(_ input: [Tag]) -> [Tag] {
        var tags = input
        // "total deaths from disease", "deaths due to wounds": the measure word, then "from"
        // and the number column it counts.
        for k in tags.indices where k + 2 < tags.count && Lexicon.countedFromWords.contains(tags[k + 1].text) {
            guard case .unknown = tags[k].kind, Lexicon.countedNouns.contains(Tokenizer.singularize(tags[k].text).0),
                  let c = tags[k + 2].columnHit?.column, columns.profile(c)?.type.isNumeric == true else { continue }
            tags[k].kind = .lex(.stop)
            tags[k + 1].kind = .lex(.stop)
        }
        // "the murder rate over 10", "the Green vote": a generic measure word right after a
        // number column only says what the column measures. Read as filler here, so the
        // comparison or ranking after it reaches the column. ("the rural female death rate":
        // two such words in a row; the first leaves the column for the second to follow.)
        var tailOf: [Int: String] = [:]
        for k in tags.indices.dropFirst() {
            guard case .unknown = tags[k].kind, Lexicon.measureTailWords.contains(Tokenizer.singularize(tags[k].text).0),
                  let c = tags[k - 1].columnHit?.column ?? tailOf[k - 1], columns.profile(c)?.type.isNumeric == true else { continue }
            // "death" before "rate" stays for the rules that read "the … death rate" — unless
            // the column and the rate word name a column: "disease death rate" → `Disease.rate`.
            if k + 1 < tags.count, Lexicon.rateWords.contains(tags[k + 1].text) {
                let words = tags[k - 1].text.split(separator: " ").map { Tokenizer.singularize(String($0)).0 } + [tags[k + 1].text]
                if let rate = columns.match(words), rate.strength == .full, rate.column != c {
                    tags[k - 1].kind = .column(rate)
                    tags[k].kind = .lex(.stop)
                    tags[k + 1].kind = .lex(.stop)
                }
                continue
            }
            tags[k].kind = .lex(.stop)
            tailOf[k] = c
        }
        // "survival rate", "the smoking rate": a rate of a yes/no column is the share of yes.
        for k in tags.indices.dropFirst() where tags[k].text == "rate" {
            guard case .unknown = tags[k].kind, let c = tags[k - 1].columnHit?.column,
                  columns.profile(c)?.type == .boolean else { continue }
            tags[k].kind = .lex(.share)
        }
        // "gdp per capita", "income per head" with no population column to divide by: the
        // column is already a figure per person (the only reading left); stated.
        let hasPopulation = columns.entries.contains { $0.stems.contains(where: Lexicon.populationStems.contains) }
        for k in tags.indices.dropFirst() where k + 1 < tags.count && !hasPopulation {
            // ("head" is also a lexicon word: "head" of a list.)
            guard tags[k].lex == .groupCue, tags[k].text == "per", Lexicon.perPersonWords.contains(tags[k + 1].text),
                  let c = tags[k - 1].columnHit?.column, columns.profile(c)?.type.isNumeric == true else { continue }
            tags[k] = Tag(kind: .lex(.stop), text: "per " + tags[k + 1].text, isPlural: false,
                          assumption: "read \"\(tags[k - 1].text) per \(tags[k + 1].text)\" as \(c), a figure per person already")
            tags[k + 1].kind = .lex(.stop)
        }
        // "the first 12 months", "over 3 years": a time unit after a count is a span of time,
        // not a `Month` or `Year` column to group by. ("top 5 days by ozone" ranks the rows.)
        for k in tags.indices.dropFirst() where tags[k].columnHit != nil && tags[k].isPlural {
            if k >= 2, tags[k - 2].lex == .top || tags[k - 2].lex == .bottom { continue }
            guard case .number(let n, false) = tags[k - 1].kind, n >= 2, n == n.rounded(),
                  let unit = Lexicon.phrases[Tokenizer.singularize(tags[k].text).0], case .timeUnit = unit else { continue }
            tags[k].kind = .lex(unit)
        }
        // "mean years of schooling", "hours of sleep": a time unit in the plural before "of" and
        // another number column is that column's unit, not the `year` column.
        for k in tags.indices where k + 2 < tags.count && tags[k].isPlural && tags[k + 1].text == "of" {
            guard case .timeUnit? = Lexicon.phrases[Tokenizer.singularize(tags[k].text).0],
                  let c = tags[k + 2].columnHit?.column, tags[k].columnHit?.column != c,
                  let type = columns.profile(c)?.type, type.isNumeric else { continue }
            tags[k].kind = .lex(.stop)
        }
        return tags
    }
}

/// The glossary terms of a source, by normalized key ("revenue", "emea"). Entries whose
/// column a newer version dropped are left out; the first entry of a key wins.
struct GlossaryMatcher: Sendable {
    private let entries: [String: GlossaryEntry]

    init(schema: SourceSchema) {
        var entries: [String: GlossaryEntry] = [:]
        for e in schema.glossary where e.isUsable(in: schema) {
            let key = e.key
            if !key.isEmpty, entries[key] == nil { entries[key] = e }
        }
        self.entries = entries
    }

    var isEmpty: Bool { entries.isEmpty }

    func match(_ stems: [String]) -> GlossaryEntry? {
        entries.isEmpty ? nil : entries[stems.joined(separator: " ")]
    }
}

/// Stored values that are also English stopwords ("IT" in a `Dept` column, "OR" in a state
/// code column) are not indexed — "it" in a question is nearly always English — so "staff in
/// IT" would silently lose its filter. Written in capitals as stored, such a word is the
/// value: the stopword tag it landed in is split and that word becomes a value tag.
enum CapitalizedStopwordValues {
    static func retag(_ tags: [Tag], question: String, schema: SourceSchema) -> [Tag] {
        var capitals: [String: ColumnValue] = [:]
        for word in question.split(whereSeparator: { !$0.isLetter }) where word.count >= 2 && word.allSatisfy(\.isUppercase) {
            let w = String(word)
            guard Lexicon.phrases[w.lowercased()] == .stop, capitals[w.lowercased()] == nil else { continue }
            for c in schema.columns where c.type == .text {
                if schema.valueIndex.values[c.name]?.contains(w) == true {
                    capitals[w.lowercased()] = ColumnValue(column: c.name, value: w)
                    break
                }
            }
        }
        guard !capitals.isEmpty else { return tags }
        var out: [Tag] = []
        for tag in tags {
            guard tag.lex == .stop else { out.append(tag); continue }
            let words = tag.text.split(separator: " ").map(String.init)
            guard words.contains(where: { capitals[$0] != nil }) else { out.append(tag); continue }
            for w in words {
                if let v = capitals[w] {
                    out.append(Tag(kind: .value(ValueHit(column: v.column, value: v.value, alternatives: [v])), text: w, isPlural: false))
                } else if let lex = Lexicon.phrases[w] {
                    out.append(Tag(kind: .lex(lex), text: w, isPlural: false))
                } else {
                    out.append(Tag(kind: .lex(.stop), text: w, isPlural: false))
                }
            }
        }
        return out
    }
}
