// SystemdNotifier: the sd_notify protocol (READY=1, STATUS=, WATCHDOG=1, STOPPING=1) over
// libsystemd. Without NOTIFY_SOCKET (not under systemd) every call is a no-op.

import CSystemd
import Foundation

public final class SystemdNotifier: Sendable {
    public init() {}

    /// True when a service manager listens (NOTIFY_SOCKET set).
    public var isActive: Bool { ProcessInfo.processInfo.environment["NOTIFY_SOCKET"] != nil }

    public func ready(status: String) { send("READY=1\nSTATUS=\(status)\nMAINPID=\(getpid())") }
    public func status(_ text: String) { send("STATUS=\(text)") }
    public func watchdog() { send("WATCHDOG=1") }
    public func stopping(status: String) { send("STOPPING=1\nSTATUS=\(status)") }
    public func reloading() { send("RELOADING=1") }

    /// The watchdog period systemd expects pings within, if WatchdogSec= is set for us.
    public var watchdogInterval: Double? {
        var usec: UInt64 = 0
        guard sd_watchdog_enabled(0, &usec) > 0, usec > 0 else { return nil }
        return Double(usec) / 1_000_000
    }

    private func send(_ state: String) {
        guard isActive else { return }
        _ = sd_notify(0, state)
    }
}
