// `lumiere status`: what an operator asks first — is the daemon running (pid), how deep is
// the queue per state, how many workers are busy, how old is the oldest queued job, how
// many jobs failed in the last hour, and how long the stages took recently (p50/p95/p99
// over the last 500 finished jobs, from the timings kept with each job).
//
// Read-only: the lock probe, state/status.json (the daemon rewrites it every 2 s) and the
// state database through WAL. Works with the daemon stopped (it says so). Exit 0 either
// way; `--json` prints the same as a lumiere.status-report/1 document.

import ArgumentParser
import Foundation
import LumiereCore
import LumiereService
import LumiereStore

struct StatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status", abstract: "Show whether the daemon runs, the queue, workers, failures and stage latencies.")

    @OptionGroup var options: ConfigOptions
    @OptionGroup var tenant: TenantOptions
    @OptionGroup var output: OutputOptions

    /// Recent finished jobs the percentiles are computed over.
    static let window = 500

    struct Report: Codable {
        var schema = "lumiere.status-report/1"
        var spool: String
        var daemon: Daemon
        var queue: [String: Int]
        var oldestQueuedAgeS: Double?
        var failuresLastHour: Int
        var latencyMs: [String: [String: Double]]
        var jobsInWindow: Int

        struct Daemon: Codable {
            var running: Bool?
            var pid: Int32?
            var workersBusy: Int?
            var workers: Int?
            var paused: String?
            var statusUpdatedAt: String?
            var note: String?

            enum CodingKeys: String, CodingKey {
                case running, pid, workers, paused, note
                case workersBusy = "workers_busy"
                case statusUpdatedAt = "status_updated_at"
            }
        }

        enum CodingKeys: String, CodingKey {
            case schema, spool, daemon, queue
            case oldestQueuedAgeS = "oldest_queued_age_s"
            case failuresLastHour = "failures_last_hour"
            case latencyMs = "latency_ms"
            case jobsInWindow = "jobs_in_window"
        }
    }

    func run() throws {
        let report: Report
        do {
            report = try collect(try SpoolSession.open(options, tenant))
        } catch {
            throw fail(error)
        }
        if output.json {
            let e = JSONEncoder()
            e.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            FileHandle.standardOutput.write((try e.encode(report)) + Data("\n".utf8))
        } else {
            print(Self.render(report))
        }
    }

    func collect(_ session: SpoolSession) throws(LumiereError) -> Report {
        var daemon = Report.Daemon()
        switch session.daemon {
        case .running(let pid):
            daemon.running = true
            daemon.pid = pid
            if let data = FileManager.default.contents(atPath: session.layout.state + "/status.json"),
               let status = try? JSONDecoder().decode(DaemonStatus.self, from: data), status.pid == pid {
                daemon.workersBusy = status.workersBusy
                daemon.workers = status.workers
                daemon.paused = status.paused
                daemon.statusUpdatedAt = status.updatedAt
            }
        case .notRunning:
            daemon.running = false
        case .unknown(let reason):
            daemon.note = "cannot tell: the lock file is not readable (\(reason)); run as the daemon's user or root"
        }
        guard session.canOpenState else {
            throw LumiereError(.ioError, "cannot open \(session.layout.database) as this user",
                               hint: "run `lumiere status` as the daemon's user (sudo -u lumiere) or root")
        }
        let store = try StateBackends.open(config: session.config, layout: session.layout, logger: session.logger)
        let (counts, oldest) = try store.queueCounts()
        let now = Date().timeIntervalSince1970
        let timings = try store.recentTimings(limit: Self.window)
        var latency: [String: [String: Double]] = [:]
        var byStage: [String: [Double]] = [:]
        for t in timings { for (stage, ms) in t { byStage[stage, default: []].append(ms) } }
        for (stage, values) in byStage {
            latency[stage == "total" ? "job" : stage] = [
                "p50": Self.round(Self.percentile(values, 50)), "p95": Self.round(Self.percentile(values, 95)),
                "p99": Self.round(Self.percentile(values, 99)), "count": Double(values.count),
            ]
        }
        return Report(spool: session.layout.root, daemon: daemon,
                      queue: Dictionary(uniqueKeysWithValues: JobState.allCases.map { ($0.rawValue, counts[$0] ?? 0) }),
                      oldestQueuedAgeS: oldest.map { Self.round(max(0, now - $0)) },
                      failuresLastHour: try store.failuresSince(now - 3600), latencyMs: latency,
                      jobsInWindow: timings.count)
    }

    static func round(_ d: Double) -> Double { (d * 10).rounded() / 10 }

    /// Nearest-rank percentile (as the daemon's status.json computes it).
    static func percentile(_ values: [Double], _ p: Double) -> Double {
        guard !values.isEmpty else { return 0 }
        let sorted = values.sorted()
        return sorted[min(sorted.count - 1, Int((p / 100 * Double(sorted.count - 1)).rounded()))]
    }

    static func render(_ r: Report) -> String {
        var out: [String] = []
        switch (r.daemon.running, r.daemon.pid) {
        case (true?, let pid?):
            var line = "daemon:   running, pid \(pid)"
            if let busy = r.daemon.workersBusy, let workers = r.daemon.workers { line += ", \(busy)/\(workers) workers busy" }
            if let paused = r.daemon.paused { line += ", \(paused)" }
            out.append(line)
        case (false?, _):
            out.append("daemon:   not running (files dropped into the inbox wait until one starts)")
        default:
            out.append("daemon:   unknown — \(r.daemon.note ?? "")")
        }
        out.append("spool:    \(r.spool)")
        out.append("queue:    " + JobState.allCases.map { "\(r.queue[$0.rawValue] ?? 0) \($0.rawValue)" }.joined(separator: ", "))
        out.append("oldest queued job: " + (r.oldestQueuedAgeS.map { "\($0) s ago" } ?? "none waiting"))
        out.append("failures in the last hour: \(r.failuresLastHour)")
        if r.latencyMs.isEmpty {
            out.append("latency:  no finished jobs yet")
        } else {
            out.append("latency over the last \(r.jobsInWindow) finished jobs (ms):")
            let order = ["job", "analyze", "load", "finalize", "sql_generation", "execution", "chart", "insights"]
            let stages = r.latencyMs.keys.sorted { (order.firstIndex(of: $0) ?? 99, $0) < (order.firstIndex(of: $1) ?? 99, $1) }
            out.append(TextRenderer.table(["STAGE", "P50", "P95", "P99", "JOBS"], stages.map { s in
                let v = r.latencyMs[s]!
                return [s, format(v["p50"]), format(v["p95"]), format(v["p99"]), String(Int(v["count"] ?? 0))]
            }))
        }
        return out.joined(separator: "\n")
    }

    static func format(_ d: Double?) -> String { d.map { String(format: "%.1f", $0) } ?? "" }
}
