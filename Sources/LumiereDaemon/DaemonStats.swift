// DaemonStats: in-memory figures for `lumiere status` (written to state/status.json every
// couple of seconds): workers busy, pause reason, job latency percentiles.

import Foundation
import LumiereCore
import LumiereService
import LumiereSpool
import LumiereStore

struct DaemonStats {
    private var totals: [Double] = []
    private var lastWrite = Date.distantPast
    private let startedAt = isoTimestamp()

    mutating func record(state: JobState, totalMs: Double) {
        totals.append(totalMs)
        if totals.count > 1000 { totals.removeFirst(totals.count - 1000) }
    }

    static func percentile(_ values: [Double], _ p: Double) -> Double {
        guard !values.isEmpty else { return 0 }
        let sorted = values.sorted()
        let idx = min(sorted.count - 1, Int((p / 100 * Double(sorted.count - 1)).rounded()))
        return sorted[idx]
    }

    /// The scheduler's figures at the moment of writing.
    struct Snapshot {
        var workersBusy: Int
        var workers: Int
        var paused: String?
    }

    mutating func maybeWriteStatus(to layout: SpoolLayout, snapshot: Snapshot) {
        guard Date().timeIntervalSince(lastWrite) >= 2 else { return }
        writeStatus(to: layout, snapshot: snapshot, running: true)
    }

    mutating func writeStatus(to layout: SpoolLayout, snapshot: Snapshot, running: Bool) {
        lastWrite = Date()
        let latency = ["job_total": ["p50": Self.percentile(totals, 50), "p95": Self.percentile(totals, 95),
                                     "p99": Self.percentile(totals, 99), "count": Double(totals.count)]]
        let status = DaemonStatus(pid: getpid(), running: running, updatedAt: isoTimestamp(), startedAt: startedAt,
                                  workersBusy: snapshot.workersBusy, workers: snapshot.workers,
                                  paused: snapshot.paused, latencyMs: latency)
        try? AtomicFile.write(encodeDocument(status), directory: layout.state, name: "status.json", mode: 0o644)
    }
}
