// SandboxWatchdog: the second line behind the progress-handler deadline. At the deadline a
// timer on a Dispatch queue calls sqlite3_interrupt() on the running connection.
//
// Why both: the progress handler runs every `progressInterval` VM instructions, so a loop
// whose instructions are each slow (a LIKE over a 10 MB string takes ~0.8 s; a row loop
// runs ~5-10 instructions per row) could run far past the deadline before the handler
// is next consulted. sqlite3_interrupt is noticed at every jump instruction — once per row —
// so a query overshoots its deadline by at most one row's work.
// Inputs: the raw connection handle while a query runs. Outputs: an interrupt and `fired`.
// Failure modes: none; a timer that fires after `disarm` does nothing.

import Dispatch
import Foundation
import GRDBSQLite

/// `@unchecked Sendable`: the timer closure runs on another thread; every mutable field
/// is read and written under `lock`, and the handle is only used (sqlite3_interrupt, which
/// SQLite documents as callable from any thread) while armed — `disarm` takes the lock, so
/// once it returns no interrupt can hit a connection that is about to close.
final class SandboxWatchdog: @unchecked Sendable {
    private let lock = NSLock()
    private var handle: OpaquePointer?
    private var generation = 0
    private var didFire = false

    /// Whether the last armed period ended with an interrupt.
    var fired: Bool { lock.withLock { didFire } }

    func arm(_ handle: OpaquePointer, seconds: Double) {
        let armed: Int = lock.withLock {
            generation += 1
            self.handle = handle
            didFire = false
            return generation
        }
        DispatchQueue.global().asyncAfter(deadline: .now() + max(0, seconds)) { [self] in
            lock.withLock {
                guard generation == armed, let handle = self.handle else { return }
                didFire = true
                sqlite3_interrupt(handle)
            }
        }
    }

    func disarm() {
        lock.withLock {
            generation += 1
            handle = nil
        }
    }
}
