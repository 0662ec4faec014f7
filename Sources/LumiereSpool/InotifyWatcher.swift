// InotifyWatcher: a hint that something changed in a directory. The scan is the truth;
// this only wakes it sooner. IN_Q_OVERFLOW (events lost) is reported so the caller rescans.
//
// One thread blocks in poll() on the inotify fd and a wake pipe; `stop()` writes to the
// pipe and joins. Events are coalesced: the callback says "look again", not which file.
// A watched folder that is removed drops out of `watchedPaths` (IN_IGNORED), so its owner
// can watch it again when it reappears (tenant folders).

import Foundation
import LumiereCore

public final class InotifyWatcher: @unchecked Sendable {
    // @unchecked: fds are set once in init; `thread` is only touched by start/stop, which
    // the owner calls from one queue.
    private let inotifyFD: Int32
    private let wakePipe: (read: Int32, write: Int32)
    private var watches: [Int32: String] = [:]
    private let watchLock = NSLock()
    private var thread: Thread?
    private let onEvent: @Sendable (_ overflow: Bool) -> Void

    public static let mask: UInt32 = UInt32(IN_CREATE) | UInt32(IN_CLOSE_WRITE) | UInt32(IN_MOVED_TO) | UInt32(IN_ATTRIB)

    public init(onEvent: @escaping @Sendable (_ overflow: Bool) -> Void) throws(LumiereError) {
        let fd = inotify_init1(Int32(IN_NONBLOCK | IN_CLOEXEC))
        guard fd >= 0 else { throw AtomicFile.ioError("initialising inotify for", "the inbox") }
        var fds: [Int32] = [0, 0]
        guard pipe(&fds) == 0 else {
            close(fd)
            throw AtomicFile.ioError("creating a pipe for", "the inbox watcher")
        }
        for p in fds {
            _ = fcntl(p, F_SETFD, FD_CLOEXEC)
            _ = fcntl(p, F_SETFL, O_NONBLOCK)
        }
        inotifyFD = fd
        wakePipe = (fds[0], fds[1])
        self.onEvent = onEvent
    }

    deinit {
        close(inotifyFD)
        close(wakePipe.read)
        close(wakePipe.write)
    }

    /// Paths watched now. A removed folder drops out (the kernel sends IN_IGNORED), so a
    /// tenant folder deleted and created again is watched again.
    public var watchedPaths: Set<String> {
        watchLock.lock()
        defer { watchLock.unlock() }
        return Set(watches.values)
    }

    /// Watch a directory (IN_CREATE, IN_CLOSE_WRITE, IN_MOVED_TO).
    public func watch(_ path: String) throws(LumiereError) {
        let wd = inotify_add_watch(inotifyFD, path, Self.mask | UInt32(IN_ONLYDIR))
        guard wd >= 0 else { throw AtomicFile.ioError("watching", path) }
        watchLock.lock()
        watches[wd] = path
        watchLock.unlock()
    }

    public func start() {
        let t = Thread { [self] in self.loop() }
        t.name = "lumiere-inotify"
        thread = t
        t.start()
    }

    public func stop() {
        var b: UInt8 = 1
        _ = Glibc.write(wakePipe.write, &b, 1)
    }

    private func loop() {
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            var fds = [pollfd(fd: inotifyFD, events: Int16(POLLIN), revents: 0),
                       pollfd(fd: wakePipe.read, events: Int16(POLLIN), revents: 0)]
            let rc = poll(&fds, 2, -1)
            if rc < 0 { if errno == EINTR { continue }; return }
            if fds[1].revents != 0 { return }
            var overflow = false
            var any = false
            while true {
                let n = buffer.withUnsafeMutableBytes { read(inotifyFD, $0.baseAddress, $0.count) }
                if n <= 0 { break }
                any = true
                var off = 0
                while off + MemoryLayout<inotify_event>.size <= n {
                    let (wd, mask, len) = buffer.withUnsafeBytes { raw -> (Int32, UInt32, Int) in
                        let ev = raw.loadUnaligned(fromByteOffset: off, as: inotify_event.self)
                        return (ev.wd, ev.mask, Int(ev.len))
                    }
                    if mask & UInt32(IN_Q_OVERFLOW) != 0 { overflow = true }
                    if mask & UInt32(IN_IGNORED) != 0 {
                        watchLock.lock()
                        watches[wd] = nil
                        watchLock.unlock()
                    }
                    off += MemoryLayout<inotify_event>.size + len
                }
            }
            if any { onEvent(overflow) }
        }
    }
}
