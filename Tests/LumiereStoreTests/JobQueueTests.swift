// The durable queue's claiming rules: backoff delays hold a job back, and a delay set
// before the wall clock stepped back does not hold it for the length of the step.

import Foundation
import Testing
@testable import LumiereCore
@testable import LumiereStore

@Suite("Job queue")
struct JobQueueTests {
    @Test("a job is due after its delay, or at once when its due time is further ahead than any delay set")
    func dueTimes() throws {
        try IngestTest.withTemporaryDirectory { dir in
            let store = try StateStore(path: dir + "/lumiere.db")
            let ids = try store.enqueue([NewJob(kind: .request, inputName: "q.json", workName: "w1--q.json")])
            let id = try #require(ids.first)
            let claimed = try #require(try store.claimNext(maxDelay: 65))
            #expect(claimed.id == id && claimed.attempts == 1)

            // A 30 s backoff holds it back...
            try store.requeue(jobID: id, delay: 30, error: nil, keepAttempt: true)
            #expect(try store.claimNext(maxDelay: 65) == nil)
            // ...and it is due once the time has come.
            #expect(try store.claimNext(now: Date().timeIntervalSince1970 + 31, maxDelay: 65)?.id == id)

            // Due an hour ahead: set while the clock was an hour fast (then stepped back).
            try store.requeue(jobID: id, delay: 3600, error: nil, keepAttempt: true)
            #expect(try store.claimNext() == nil, "without a bound the step holds it")
            #expect(try store.claimNext(maxDelay: 65)?.id == id)
        }
    }
}
