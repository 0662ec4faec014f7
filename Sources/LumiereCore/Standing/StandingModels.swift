// The models of standing questions (issue 14 item 1): the `standing` block a rerun's
// result document carries, and a subscription as `watch_list` and `lumiere watch list`
// show it. Times are ISO 8601 strings.

/// The `standing` block of a standing question's result document.
public struct StandingInfo: Sendable, Codable, Equatable {
    public var subscriptionID: Int64
    /// The source version this run answered on, and its catalog id (versions restart at 1
    /// when a source is deleted and uploaded again; ids never repeat).
    public var sourceVersion: Int
    public var sourceID: Int64
    /// The version the diff compares with; nil on a first run.
    public var previousVersion: Int?
    /// nil when there is nothing to compare with; `diffReason` says why.
    public var diff: ResultDiff?
    public var diffReason: String?

    public init(subscriptionID: Int64, sourceVersion: Int, sourceID: Int64, previousVersion: Int?,
                outcome: DiffOutcome) {
        self.subscriptionID = subscriptionID
        self.sourceVersion = sourceVersion
        self.sourceID = sourceID
        self.previousVersion = previousVersion
        switch outcome {
        case .compared(let diff): self.diff = diff
        case .notCompared(let reason): self.diffReason = reason
        }
    }

    enum CodingKeys: String, CodingKey {
        case diff
        case subscriptionID = "subscription_id"
        case sourceVersion = "source_version"
        case sourceID = "source_id"
        case previousVersion = "previous_version"
        case diffReason = "diff_reason"
    }

    public func encode(to encoder: any Encoder) throws {
        // `diff: null` is written out: a reader checks one field, not its absence.
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(subscriptionID, forKey: .subscriptionID)
        try c.encode(sourceVersion, forKey: .sourceVersion)
        try c.encode(sourceID, forKey: .sourceID)
        try c.encodeIfPresent(previousVersion, forKey: .previousVersion)
        try c.encode(diff, forKey: .diff)
        try c.encodeIfPresent(diffReason, forKey: .diffReason)
    }
}

/// One subscription: a question or SQL statement rerun on every new version of a source.
public struct SubscriptionInfo: Sendable, Codable, Equatable {
    public enum Status: String, Sendable, Codable, CaseIterable {
        case active, paused
    }

    public var id: Int64
    public var source: String
    public var question: String?
    public var sql: String?
    public var status: Status
    public var createdAt: String
    /// Runs recorded so far (one per source version), and the newest version answered.
    public var runs: Int?
    public var lastVersion: Int?

    public init(id: Int64, source: String, question: String?, sql: String?, status: Status, createdAt: String) {
        self.id = id
        self.source = source
        self.question = question
        self.sql = sql
        self.status = status
        self.createdAt = createdAt
    }

    enum CodingKeys: String, CodingKey {
        case id, source, question, sql, status, runs
        case createdAt = "created_at"
        case lastVersion = "last_version"
    }
}
