// JournalLogHandler: swift-log → the systemd journal with structured fields.
// Metadata keys become journal fields: `job.id` → JOB_ID, `source.name` → SOURCE_NAME,
// `job.stage` → JOB_STAGE, `error.code` → ERROR_CODE. Messages stay constant; data goes in
// metadata, so `journalctl -u lumiere JOB_ID=42` finds a job's lines.

import CSystemd
import Foundation
import LumiereCore
import Logging
import LumiereService

public struct JournalLogHandler: LogHandler {
    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level
    let label: String

    public init(label: String, level: Logger.Level) {
        self.label = label
        self.logLevel = level
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var fields = [
            "MESSAGE=\(event.message)",
            "PRIORITY=\(Self.priority(event.level))",
            "SYSLOG_IDENTIFIER=lumiere",
            "CODE_FILE=\(event.file)",
            "CODE_LINE=\(event.line)",
            "CODE_FUNC=\(event.function)",
        ]
        var merged = metadata
        if let extra = event.metadata { merged.merge(extra) { _, new in new } }
        for (key, value) in merged.sorted(by: { $0.key < $1.key }) {
            fields.append("\(Self.fieldName(key))=\(value)")
        }
        Self.send(fields)
    }

    static func send(_ fields: [String]) {
        let buffers = fields.map { strdup($0)! }
        defer { buffers.forEach { free($0) } }
        var iov = buffers.map { iovec(iov_base: UnsafeMutableRawPointer($0), iov_len: strlen($0)) }
        _ = sd_journal_sendv(&iov, Int32(iov.count))
    }

    /// Journal field names: uppercase letters, digits and underscores, not starting with _.
    static func fieldName(_ key: String) -> String {
        var out = ""
        for c in key.uppercased().unicodeScalars {
            out.unicodeScalars.append(("A"..."Z").contains(c) || ("0"..."9").contains(c) ? c : "_")
        }
        while out.hasPrefix("_") { out.removeFirst() }
        return out.isEmpty ? "FIELD" : out
    }

    static func priority(_ level: Logger.Level) -> Int {
        switch level {
        case .trace, .debug: return 7
        case .info: return 6
        case .notice: return 5
        case .warning: return 4
        case .error: return 3
        case .critical: return 2
        }
    }

    /// True when stderr is the journal's stream (systemd sets JOURNAL_STREAM=dev:ino).
    public static var stderrIsJournal: Bool {
        guard let value = ProcessInfo.processInfo.environment["JOURNAL_STREAM"] else { return false }
        let parts = value.split(separator: ":")
        guard parts.count == 2, let dev = UInt64(parts[0]), let ino = UInt64(parts[1]) else { return false }
        var st = stat()
        guard fstat(2, &st) == 0 else { return false }
        return UInt64(st.st_dev) == dev && UInt64(st.st_ino) == ino
    }
}

/// Bootstrap logging once, at the entry point.
public enum LumiereLogging {
    public static func makeLogger(level: LogLevelSetting, target: LogTargetSetting) -> Logger {
        // LogLevelSetting names swift-log's levels one for one.
        let lvl = Logger.Level(rawValue: level.rawValue) ?? .info
        let useJournal = target == .journal || (target == .auto && JournalLogHandler.stderrIsJournal)
        return Logger(label: "lumiere") { label in
            useJournal ? JournalLogHandler(label: label, level: lvl) as any LogHandler : StderrLogHandler(level: lvl)
        }
    }
}
