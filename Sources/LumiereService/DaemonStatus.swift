// DaemonStatus: the document the daemon writes to state/status.json every couple of
// seconds and `lumiere status` reads: workers busy, pause reason, job latency percentiles.

import Foundation

public struct DaemonStatus: Codable, Sendable {
    public var schema = "lumiere.status/1"
    public var pid: Int32
    public var running: Bool
    public var updatedAt: String
    public var startedAt: String
    public var workersBusy: Int
    public var workers: Int
    public var paused: String?
    public var latencyMs: [String: [String: Double]]

    public init(pid: Int32, running: Bool, updatedAt: String, startedAt: String, workersBusy: Int, workers: Int,
                paused: String?, latencyMs: [String: [String: Double]]) {
        self.pid = pid
        self.running = running
        self.updatedAt = updatedAt
        self.startedAt = startedAt
        self.workersBusy = workersBusy
        self.workers = workers
        self.paused = paused
        self.latencyMs = latencyMs
    }

    enum CodingKeys: String, CodingKey {
        case schema, pid, running, workers, paused
        case updatedAt = "updated_at"
        case startedAt = "started_at"
        case workersBusy = "workers_busy"
        case latencyMs = "latency_ms"
    }
}
