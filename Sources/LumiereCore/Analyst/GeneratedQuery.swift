// What an NL→SQL engine produces for a question: one SELECT over `data` with a plain-English
// restatement and a confidence, plus the intent that chart and insight stages read.

/// The analytic shape of a question, as the engine understood it. Chart recommendation and
/// insights use it alongside the result's shape ("share" → pie, "trend" → line).
public enum QueryIntent: String, Sendable, Codable, CaseIterable {
    /// One number: "what is the total sales".
    case single
    /// A measure per category: "sales by region".
    case grouped
    /// A measure per two categories: "sales by region and category".
    case grouped2
    /// Top/bottom N or argmax/argmin: "top 3 products by sales".
    case ranking
    /// Share of a whole: "percentage of sales per region".
    case share
    /// A measure over time buckets: "monthly sales", "trend".
    case trend
    /// Running/cumulative measure over time.
    case cumulative
    /// Two or more named groups side by side: "retail vs wholesale".
    case comparison
    /// Rows as they are: "show all sales over 1000".
    case listing
    /// Two measures against each other: "price vs quantity".
    case correlation
}

public struct GeneratedQuery: Sendable, Codable, Equatable {
    public var sql: String
    public var interpretation: String
    /// In [0, 1]: how sure the engine is that the SQL answers the question.
    public var confidence: Double
    public var intent: QueryIntent

    public init(sql: String, interpretation: String, confidence: Double, intent: QueryIntent) {
        self.sql = sql
        self.interpretation = interpretation
        self.confidence = confidence
        self.intent = intent
    }
}

/// The outcome of translating a question.
public enum AnalystOutcome: Sendable, Equatable {
    /// One confident reading.
    case answer(GeneratedQuery)
    /// Two or three about equally plausible readings; the user picks one ("choose").
    case clarify([GeneratedQuery])
    /// No confident reading: an `unsupported_question` error naming the words not understood,
    /// with a hint listing columns and example questions that would work.
    case refuse(LumiereError)
}
