// DaemonMetrics: the daemon's counters and latency histograms, rendered in Prometheus'
// text exposition format (version 0.0.4) to state/metrics.prom (metrics.file) every
// metrics.interval_s — written atomically (temp + fsync + rename), as node_exporter's
// textfile collector requires, so a scrape never reads half a file.
//
// Inputs: finished jobs (kind, state, stage timings, rows ingested) from the scheduler;
// LLM calls, errors and tokens from whatever engine makes them (`recordLLM`, the seam the
// LLM engine feeds; zero until one does); rows pruned by retention; gauges sampled when
// the file is written (jobs by state from the queue database, workers, oldest queued).
// Counters start at zero when the daemon starts (Prometheus handles resets).
// Failure modes: none thrown; a failed write is logged by the caller and retried at the
// next interval. Thread-safe: one lock around the numbers.

import Foundation
import LumiereCore
import LumiereStore

public final class DaemonMetrics: @unchecked Sendable {
    // @unchecked: every mutable member is read and written under `lock`.
    private let lock = NSLock()

    /// Upper bounds (seconds) of the latency histogram buckets.
    public static let buckets: [Double] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300]

    struct Histogram {
        var counts = [UInt64](repeating: 0, count: DaemonMetrics.buckets.count)
        var sum = 0.0
        var count: UInt64 = 0

        mutating func observe(_ seconds: Double) {
            for (i, bound) in DaemonMetrics.buckets.enumerated() where seconds <= bound { counts[i] += 1 }
            sum += seconds
            count += 1
        }
    }

    private var jobsFinished: [String: [String: UInt64]] = [:]   // kind → state → n
    private var stages: [String: Histogram] = [:]                 // stage → histogram
    private var jobDurations: [String: Histogram] = [:]           // kind → histogram
    private var ingestRows: UInt64 = 0
    private var ingestBytes: UInt64 = 0
    private var llmCalls: UInt64 = 0
    private var llmErrors: UInt64 = 0
    private var llmPromptTokens: UInt64 = 0
    private var llmCompletionTokens: UInt64 = 0
    private var pruned: [String: UInt64] = ["archive": 0, "failed": 0, "outbox": 0, "queries": 0, "jobs": 0]

    public init() {}

    /// A job finished. Stage timings are in milliseconds, "total" being the whole job.
    public func recordJob(kind: String, state: String, facts: JobFacts) {
        lock.withLock {
            jobsFinished[kind, default: [:]][state, default: 0] += 1
            for (stage, ms) in facts.timings where ms.isFinite && ms >= 0 {
                if stage == "total" {
                    jobDurations[kind, default: Histogram()].observe(ms / 1000)
                } else {
                    stages[stage, default: Histogram()].observe(ms / 1000)
                }
            }
            if let rows = facts.ingestedRows, state == "succeeded" { ingestRows += UInt64(max(0, rows)) }
            if let bytes = facts.ingestedBytes, state == "succeeded" { ingestBytes += UInt64(max(0, bytes)) }
        }
    }

    /// One or more LLM calls: the LLM engine reports each call here (errors counted among
    /// the calls), with the tokens the server said it used.
    public func recordLLM(calls: Int = 1, errors: Int = 0, promptTokens: Int = 0, completionTokens: Int = 0) {
        lock.withLock {
            llmCalls += UInt64(max(0, calls))
            llmErrors += UInt64(max(0, errors))
            llmPromptTokens += UInt64(max(0, promptTokens))
            llmCompletionTokens += UInt64(max(0, completionTokens))
        }
    }

    /// What the LLM client calls after each call: one call, an error unless it succeeded.
    public var llmCallObserver: @Sendable (LLMUsage.Call) -> Void {
        { [self] call in
            recordLLM(errors: call.status == "ok" ? 0 : 1, promptTokens: call.promptTokens,
                      completionTokens: call.completionTokens)
        }
    }

    /// Files or rows retention removed.
    public func recordPruned(_ what: String, _ count: Int) {
        guard count > 0 else { return }
        lock.withLock { pruned[what, default: 0] += UInt64(count) }
    }

    /// Values sampled at write time.
    public struct Gauges: Sendable {
        public var jobsByState: [JobState: Int]
        public var workersBusy: Int
        public var workers: Int
        public var oldestQueuedSeconds: Double
        public var paused: Bool
        public var up: Bool
        public var startedAt: Double

        public init(jobsByState: [JobState: Int], workersBusy: Int, workers: Int, oldestQueuedSeconds: Double,
                    paused: Bool, up: Bool, startedAt: Double) {
            self.jobsByState = jobsByState
            self.workersBusy = workersBusy
            self.workers = workers
            self.oldestQueuedSeconds = oldestQueuedSeconds
            self.paused = paused
            self.up = up
            self.startedAt = startedAt
        }
    }

    /// The metrics file's text.
    public func render(_ g: Gauges, now: Double = Date().timeIntervalSince1970) -> String {
        lock.withLock {
            var out = ""
            func family(_ name: String, _ type: String, _ help: String) {
                out += "# HELP \(name) \(help)\n# TYPE \(name) \(type)\n"
            }
            func sample(_ name: String, _ labels: [(String, String)] = [], _ value: Double) {
                let l = labels.isEmpty ? "" : "{" + labels.map { "\($0.0)=\"\(Self.escape($0.1))\"" }.joined(separator: ",") + "}"
                out += "\(name)\(l) \(Self.number(value))\n"
            }
            func histogram(_ name: String, _ label: String, _ values: [String: Histogram]) {
                for key in values.keys.sorted() {
                    let h = values[key]!
                    for (i, bound) in Self.buckets.enumerated() {
                        sample(name + "_bucket", [(label, key), ("le", Self.number(bound))], Double(h.counts[i]))
                    }
                    sample(name + "_bucket", [(label, key), ("le", "+Inf")], Double(h.count))
                    sample(name + "_sum", [(label, key)], h.sum)
                    sample(name + "_count", [(label, key)], Double(h.count))
                }
            }

            family("lumiere_up", "gauge", "1 while the daemon runs, 0 once it stopped cleanly.")
            sample("lumiere_up", [], g.up ? 1 : 0)
            family("lumiere_start_time_seconds", "gauge", "When the daemon started (unix time).")
            sample("lumiere_start_time_seconds", [], g.startedAt.rounded())
            family("lumiere_jobs", "gauge", "Jobs in the queue database by state (finished ones until retention prunes them).")
            for state in JobState.allCases { sample("lumiere_jobs", [("state", state.rawValue)], Double(g.jobsByState[state] ?? 0)) }
            family("lumiere_oldest_queued_job_age_seconds", "gauge", "Age of the oldest queued job; 0 when none waits.")
            sample("lumiere_oldest_queued_job_age_seconds", [], g.oldestQueuedSeconds)
            family("lumiere_workers", "gauge", "Worker threads configured.")
            sample("lumiere_workers", [], Double(g.workers))
            family("lumiere_workers_busy", "gauge", "Worker threads running a job.")
            sample("lumiere_workers_busy", [], Double(g.workersBusy))
            family("lumiere_intake_paused", "gauge", "1 while intake is paused (disk space low or shutting down).")
            sample("lumiere_intake_paused", [], g.paused ? 1 : 0)

            family("lumiere_jobs_finished_total", "counter", "Jobs finished since the daemon started, by kind and final state.")
            for kind in ["upload", "request", "reject", "standing"] {
                for state in ["succeeded", "failed"] {
                    sample("lumiere_jobs_finished_total", [("kind", kind), ("state", state)],
                           Double(jobsFinished[kind]?[state] ?? 0))
                }
            }
            family("lumiere_job_duration_seconds", "histogram", "Wall time of finished jobs, by kind.")
            histogram("lumiere_job_duration_seconds", "kind", jobDurations)
            family("lumiere_stage_duration_seconds", "histogram",
                   "Time spent per pipeline stage (ingest: analyze, load, finalize; questions: sql_generation, execution, chart, insights).")
            histogram("lumiere_stage_duration_seconds", "stage", stages)

            family("lumiere_ingest_rows_total", "counter", "Rows ingested from uploads.")
            sample("lumiere_ingest_rows_total", [], Double(ingestRows))
            family("lumiere_ingest_bytes_total", "counter", "Bytes of uploads ingested.")
            sample("lumiere_ingest_bytes_total", [], Double(ingestBytes))

            family("lumiere_llm_calls_total", "counter", "Calls to the LLM server.")
            sample("lumiere_llm_calls_total", [], Double(llmCalls))
            family("lumiere_llm_errors_total", "counter", "LLM calls that failed.")
            sample("lumiere_llm_errors_total", [], Double(llmErrors))
            family("lumiere_llm_tokens_total", "counter", "Tokens the LLM server reported, by kind.")
            sample("lumiere_llm_tokens_total", [("kind", "prompt")], Double(llmPromptTokens))
            sample("lumiere_llm_tokens_total", [("kind", "completion")], Double(llmCompletionTokens))

            family("lumiere_retention_pruned_total", "counter", "Files and history rows removed by retention.")
            for what in pruned.keys.sorted() { sample("lumiere_retention_pruned_total", [("what", what)], Double(pruned[what]!)) }

            family("lumiere_metrics_written_timestamp_seconds", "gauge", "When this file was written (unix time).")
            sample("lumiere_metrics_written_timestamp_seconds", [], (now * 1000).rounded() / 1000)
            return out
        }
    }

    static func escape(_ s: String) -> String {
        s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            .replacingOccurrences(of: "\n", with: "\\n")
    }

    static func number(_ d: Double) -> String {
        if d == d.rounded() && abs(d) < 1e15 { return String(Int64(d)) }
        return String(d)
    }
}
