// SpoolSession: how a management command reaches a spool, whether or not a daemon runs.
//
//   reads   (list, show, preview): straight from the state database — WAL lets readers
//           run beside the daemon — when this user can open it; otherwise (state/ is
//           private to the daemon's user) as a request file through the daemon.
//   writes  (add, rename, describe, delete, rerun, chart, insight): as a request file when
//           a daemon holds the spool lock (or we cannot tell), so the daemon stays the
//           only writer; with no daemon, directly, holding the spool lock meanwhile so a
//           daemon starting then refuses instead of racing us.
// Either way the command gets the same result document the daemon writes to the outbox,
// because both call `Analyst.manage`.
//
// Request files are written as the README asks (InboxSubmit: dotfile, fsync, rename) to
// inbox/<tenant>/cli-<pid>-<random>.json; the answer is read from the outbox once it
// appears. Failure modes: `daemon_not_running` when a command needs the daemon and no
// daemon holds the lock, `wait_timeout` when no answer came in time, `io_error` when the
// outbox cannot be read, and whatever the action itself reports.

import Foundation
import Logging
import LumiereCore
import LumiereService
import LumiereSpool
import LumiereStore

struct SpoolSession {
    let config: LumiereConfig
    let layout: SpoolLayout
    let tenant: String
    let logger: Logger

    static func open(_ options: ConfigOptions, _ tenant: TenantOptions, extra: [String: String] = [:]) throws(LumiereError) -> SpoolSession {
        let config = try options.load(extra: extra)
        let layout = SpoolLayout(root: config.spoolDirectory)
        let resolved = try TenantPolicy(config: config).resolve(tenant.tenant)
        if !layout.missingFolders.isEmpty {
            throw LumiereError(.ioError, "there is no spool at \(layout.root) (missing \(layout.missingFolders.map { URL(fileURLWithPath: $0).lastPathComponent }.joined(separator: ", ")))",
                               hint: "create it with `lumiere init --spool \(layout.root)`, or point --spool at the daemon's spool")
        }
        var logger = Logger(label: "lumiere") { _ in StderrLogHandler(level: .warning) }
        logger.logLevel = .warning
        return SpoolSession(config: config, layout: layout, tenant: resolved, logger: logger)
    }

    var daemon: SpoolLock.Probe { SpoolLock.probe(path: layout.lockFile) }

    /// May this process open the state database itself?
    var canOpenState: Bool {
        // A shared PostgreSQL store is reached over the network, not through the spool's files.
        if config.store.backend == .postgres { return true }
        if access(layout.database, R_OK | W_OK) == 0 { return true }
        return errno == ENOENT && access(layout.state, R_OK | W_OK | X_OK) == 0
    }

    func analyst() throws(LumiereError) -> Analyst {
        let store = try StateBackends.open(config: config, layout: layout, logger: logger)
        return Analyst(store: store, layout: layout, config: config, logger: logger)
    }

    /// A read-only action.
    func read(_ request: Request, timeout: Double) throws(LumiereError) -> ResultDocument {
        if canOpenState {
            return try analyst().manage(request, tenant: tenant, jobID: nil, file: nil).0
        }
        return try viaDaemon(request, timeout: timeout)
    }

    /// An action that changes the catalog or the history. `html` is the report, when the
    /// action makes one and ran here.
    func write(_ request: Request, timeout: Double) throws(LumiereError) -> (ResultDocument, html: String?) {
        switch daemon {
        case .running, .unknown:
            return (try viaDaemon(request, timeout: timeout), nil)
        case .notRunning:
            let lock: SpoolLock
            do {
                lock = try SpoolLock(path: layout.lockFile)
            } catch where error.code == .spoolLocked {
                return (try viaDaemon(request, timeout: timeout), nil)  // a daemon started just now
            }
            defer { withExtendedLifetime(lock) {} }
            return try analyst().manage(request, tenant: tenant, jobID: nil, file: nil)
        }
    }

    /// Hand a request to the daemon as a file and wait for its result document.
    func viaDaemon(_ request: Request, timeout: Double) throws(LumiereError) -> ResultDocument {
        if case .notRunning = daemon {
            throw LumiereError(.daemonNotRunning, "no lumiere daemon is running on \(layout.root), and this command needs one",
                               hint: "start it (systemctl start lumiere, or lumiere daemon --spool \(layout.root))")
        }
        let stem = "cli-\(getpid())-\(String(UInt32.random(in: 0...UInt32.max), radix: 16))"
        let inbox = try ensureInbox()
        try InboxSubmit.write(request.jsonData(), into: inbox, as: stem + ".json")
        let path = "\(layout.outbox(tenant: tenant))/\(stem).result.json"
        return try Self.waitForDocument(at: path, timeout: timeout, what: "the daemon's answer") { data in
            try? JSONDecoder().decode(ResultDocument.self, from: data)
        }
    }

    /// The tenant's inbox folder, created (like inbox/ itself, group-writable) if missing.
    func ensureInbox() throws(LumiereError) -> String {
        let dir = layout.inbox(tenant: tenant)
        if !tenant.isEmpty && mkdir(dir, 0o775) != 0 && errno != EEXIST {
            throw AtomicFile.ioError("creating", dir)
        }
        return dir
    }

    /// Poll for a file the daemon writes atomically, until `decode` accepts it or the
    /// deadline passes. `isNew` lets a caller ignore a document that was already there.
    static func waitForDocument<T>(at path: String, timeout: Double, what: String,
                                   isNew: (stat) -> Bool = { _ in true },
                                   _ decode: (Data) -> T?) throws(LumiereError) -> T {
        let deadline = Date().addingTimeInterval(timeout)
        let dir = (path as NSString).deletingLastPathComponent
        while true {
            var st = stat()
            if lstat(path, &st) == 0, isNew(st), let data = FileManager.default.contents(atPath: path),
               let value = decode(data) {
                return value
            }
            if access(dir, R_OK | X_OK) != 0 && errno == EACCES {
                throw LumiereError(.ioError, "cannot read \(dir): permission denied, so the answer cannot be read",
                                   hint: "ask the administrator for read access to \(dir) (e.g. setfacl -m u:$USER:rx \(dir))")
            }
            if Date() >= deadline {
                throw LumiereError(.waitTimeout, "no \(what) within \(Int(timeout)) s (\(path) did not appear)",
                                   hint: "the daemon may be busy or stopped: check `lumiere status`; the answer still arrives there later")
            }
            Thread.sleep(forTimeInterval: 0.05)
        }
    }

    /// Print a document (JSON or text) and fail with its error's exit code when it failed.
    static func finish(_ doc: ResultDocument, json: Bool, text: (ResultDocument) -> String) throws {
        if json {
            FileHandle.standardOutput.write(encodeDocument(doc))
        } else if doc.status == .succeeded || doc.status == .needsClarification {
            let out = text(doc)
            if !out.isEmpty { print(out) }
        }
        if doc.status != .succeeded, let error = doc.error {
            throw fail(LumiereError(LumiereError.Code(rawValue: error.code), error.message, hint: error.hint))
        }
    }
}
