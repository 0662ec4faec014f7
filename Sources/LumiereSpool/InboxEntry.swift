// InboxEntry: what the pick-up sees of one inbox name, without ever opening it, and the
// safety checks applied before a file may be claimed.
//
// Refused, never opened for reading: symlinks, FIFOs, sockets, devices, directories (even
// one named `x.csv`), hard links (link count > 1: a link to a file the submitter could not
// read otherwise), files over the size cap. Regular files are opened only with
// O_NOFOLLOW | O_NONBLOCK relative to the inbox's directory fd, and re-checked on the fd.

import Foundation
import LumiereCore

public struct FileIdentity: Sendable, Equatable {
    public var device: UInt64
    public var inode: UInt64
    public var size: Int64
    public var mtimeNanos: Int64
    public var mode: UInt32
    public var links: UInt64
    public var uid: UInt32

    init(_ st: stat) {
        device = UInt64(st.st_dev)
        inode = UInt64(st.st_ino)
        size = Int64(st.st_size)
        mtimeNanos = Int64(st.st_mtim.tv_sec) * 1_000_000_000 + Int64(st.st_mtim.tv_nsec)
        mode = UInt32(st.st_mode)
        links = UInt64(st.st_nlink)
        uid = UInt32(st.st_uid)
    }

    public var isRegular: Bool { (mode & UInt32(S_IFMT)) == UInt32(S_IFREG) }

    /// The file type in words, for refusal messages.
    public var typeName: String {
        switch mode & UInt32(S_IFMT) {
        case UInt32(S_IFREG): return "regular file"
        case UInt32(S_IFDIR): return "directory"
        case UInt32(S_IFLNK): return "symbolic link"
        case UInt32(S_IFIFO): return "FIFO"
        case UInt32(S_IFSOCK): return "socket"
        case UInt32(S_IFCHR): return "character device"
        case UInt32(S_IFBLK): return "block device"
        default: return "special file"
        }
    }
}

/// A directory kept open so every name is resolved relative to it (no path races).
public final class DirectoryHandle: @unchecked Sendable {
    // @unchecked: the fd is immutable after init and the calls on it are thread-safe syscalls.
    public let fd: Int32
    public let path: String

    public init(path: String) throws(LumiereError) {
        let fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw AtomicFile.ioError("opening", path) }
        self.fd = fd
        self.path = path
    }

    /// Open the folder `name` inside `parent` without following a symlink (a tenant's
    /// inbox folder: inbox/acme must be a real folder, not a link to somewhere else).
    public init(in parent: DirectoryHandle, name: String) throws(LumiereError) {
        let fd = openat(parent.fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
        guard fd >= 0 else { throw AtomicFile.ioError("opening", "\(parent.path)/\(name)") }
        self.fd = fd
        self.path = "\(parent.path)/\(name)"
    }

    deinit { close(fd) }

    /// Names in the directory (not `.`/`..`), sorted so pick-up order is stable.
    public func names() throws(LumiereError) -> [String] {
        let dupFD = dup(fd)
        guard dupFD >= 0, let dir = fdopendir(dupFD) else { throw AtomicFile.ioError("listing", path) }
        defer { closedir(dir) }
        rewinddir(dir)
        var out: [String] = []
        while let ent = readdir(dir) {
            let name = withUnsafePointer(to: ent.pointee.d_name) {
                $0.withMemoryRebound(to: CChar.self, capacity: 256) { String(cString: $0) }
            }
            if name != "." && name != ".." { out.append(name) }
        }
        return out.sorted()
    }

    /// lstat-equivalent: never follows a symlink.
    public func identity(of name: String) -> FileIdentity? {
        var st = stat()
        guard fstatat(fd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 else { return nil }
        return FileIdentity(st)
    }
}

/// F_SETLEASE (linux/fcntl.h: F_LINUX_SPECIFIC_BASE + 0); Glibc hides it without _GNU_SOURCE.
private let F_SETLEASE_LINUX: Int32 = 1024

public enum InboxSafety {
    /// Why a name must be refused from what lstat says, or nil when it may be read.
    public static func refusal(for id: FileIdentity, name: String, maxBytes: Int64) -> LumiereError? {
        if !id.isRegular {
            return LumiereError(.unsafeFile, "\(name) is a \(id.typeName), not a regular file; it was not opened",
                                hint: "drop regular files only: copy the data instead of linking it")
        }
        if id.links > 1 {
            return LumiereError(.unsafeFile, "\(name) has \(id.links) hard links; it was not opened",
                                hint: "drop a copy of the file (cp), not a hard link (ln)")
        }
        if id.size > maxBytes {
            return LumiereError(.fileTooLarge, "\(name) is \(id.size) bytes, over the \(maxBytes)-byte limit",
                                hint: "split the file or raise spool.max_file_mb")
        }
        return nil
    }

    public enum OpenCheck: Equatable {
        case ok
        /// Another process still has the file open for writing.
        case busy
        case refused(LumiereError)
    }

    /// Open the file the safe way and check it again on the descriptor: same inode as
    /// seen by lstat, regular, one link. Also asks for a read lease, which the kernel
    /// refuses (EAGAIN) while any process has the file open for writing — a writer that
    /// pauses longer than the settle interval is still not picked up. The lease needs
    /// ownership or CAP_LEASE; without them we rely on the settle interval alone.
    public static func verifyByOpening(_ dir: DirectoryHandle, name: String, expected: FileIdentity,
                                       maxBytes: Int64) -> OpenCheck {
        let fd = openat(dir.fd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOCTTY)
        guard fd >= 0 else {
            if errno == ELOOP {
                return .refused(LumiereError(.unsafeFile, "\(name) is a symbolic link; it was not followed",
                                             hint: "drop regular files only"))
            }
            return .busy
        }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { return .busy }
        let id = FileIdentity(st)
        if let refusal = refusal(for: id, name: name, maxBytes: maxBytes) { return .refused(refusal) }
        guard id.inode == expected.inode, id.device == expected.device, id.size == expected.size,
              id.mtimeNanos == expected.mtimeNanos else { return .busy }
        if fcntl(fd, F_SETLEASE_LINUX, F_RDLCK) == 0 {
            _ = fcntl(fd, F_SETLEASE_LINUX, F_UNLCK)
        } else if errno == EAGAIN || errno == EBUSY {
            return .busy
        }
        return .ok
    }
}
