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
    public static let engineVersion = "1.3.7"
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
            return .answer(Reading(query: Self.generated(ruled, confidence: confidence - fuzzyPenalty, assumed: assumed), plan: ruled))
        case .plan(_, _, let ambiguity?):
            // Re-plan once per option of the first ambiguity; later ambiguities take option 0.
            var candidates: [Reading] = []
            for option in 0..<ambiguity.options {
                if case .plan(let p, let c, _) = Planner.plan(tags: tags, schema: schema, columns: columns,
                                                            choices: [ambiguity.key: option]) {
                    let ruled = Self.rules(p, tokens)
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
