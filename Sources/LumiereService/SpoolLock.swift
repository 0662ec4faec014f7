// SpoolLock: one daemon per spool. An exclusive flock on state/lumiere.lock, held for the
// process's life (the kernel drops it when the process dies, even by SIGKILL). The file
// holds the owner's pid for the message a second daemon prints.

import Foundation
import LumiereCore

public final class SpoolLock: Sendable {
    let fd: Int32

    public init(path: String) throws(LumiereError) {
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard fd >= 0 else {
            throw LumiereError(.ioError, "cannot open the lock file \(path): \(String(cString: strerror(errno)))",
                               hint: "check the permissions of the spool's state/ folder")
        }
        if flock(fd, LOCK_EX | LOCK_NB) != 0 {
            var buf = [UInt8](repeating: 0, count: 32)
            let n = pread(fd, &buf, 31, 0)
            let owner = n > 0 ? String(decoding: buf[0..<n], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines) : "?"
            close(fd)
            throw LumiereError(.spoolLocked, "another lumiere daemon (pid \(owner)) is already running on this spool",
                               hint: "stop it first (systemctl stop lumiere, or kill \(owner)), or use another --spool")
        }
        ftruncate(fd, 0)
        let pid = "\(getpid())\n"
        _ = pid.withCString { pwrite(fd, $0, strlen($0), 0) }
        self.fd = fd
    }

    deinit { close(fd) }

    /// What a command line process can tell about the spool's daemon.
    public enum Probe: Sendable, Equatable {
        case running(pid: Int32)
        case notRunning
        /// The lock file cannot be read (state/ is private to the daemon's user).
        case unknown(reason: String)
    }

    /// Probe the lock without taking it (for `lumiere status` and the CLI's choice between
    /// writing directly and sending a request file). Never blocks.
    public static func probe(path: String) -> Probe {
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)
        if fd < 0 {
            if errno == ENOENT { return .notRunning }
            return .unknown(reason: String(cString: strerror(errno)))
        }
        close(fd)
        if let pid = holder(path: path) { return .running(pid: pid) }
        return .notRunning
    }

    /// Is a daemon holding the lock right now? (For `lumiere status`; never blocks.)
    public static func holder(path: String) -> Int32? {
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        if flock(fd, LOCK_SH | LOCK_NB) == 0 {
            flock(fd, LOCK_UN)
            return nil
        }
        var buf = [UInt8](repeating: 0, count: 32)
        let n = pread(fd, &buf, 31, 0)
        return n > 0 ? Int32(String(decoding: buf[0..<n], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)) ?? -1 : -1
    }
}
