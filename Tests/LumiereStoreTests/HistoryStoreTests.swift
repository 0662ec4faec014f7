// The state database's history and retention functions (issue 6): what a query keeps,
// tenant scoping of every lookup, renames followed by the history, and pruning that never
// touches a job still queued or running.

import Foundation
import Testing
@testable import LumiereCore
@testable import LumiereStore

@Suite("History and retention in the state database")
struct HistoryStoreTests {
    func withStore(_ body: (StateStore) throws -> Void) throws {
        try IngestTest.withTemporaryDirectory { dir in try body(try StateStore(path: dir + "/lumiere.db")) }
    }

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
        doc.timingsMs = ["execution": 1.5]
        if let error { doc.fail(error) }
        return doc
    }

    @Test func queryKeepsRequestErrorAndBoundedRows() throws {
        try withStore { store in
            let request = try Request.parse(Data(#"{"source": "sales", "question": "q", "chart": false}"#.utf8))
            let id = try store.createQuery(tenant: "acme", jobID: nil, action: "ask", question: "q", sourceName: "sales",
                                           request: request)
            try store.finishQuery(id: id, document: document(.succeeded, rows: 10), keepRows: 3)
            let q = try #require(try store.query(tenant: "acme", id: id))
            #expect(q.status == "succeeded")
            #expect(q.request.flatMap { try? Request.parse(encoded($0)) } == request)
            #expect(q.document?.rows?.count == 3, "stored rows are bounded")
            #expect(q.rowCount == 10, "the row count is the full result's")
            #expect(q.sql == "SELECT 1" && q.engine == "builtin" && q.confidence == 0.9 && q.interpretation == "one")
            #expect(q.sourceID == 7 && q.sourceVersion == 2)
            #expect(q.finishedAt != nil && q.finishedAt! >= q.createdAt)
            #expect(q.errorCode == nil)

            let failed = try store.createQuery(tenant: "acme", jobID: nil, action: "sql", question: nil, sourceName: "sales")
            try store.finishQuery(id: failed, document: document(.failed, rows: 0, error: LumiereError(.sqlError, "bad")),
                                  keepRows: 3)
            #expect(try store.query(tenant: "acme", id: failed)?.errorCode == "sql_error")
            #expect(try store.listQueries(tenant: "acme", status: "failed").map(\.id) == [failed])
        }
    }

    @Test func everyLookupIsScopedToItsTenant() throws {
        try withStore { store in
            let id = try store.createQuery(tenant: "acme", jobID: nil, action: "ask", question: "q", sourceName: "sales")
            try store.finishQuery(id: id, document: document(.succeeded, rows: 1), keepRows: 10)
            #expect(try store.query(tenant: "beta", id: id) == nil)
            #expect(try store.listQueries(tenant: "beta").isEmpty)
            #expect(try store.deleteQuery(tenant: "beta", id: id) == false)
            #expect(try store.updateQueryDocument(tenant: "beta", id: id, document: document(.failed, rows: 0), keepRows: 1) == false)
            #expect(try store.query(tenant: "acme", id: id)?.status == "succeeded", "beta changed nothing")
            #expect(try store.deleteQuery(tenant: "acme", id: id))
        }
    }

    @Test func renamesCarryTheHistory() throws {
        try withStore { store in
            _ = try store.addSource(NewSourceVersion(tenant: "", name: "sales", fileName: "sales.csv", sizeBytes: 1, sha256: "x",
                                                     profile: SourceProfile(rowCount: 0, columns: []), valueIndex: ValueIndex()),
                                    version: 1, databaseFile: "sources/x.sqlite")
            let id = try store.createQuery(tenant: "", jobID: nil, action: "ask", question: "q", sourceName: "sales")
            try store.renameSource(tenant: "", name: "sales", to: "revenue")
            #expect(try store.listQueries(tenant: "", source: "revenue").map(\.id) == [id])
            #expect(try store.listQueries(tenant: "", source: "sales").isEmpty)
        }
    }

    @Test func pruningSparesWorkInFlight() throws {
        try withStore { store in
            let ids = try store.enqueue([NewJob(kind: .request, inputName: "done.json", workName: "w1--done.json"),
                                         NewJob(kind: .request, inputName: "running.json", workName: "w2--running.json"),
                                         NewJob(kind: .request, inputName: "queued.json", workName: "w3--queued.json")])
            _ = try store.claimNext()  // done.json → running
            try store.finish(jobID: ids[0], state: .succeeded, disposition: .archive, finalName: "done.json", error: nil,
                             timings: ["total": 5], summary: "{}")
            _ = try store.claimNext()  // running.json stays running
            let doneQuery = try store.createQuery(tenant: "", jobID: ids[0], action: "ask", question: "a", sourceName: "s")
            try store.finishQuery(id: doneQuery, document: document(.succeeded, rows: 1), keepRows: 1)
            let runningQuery = try store.createQuery(tenant: "", jobID: ids[1], action: "ask", question: "b", sourceName: "s")
            let future = Date().timeIntervalSince1970 + 86_400 * 365

            // An unindexed finished job is kept until its index line is written.
            #expect(try store.pruneJobs(finishedBefore: future) == 0)
            #expect(try store.unindexedJobs().map(\.id) == [ids[0]])
            try store.markIndexed(jobID: ids[0])
            #expect(try store.recentTimings(limit: 10) == [["total": 5]])

            #expect(try store.pruneQueries(before: future) == 1)
            #expect(try store.query(tenant: "", id: doneQuery) == nil)
            #expect(try store.query(tenant: "", id: runningQuery) != nil, "the running job's query survives")
            #expect(try store.pruneJobs(finishedBefore: future) == 1)
            #expect(Set(try store.activeJobs().map(\.inputName)) == ["running.json", "queued.json"])
            #expect(try store.job(id: ids[0]) == nil)
        }
    }
}

private func encoded(_ v: JSONValue) -> Data { (try? JSONEncoder().encode(v)) ?? Data() }
