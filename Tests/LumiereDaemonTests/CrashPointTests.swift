// Crash recovery at exact moments, with the real binary killing itself (SIGKILL) at a named
// failpoint (LUMIERE_FAILPOINT) instead of hoping a random kill lands there.
//
// The case below is the one a random-kill test once caught under CPU load: killed after
// writing failed/NAME.error.json but before the store recorded the outcome, the re-run took
// its own record for an earlier input's and stored the input as `NAME.job<ID>.ext`.

import Foundation
import Testing
@testable import LumiereDaemon
import LumiereService
import LumiereCore

@Suite("Crash points", .serialized)
struct CrashPointTests {
    @Test("killed between the failure record and the store, the re-run keeps the input's own name")
    func killedAfterFailureRecord() throws {
        try withTemporaryDirectory { dir in
            let spool = dir + "/spool"
            let inbox = spool + "/inbox"
            try FileManager.default.createDirectory(atPath: inbox, withIntermediateDirectories: true)
            try drop("{broken", as: "b1.json", into: inbox)
            let dying = try DaemonProcess(spool: spool, environment: ["LUMIERE_FAILPOINT": "after-failure-record"])
            let status = try dying.wait(timeout: 60)
            #expect(status == 128 + SIGKILL, "the daemon should have killed itself at the failpoint")
            #expect(listDir(spool + "/failed") == ["b1.json.error.json"], "the killed attempt left its record")

            let daemon = try DaemonProcess(spool: spool)
            try daemon.waitUntilStarted()
            _ = try eventually(timeout: 60, "the re-run moving the input out of the work area") { () -> Bool? in
                listDir(spool + "/state/work").isEmpty ? true : nil
            }
            #expect(try daemon.stop() == 0)
            #expect(listDir(spool + "/failed").sorted() == ["b1.json", "b1.json.error.json"],
                    "stored under its own name, with one record (not b1.job<ID>.json beside a stale one)")
            let record = try JSONDecoder().decode(
                FailureRecord.self, from: Data(contentsOf: URL(fileURLWithPath: spool + "/failed/b1.json.error.json")))
            #expect(record.file == "b1.json")
            #expect(record.attempts == 2, "the record is the re-run's")
        }
    }

    @Test("a name held by another job's input or record is not reused; one held by this job's own record is")
    func freeNameOwnership() throws {
        try withTemporaryDirectory { dir in
            let record = { (job: Int64) in
                encodeDocument(FailureRecord(file: "q.json", jobID: job, attempts: 1,
                                             error: LumiereError(.unsupportedFile, "x").payload, failedAt: "t"))
            }
            #expect(Scheduler.freeName(in: dir, for: "q.json", jobID: 7) == "q.json")
            try record(7).write(to: URL(fileURLWithPath: dir + "/q.json.error.json"))
            #expect(Scheduler.freeName(in: dir, for: "q.json", jobID: 7) == "q.json")
            #expect(Scheduler.freeName(in: dir, for: "q.json", jobID: 8) == "q.job8.json")
            try Data().write(to: URL(fileURLWithPath: dir + "/q.json"))
            #expect(Scheduler.freeName(in: dir, for: "q.json", jobID: 7) == "q.job7.json")
        }
    }

    @Test("a re-run that succeeds removes only its own earlier failure record")
    func successRemovesOwnRecord() throws {
        try withTemporaryDirectory { dir in
            let write = { (name: String, job: Int64) in
                try encodeDocument(FailureRecord(file: "q.json", jobID: job, attempts: 1,
                                                 error: LumiereError(.unsupportedFile, "x").payload, failedAt: "t"))
                    .write(to: URL(fileURLWithPath: "\(dir)/\(name)"))
            }
            try write("q.json.error.json", 3)
            try write("q.job9.json.error.json", 9)
            try write("r.json.error.json", 9)
            Scheduler.removeOwnFailureRecords(in: dir, for: "q.json", jobID: 9)
            #expect(listDir(dir).sorted() == ["q.json.error.json", "r.json.error.json"])
        }
    }
}
