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
    let out = Pipe(), err = Pipe()
    process.standardOutput = out
    process.standardError = err
    try process.run()
    // Read while it runs, so a large output cannot block it on a full pipe.
    let captured = Captured()
    let group = DispatchGroup()
    for (pipe, isOut) in [(out, true), (err, false)] {
        group.enter()
        DispatchQueue.global().async {
            let data = pipe.fileHandleForReading.readDataToEndOfFile()
            captured.set(data, stdout: isOut)
            group.leave()
        }
    }
    if group.wait(timeout: .now() + timeout) == .timedOut {
        process.terminate()
        throw TestFailure("lumiere \(arguments.joined(separator: " ")) did not finish within \(timeout)s")
    }
    process.waitUntilExit()
    let (stdout, stderr) = captured.both
    return CLIResult(status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
                     stderr: String(decoding: stderr, as: UTF8.self))
}

/// Both pipes' bytes, filled from two reader threads.
private final class Captured: @unchecked Sendable {
    // @unchecked: every access goes through `lock`.
    private let lock = NSLock()
    private var out = Data(), err = Data()

    func set(_ data: Data, stdout: Bool) { lock.withLock { if stdout { out = data } else { err = data } } }
    var both: (Data, Data) { lock.withLock { (out, err) } }
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
