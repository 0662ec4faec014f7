// The store interface (issue 13): the job queue, the source catalog, the query history and
// the LLM usage counters as protocols, so the daemon can keep them in the embedded SQLite
// database (StateStore, the default) or in a PostgreSQL server shared by several daemons
// (LumiereStorePostgres). The SQLite StateStore conforms with its existing methods: its
// behaviour is exactly what it was before the protocols existed.
//
// The contract every backend keeps (Tests/LumiereStorePostgresTests/StoreContractTests
// runs it against both):
//   - A job is claimed by at most one caller at a time; claiming counts an attempt, so a
//     job that kills its daemon every time runs out of attempts instead of crash-looping.
//   - `finish` and `requeue` act on a job the caller claimed. A shared backend refuses
//     them with `lease_lost` once another daemon has taken the job over (fencing); the
//     embedded one has a single daemon, so nothing can take a job over.
//   - Calls are synchronous and block the calling thread: call them from Dispatch queues
//     (the worker pool), never from an NIO event loop; blocking Swift's cooperative pool
//     works but wastes one of its few threads.

import Foundation
import LumiereCore

/// The durable job queue: queued → running → succeeded | failed.
public protocol JobQueueStore: AnyObject, Sendable {
    @discardableResult
    func enqueue(_ jobs: [NewJob]) throws(LumiereError) -> [Int64]
    func claimNext(now: Double, maxDelay: Double) throws(LumiereError) -> Job?
    func finish(jobID: Int64, state: JobState, disposition: Disposition, finalName: String,
                error: ErrorPayload?, timings: [String: Double], summary: String?,
                finishedAt: Double?) throws(LumiereError)
    func requeue(jobID: Int64, delay: Double, error: ErrorPayload?, keepAttempt: Bool,
                 waitingSince: Double?) throws(LumiereError)
    func job(id: Int64) throws(LumiereError) -> Job?
    func jobs(inStates states: [JobState]) throws(LumiereError) -> [Job]
    func allWorkNames() throws(LumiereError) -> Set<String>
    @discardableResult
    func requeueInterrupted() throws(LumiereError) -> Int
    func queueCounts() throws(LumiereError) -> (counts: [JobState: Int], oldestQueued: Double?)
    func hasPendingUpload(tenant: String, sourceName: String) throws(LumiereError) -> Bool
    func failuresSince(_ t: Double) throws(LumiereError) -> Int
    func markIndexed(jobID: Int64) throws(LumiereError)
    func unindexedJobs() throws(LumiereError) -> [Job]
    func recentTimings(limit: Int) throws(LumiereError) -> [[String: Double]]
    @discardableResult
    func pruneJobs(finishedBefore cutoff: Double) throws(LumiereError) -> Int
    func activeJobs() throws(LumiereError) -> [Job]
}

/// The source catalog: every ingested upload is a version of a named source.
public protocol SourceCatalogStore: AnyObject, Sendable {
    func nextVersion(tenant: String, name: String) throws(LumiereError) -> Int
    func addSource(_ new: NewSourceVersion, version: Int, databaseFile: String) throws(LumiereError) -> SourceRecord
    func source(tenant: String, name: String, version: Int?) throws(LumiereError) -> SourceRecord?
    func source(id: Int64) throws(LumiereError) -> SourceRecord?
    func listSources(tenant: String) throws(LumiereError) -> [SourceRecord]
    func versions(tenant: String, name: String) throws(LumiereError) -> [SourceRecord]
    func renameSource(tenant: String, name: String, to newName: String) throws(LumiereError)
    func describeSource(tenant: String, name: String, description: String) throws(LumiereError)
    func deleteSource(tenant: String, name: String, version: Int?) throws(LumiereError) -> [SourceRecord]
    func pruneVersions(tenant: String, name: String, keep: Int) throws(LumiereError) -> [SourceRecord]
    func allSourceFiles() throws(LumiereError) -> Set<String>
}

/// The per-source glossaries (Core's Glossary.swift): keyed by (tenant, source name,
/// normalized term). Renaming a source carries its glossary; deleting its last version
/// drops it. `source(tenant:name:version:)` and `source(id:)` fill `SourceRecord.glossary`.
public protocol GlossaryStore: AnyObject, Sendable {
    func glossary(tenant: String, source: String) throws(LumiereError) -> [GlossaryEntry]
    @discardableResult
    func putGlossaryEntry(tenant: String, source: String, _ entry: GlossaryEntry) throws(LumiereError) -> Bool
    @discardableResult
    func deleteGlossaryEntry(tenant: String, source: String, term: String) throws(LumiereError) -> Bool
}

/// The query history: every question or SQL request with its (row-bounded) result document.
public protocol QueryHistoryStore: AnyObject, Sendable {
    func createQuery(tenant: String, jobID: Int64?, action: String, question: String?,
                     sourceName: String?, rerunOf: Int64?, request: Request?) throws(LumiereError) -> Int64
    func finishQuery(id: Int64, document: ResultDocument, keepRows: Int) throws(LumiereError)
    func query(tenant: String, id: Int64) throws(LumiereError) -> QueryRecord?
    func listQueries(tenant: String, source: String?, status: String?, limit: Int) throws(LumiereError) -> [QueryRecord]
    @discardableResult
    func deleteAbandonedQueries() throws(LumiereError) -> Int
    @discardableResult
    func deleteQuery(tenant: String, id: Int64) throws(LumiereError) -> Bool
    @discardableResult
    func updateQueryDocument(tenant: String, id: Int64, document: ResultDocument, keepRows: Int) throws(LumiereError) -> Bool
    @discardableResult
    func pruneQueries(before cutoff: Double) throws(LumiereError) -> Int
}

/// The LLM engine's per-UTC-day request and token counters.
public protocol LLMUsageStore: AnyObject, Sendable {
    func reserveLLMRequest(day: String, requestLimit: Int, tokenLimit: Int) throws(LumiereError) -> LLMDayUsage
    func addLLMTokens(day: String, prompt: Int, completion: Int) throws(LumiereError)
    func llmUsage(day: String) throws(LumiereError) -> LLMDayUsage
}

/// Standing questions: subscriptions and their runs (State/Subscriptions.swift). Besides
/// these calls, `addSource` queues each active subscription's run in its own transaction.
public protocol SubscriptionStore: AnyObject, Sendable {
    func addSubscription(_ new: NewSubscription) throws(LumiereError) -> SubscriptionRecord
    func subscriptions(tenant: String) throws(LumiereError) -> [SubscriptionRecord]
    func subscription(tenant: String, id: Int64) throws(LumiereError) -> SubscriptionRecord?
    func setSubscriptionStatus(tenant: String, id: Int64, status: SubscriptionInfo.Status) throws(LumiereError) -> SubscriptionRecord?
    @discardableResult
    func deleteSubscription(tenant: String, id: Int64) throws(LumiereError) -> Bool
    func subscriptionRun(jobID: Int64) throws(LumiereError) -> SubscriptionRun?
    func previousSubscriptionRun(subscriptionID: Int64, beforeSourceID: Int64, answeredOnly: Bool) throws(LumiereError) -> SubscriptionRun?
    func finishSubscriptionRun(subscriptionID: Int64, sourceID: Int64, result: DiffTable) throws(LumiereError)
}

/// Everything the daemon keeps durable, in one backend.
public protocol StateBackend: JobQueueStore, SourceCatalogStore, GlossaryStore, QueryHistoryStore, LLMUsageStore,
                              SubscriptionStore {
    /// "sqlite" or "postgres", for logs and `lumiere status`.
    var backendName: String { get }
    /// Where the state lives, safe to log: a file path, or the server's address without
    /// any password.
    var location: String { get }
    /// Flush and let go (on shutdown). The store is not used afterwards.
    func close()
}

// The defaults StateStore's own methods have, for callers that hold `any StateBackend`.
extension JobQueueStore {
    public func claimNext(maxDelay: Double = .infinity) throws(LumiereError) -> Job? {
        try claimNext(now: Date().timeIntervalSince1970, maxDelay: maxDelay)
    }

    public func finish(jobID: Int64, state: JobState, disposition: Disposition, finalName: String,
                       error: ErrorPayload?) throws(LumiereError) {
        try finish(jobID: jobID, state: state, disposition: disposition, finalName: finalName, error: error,
                   timings: [:], summary: nil, finishedAt: nil)
    }

    public func requeue(jobID: Int64, delay: Double, error: ErrorPayload?, keepAttempt: Bool) throws(LumiereError) {
        try requeue(jobID: jobID, delay: delay, error: error, keepAttempt: keepAttempt, waitingSince: nil)
    }
}

extension SourceCatalogStore {
    public func source(tenant: String, name: String) throws(LumiereError) -> SourceRecord? {
        try source(tenant: tenant, name: name, version: nil)
    }

    public func deleteSource(tenant: String, name: String) throws(LumiereError) -> [SourceRecord] {
        try deleteSource(tenant: tenant, name: name, version: nil)
    }
}

extension QueryHistoryStore {
    public func createQuery(tenant: String, jobID: Int64?, action: String, question: String?,
                            sourceName: String?) throws(LumiereError) -> Int64 {
        try createQuery(tenant: tenant, jobID: jobID, action: action, question: question, sourceName: sourceName,
                        rerunOf: nil, request: nil)
    }

    public func createQuery(tenant: String, jobID: Int64?, action: String, question: String?,
                            sourceName: String?, request: Request?) throws(LumiereError) -> Int64 {
        try createQuery(tenant: tenant, jobID: jobID, action: action, question: question, sourceName: sourceName,
                        rerunOf: nil, request: request)
    }

    public func listQueries(tenant: String) throws(LumiereError) -> [QueryRecord] {
        try listQueries(tenant: tenant, source: nil, status: nil, limit: 50)
    }
}

extension StateStore: StateBackend {
    public var backendName: String { "sqlite" }
    public var location: String { path }
    public func close() { checkpoint() }
}

/// How stored JSON columns are written and read, the same for every backend, so a
/// document reads back identically whichever database kept it.
public enum StoredJSON {
    public static func encode<T: Encodable>(_ value: T) -> String { encodeJSON(value) }
    public static func decode<T: Decodable>(_ type: T.Type, _ text: String?) -> T? { decodeJSON(type, text) }
}
