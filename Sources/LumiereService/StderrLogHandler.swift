// StderrLogHandler: plain log lines on stderr, for the CLI and for a daemon run from a
// terminal; and the one ISO-8601 timestamp format every document and log line uses.

import Foundation
import Logging

/// Plain lines on stderr: `2026-11-25T10:00:00Z info job finished job.id=3 ...`.
public struct StderrLogHandler: LogHandler {
    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level

    public init(level: Logger.Level) { self.logLevel = level }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var merged = metadata
        if let extra = event.metadata { merged.merge(extra) { _, new in new } }
        let meta = merged.sorted(by: { $0.key < $1.key }).map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        let line = "\(isoTimestamp()) \(event.level) \(event.message)\(meta.isEmpty ? "" : " " + meta)\n"
        FileHandle.standardError.write(Data(line.utf8))
    }
}

public func isoTimestamp(_ date: Date = Date()) -> String {
    let f = ISO8601DateFormatter()
    f.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
    return f.string(from: date)
}
