// InboxSubmit: put a file into an inbox folder the way the README asks submitters to —
// a dotfile temp name (which the daemon ignores), write, fsync, then rename into the
// final name and fsync the folder. The daemon sees nothing, or the whole file.
//
// The final rename is renameat2(RENAME_NOREPLACE): a name already waiting in the inbox
// (someone else's pending file) is never replaced; the caller gets `io_error` "exists"
// and the temp file is removed. Inputs: bytes or a source path, the inbox folder, the
// final name. Failure modes: `io_error`, transient `disk_full`.

import Foundation
import LumiereCore

public enum InboxSubmit {
    /// Copy `sourcePath` into `directory/name`.
    public static func copy(_ sourcePath: String, into directory: String, as name: String) throws(LumiereError) {
        let input = open(sourcePath, O_RDONLY | O_CLOEXEC)
        guard input >= 0 else { throw AtomicFile.ioError("opening", sourcePath) }
        defer { close(input) }
        var st = stat()
        guard fstat(input, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG else {
            throw LumiereError(.unsupportedFile, "\(sourcePath) is not a regular file", hint: "submit regular files only")
        }
        try place(into: directory, as: name) { fd throws(LumiereError) in
            var buf = [UInt8](repeating: 0, count: 1 << 16)
            while true {
                let n = read(input, &buf, buf.count)
                if n < 0 { if errno == EINTR { continue }; throw AtomicFile.ioError("reading", sourcePath) }
                if n == 0 { break }
                try writeAll(fd, buf, count: n, path: directory)
            }
        }
    }

    /// Write `data` as `directory/name`.
    public static func write(_ data: Data, into directory: String, as name: String) throws(LumiereError) {
        try place(into: directory, as: name) { fd throws(LumiereError) in
            try writeAll(fd, Array(data), count: data.count, path: directory)
        }
    }

    private static func writeAll(_ fd: Int32, _ bytes: [UInt8], count: Int, path: String) throws(LumiereError) {
        var off = 0
        while off < count {
            let w = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + off, count - off) }
            if w < 0 { if errno == EINTR { continue }; throw AtomicFile.ioError("writing into", path) }
            off += w
        }
    }

    private static func place(into directory: String, as name: String,
                              _ fill: (Int32) throws(LumiereError) -> Void) throws(LumiereError) {
        precondition(!name.contains("/") && !name.hasPrefix("."), "a final inbox name")
        let temp = "\(directory)/.\(name).\(getpid()).\(UInt32.random(in: 0...UInt32.max)).tmp"
        let fd = open(temp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0o644)
        guard fd >= 0 else { throw AtomicFile.ioError("creating", temp) }
        do throws(LumiereError) {
            try fill(fd)
            if fsync(fd) != 0 { throw AtomicFile.ioError("syncing", temp) }
        } catch {
            close(fd)
            unlink(temp)
            throw error
        }
        close(fd)
        if renameNoReplace(temp, "\(directory)/\(name)") != 0 {
            let e = errno
            unlink(temp)
            if e == EEXIST {
                throw LumiereError(.ioError, "\(directory)/\(name) already exists (a file of that name is still waiting)",
                                   hint: "wait until the daemon picked it up, or submit under another name")
            }
            errno = e
            throw AtomicFile.ioError("renaming into", "\(directory)/\(name)")
        }
        try AtomicFile.syncDirectory(directory)
    }

    private typealias RenameAt2 = @convention(c) (Int32, UnsafePointer<CChar>, Int32, UnsafePointer<CChar>, UInt32) -> Int32
    /// glibc's renameat2 (2.28+) is declared only under _GNU_SOURCE, which Swift's Glibc
    /// module does not define, so it is looked up at run time.
    private static let renameat2: RenameAt2? = {
        guard let sym = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "renameat2") else { return nil }
        return unsafeBitCast(sym, to: RenameAt2.self)
    }()

    /// rename(2) that fails with EEXIST instead of replacing. Without renameat2 (or on a
    /// file system that lacks RENAME_NOREPLACE) it checks first, which leaves a small race.
    static func renameNoReplace(_ from: String, _ to: String) -> Int32 {
        if let renameat2 {
            let rc = renameat2(AT_FDCWD, from, AT_FDCWD, to, 1 /* RENAME_NOREPLACE */)
            if rc == 0 || errno != EINVAL && errno != ENOSYS { return rc }
        }
        var st = stat()
        if lstat(to, &st) == 0 { errno = EEXIST; return -1 }
        return rename(from, to)
    }
}
