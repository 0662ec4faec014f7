// CancellationFlag: a thread-safe "stop now" that one thread raises, or a deadline passes,
// and a transfer in progress (curl's progress callback checks it at least once a second)
// and retry waits read. The analyst gives each LLM stage of a question one with the
// deadline `llm.question_timeout_s`, so no question holds a worker longer than that.

import Foundation

public final class CancellationFlag: @unchecked Sendable {
    // @unchecked: the one mutable field is guarded by `lock`; `deadline` is immutable.
    private let lock = NSLock()
    private var raised = false
    /// Monotonic seconds (ProcessInfo.systemUptime) after which the flag counts as raised.
    private let deadline: Double?

    /// A flag raised by `cancel()` only, or also once `seconds` have passed.
    public init(timeout seconds: Double? = nil) {
        deadline = seconds.map { ProcessInfo.processInfo.systemUptime + $0 }
    }

    public func cancel() { lock.withLock { raised = true } }

    public var isCancelled: Bool { lock.withLock { raised } || isPastDeadline }

    /// True when the deadline (not `cancel()`) ended the work.
    public var isPastDeadline: Bool {
        deadline.map { ProcessInfo.processInfo.systemUptime >= $0 } ?? false
    }
}
