// Intake under faults found by scripts/soak, reproduced on a real spool and a real state
// database: another process holding the database's write lock longer than the busy
// timeout while files are claimed.

import Foundation
import Logging  // swift-log, through LumiereDaemon
import LumiereSpool
import LumiereStore
import Testing
@testable import LumiereDaemon

@Suite("Intake faults")
struct IntakeFaultTests {
    @Test("files claimed while the state database is locked get their jobs once it is free")
    func lockedDatabaseDoesNotStrandClaimedFiles() throws {
        try withTemporaryDirectory { dir in
            let layout = SpoolLayout(root: dir + "/spool")
            try layout.create()
            let store = try StateStore(path: layout.database)
            let intake = try Intake(layout: layout, store: store,
                                    settings: .init(settleSeconds: 0, maxFileBytes: 1 << 20, maxQueued: 100),
                                    logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))
            try drop(#"{"source": "s", "question": "total"}"#, as: "q1.json", into: layout.inbox)

            // Another process's write transaction, held past the store's 10 s busy timeout.
            let holder = try SQLiteConnection(path: layout.database, mode: .readWrite)
            try holder.execute("BEGIN EXCLUSIVE")
            let first = intake.queue.sync { intake.scan(queuedJobs: 0) }
            try holder.execute("ROLLBACK")
            #expect(first.recheckAfter != nil, "a failed insert asks for another scan")
            #expect(listDir(layout.inbox).isEmpty)
            #expect(listDir(layout.work).count == 1)
            #expect(try store.allWorkNames().isEmpty)

            // The next scan (the inbox is empty now) inserts the stranded job.
            let second = intake.queue.sync { intake.scan(queuedJobs: 0) }
            #expect(second.claimed == 1)
            let work = listDir(layout.work)
            #expect(try store.allWorkNames() == Set(work))
            let queued = try store.jobs(inStates: [.queued])
            #expect(queued.map(\.inputName) == ["q1.json"])
            #expect(queued.first?.kind == .request)

            // And never twice.
            _ = intake.queue.sync { intake.scan(queuedJobs: 0) }
            #expect(try store.jobs(inStates: [.queued]).count == 1)
        }
    }
}
