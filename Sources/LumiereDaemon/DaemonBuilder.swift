// DaemonBuilder: the one place that builds the daemon's parts from a configuration — the
// state store, the job processor, the scheduler — and its services, each with one owner
// of its state:
//   StatusService       STATUS= and state/status.json
//   WatchdogService     WATCHDOG=1 while the control queue lives
//   HousekeepingService metrics file, retention
//   WorkerPoolService   scheduler + worker pool, disk guard, drain at shutdown
//   InboxService        inotify + rescans → intake (inbox → work area + job row)
//   SignalService       SIGHUP → reload, SIGTERM/SIGINT → graceful shutdown
// The ServiceGroup stops them in the reverse of that order: intake first, then the drain,
// and status last, so the final status.json sees the drained pool.

import Foundation
import Logging
import LumiereCore
import LumiereLLM
import LumiereService
import LumiereSpool
import LumiereStore
import ServiceLifecycle

/// A daemon whose start-up (lock, reconciliation, first scan) is done: what `Daemon.run`
/// hands to the ServiceGroup.
struct StartedDaemon: Sendable {
    let store: any StateBackend
    let lock: SpoolLock
    let services: [ServiceGroupConfiguration.ServiceConfiguration]
    let statusLine: @Sendable () -> String
    let recovered: Int
}

struct DaemonBuilder {
    let config: LumiereConfig
    let logger: Logger
    let notifier: SystemdNotifier
    let reloadConfig: @Sendable () throws(LumiereError) -> LumiereConfig

    /// Take the spool, make the work area and the queue agree, start every service in
    /// order. Blocking (SQLite, file I/O): call it on a Dispatch queue.
    func start(signals: SignalInbox) throws(LumiereError) -> StartedDaemon {
        let settings = try DaemonSettings(config)
        let layout = SpoolLayout(root: config.spoolDirectory)
        try layout.create()
        let (workArea, lock) = try Self.claimWorkArea(config: config, layout: layout)
        let store = try StateBackends.open(config: config, layout: layout, logger: logger)
        let recovered = try Reconciler(layout: layout, workArea: workArea, store: store, logger: logger).run()

        // The processor opens its own handle on the state database (WAL: many connections).
        let metrics = DaemonMetrics()
        let analyst = Analyst(store: try StateBackends.open(config: config, layout: layout, logger: logger),
                              layout: layout, config: config, logger: logger, metrics: metrics)
        let processor = SpoolJobProcessor(analyst: analyst)
        let scheduler = Scheduler(layout: layout, store: store, processor: processor, workers: config.workerCount,
                                  maxAttempts: config.queue.maxAttempts, retryBase: config.queue.retryBaseSeconds,
                                  retryMax: config.queue.retryMaxSeconds, logger: logger)
        scheduler.indexEnabled = config.results.writeIndex

        let status = StatusService(layout: layout, store: store, scheduler: scheduler, notifier: notifier)
        let watchdog = WatchdogService(notifier: notifier, control: scheduler.control)
        let housekeeping = HousekeepingService(layout: layout, store: store, scheduler: scheduler, metrics: metrics,
                                               settings: settings, sharedSpool: !workArea.isShared, logger: logger)
        let inbox = try InboxService(layout: layout, workArea: workArea, store: store, settings: settings,
                                     control: scheduler.control, logger: logger, onClaimed: { scheduler.pump() })
        let pool = WorkerPoolService(scheduler: scheduler, processor: processor, intake: inbox.intake,
                                     spoolRoot: layout.root, settings: settings, logger: logger)
        scheduler.onJobFinished = { _, state, timings in
            status.record(state: state, totalMs: timings["total"] ?? 0)
            inbox.requestScan()
        }
        scheduler.onJobOutcome = { job, state, facts in
            metrics.recordJob(kind: job.kind.rawValue, state: state.rawValue, facts: facts)
        }

        let reloader = Reloader(current: config, reloadConfig: reloadConfig, services: [pool, inbox, housekeeping],
                                control: scheduler.control, notifier: notifier, logger: logger,
                                statusLine: status.statusLine)
        let (notifier, logger) = (self.notifier, self.logger)
        let signalService = SignalService(inbox: signals, reload: { reloader.reload() }, shutdown: { sig in
            let running = scheduler.control.sync { pool.beginDrain() }
            logger.notice("shutting down", metadata: ["signal": "\(sig)", "running_jobs": "\(running)"])
            notifier.stopping(status: "stopping: waiting for \(running) running job(s)")
        })

        status.start()
        watchdog.start()
        housekeeping.start()
        pool.start()
        try inbox.start()
        logger.info("daemon started", metadata: [
            "spool": "\(layout.root)", "workers": "\(config.workerCount)", "recovered": "\(recovered)",
            "pid": "\(getpid())", "config_digest": "\(config.digest)", "llm_key": "\(Self.llmKeyOrigin(config))",
            "store": "\(store.backendName)", "work": "\(workArea.path)",
        ])
        typealias Config = ServiceGroupConfiguration.ServiceConfiguration
        return StartedDaemon(
            store: store, lock: lock,
            services: [
                Config(service: status, serviceName: "status"),
                Config(service: watchdog, serviceName: "watchdog"),
                Config(service: housekeeping, serviceName: "housekeeping"),
                Config(service: pool, serviceName: "worker-pool"),
                Config(service: inbox, serviceName: "inbox"),
                Config(service: signalService, successTerminationBehavior: .gracefullyShutdownGroup,
                       serviceName: "signals"),
            ],
            statusLine: { scheduler.control.sync { status.statusLine() } },
            recovered: recovered)
    }

    /// One daemon per spool with SQLite: the spool lock, and state/work/. With PostgreSQL,
    /// several daemons (on several hosts) share the spool: each takes a lock on its own
    /// name (state/daemons/<name>.lock, so two daemons never share a work folder) and
    /// claims into state/work/<name>/.
    static func claimWorkArea(config: LumiereConfig, layout: SpoolLayout) throws(LumiereError) -> (WorkArea, SpoolLock) {
        guard config.store.backend == .postgres else {
            return (.shared(layout), try SpoolLock(path: layout.lockFile))
        }
        let name = config.daemon.name.isEmpty ? ProcessInfo.processInfo.hostName : config.daemon.name
        let area = try WorkArea.owned(by: name, in: layout)
        let locks = "\(layout.state)/daemons"
        if mkdir(locks, 0o700) != 0 && errno != EEXIST {
            throw LumiereError(.ioError, "cannot create \(locks): \(String(cString: strerror(errno)))",
                               hint: "check the permissions of the spool's state/ folder")
        }
        let lock: SpoolLock
        do { lock = try SpoolLock(path: "\(locks)/\(name).lock") } catch where error.code == .spoolLocked {
            throw LumiereError(.spoolLocked, "another lumiere daemon named \(name) is already running on this spool",
                               hint: "give each daemon sharing a spool its own daemon.name (LUMIERE_DAEMON_NAME)")
        }
        try area.create()
        return (area, lock)
    }

    /// Where an LLM API key would come from — never the key itself: llm.api_key_file,
    /// systemd's credential (LoadCredential=llm-api-key), the environment, or nowhere.
    static func llmKeyOrigin(_ config: LumiereConfig) -> String {
        APIKey.origin(settings: LLMSettings(config: config), environment: ProcessInfo.processInfo.environment)
    }
}

/// SIGHUP: read the configuration again and hand it, checked whole, to every service; a
/// configuration that does not parse or validate leaves all of them on the old one.
final class Reloader: @unchecked Sendable {
    // @unchecked: `current` lives on `control`.
    private var current: LumiereConfig
    private let reloadConfig: @Sendable () throws(LumiereError) -> LumiereConfig
    private let services: [any ReloadableService]
    private let control: DispatchQueue
    private let notifier: SystemdNotifier
    private let logger: Logger
    private let statusLine: () -> String

    init(current: LumiereConfig, reloadConfig: @escaping @Sendable () throws(LumiereError) -> LumiereConfig,
         services: [any ReloadableService], control: DispatchQueue, notifier: SystemdNotifier, logger: Logger,
         statusLine: @escaping () -> String) {
        self.current = current
        self.reloadConfig = reloadConfig
        self.services = services
        self.control = control
        self.notifier = notifier
        self.logger = logger
        self.statusLine = statusLine
    }

    func reload() {
        control.async { [self] in
            notifier.reloading()
            do throws(LumiereError) {
                let fresh = try DaemonSettings(try reloadConfig())
                if fresh.config.spoolDirectory != current.spoolDirectory {
                    logger.warning("spool.dir cannot change while running; restart to move the spool")
                }
                if fresh.config.store != current.store {
                    logger.warning("store.* cannot change while running; restart to use another store")
                }
                current = fresh.config
                services.forEach { $0.apply(fresh) }
                logger.notice("configuration reloaded", metadata: ["config_digest": "\(fresh.config.digest)"])
            } catch {
                logger.error("configuration reload failed; keeping the old one",
                             metadata: ["error.code": "\(error.code)", "error": "\(error.message)"])
            }
            notifier.ready(status: statusLine())
        }
    }
}
