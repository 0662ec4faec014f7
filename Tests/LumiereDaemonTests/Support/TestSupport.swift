// Test support for end-to-end tests: temp spools, the real `lumiere` binary run as a child
// process, polling the outbox against a deadline, and a notify socket that speaks the
// sd_notify protocol like systemd does.

import Foundation
import Testing

/// A fresh temporary directory for one test, removed afterwards.
func withTemporaryDirectory<T>(_ body: (String) throws -> T) throws -> T {
    let path = FileManager.default.temporaryDirectory
        .appendingPathComponent("lumiere-test-\(UUID().uuidString.prefix(8))").path
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: path) }
    return try body(path)
}

enum TestPaths {
    static let packageRoot: String = {
        var url = URL(fileURLWithPath: #filePath)
        while url.path != "/" {
            url.deleteLastPathComponent()
            if FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) { return url.path }
        }
        return FileManager.default.currentDirectoryPath
    }()

    /// The built `lumiere` executable beside the test bundle.
    static let binary: String = {
        if let p = ProcessInfo.processInfo.environment["LUMIERE_TEST_BINARY"] { return p }
        var candidates: [String] = []
        let exe = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        var dir = exe.deletingLastPathComponent()
        for _ in 0..<4 {
            candidates.append(dir.appendingPathComponent("lumiere").path)
            dir.deleteLastPathComponent()
        }
        candidates.append(packageRoot + "/.build/debug/lumiere")
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) } ?? candidates.last!
    }()

    static var sampleCSV: String { packageRoot + "/Tests/LumiereDaemonTests/Fixtures/test_sales_data.csv" }
}

/// Write a file the safe way (temp name, then rename), as the README asks submitters to.
func drop(_ contents: String, as name: String, into inbox: String) throws {
    let tmp = "\(inbox)/.\(name).\(UUID().uuidString.prefix(6)).tmp"
    try contents.write(toFile: tmp, atomically: false, encoding: .utf8)
    try FileManager.default.moveItem(atPath: tmp, toPath: "\(inbox)/\(name)")
}

func dropFile(_ source: String, as name: String, into inbox: String) throws {
    let tmp = "\(inbox)/.\(name).tmp"
    try FileManager.default.copyItem(atPath: source, toPath: tmp)
    try FileManager.default.moveItem(atPath: tmp, toPath: "\(inbox)/\(name)")
}

/// Poll until `condition` returns a value or the deadline passes.
func eventually<T>(timeout: Double = 30, poll: Double = 0.05, _ what: String = "condition",
                   _ condition: () throws -> T?) throws -> T {
    let deadline = Date().addingTimeInterval(timeout)
    while Date() < deadline {
        if let v = try condition() { return v }
        Thread.sleep(forTimeInterval: poll)
    }
    throw TestFailure("timed out after \(timeout)s waiting for \(what)")
}

struct TestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ d: String) { description = d }
}

/// Read a JSON document from the outbox once it exists.
func waitForJSON(_ path: String, timeout: Double = 30) throws -> [String: Any] {
    try eventually(timeout: timeout, "\(path)") { () -> [String: Any]? in
        guard let data = FileManager.default.contents(atPath: path), !data.isEmpty else { return nil }
        return try JSONSerialization.jsonObject(with: data) as? [String: Any]
    }
}

func listDir(_ path: String) -> [String] {
    ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []).filter { !$0.hasPrefix(".") }.sorted()
}

/// A `lumiere daemon` child process on a spool.
final class DaemonProcess {
    let process = Process()
    let spool: String
    let logPath: String
    private let logHandle: FileHandle

    init(spool: String, environment extra: [String: String] = [:], arguments: [String] = []) throws {
        self.spool = spool
        logPath = spool + ".daemon.log"
        FileManager.default.createFile(atPath: logPath, contents: nil)
        logHandle = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
        logHandle.seekToEndOfFile()
        process.executableURL = URL(fileURLWithPath: TestPaths.binary)
        process.arguments = ["daemon", "--spool", spool] + arguments
        var env = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("LUMIERE_") && $0.key != "NOTIFY_SOCKET" && !$0.key.hasPrefix("WATCHDOG_") }
        env["LUMIERE_SPOOL_SETTLE_MS"] = "100"
        env["LUMIERE_SPOOL_RESCAN_MS"] = "500"
        env["LUMIERE_LOG_LEVEL"] = "debug"
        env["LUMIERE_LOG_TARGET"] = "stderr"
        // An empty config file: the test controls every setting through the environment.
        let emptyConfig = spool + ".empty.toml"
        FileManager.default.createFile(atPath: emptyConfig, contents: Data())
        env["LUMIERE_CONFIG"] = emptyConfig
        for (k, v) in extra { env[k] = v }
        process.environment = env
        process.currentDirectoryURL = URL(fileURLWithPath: "/")
        process.standardError = logHandle
        process.standardOutput = logHandle
        try process.run()
    }

    var pid: Int32 { process.processIdentifier }
    var log: String { (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "" }

    func signal(_ sig: Int32) { kill(pid, sig) }

    /// Wait for exit; returns the exit status (or 128+signal).
    @discardableResult
    func wait(timeout: Double = 60) throws -> Int32 {
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.02) }
        if process.isRunning {
            kill(pid, SIGKILL)
            process.waitUntilExit()
            throw TestFailure("daemon did not exit within \(timeout)s; log:\n\(log.suffix(3000))")
        }
        return process.terminationReason == .uncaughtSignal ? 128 + process.terminationStatus : process.terminationStatus
    }

    func stop() throws -> Int32 {
        signal(SIGTERM)
        return try wait()
    }

    func killHard() {
        kill(pid, SIGKILL)
        process.waitUntilExit()
    }

    /// Wait until the daemon has started (its lock file holds its pid and it logged "daemon started").
    func waitUntilStarted(timeout: Double = 30) throws {
        _ = try eventually(timeout: timeout, "daemon start") { () -> Bool? in
            if !process.isRunning { throw TestFailure("daemon exited early; log:\n\(log.suffix(3000))") }
            return log.contains("daemon started") ? true : nil
        }
    }

    deinit {
        if process.isRunning { kill(pid, SIGKILL); process.waitUntilExit() }
        try? logHandle.close()
    }
}

/// A unix datagram socket bound like systemd's notify socket.
final class NotifySocket {
    let path: String
    let fd: Int32

    init(directory: String) throws {
        path = directory + "/notify.sock"
        fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
        guard fd >= 0 else { throw TestFailure("socket() failed") }
        var addr = sockaddr_un()
        addr.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: addr.sun_path) else { throw TestFailure("socket path too long") }
        withUnsafeMutableBytes(of: &addr.sun_path) { raw in
            for (i, b) in bytes.enumerated() { raw[i] = b }
        }
        let rc = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard rc == 0 else { throw TestFailure("bind() failed: \(String(cString: strerror(errno)))") }
    }

    deinit { close(fd); unlink(path) }

    /// Receive messages until `predicate` holds over everything received, or time out.
    func receive(until predicate: ([String]) -> Bool, timeout: Double) -> [String] {
        var messages: [String] = []
        let deadline = Date().addingTimeInterval(timeout)
        var buf = [UInt8](repeating: 0, count: 4096)
        while Date() < deadline && !predicate(messages) {
            var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            if poll(&pfd, 1, 100) > 0 {
                let n = recv(fd, &buf, buf.count, 0)
                if n > 0 { messages.append(String(decoding: buf[0..<n], as: UTF8.self)) }
            }
        }
        return messages
    }
}
