// The standing-question part of the store contract (issue 14 item 1), on both backends:
// recording a version queues exactly one run per active subscription of that tenant and
// name, in the same call; paused, other-tenant and other-name subscriptions get none; a
// second insert for the same version is a no-op; runs keep their table for the next diff.

import Foundation
import LumiereCore
import LumiereStore
import Testing

@Suite("Subscriptions on both backends")
struct SubscriptionContractTests {
    func newSource(_ name: String, tenant: String = "") -> NewSourceVersion {
        NewSourceVersion(tenant: tenant, name: name, fileName: "\(name).csv", sizeBytes: 1234, sha256: "ab12",
                         profile: SourceProfile(rowCount: 15, columns: []), valueIndex: ValueIndex())
    }

    func standingJobs(_ store: any StateBackend) throws -> [Job] {
        try store.jobs(inStates: [.queued, .running]).filter { $0.kind == .standing }
    }

    @Test("a recorded version queues one run per active subscription of its tenant and name", arguments: Backend.testable)
    func versionsQueueRuns(_ backend: Backend) throws {
        try TestStores.withStore(backend) { store in
            let ask = try store.addSubscription(NewSubscription(tenant: "acme", sourceName: "sales",
                                                                question: "total sales by region", sql: nil))
            let sql = try store.addSubscription(NewSubscription(tenant: "acme", sourceName: "sales", question: nil,
                                                                sql: "SELECT COUNT(*) FROM data"))
            let paused = try store.addSubscription(NewSubscription(tenant: "acme", sourceName: "sales", question: "q", sql: nil))
            _ = try store.addSubscription(NewSubscription(tenant: "other", sourceName: "sales", question: "q", sql: nil))
            _ = try store.addSubscription(NewSubscription(tenant: "acme", sourceName: "costs", question: "q", sql: nil))
            #expect(ask.status == .active && ask.runs == 0 && ask.lastVersion == nil)
            #expect(try store.setSubscriptionStatus(tenant: "acme", id: paused.id, status: .paused)?.status == .paused)
            #expect(try store.setSubscriptionStatus(tenant: "other", id: paused.id, status: .active) == nil,
                    "another tenant's subscription is none")
            #expect(try standingJobs(store).isEmpty, "no source yet, nothing to run")

            let v1 = try store.addSource(newSource("sales", tenant: "acme"), version: 1, databaseFile: "sources/a1.sqlite")
            var jobs = try standingJobs(store)
            #expect(jobs.count == 2)
            #expect(Set(jobs.map(\.inputName)) == [
                StandingRunNames.inputName(subscriptionID: ask.id, version: 1, sourceID: v1.id),
                StandingRunNames.inputName(subscriptionID: sql.id, version: 1, sourceID: v1.id),
            ])
            #expect(jobs.allSatisfy { $0.tenant == "acme" && $0.state == .queued })
            let run = try #require(try store.subscriptionRun(jobID: jobs[0].id))
            #expect(run.sourceID == v1.id && run.sourceVersion == 1 && run.result == nil)

            // The same version offered again (a second insert) queues nothing more.
            #expect(try store.enqueue([NewJob(kind: .standing, tenant: "acme", inputName: jobs[0].inputName,
                                              workName: jobs[0].workName)]).isEmpty)

            let table = DiffTable(columns: ["region", "total"], rows: [[.text("EU"), .integer(5)]])
            try store.finishSubscriptionRun(subscriptionID: run.subscriptionID, sourceID: v1.id, result: table)
            let v2 = try store.addSource(newSource("sales", tenant: "acme"), version: 2, databaseFile: "sources/a2.sqlite")
            jobs = try standingJobs(store)
            #expect(jobs.count == 4)
            let previous = try #require(try store.previousSubscriptionRun(subscriptionID: run.subscriptionID,
                                                                           beforeSourceID: v2.id, answeredOnly: true))
            #expect(previous.sourceVersion == 1 && previous.result == table)
            #expect(try store.previousSubscriptionRun(subscriptionID: run.subscriptionID, beforeSourceID: v1.id,
                                                      answeredOnly: false) == nil)
            // Version 3 while version 2's run has no answer yet: the run before it is v2's,
            // the answered one before it v1's.
            let v3 = try store.addSource(newSource("sales", tenant: "acme"), version: 3, databaseFile: "sources/a3.sqlite")
            #expect(try store.previousSubscriptionRun(subscriptionID: run.subscriptionID, beforeSourceID: v3.id,
                                                      answeredOnly: false)?.sourceVersion == 2)
            #expect(try store.previousSubscriptionRun(subscriptionID: run.subscriptionID, beforeSourceID: v3.id,
                                                      answeredOnly: true)?.sourceVersion == 1)
            jobs = try standingJobs(store)
            let listed = try store.subscriptions(tenant: "acme")
            #expect(listed.count == 4, "acme's three on sales and one on costs, not other's")
            #expect(listed.first { $0.id == ask.id }?.runs == 3)
            #expect(listed.first { $0.id == ask.id }?.lastVersion == 3)
            #expect(listed.first { $0.id == paused.id }?.runs == 0)

            // Renames are followed; deletion is tenant-scoped and takes the runs.
            try store.renameSource(tenant: "acme", name: "sales", to: "revenue")
            #expect(try store.subscription(tenant: "acme", id: ask.id)?.sourceName == "revenue")
            #expect(try !store.deleteSubscription(tenant: "other", id: ask.id))
            #expect(try store.deleteSubscription(tenant: "acme", id: ask.id))
            #expect(try store.subscription(tenant: "acme", id: ask.id) == nil)
            #expect(try store.subscriptionRun(jobID: jobs.first { $0.inputName.hasPrefix("watch-\(ask.id)-") }!.id) == nil)
        }
    }

    @Test("subscribing to a source that exists queues its baseline run on the newest version", arguments: Backend.testable)
    func baselineRun(_ backend: Backend) throws {
        try TestStores.withStore(backend) { store in
            _ = try store.addSource(newSource("sales"), version: 1, databaseFile: "sources/b1.sqlite")
            let v2 = try store.addSource(newSource("sales"), version: 2, databaseFile: "sources/b2.sqlite")
            let sub = try store.addSubscription(NewSubscription(tenant: "", sourceName: "sales", question: "q", sql: nil))
            #expect(sub.runs == 1 && sub.lastVersion == 2)
            let jobs = try standingJobs(store)
            #expect(jobs.count == 1)
            #expect(try store.subscriptionRun(jobID: jobs[0].id)?.sourceID == v2.id)

            // The watch_add job run again (killed after its commit) gets its own subscription back.
            let first = try store.addSubscription(NewSubscription(tenant: "", sourceName: "sales", question: "q", sql: nil, jobID: 41))
            let again = try store.addSubscription(NewSubscription(tenant: "", sourceName: "sales", question: "q", sql: nil, jobID: 41))
            #expect(first.id == again.id && first.id != sub.id)
            #expect(try store.subscriptions(tenant: "").count == 2)
            #expect(try standingJobs(store).count == 2, "and no second baseline run")
        }
    }
}
