// Intake under faults found by scripts/soak, reproduced on a real spool and a real state
// database: another process holding the database's write lock longer than the busy
// timeout while files are claimed; the wall clock stepping back an hour while a file
// settles (the real daemon under scripts/proof/clockshift.c, an LD_PRELOAD shim).

import Foundation
import Logging  // swift-log, through LumiereService
import LumiereSpool
import LumiereStore
import Testing
@testable import LumiereService

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

    @Test("a question waiting for its upload survives the wall clock stepping an hour ahead and back",
          .enabled(if: cCompiler != nil, "no C compiler for the clock shim"))
    func sourceWaitAcrossClockSteps() throws {
        try withTemporaryDirectory { dir in
            let shim = try buildClockShim(in: dir)
            let shift = dir + "/shift"
            try "0\n".write(toFile: shift, atomically: true, encoding: .utf8)
            let spool = dir + "/spool"
            let daemon = try DaemonProcess(spool: spool, environment: [
                "LD_PRELOAD": shim, "CLOCKSHIFT_FILE": shift, "LUMIERE_SPOOL_SETTLE_MS": "200"])
            try daemon.waitUntilStarted()
            // An upload still being written (open for writing: never claimed), and a question on it.
            let upload = spool + "/inbox/late.csv"
            FileManager.default.createFile(atPath: upload, contents: nil)
            let writer = try FileHandle(forWritingTo: URL(fileURLWithPath: upload))
            let csv = try String(contentsOfFile: TestPaths.sampleCSV, encoding: .utf8)
            let header = csv.prefix { $0 != "\n" } + "\n"
            writer.write(Data(header.utf8))
            try drop(#"{"source": "late", "sql": "SELECT COUNT(*) AS n FROM data", "chart": false, "insight": false}"#,
                     as: "q.json", into: spool + "/inbox")
            let store = try StateStore(path: spool + "/state/lumiere.db")
            _ = try eventually(timeout: 20, "the question waiting") { () -> Bool? in
                try store.jobs(inStates: [.queued]).contains { $0.inputName == "q.json" && $0.waitSince != nil } ? true : nil
            }
            // An hour ahead: the wait (600 s allowed) must not count the step.
            try "3600\n".write(toFile: shift, atomically: true, encoding: .utf8)
            Thread.sleep(forTimeInterval: 1.5)
            #expect(!FileManager.default.fileExists(atPath: spool + "/outbox/q.result.json"), "the wait ended early")
            // Back: retry times set meanwhile are an hour ahead and must not hold the job.
            try "0\n".write(toFile: shift, atomically: true, encoding: .utf8)
            Thread.sleep(forTimeInterval: 0.5)
            writer.write(Data(csv.dropFirst(header.count).utf8))
            try writer.close()
            let doc = try waitForJSON(spool + "/outbox/q.result.json", timeout: 30)
            #expect(doc["status"] as? String == "succeeded", "\(doc)\n\(daemon.log.suffix(3000))")
            #expect((doc["rows"] as? [[Any]])?.first?.first as? Int == 15)
            #expect(try daemon.stop() == 0)
        }
    }

    @Test("a file settling when the wall clock steps back an hour is still picked up",
          .enabled(if: cCompiler != nil, "no C compiler for the clock shim"))
    func backwardClockStep() throws {
        try withTemporaryDirectory { dir in
            let shim = try buildClockShim(in: dir)
            let shift = dir + "/shift"
            try "0\n".write(toFile: shift, atomically: true, encoding: .utf8)
            let spool = dir + "/spool"
            let daemon = try DaemonProcess(spool: spool, environment: [
                "LD_PRELOAD": shim, "CLOCKSHIFT_FILE": shift, "LUMIERE_SPOOL_SETTLE_MS": "3000"])
            try daemon.waitUntilStarted()
            try "not a spool input\n".write(toFile: spool + "/inbox/note.txt", atomically: true, encoding: .utf8)
            // The daemon must have seen the file before the step. Nothing signals that it has;
            // inotify makes it look within milliseconds, so half a second is plenty.
            Thread.sleep(forTimeInterval: 0.5)
            try "-3600\n".write(toFile: shift, atomically: true, encoding: .utf8)
            // Settled after 3 s of monotonic time, not after the clock has caught up an hour.
            let doc = try waitForJSON(spool + "/outbox/note.txt.result.json", timeout: 40)
            #expect(doc["status"] as? String == "failed")
            // The result is written before the input moves (the scheduler's order): wait for it.
            _ = try eventually(timeout: 10, "note.txt in failed/") { listDir(spool + "/failed").contains("note.txt") ? true : nil }
            #expect(try daemon.stop() == 0)
        }
    }
}

/// scripts/proof/clockshift.c built as a shared object in `dir`.
private func buildClockShim(in dir: String) throws -> String {
    let shim = dir + "/clockshift.so"
    let cc = Process()
    cc.executableURL = URL(fileURLWithPath: cCompiler!)
    cc.arguments = ["-shared", "-fPIC", "-O2", "-o", shim, TestPaths.packageRoot + "/scripts/proof/clockshift.c", "-ldl"]
    try cc.run()
    cc.waitUntilExit()
    try #require(cc.terminationStatus == 0)
    return shim
}

private let cCompiler: String? = ["/usr/bin/cc", "/usr/bin/gcc", "/usr/bin/clang"].first {
    FileManager.default.isExecutableFile(atPath: $0)
}
