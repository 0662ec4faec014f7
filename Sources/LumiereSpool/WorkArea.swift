// WorkArea: where a daemon keeps the inputs it has claimed, and how job rows name them.
//
// One daemon per spool (the SQLite backend): state/work/, and a job's work name is the file
// name there. Several daemons on one shared spool (the PostgreSQL backend): each claims
// into a folder of its own, state/work/<daemon name>/, and the work name carries that
// folder ("<daemon name>/<uniq>--<input>"), so any daemon that takes over a dead one's job
// finds its input at state/work/<work name>, while each daemon's start-up reconciliation
// only looks at its own folder and never takes files another daemon is claiming.

import Foundation
import LumiereCore

public struct WorkArea: Sendable, Equatable {
    /// The folder this daemon claims into.
    public let path: String
    /// Prepended to a file name there to make the job's work name ("" or "<name>/").
    public let prefix: String
    /// state/work/, which every work name is relative to.
    public let root: String

    /// The whole of state/work/: one daemon per spool.
    public static func shared(_ layout: SpoolLayout) -> WorkArea {
        WorkArea(path: layout.work, prefix: "", root: layout.work)
    }

    /// state/work/<name>/: one of several daemons sharing the spool.
    public static func owned(by daemonName: String, in layout: SpoolLayout) throws(LumiereError) -> WorkArea {
        try validate(daemonName: daemonName)
        return WorkArea(path: "\(layout.work)/\(daemonName)", prefix: "\(daemonName)/", root: layout.work)
    }

    /// A daemon name becomes a folder and part of work names, which `--` and `@` split.
    public static func validate(daemonName name: String) throws(LumiereError) {
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-")
        guard !name.isEmpty, name.count <= 64, name.allSatisfy(allowed.contains), !name.hasPrefix("."),
              !name.contains("--") else {
            throw LumiereError(.configError, "daemon.name \"\(name)\" cannot name a work folder",
                               hint: "use 1-64 letters, digits, '.', '_' or single '-' (not starting with '.'), e.g. the host name")
        }
    }

    public var isShared: Bool { prefix.isEmpty }

    /// The job's work name for a file claimed into `path`.
    public func workName(_ fileName: String) -> String { prefix + fileName }

    /// Where the input of a job with this work name is, whoever claimed it.
    public func path(ofWorkName workName: String) -> String { "\(root)/\(workName)" }

    /// Work names of every file in every daemon's work folder (a one-level walk).
    public func allWorkNames() -> [String] {
        let fm = FileManager.default
        var names: [String] = []
        for entry in (try? fm.contentsOfDirectory(atPath: root)) ?? [] {
            var isDirectory: ObjCBool = false
            if fm.fileExists(atPath: "\(root)/\(entry)", isDirectory: &isDirectory), isDirectory.boolValue {
                names += ((try? fm.contentsOfDirectory(atPath: "\(root)/\(entry)")) ?? []).map { "\(entry)/\($0)" }
            } else {
                names.append(entry)
            }
        }
        return names
    }

    /// Create the folder (0700, like the rest of state/).
    public func create() throws(LumiereError) {
        guard !isShared else { return }
        if mkdir(path, 0o700) != 0 && errno != EEXIST {
            throw LumiereError(.ioError, "cannot create the work folder \(path): \(String(cString: strerror(errno)))",
                               hint: "check the permissions of the spool's state/work/ folder")
        }
    }
}
