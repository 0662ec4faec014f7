// The store contract (StateBackend), run against both backends: the SQLite StateStore and
// PostgresStateStore on a real PostgreSQL 15 server. What the daemon relies on — claim
// order, attempts, deferrals, clock steps, index bookkeeping, retention, catalog versions,
// renames followed by the history, tenant scoping, the LLM budget — must read the same
// whichever database keeps it.

import Foundation
import LumiereCore
import LumiereStore
import Testing

@Suite("Store contract on both backends")
struct StoreContractTests {
    func document(_ status: ResultDocument.Status, rows: Int, error: LumiereError? = nil) -> ResultDocument {
        var doc = ResultDocument(status: status, request: RequestInfo(file: "q.json", id: nil, action: "ask"),
                                 createdAt: "2026-01-01T00:00:00Z")
        doc.sql = "SELECT 1"
        doc.engine = "builtin"
        doc.interpretation = "one"
        doc.confidence = 0.9
        doc.rows = (0..<rows).map { [.integer(Int64($0))] }
        doc.rowCount = rows
        doc.source = SourceRef(id: 7, name: "sales", version: 2, rowCount: 15)
        if let error { doc.fail(error) }
        return doc
    }

    func newSource(_ name: String, tenant: String = "") -> NewSourceVersion {
        NewSourceVersion(tenant: tenant, name: name, fileName: "\(name).csv", sizeBytes: 1234, sha256: "ab12",
                         profile: SourceProfile(rowCount: 15, columns: []), valueIndex: ValueIndex())
    }

    @Test("claims: rejects, then uploads, then questions, oldest first; each claim counts an attempt", arguments: Backend.testable)
    func claimOrderAndAttempts(_ backend: Backend) throws {
        try TestStores.withStore(backend) { store in
            let ids = try store.enqueue([
                NewJob(kind: .request, inputName: "q.json", workName: "w1--q.json"),
                NewJob(kind: .upload, inputName: "sales.csv", workName: "w2--sales.csv"),
                NewJob(kind: .reject, inputName: "x.exe", workName: "w3--x.exe",
                       rejectError: LumiereError(.unsupportedFile, "no").payload),
            ])
            #expect(ids.count == 3)
            // A work name already queued is skipped (start-up reconciliation offers it again).
            #expect(try store.enqueue([NewJob(kind: .request, inputName: "q.json", workName: "w1--q.json")]).isEmpty)
            #expect(try store.allWorkNames() == ["w1--q.json", "w2--sales.csv", "w3--x.exe"])
            #expect(try store.hasPendingUpload(tenant: "", sourceName: "sales"))
            #expect(try !store.hasPendingUpload(tenant: "acme", sourceName: "sales"))

            let order = try (0..<3).map { _ in try #require(try store.claimNext(maxDelay: 65)) }
            #expect(order.map(\.kind) == [.reject, .upload, .request])
            #expect(order.map(\.attempts) == [1, 1, 1])
            #expect(order.allSatisfy { $0.state == .running && $0.startedAt != nil })
            #expect(order[0].rejectError?.code == "unsupported_file")
            #expect(try store.claimNext(maxDelay: 65) == nil)
            #expect(try store.queueCounts().counts[.running] == 3)
            #expect(try store.activeJobs().count == 3)
        }
    }

    @Test("re-queuing: a delay holds a job back, a deferral gives the attempt back, a clock step does not hold it", arguments: Backend.testable)
    func requeueRules(_ backend: Backend) throws {
        try TestStores.withStore(backend) { store in
            let id = try #require(try store.enqueue([NewJob(kind: .request, inputName: "q.json", workName: "w--q.json")]).first)
            _ = try #require(try store.claimNext(maxDelay: 65))
            try store.requeue(jobID: id, delay: 30, error: LumiereError(.databaseBusy, "busy").payload, keepAttempt: true)
            #expect(try store.claimNext(maxDelay: 65) == nil)
            let again = try #require(try store.claimNext(now: Date().timeIntervalSince1970 + 31, maxDelay: 65))
            #expect(again.id == id && again.attempts == 2 && again.lastError?.code == "database_busy")

            // Waiting for a source is not failing: the attempt is given back, wait_since kept.
            try store.requeue(jobID: id, delay: 0, error: nil, keepAttempt: false, waitingSince: 100)
            var waited = try #require(try store.job(id: id))
            #expect(waited.attempts == 1 && waited.waitSince == 100 && waited.state == .queued)
            _ = try #require(try store.claimNext(maxDelay: 65))
            try store.requeue(jobID: id, delay: 0, error: nil, keepAttempt: false, waitingSince: 200)
            waited = try #require(try store.job(id: id))
            #expect(waited.waitSince == 100, "the first wait's start stays")

            // Due an hour ahead: set while the clock was an hour fast.
            _ = try #require(try store.claimNext(maxDelay: 65))
            try store.requeue(jobID: id, delay: 3600, error: nil, keepAttempt: true)
            #expect(try store.claimNext() == nil, "without a bound the step holds it")
            #expect(try store.claimNext(maxDelay: 65)?.id == id)
        }
    }

    @Test("finishing: outcome, index line bookkeeping, counts, timings and retention", arguments: Backend.testable)
    func finishAndRetention(_ backend: Backend) throws {
        try TestStores.withStore(backend) { store in
            let ids = try store.enqueue((1...3).map { NewJob(kind: .request, inputName: "q\($0).json", workName: "w\($0)--q.json") })
            for _ in ids { _ = try #require(try store.claimNext(maxDelay: 65)) }
            let t = Date().timeIntervalSince1970
            try store.finish(jobID: ids[0], state: .succeeded, disposition: .archive, finalName: "q1.json", error: nil,
                             timings: ["total": 12.5], summary: "{\"line\":1}", finishedAt: t)
            try store.finish(jobID: ids[1], state: .failed, disposition: .failed, finalName: "q2.json",
                             error: LumiereError(.sqlError, "bad").payload, timings: [:], summary: nil, finishedAt: t)
            let done = try #require(try store.job(id: ids[0]))
            #expect(done.state == .succeeded && done.disposition == .archive && done.finalName == "q1.json")
            #expect(done.timings == ["total": 12.5] && done.summary == "{\"line\":1}" && !done.indexed)
            #expect(try store.job(id: ids[1])?.indexed == true, "no line to append counts as appended")
            #expect(try store.unindexedJobs().map(\.id) == [ids[0]])
            try store.markIndexed(jobID: ids[0])
            #expect(try store.unindexedJobs().isEmpty)
            #expect(try store.failuresSince(t - 1) == 1)
            #expect(try store.failuresSince(t + 1) == 0)
            #expect(try store.recentTimings(limit: 10) == [["total": 12.5]])
            #expect(try store.jobs(inStates: [.succeeded, .failed]).map(\.id) == [ids[0], ids[1]])
            let counts = try store.queueCounts()
            #expect(counts.counts == [.succeeded: 1, .failed: 1, .running: 1])
            #expect(counts.oldestQueued == nil)

            #expect(try store.pruneJobs(finishedBefore: t - 1) == 0)
            #expect(try store.pruneJobs(finishedBefore: t + 1) == 2, "finished and indexed jobs go; the running one stays")
            #expect(try store.activeJobs().map(\.id) == [ids[2]])
        }
    }

    @Test("the catalog: versions, newest per name, rename followed by the history, delete and prune", arguments: Backend.testable)
    func catalog(_ backend: Backend) throws {
        try TestStores.withStore(backend) { store in
            #expect(try store.nextVersion(tenant: "", name: "sales") == 1)
            let v1 = try store.addSource(newSource("sales"), version: 1, databaseFile: "sources/sales-1.db")
            let v2 = try store.addSource(newSource("sales"), version: 2, databaseFile: "sources/sales-2.db")
            let other = try store.addSource(newSource("hr", tenant: "acme"), version: 1, databaseFile: "sources/hr-1.db")
            #expect(try store.nextVersion(tenant: "", name: "sales") == 3)
            #expect(v1.rowCount == 15 && v1.sizeBytes == 1234 && v1.fileName == "sales.csv" && v1.description == "")
            #expect(try store.source(id: v1.id) == v1)
            #expect(try store.source(tenant: "", name: "sales") == v2)
            #expect(try store.source(tenant: "", name: "sales", version: 1) == v1)
            #expect(try store.source(tenant: "", name: "hr") == nil, "another tenant's source is not there")
            #expect(try store.listSources(tenant: "").map(\.version) == [2])
            #expect(try store.listSources(tenant: "acme") == [other])
            #expect(try store.allSourceFiles() == ["sources/sales-1.db", "sources/sales-2.db", "sources/hr-1.db"])

            let q = try store.createQuery(tenant: "", jobID: nil, action: "ask", question: "total?", sourceName: "sales")
            try store.renameSource(tenant: "", name: "sales", to: "revenue")
            #expect(try store.versions(tenant: "", name: "revenue").map(\.version) == [1, 2])
            #expect(try store.query(tenant: "", id: q)?.sourceName == "revenue", "the history follows the rename")
            _ = try store.addSource(newSource("costs"), version: 1, databaseFile: "sources/costs-1.db")
            let taken = #expect(throws: LumiereError.self) { try store.renameSource(tenant: "", name: "costs", to: "revenue") }
            #expect(taken?.code == .malformedRequest && taken?.message.contains("already exists") == true)
            try store.describeSource(tenant: "", name: "revenue", description: "money in")
            #expect(try store.source(tenant: "", name: "revenue", version: 1)?.description == "money in")

            _ = try store.addSource(newSource("revenue"), version: 3, databaseFile: "sources/revenue-3.db")
            #expect(try store.pruneVersions(tenant: "", name: "revenue", keep: 2).map(\.version) == [1])
            #expect(try store.deleteSource(tenant: "", name: "revenue", version: 2).map(\.version) == [2])
            #expect(try store.deleteSource(tenant: "", name: "revenue", version: nil).map(\.version) == [3])
            #expect(try store.versions(tenant: "", name: "revenue").isEmpty)
        }
    }

    @Test("the history: bounded rows, tenant scoping, filters, replacing a document, abandoned rows, pruning", arguments: Backend.testable)
    func history(_ backend: Backend) throws {
        try TestStores.withStore(backend) { store in
            let request = try Request.parse(Data(#"{"source": "sales", "question": "q", "chart": false}"#.utf8))
            let id = try store.createQuery(tenant: "acme", jobID: nil, action: "ask", question: "q", sourceName: "sales",
                                           rerunOf: nil, request: request)
            try store.finishQuery(id: id, document: document(.succeeded, rows: 10), keepRows: 3)
            let q = try #require(try store.query(tenant: "acme", id: id))
            #expect(q.status == "succeeded" && q.document?.rows?.count == 3 && q.rowCount == 10)
            #expect(q.request.flatMap { try? Request.parse(JSONEncoder().encode($0)) } == request)
            #expect(q.sql == "SELECT 1" && q.engine == "builtin" && q.confidence == 0.9 && q.interpretation == "one")
            #expect(q.sourceID == 7 && q.sourceVersion == 2 && q.errorCode == nil)
            #expect(try store.query(tenant: "beta", id: id) == nil)

            let failed = try store.createQuery(tenant: "acme", jobID: nil, action: "sql", question: nil, sourceName: "hr")
            try store.finishQuery(id: failed, document: document(.failed, rows: 0, error: LumiereError(.sqlError, "bad")),
                                  keepRows: 3)
            #expect(try store.query(tenant: "acme", id: failed)?.errorCode == "sql_error")
            #expect(try store.listQueries(tenant: "acme").map(\.id) == [failed, id], "newest first")
            #expect(try store.listQueries(tenant: "acme", source: nil, status: "failed", limit: 50).map(\.id) == [failed])
            // finishQuery set the document's source name ("sales") on both rows.
            #expect(try store.listQueries(tenant: "acme", source: "sales", status: nil, limit: 1).map(\.id) == [failed])
            #expect(try store.listQueries(tenant: "beta").isEmpty)

            #expect(try store.updateQueryDocument(tenant: "acme", id: id, document: document(.succeeded, rows: 5), keepRows: 2))
            #expect(try store.query(tenant: "acme", id: id)?.document?.rows?.count == 2)
            #expect(try !store.updateQueryDocument(tenant: "beta", id: id, document: document(.succeeded, rows: 1), keepRows: 2))

            // A row reserved by a job that is no longer running is abandoned; `lumiere ask` rows are not.
            let jobID = try #require(try store.enqueue([NewJob(kind: .request, inputName: "q.json", workName: "w--q.json")]).first)
            _ = try store.createQuery(tenant: "acme", jobID: jobID, action: "ask", question: "q", sourceName: "sales")
            let askRow = try store.createQuery(tenant: "acme", jobID: nil, action: "ask", question: "q", sourceName: "sales")
            #expect(try store.deleteAbandonedQueries() == 1)
            #expect(try store.query(tenant: "acme", id: askRow) != nil)

            #expect(try store.deleteQuery(tenant: "beta", id: failed) == false)
            #expect(try store.deleteQuery(tenant: "acme", id: failed))
            let cutoff = Date().timeIntervalSince1970 + 1
            #expect(try store.pruneQueries(before: cutoff) == 2, "the finished one and the old running ask row")
        }
    }

    @Test("the LLM budget: requests counted up to the limit, then llm_budget_exhausted; tokens add up", arguments: Backend.testable)
    func llmBudget(_ backend: Backend) throws {
        try TestStores.withStore(backend) { store in
            #expect(try store.reserveLLMRequest(day: "2026-12-06", requestLimit: 2, tokenLimit: 0).requests == 1)
            #expect(try store.reserveLLMRequest(day: "2026-12-06", requestLimit: 2, tokenLimit: 0).requests == 2)
            #expect(throws: LumiereError.self) { try store.reserveLLMRequest(day: "2026-12-06", requestLimit: 2, tokenLimit: 0) }
            try store.addLLMTokens(day: "2026-12-07", prompt: 100, completion: 20)
            try store.addLLMTokens(day: "2026-12-07", prompt: 5, completion: -3)
            #expect(try store.llmUsage(day: "2026-12-07") == LLMDayUsage(day: "2026-12-07", requests: 0, promptTokens: 105,
                                                                          completionTokens: 20))
            let spent = #expect(throws: LumiereError.self) {
                try store.reserveLLMRequest(day: "2026-12-07", requestLimit: 0, tokenLimit: 125)
            }
            #expect(spent?.code == .llmBudgetExhausted && spent?.message.contains("token budget") == true)
            #expect(try store.llmUsage(day: "2026-12-06").requests == 2)
            #expect(try store.llmUsage(day: "2000-01-01") == LLMDayUsage(day: "2000-01-01"))
        }
    }

    @Test("glossary: upsert by normalized term, filled on source reads, carried by renames, dropped with the last version, tenant-scoped", arguments: Backend.testable)
    func glossary(_ backend: Backend) throws {
        try TestStores.withStore(backend) { store in
            let v1 = try store.addSource(newSource("sales"), version: 1, databaseFile: "sources/s1.sqlite")
            _ = try store.addSource(newSource("sales", tenant: "acme"), version: 1, databaseFile: "sources/a1.sqlite")
            #expect(try store.putGlossaryEntry(tenant: "", source: "sales", GlossaryEntry(term: "revenue", column: "Sales")) == false)
            #expect(try store.putGlossaryEntry(tenant: "", source: "sales", GlossaryEntry(term: "EMEA", column: "Region", value: "Europe")) == false)
            // "Revenues" is the same term: it replaces the entry.
            #expect(try store.putGlossaryEntry(tenant: "", source: "sales", GlossaryEntry(term: "Revenues", column: "Amount")) == true)
            let expected = [GlossaryEntry(term: "Revenues", column: "Amount"), GlossaryEntry(term: "EMEA", column: "Region", value: "Europe")]
            #expect(try store.glossary(tenant: "", source: "sales") == expected)
            #expect(try store.source(tenant: "", name: "sales")?.glossary == expected)
            #expect(try store.source(id: v1.id)?.glossary == expected)
            #expect(try store.source(tenant: "acme", name: "sales")?.glossary == [])
            #expect(try store.glossary(tenant: "acme", source: "sales") == [])

            // Every version shares it; a rename carries it.
            _ = try store.addSource(newSource("sales"), version: 2, databaseFile: "sources/s2.sqlite")
            #expect(try store.source(tenant: "", name: "sales")?.glossary == expected)
            try store.renameSource(tenant: "", name: "sales", to: "revenue")
            #expect(try store.glossary(tenant: "", source: "sales") == [])
            #expect(try store.source(tenant: "", name: "revenue")?.glossary == expected)

            #expect(try store.deleteGlossaryEntry(tenant: "", source: "revenue", term: "emea") == true)
            #expect(try store.deleteGlossaryEntry(tenant: "", source: "revenue", term: "emea") == false)
            #expect(try store.glossary(tenant: "", source: "revenue").map(\.term) == ["Revenues"])

            // Deleting one version keeps it; deleting the last drops it.
            _ = try store.deleteSource(tenant: "", name: "revenue", version: 1)
            #expect(try store.glossary(tenant: "", source: "revenue").count == 1)
            _ = try store.deleteSource(tenant: "", name: "revenue", version: 2)
            #expect(try store.glossary(tenant: "", source: "revenue") == [])

            // The cap.
            _ = try store.addSource(newSource("big"), version: 1, databaseFile: "sources/b1.sqlite")
            for i in 0..<GlossaryEntry.maxEntries {
                let word = String(Self.termLetters(i))
                try store.putGlossaryEntry(tenant: "", source: "big", GlossaryEntry(term: "term" + word, column: "x"))
            }
            #expect(throws: LumiereError.self) {
                try store.putGlossaryEntry(tenant: "", source: "big", GlossaryEntry(term: "onemore", column: "x"))
            }
            // Replacing an existing term is still allowed at the cap.
            #expect(try store.putGlossaryEntry(tenant: "", source: "big", GlossaryEntry(term: "termaeim", column: "y")) == true)
        }
    }

    /// Four letters unique for each i below 256 ("aeim" for 0): glossary terms that are words.
    static func termLetters(_ i: Int) -> [Character] {
        let letters = Array("abcdefghijklmnop")
        var out: [Character] = []
        for k in 0..<4 {
            let bits = (i >> (k * 2)) & 3
            out.append(letters[k * 4 + bits])
        }
        return out
    }
}
