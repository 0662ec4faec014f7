// AtomicFile: write a file so readers see either nothing or all of it.
// temp name (a dotfile, which spool readers ignore) → write → fsync → rename → fsync dir.
// The fixed final name means writing again after a crash replaces, never duplicates.

import Foundation
import LumiereCore

public enum AtomicFile {
    nonisolated(unsafe) private static var counter = 0
    private static let counterLock = NSLock()

    /// Write `data` to `directory/name` atomically with the given mode.
    public static func write(_ data: Data, directory: String, name: String, mode: mode_t = 0o644) throws(LumiereError) {
        counterLock.lock()
        counter += 1
        let n = counter
        counterLock.unlock()
        let temp = "\(directory)/.lumiere-tmp-\(getpid())-\(n)-\(name)"
        let fd = open(temp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, mode)
        guard fd >= 0 else { throw ioError("creating", temp) }
        var ok = data.withUnsafeBytes { buf -> Bool in
            var off = 0
            while off < buf.count {
                let w = Glibc.write(fd, buf.baseAddress! + off, buf.count - off)
                if w < 0 { if errno == EINTR { continue }; return false }
                off += w
            }
            return true
        }
        if ok { ok = fsync(fd) == 0 }
        let savedErrno = errno
        close(fd)
        guard ok else {
            unlink(temp)
            errno = savedErrno
            throw ioError("writing", temp)
        }
        guard rename(temp, "\(directory)/\(name)") == 0 else {
            let e = errno
            unlink(temp)
            errno = e
            throw ioError("renaming into place", "\(directory)/\(name)")
        }
        try syncDirectory(directory)
    }

    /// fsync a directory so a rename in it is durable.
    public static func syncDirectory(_ directory: String) throws(LumiereError) {
        let fd = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw ioError("opening", directory) }
        defer { close(fd) }
        if fsync(fd) != 0 { throw ioError("syncing", directory) }
    }

    /// Remove temp files a crash left behind in a directory.
    public static func removeStaleTemps(in directory: String) {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return }
        for name in names where name.hasPrefix(".lumiere-tmp-") {
            unlink("\(directory)/\(name)")
        }
    }

    /// An I/O error from errno; ENOSPC/EDQUOT become transient disk_full.
    public static func ioError(_ what: String, _ path: String) -> LumiereError {
        let e = errno
        let text = String(cString: strerror(e))
        if e == ENOSPC || e == EDQUOT {
            return LumiereError(.diskFull, "no space left while \(what) \(path)",
                                hint: "free disk space on the spool's file system; work resumes by itself",
                                transient: true, underlying: text)
        }
        return LumiereError(.ioError, "\(what) \(path) failed: \(text)",
                            hint: "check permissions and the disk", transient: e == EIO || e == EAGAIN, underlying: text)
    }
}
