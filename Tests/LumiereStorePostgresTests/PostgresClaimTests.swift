// Claiming across daemons on a real PostgreSQL server: concurrent claimers take each job
// once, a SIGKILLed claimer's leases run out and another claimer finishes its jobs, a
// daemon whose lease was taken over cannot finish the job (fencing), a server restart in
// the middle, and the password never in a log line or an error.

import Foundation
import Logging
import LumiereCore
import LumiereStore
import LumiereStorePostgres
import LumiereTestSupport
import Synchronization
import Testing

@Suite("PostgreSQL: claims across daemons", .enabled(if: PostgresTestServer.enabled, "LUMIERE_PG_TESTS=0"))
struct PostgresClaimTests {
    func open(_ settings: PostgresStoreSettings, id: String) throws -> PostgresStateStore {
        var s = settings
        s.daemonID = id
        return try PostgresStateStore(settings: s, logger: TestStores.quietLogger)
    }

    @Test("four daemons racing with three workers each claim every job exactly once")
    func concurrentClaims() throws {
        let settings = try TestStores.postgresSettings(on: try PostgresTestServer.shared())
        let stores = try (0..<4).map { try open(settings, id: "d\($0)") }
        defer { stores.forEach { $0.close() } }
        let total = 240
        _ = try stores[0].enqueue((0..<total).map { NewJob(kind: .request, inputName: "q\($0).json", workName: "w\($0)--q.json") })
        let claimed = Mutex<[Int64]>([])
        let failures = Mutex<[String]>([])
        DispatchQueue.concurrentPerform(iterations: 12) { worker in
            let store = stores[worker % 4]
            do {
                while let job = try store.claimNext() {
                    claimed.withLock { $0.append(job.id) }
                    try store.finish(jobID: job.id, state: .succeeded, disposition: .archive, finalName: job.inputName,
                                     error: nil)
                }
            } catch { failures.withLock { $0.append("\(error)") } }
        }
        #expect(failures.withLock { $0 }.isEmpty)
        let ids = claimed.withLock { $0 }
        #expect(ids.count == total && Set(ids).count == total, "each job claimed once")
        #expect(try stores[1].queueCounts().counts == [.succeeded: total])
        #expect(try stores[2].jobs(inStates: [.succeeded]).allSatisfy { $0.attempts == 1 })
    }

    @Test("one inbox file, one unfinished job: a second row with the same claim key is not inserted, a new one after it finished is")
    func claimKeyIsUniqueWhileUnfinished() throws {
        let settings = try TestStores.postgresSettings(on: try PostgresTestServer.shared())
        let (a, b) = (try open(settings, id: "a"), try open(settings, id: "b"))
        defer { a.close(); b.close() }
        let first = try a.enqueue([NewJob(kind: .request, inputName: "q.json", workName: "a/1--q.json", claimKey: "1:42:10:7")])
        #expect(first.count == 1)
        // Another daemon believes it renamed the same file (same identity) into its folder.
        let second = try b.enqueue([NewJob(kind: .request, inputName: "q.json", workName: "b/1--q.json", claimKey: "1:42:10:7"),
                                    NewJob(kind: .request, inputName: "r.json", workName: "b/2--r.json", claimKey: "1:43:10:7")])
        #expect(second.count == 1, "only r.json is new")
        #expect(try a.allWorkNames() == ["a/1--q.json", "b/2--r.json"])
        let job = try #require(try a.claimNext())
        #expect(job.workName == "a/1--q.json")
        try a.finish(jobID: job.id, state: .succeeded, disposition: .archive, finalName: "q.json", error: nil)
        // The same file moved back from archive/ into the inbox: a new job.
        let again = try b.enqueue([NewJob(kind: .request, inputName: "q.json", workName: "b/3--q.json", claimKey: "1:42:10:7")])
        #expect(again.count == 1)
    }

    @Test("a claimer SIGKILLed while holding leases: its jobs are claimed again once the leases run out, and finished")
    func killedClaimerIsTakenOver() throws {
        let server = try PostgresTestServer.shared()
        let settings = try TestStores.postgresSettings(on: server, leaseSeconds: 2)
        let survivor = try open(settings, id: "survivor")
        defer { survivor.close() }
        let ids = try survivor.enqueue((0..<3).map { NewJob(kind: .request, inputName: "q\($0).json", workName: "w\($0)--q.json") })

        let exe = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        let candidates = [exe.deletingLastPathComponent(), exe.deletingLastPathComponent().deletingLastPathComponent(),
                          exe.deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()]
            .map { $0.appendingPathComponent("lumiere-pg-claimer").path }
        let binary = try #require(candidates.first { FileManager.default.isExecutableFile(atPath: $0) })
        let url = server.url(database: settings.database)
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("claimer-\(UUID().uuidString.prefix(6)).out").path
        FileManager.default.createFile(atPath: out, contents: nil)
        defer { unlink(out) }
        var pid: pid_t = 0
        let argv: [UnsafeMutablePointer<CChar>?] = ["/bin/sh", "-c", "exec '\(binary)' '\(url)' '\(server.passwordFile)' 3 2 >'\(out)'"]
            .map { (s: String) in strdup(s) } + [nil]
        defer { argv.forEach { free($0) } }
        #expect(posix_spawn(&pid, "/bin/sh", nil, nil, argv, environ) == 0)
        try eventually(within: 60, "the claimer holds 3 jobs") {
            (try? String(contentsOfFile: out, encoding: .utf8))?.contains("holding") == true
        }
        // While it lives, its heartbeat keeps the leases: they are renewed past their first end.
        let first = try #require(try survivor.job(id: ids[0])?.leaseUntil)
        try eventually(within: 20, "the heartbeat renews the lease") {
            (try survivor.job(id: ids[0])?.leaseUntil ?? 0) > first + 0.2
        }
        #expect(try survivor.claimNext() == nil, "held leases are not claimable")
        #expect(try survivor.job(id: ids[0])?.claimedBy?.hasPrefix("claimer:") == true)

        kill(pid, SIGKILL)
        var status: Int32 = 0
        waitpid(pid, &status, 0)
        var taken: [Job] = []
        try eventually(within: 30, "the survivor claims the dead claimer's 3 jobs") {
            if let job = try survivor.claimNext() { taken.append(job) }
            return taken.count == 3
        }
        #expect(Set(taken.map(\.id)) == Set(ids))
        #expect(taken.allSatisfy { $0.attempts == 2 && $0.claimedBy == "survivor" }, "the killed run counted an attempt")
        for job in taken {
            try survivor.finish(jobID: job.id, state: .succeeded, disposition: .archive, finalName: job.inputName, error: nil)
        }
        #expect(try survivor.queueCounts().counts == [.succeeded: 3])
    }

    @Test("fencing: a daemon whose lease ran out and was taken over cannot finish or re-queue the job")
    func fencing() throws {
        let settings = try TestStores.postgresSettings(on: try PostgresTestServer.shared(), leaseSeconds: 0.5,
                                                       heartbeatSeconds: 0)
        let stale = try open(settings, id: "stale")
        let other = try open(settings, id: "other")
        defer { stale.close(); other.close() }
        let id = try #require(try stale.enqueue([NewJob(kind: .request, inputName: "q.json", workName: "w--q.json")]).first)
        _ = try #require(try stale.claimNext())
        var takeover: Job?
        try eventually(within: 20, "the expired lease is claimable") {
            takeover = try other.claimNext()
            return takeover != nil
        }
        #expect(takeover?.id == id && takeover?.attempts == 2)
        let lost = #expect(throws: LumiereError.self) {
            try stale.finish(jobID: id, state: .failed, disposition: .failed, finalName: "q.json", error: nil)
        }
        #expect(lost?.code == .leaseLost)
        #expect(throws: LumiereError.self) { try stale.requeue(jobID: id, delay: 0, error: nil, keepAttempt: true) }
        #expect(try other.job(id: id)?.state == .running, "the stale daemon changed nothing")
        try other.finish(jobID: id, state: .succeeded, disposition: .archive, finalName: "q.json", error: nil)
        #expect(try other.job(id: id)?.state == .succeeded)
    }

    @Test("poison jobs: every lease that runs out counts an attempt; start-up re-queues only dead daemons' jobs")
    func attemptsAndInterrupted() throws {
        let settings = try TestStores.postgresSettings(on: try PostgresTestServer.shared(), leaseSeconds: 0.3,
                                                       heartbeatSeconds: 0)
        let crashing = try open(settings, id: "crashing")
        var longLease = settings
        longLease.leaseSeconds = 60
        let alive = try open(longLease, id: "alive")
        defer { crashing.close(); alive.close() }
        let ids = try crashing.enqueue([NewJob(kind: .request, inputName: "a.json", workName: "w1--a.json"),
                                        NewJob(kind: .request, inputName: "b.json", workName: "w2--b.json")])
        for round in 1...3 {
            var job: Job?
            try eventually(within: 20, "claim round \(round)") {
                job = try crashing.claimNext()
                return job?.id == ids[0]
            }
            #expect(job?.attempts == round)
        }
        #expect(try alive.claimNext()?.id == ids[1])
        try eventually(within: 20, "the crashing claim runs out") {
            (try crashing.job(id: ids[0])?.leaseUntil ?? .infinity) < Date().timeIntervalSince1970 - 0.5
        }
        #expect(try alive.requeueInterrupted() == 1, "the live daemon's job keeps running")
        #expect(try alive.job(id: ids[0])?.state == .queued)
        #expect(try alive.job(id: ids[1])?.state == .running)
    }

    @Test("a server restart in the middle: calls fail as database_unavailable at most, then the pool reconnects and the leases still hold")
    func serverRestart() throws {
        let server = try PostgresTestServer.start()
        defer { server.stop() }
        let store = try open(try TestStores.postgresSettings(on: server, callTimeout: 10), id: "d")
        defer { store.close() }
        let ids = try store.enqueue((0..<3).map { NewJob(kind: .request, inputName: "q\($0).json", workName: "w\($0)--q.json") })
        let claimed = try #require(try store.claimNext())
        try server.restart()
        var errors: [LumiereError.Code] = []
        try eventually(within: 60, "the store works again after the restart") {
            do { _ = try store.queueCounts(); return true } catch {
                errors.append((error as? LumiereError)?.code ?? "not_a_lumiere_error")
                return false
            }
        }
        #expect(errors.allSatisfy { $0 == .databaseUnavailable }, "\(errors)")
        try store.finish(jobID: claimed.id, state: .succeeded, disposition: .archive, finalName: claimed.inputName, error: nil)
        #expect(try store.claimNext()?.id == ids[1])
        #expect(try store.queueCounts().counts == [.succeeded: 1, .running: 1, .queued: 1])

        server.stop()
        let down = #expect(throws: LumiereError.self) { try store.queueCounts() }
        #expect(down?.code == .databaseUnavailable && down?.isTransient == true)
    }

    @Test("the password: from the file or the credential, refused logins say so, and it is in no log line or error")
    func password() throws {
        let server = try PostgresTestServer.shared()
        let secret = server.password
        let recorder = RecordingLogHandler()
        var logger = Logger(label: "test.pg") { _ in recorder }
        logger.logLevel = .trace
        var settings = try TestStores.postgresSettings(on: server)
        #expect("\(settings.password!)" == "[redacted]" && settings.password?.origin == .file)
        let store = try PostgresStateStore(settings: settings, logger: logger)
        _ = try store.enqueue([NewJob(kind: .request, inputName: "q.json", workName: "w--q.json")])
        _ = try store.claimNext()
        store.close()

        // systemd's credential when no file is set.
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("cred-\(UUID().uuidString.prefix(6))").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try "wrong-\(secret)\n".write(toFile: dir + "/store-password", atomically: true, encoding: .utf8)
        let fromCredential = try PostgresStoreSettings.password(file: "", environment: ["CREDENTIALS_DIRECTORY": dir])
        #expect(fromCredential?.origin == .credential && fromCredential?.occurs(in: "wrong-\(secret)") == true)
        let unreadable = #expect(throws: LumiereError.self) {
            try PostgresStoreSettings.password(file: dir + "/missing", environment: [:])
        }
        #expect(unreadable?.code == .configError)

        settings.password = fromCredential
        let refused = #expect(throws: LumiereError.self) { try PostgresStateStore(settings: settings, logger: logger) }
        #expect(refused?.code == .configError && refused?.message.contains("refused the login") == true)
        let everything = recorder.text + "\(refused.map { "\($0) \($0.underlying ?? "")" } ?? "")"
        #expect(everything.contains("state database migrated"), "the log was recorded")
        #expect(!everything.contains(secret), "the password is in no log line or error")
    }

    @Test("store.url: a postgres:// URL without a password; the config keys reach the settings")
    func settingsFromConfig() throws {
        let parsed = try PostgresStoreSettings.parse(url: "postgresql://app@db.example.com/lumiere?sslmode=require")
        #expect(parsed.host == "db.example.com" && parsed.port == 5432 && parsed.user == "app" && parsed.database == "lumiere")
        #expect(parsed.tls == .require && parsed.safeLocation == "postgres://app@db.example.com:5432/lumiere")
        for bad in ["mysql://a@b/c", "postgres://a:hunter2@b/c", "postgres://b/c", "postgres://a@b/", "postgres://a@b/c?x=1"] {
            let error = #expect(throws: LumiereError.self) { try PostgresStoreSettings.parse(url: bad) }
            #expect(error?.code == .configError)
            #expect(error?.description.contains("hunter2") == false)
        }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("pw-\(UUID().uuidString.prefix(6))").path
        try "s3cret\n".write(toFile: dir, atomically: true, encoding: .utf8)
        defer { unlink(dir) }
        let config = try LumiereConfig.load(file: """
            [store]
            backend = "postgres"
            url = "postgres://app@127.0.0.1:6543/lumiere"
            password_file = "\(dir)"
            """, environment: [:])
        #expect(config.store.backend == .postgres)
        let settings = try PostgresStoreSettings(config: config, environment: [:])
        #expect(settings.port == 6543 && settings.password?.occurs(in: "s3cret") == true)
        #expect(LumiereConfig().store.backend == .sqlite, "SQLite stays the default")
        let empty = #expect(throws: LumiereError.self) { try PostgresStoreSettings(config: LumiereConfig(), environment: [:]) }
        #expect(empty?.code == .configError)
    }
}
