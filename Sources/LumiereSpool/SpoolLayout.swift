// SpoolLayout: the folders of a spool and the daemon-private parts of state/.
//
//   inbox/    drop files here (dotfile / *.tmp / *.part first, then rename in)
//   outbox/   results, each written atomically
//   archive/  inputs processed successfully
//   failed/   inputs that could not be processed, each with NAME.error.json beside it
//   state/    lumiere.db (queue, catalog, history), lumiere.lock, work/, sources/

import Foundation
import LumiereCore

public struct SpoolLayout: Sendable, Equatable {
    public let root: String
    public init(root: String) {
        // Absolute, so a daemon that changes directory (or a test) cannot misplace files.
        let url = URL(fileURLWithPath: root, relativeTo: URL(fileURLWithPath: FileManager.default.currentDirectoryPath))
        self.root = url.standardizedFileURL.path
    }

    public var inbox: String { root + "/inbox" }
    public var outbox: String { root + "/outbox" }
    public var archive: String { root + "/archive" }
    public var failed: String { root + "/failed" }
    public var state: String { root + "/state" }
    public var work: String { state + "/work" }
    public var sources: String { state + "/sources" }
    public var database: String { state + "/lumiere.db" }
    public var lockFile: String { state + "/lumiere.lock" }

    /// Create missing folders. state/ and its parts are private to the daemon (0700);
    /// the public folders keep whatever mode an administrator gave them.
    public func create() throws(LumiereError) {
        for (dir, mode) in [(root, 0o755), (inbox, 0o775), (outbox, 0o755), (archive, 0o750), (failed, 0o750),
                            (state, 0o700), (work, 0o700), (sources, 0o700)] {
            var st = stat()
            if lstat(dir, &st) == 0 {
                if (st.st_mode & S_IFMT) != S_IFDIR {
                    throw LumiereError(.ioError, "\(dir) exists but is not a directory",
                                       hint: "move it away or point the spool elsewhere (--spool)")
                }
                continue
            }
            if mkdir(dir, mode_t(mode)) != 0 && errno != EEXIST {
                throw LumiereError(.ioError, "cannot create \(dir): \(String(cString: strerror(errno)))",
                                   hint: "check that the user running lumiere may write to \(root)")
            }
        }
    }

    /// The folders that must exist for a daemon or the CLI to use this spool.
    public var missingFolders: [String] {
        [inbox, outbox, archive, failed, state].filter { !FileManager.default.fileExists(atPath: $0) }
    }
}
