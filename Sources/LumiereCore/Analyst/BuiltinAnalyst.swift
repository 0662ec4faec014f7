// BuiltinAnalyst: the builtin, deterministic, offline NL→SQL engine.
//
// Input: a plain-English question and the source's schema (columns, profile, value index).
// Output: `AnalystOutcome` — one SQLite SELECT over `data` with an interpretation, a
// confidence and an intent; or two or three candidate readings when the question is
// ambiguous; or an `unsupported_question` error naming the words it could not match.
// Pipeline: Tokenizer → Tagger (Lexicon, ColumnMatcher, ValueMatcher) → Planner (TimeParser,
// FilterParser, RoleAssigner) → CoverAllRule ("both"), AbsenceRule ("which … had no …") →
// SQLBuilder + Interpretation. No I/O, no clock, no randomness: the same question and schema
// always give the same output, in milliseconds.
// Question text reaches SQL only as schema names and stored values (quoted) or numbers.

public struct BuiltinAnalyst: Sendable {
    /// Bump whenever the SQL or interpretation for some question changes.
    public static let engineVersion = "1.4.0"
    /// Questions longer than this are refused rather than parsed.
    static let maxQuestionLength = 1_000

    public init() {}

    public func translate(_ question: String, schema: SourceSchema) -> AnalystOutcome {
        switch readings(question, schema: schema) {
        case .answer(let reading): return .answer(reading.query)
        case .clarify(let readings): return .clarify(readings.map(\.query))
        case .refuse(let error): return .refuse(error)
        }
    }

    /// One reading of a question: the generated query and the plan it was rendered from
    /// (follow-up suggestions read the plan; see FollowUpSuggester).
    struct Reading: Sendable {
        var query: GeneratedQuery
        var plan: QueryPlan
    }

    enum Readings: Sendable {
        case answer(Reading)
        case clarify([Reading])
        case refuse(LumiereError)
    }

    /// `translate`, keeping the plan of each reading.
    func readings(_ question: String, schema: SourceSchema) -> Readings {
        let columns = ColumnMatcher(schema: schema)
        guard !schema.columns.isEmpty else {
            return .refuse(LumiereError(.unsupportedQuestion, "the source has no columns to ask about",
                                        hint: "Check that the uploaded file has a header row and data."))
        }
        guard question.count <= Self.maxQuestionLength else {
            return .refuse(LumiereError(.unsupportedQuestion, "the question is too long (over \(Self.maxQuestionLength) characters)",
                                        hint: RefusalHints.hint(schema: schema, columns: columns)))
        }
        var tokens = Tokenizer.tokenize(question)
        guard !tokens.isEmpty else {
            return .refuse(RefusalHints.error(unmatched: [], problems: ["the question has no words"], schema: schema,
                                              columns: columns))
        }
        let glossary = GlossaryMatcher(schema: schema)
        var tags = CapitalizedStopwordValues.retag(
            Tagger(columns: columns, values: ValueMatcher(schema: schema, question: tokens), glossary: glossary).tag(tokens),
            question: question, schema: schema)
        // Words nothing matched may be typos of the schema's words: correct, say so, re-tag.
        var corrections: [Correction] = []
        let unknown = Set(tags.filter { if case .unknown = $0.kind { return true } else { return false } }.map(\.text))
        if !unknown.isEmpty {
            let fixed: [Token]
            (fixed, corrections) = FuzzyMatcher(schema: schema).correct(tokens, unknown: unknown, columns: columns)
            if !corrections.isEmpty {
                tokens = fixed
                tags = CapitalizedStopwordValues.retag(
                    Tagger(columns: columns, values: ValueMatcher(schema: schema, question: tokens), glossary: glossary).tag(tokens),
                    question: question, schema: schema)
            }
        }
        var assumed = corrections.map { "assumed \"\($0.typed)\" means \"\($0.assumed)\"" }
        for note in tags.compactMap(\.assumption) where !assumed.contains(note) { assumed.append(note) }
        // Say which words the owner's glossary read, so an answer never hides a substitution.
        var seenTerms: Set<String> = []
        for tag in tags {
            guard let term = tag.glossaryTerm, seenTerms.insert(term).inserted else { continue }
            switch tag.kind {
            case .value(let v): assumed.append("glossary: \"\(term)\" is \(v.column) = \(quoteLiteral(v.value))")
            case .column(let c): assumed.append("glossary: \"\(term)\" is \(c.column)")
            default: break
            }
        }
        let fuzzyPenalty = 0.1 * Double(corrections.count + tags.filter { $0.assumption != nil }.count)

        switch Planner.plan(tags: tags, schema: schema, columns: columns, choices: [:]) {
        case .refuse(let unmatched, let problems):
            return .refuse(RefusalHints.error(unmatched: unmatched, problems: problems, schema: schema, columns: columns))
        case .plan(let plan, let confidence, nil):
            let ruled = Self.rules(plan, tokens)
            if let word = Self.droppedColumnWord(tags, sql: SQLBuilder.render(ruled), columns: columns) {
                return .refuse(RefusalHints.error(unmatched: [], problems: [Self.droppedProblem(word)], schema: schema, columns: columns))
            }
            return .answer(Reading(query: Self.generated(ruled, confidence: confidence - fuzzyPenalty, assumed: assumed), plan: ruled))
        case .plan(_, _, let ambiguity?):
            // Re-plan once per option of the first ambiguity; later ambiguities take option 0.
            var candidates: [Reading] = []
            for option in 0..<ambiguity.options {
                if case .plan(let p, let c, _) = Planner.plan(tags: tags, schema: schema, columns: columns,
                                                            choices: [ambiguity.key: option]) {
                    let ruled = Self.rules(p, tokens)
                    if Self.droppedColumnWord(tags, sql: SQLBuilder.render(ruled), columns: columns) != nil { continue }
                    let q = Self.generated(ruled, confidence: min(c - fuzzyPenalty, 0.5), assumed: assumed)
                    if !candidates.contains(where: { $0.query.sql == q.sql }) { candidates.append(Reading(query: q, plan: ruled)) }
                }
            }
            if candidates.count >= 2 { return .clarify(Array(candidates.prefix(3))) }
            if let only = candidates.first { return .answer(only) }
            return .refuse(RefusalHints.error(unmatched: [], problems: ["the question is ambiguous"], schema: schema,
                                              columns: columns))
        }
    }

    /// A word the question names a column with whose column the answer never reads: the
    /// plan lost it somewhere ("number of earthquakes for each magnitude" counting every row,
    /// "animated shorts" filtering on the shorts only). Answering would be confidently wrong.
    /// Not counted: a listing of whole rows (`SELECT *` shows every column), and words that
    /// name the rows themselves ("days" over a `Day` or a date column, "stocks" over `stocks`,
    /// "price records": a name before the row noun).
    static func droppedColumnWord(_ tags: [Tag], sql: String, columns: ColumnMatcher) -> String? {
        // "for each magnitude" must group by it (or rank within it), wherever else the column is used.
        for (i, tag) in tags.enumerated() {
            guard let hit = tag.columnHit else { continue }
            var p = i - 1
            while p >= 0, tags[p].lex == .stop { p -= 1 }
            guard p >= 0, tags[p].lex == .groupCue else { continue }
            let stem = Tokenizer.singularize(tag.text).0
            if case .timeUnit? = Lexicon.phrases[stem] { continue }
            // Rows ("per sale"), compounds ("per product category": the last name is grouped) and
            // ratios ("cost per kg": a division by it) are read another way.
            if Lexicon.rowNamingWords.contains(stem) || (i + 1 < tags.count && tags[i + 1].columnHit != nil) { continue }
            let names = [hit.column] + hit.alternatives
            if sql.contains("/"), names.contains(where: { sql.contains(quoteIdentifier($0)) }) { continue }
            // ("top 5 cars by mpg" orders by it.)
            let grouped = ["GROUP BY", "PARTITION BY", "ORDER BY"].contains { clause in
                guard let r = sql.range(of: clause) else { return false }
                return names.contains { sql[r.upperBound...].contains(quoteIdentifier($0)) }
            }
            if !grouped { return tag.text }
        }
        // "youngest and oldest mother age": both ends asked for, only one given.
        // "the best and worst feed": the same with the words that rank by a measure.
        let high = tags.first { $0.lex == .superlativeHigh || $0.lex == .best }
        if let high, tags.contains(where: { $0.lex == .superlativeLow || $0.lex == .worst }),
           !(sql.contains("MIN(") && sql.contains("MAX(")), !sql.contains("CASE WHEN") {
            return high.text
        }
        guard !sql.hasPrefix("SELECT * ") else { return nil }
        for (i, tag) in tags.enumerated() {
            guard let hit = tag.columnHit, tag.glossaryTerm == nil else { continue }
            let stem = Tokenizer.singularize(tag.text).0
            if Lexicon.phrases[stem].map({ if case .timeUnit = $0 { return true } else { return false } }) == true { continue }
            if columns.namesRows(stem) { continue }
            if columns.profile(hit.column)?.type.isTemporal == true { continue }
            if i + 1 < tags.count, tags[i + 1].lex == .rowNoun { continue }
            if PlanningState.namesRowsBeforeClause(tags, i, columns) { continue }
            // "sales" and "orders" may name the rows a `Sales` column sits in; "hardware sales",
            // "standard shipping", "product category": one phrase with its neighbour.
            if Lexicon.rowNamingWords.contains(stem) { continue }
            // Only a text name composes with a neighbouring name ("animated shorts" is two filters).
            let composes = columns.profile(hit.column)?.type == .text
            if i > 0, tags[i - 1].valueHit != nil || (composes && tags[i - 1].columnHit != nil) || tags[i - 1].lex == .all { continue }
            if i + 1 < tags.count, tags[i + 1].valueHit != nil || (composes && tags[i + 1].columnHit != nil) { continue }
            let names = Set([hit.column] + hit.alternatives)
            if !names.contains(where: { sql.contains(quoteIdentifier($0)) }) { return tag.text }
        }
        return nil
    }

    static func droppedProblem(_ word: String) -> String {
        "I could not work \"\(word)\" into the answer; ask for it on its own (\"by \(word)\", \"average \(word)\")"
    }

    /// The rules that re-read a finished plan against the question's words.
    static func rules(_ plan: QueryPlan, _ tokens: [Token]) -> QueryPlan {
        AbsenceRule.apply(CoverAllRule.apply(plan, tokens: tokens), tokens: tokens)
    }

    static func generated(_ plan: QueryPlan, confidence: Double, assumed: [String] = []) -> GeneratedQuery {
        let notes = assumed + plan.notes
        let text = Interpretation.describe(plan) + (notes.isEmpty ? "" : " (" + notes.joined(separator: "; ") + ")")
        return GeneratedQuery(sql: SQLBuilder.render(plan), interpretation: text,
                              confidence: (max(0.3, confidence) * 100).rounded() / 100, intent: plan.intent)
    }
}
