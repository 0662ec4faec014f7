// CancellationFlag: a thread-safe "stop now" raised by one thread and read by a transfer in
// progress (curl's progress callback checks it at least once a second) and by retry waits.

import Foundation

public final class CancellationFlag: @unchecked Sendable {
    // @unchecked: the one mutable field is guarded by `lock`.
    private let lock = NSLock()
    private var raised = false

    public init() {}

    public func cancel() { lock.withLock { raised = true } }

    public var isCancelled: Bool { lock.withLock { raised } }
}
