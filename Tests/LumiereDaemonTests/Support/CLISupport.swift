// Running the real `lumiere` binary as a command line user would, and reading the daemon's
// outbox documents, for the end-to-end management tests.

import Foundation
import Testing

struct CLIResult {
    var status: Int32
    var stdout: String
    var stderr: String

    var json: [String: Any]? {
        (try? JSONSerialization.jsonObject(with: Data(stdout.utf8))) as? [String: Any]
    }
}

/// Run `lumiere ARGS` with an empty config file (the test sets everything through the
/// environment) and wait for it to exit.
@discardableResult
func runCLI(_ arguments: [String], environment extra: [String: String] = [:], timeout: Double = 120) throws -> CLIResult {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: TestPaths.binary)
    process.arguments = arguments
    var env = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("LUMIERE_") && $0.key != "NOTIFY_SOCKET" }
    let emptyConfig = FileManager.default.temporaryDirectory.appendingPathComponent("lumiere-cli-empty.toml").path
    if !FileManager.default.fileExists(atPath: emptyConfig) { FileManager.default.createFile(atPath: emptyConfig, contents: Data()) }
    env["LUMIERE_CONFIG"] = emptyConfig
    for (k, v) in extra { env[k] = v }
    process.environment = env
    // Output goes to files, and the wait is for the process to exit. With pipes the test
    // waited for EOF, which never comes while another test's child (a daemon spawned by a
    // parallel test at the same moment) has inherited the pipe's write end: CI saw `lumiere
    // init` "not finish within 120 s" at the start of a run, though it passes in 2 s alone.
    let dir = FileManager.default.temporaryDirectory.path
    let out = "\(dir)/lumiere-cli-\(UUID().uuidString).stdout", err = "\(dir)/lumiere-cli-\(UUID().uuidString).stderr"
    FileManager.default.createFile(atPath: out, contents: nil)
    FileManager.default.createFile(atPath: err, contents: nil)
    defer { try? FileManager.default.removeItem(atPath: out); try? FileManager.default.removeItem(atPath: err) }
    let outHandle = try FileHandle(forWritingTo: URL(fileURLWithPath: out))
    let errHandle = try FileHandle(forWritingTo: URL(fileURLWithPath: err))
    defer { try? outHandle.close(); try? errHandle.close() }
    process.standardOutput = outHandle
    process.standardError = errHandle
    try process.run()
    let deadline = Date().addingTimeInterval(timeout)
    while process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.01) }
    if process.isRunning {
        process.terminate()
        process.waitUntilExit()
        throw TestFailure("lumiere \(arguments.joined(separator: " ")) did not finish within \(timeout)s")
    }
    process.waitUntilExit()
    let read = { (p: String) in String(decoding: FileManager.default.contents(atPath: p) ?? Data(), as: UTF8.self) }
    return CLIResult(status: process.terminationStatus, stdout: read(out), stderr: read(err))
}

/// Drop a request and wait for its result document (in a tenant's folders when given).
func ask(_ json: String, as name: String, spool: String, tenant: String? = nil, timeout: Double = 30) throws -> [String: Any] {
    let sub = tenant.map { "/\($0)" } ?? ""
    try FileManager.default.createDirectory(atPath: "\(spool)/inbox\(sub)", withIntermediateDirectories: true)
    try drop(json, as: "\(name).json", into: "\(spool)/inbox\(sub)")
    return try waitForJSON("\(spool)/outbox\(sub)/\(name).result.json", timeout: timeout)
}

extension Dictionary where Key == String, Value == Any {
    var errorCode: String? { (self["error"] as? [String: Any])?["code"] as? String }
    var errorMessage: String? { (self["error"] as? [String: Any])?["message"] as? String }
    var dataObject: [String: Any] { self["data"] as? [String: Any] ?? [:] }
    var status: String? { self["status"] as? String }
}

/// A JSON number as a Double (JSONSerialization gives NSNumber).
func num(_ value: Any?) -> Double? { (value as? NSNumber)?.doubleValue }
