// AppendLog: outbox/index.jsonl — one JSON object per finished job, one line each, for ETL
// tools that tail the file.
//
// Each line is written with a single write(2) on an O_APPEND descriptor, so concurrent
// appenders never interleave and a reader never sees half a line from a live writer; then
// fdatasync, because the caller records "appended" in the state database right after and
// a crash must not leave the database claiming a line the disk lost. Delivery is
// at-least-once: a crash between the append and that record repeats the line at the next
// start, so readers deduplicate by job_id. A power loss can still leave a torn last line;
// `append` first completes it with a newline so later lines stay whole.
// Failure modes: `io_error` / transient `disk_full`.

import Foundation
import LumiereCore

public enum AppendLog {
    /// Appenders in this process take turns, so the torn-tail check never reads the end of
    /// a line another worker is writing. (Other processes: O_APPEND keeps lines whole.)
    private static let lock = NSLock()

    public static func append(line: String, to path: String, mode: mode_t = 0o644) throws(LumiereError) {
        precondition(!line.contains("\n"), "an index line must be one line")
        lock.lock()
        defer { lock.unlock() }
        let fd = open(path, O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW, mode)
        guard fd >= 0 else { throw AtomicFile.ioError("opening", path) }
        defer { close(fd) }
        var bytes = Array(line.utf8) + [0x0A]
        // A torn tail (no final newline) from a power loss: start on a fresh line.
        var st = stat()
        if fstat(fd, &st) == 0, st.st_size > 0 {
            var last: UInt8 = 0
            if pread(fd, &last, 1, off_t(st.st_size - 1)) == 1, last != 0x0A { bytes.insert(0x0A, at: 0) }
        }
        let written = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
        guard written == bytes.count else {
            if written < 0 { throw AtomicFile.ioError("appending to", path) }
            throw LumiereError(.ioError, "short write appending to \(path)", hint: "check the disk", transient: true)
        }
        if fdatasync(fd) != 0 { throw AtomicFile.ioError("syncing", path) }
    }
}
