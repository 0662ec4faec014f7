// The unit file under a real systemd manager: a throwaway container booted with
// `systemd-nspawn -D / --volatile=yes` (the host's /usr, a tmpfs for everything else)
// runs Fixtures/nspawn-inside.sh, which installs Lumiere with scripts/install and checks
// READY, STATUS, the credential (also used as the LLM key against a loopback server), the
// hardening, the watchdog and the SIGTERM drain.
// Also the static checks: `systemd-analyze verify` and `security --offline`.

import Foundation
import Testing

private func which(_ tool: String) -> String? {
    for dir in ["/usr/bin", "/bin", "/usr/sbin", "/sbin"] where FileManager.default.isExecutableFile(atPath: "\(dir)/\(tool)") {
        return "\(dir)/\(tool)"
    }
    return nil
}

/// Directories outside `/usr` that the binary loads shared libraries from (a toolchain in
/// `/opt/swift`, say). `--volatile=yes` gives the container only the host's `/usr`, so a
/// debug build linked against the toolchain's runtime would not start there without them.
private func libraryDirectoriesOutsideUsr(of binary: String) throws -> [String] {
    guard let ldd = which("ldd") else { return [] }
    let r = try run(ldd, [binary])
    var dirs: [String] = []
    for line in r.out.split(separator: "\n") {
        guard let arrow = line.range(of: "=> /") else { continue }
        let path = line[line.index(before: arrow.upperBound)...].split(separator: " ").first.map(String.init) ?? ""
        let dir = URL(fileURLWithPath: path).resolvingSymlinksInPath().deletingLastPathComponent().path
        if !dir.hasPrefix("/usr/") && !dirs.contains(dir) { dirs.append(dir) }
    }
    return dirs
}

private let canBootContainer = which("systemd-nspawn") != nil && getuid() == 0
    && FileManager.default.fileExists(atPath: "/usr/lib/systemd/systemd")

private func run(_ tool: String, _ args: [String], timeout: Double = 60) throws -> (status: Int32, out: String, err: String) {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: tool)
    p.arguments = args
    let out = Pipe(), err = Pipe()
    p.standardOutput = out
    p.standardError = err
    try p.run()
    let deadline = Date().addingTimeInterval(timeout)
    // Drain pipes while waiting so a chatty child cannot block.
    var o = Data(), e = Data()
    while p.isRunning && Date() < deadline {
        Thread.sleep(forTimeInterval: 0.05)
    }
    if p.isRunning { p.terminate(); Thread.sleep(forTimeInterval: 1); kill(p.processIdentifier, SIGKILL) }
    p.waitUntilExit()
    o = out.fileHandleForReading.readDataToEndOfFile()
    e = err.fileHandleForReading.readDataToEndOfFile()
    return (p.terminationStatus, String(decoding: o, as: UTF8.self), String(decoding: e, as: UTF8.self))
}

@Suite("systemd unit")
struct SystemdUnitTests {
    static let unit = TestPaths.packageRoot + "/systemd/lumiere.service"

    @Test("systemd-analyze verify prints nothing", .enabled(if: which("systemd-analyze") != nil, "systemd-analyze is not installed"))
    func verify() throws {
        // verify checks that ExecStart's binary exists: point a copy at the built binary.
        try withTemporaryDirectory { dir in
            let text = try String(contentsOfFile: Self.unit, encoding: .utf8)
                .replacingOccurrences(of: "/usr/local/bin/lumiere", with: TestPaths.binary)
            try text.write(toFile: dir + "/lumiere.service", atomically: true, encoding: .utf8)
            let r = try run(which("systemd-analyze")!, ["verify", dir + "/lumiere.service"])
            #expect(r.err.isEmpty, "systemd-analyze verify: \(r.err)")
            #expect(r.status == 0)
        }
    }

    @Test("exposure is 1.5 or lower", .enabled(if: which("systemd-analyze") != nil, "systemd-analyze is not installed"))
    func security() throws {
        let r = try run(which("systemd-analyze")!, ["security", "--offline=true", Self.unit])
        let line = try #require((r.out + r.err).split(separator: "\n").first { $0.contains("Overall exposure level") })
        let score = line.split(separator: " ").compactMap { Double($0) }.first
        #expect(score != nil && score! <= 1.5, "\(line)")
    }

    @Test("under a real systemd: READY, STATUS, credential, hardening, watchdog, SIGTERM drain",
          .enabled(if: canBootContainer, "systemd-nspawn (Debian package systemd-container) is unavailable or not root; skipped"),
          .timeLimit(.minutes(5)))
    func bootedContainer() throws {
        try withTemporaryDirectory { dir in
            let out = dir + "/out"
            try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
            let binDir = URL(fileURLWithPath: TestPaths.binary).deletingLastPathComponent().path
            let machine = "lumiere-test-\(getpid())"
            let runtimeBinds = try libraryDirectoriesOutsideUsr(of: TestPaths.binary).map { "--bind-ro=\($0)" }
            let r = try run(which("systemd-nspawn")!, runtimeBinds + [
                "-D", "/", "--volatile=yes", "--keep-unit", "--register=no", "--machine=\(machine)",
                "--bind-ro=\(TestPaths.packageRoot):/lumiere-src", "--bind-ro=\(binDir):/lumiere-bin",
                "--bind=\(out):/lumiere-out",
                "-b", "systemd.firstboot=off",
                "systemd.run=/lumiere-src/Tests/LumiereDaemonTests/Fixtures/nspawn-inside.sh",
                "systemd.run_success_action=poweroff", "systemd.run_failure_action=poweroff",
            ], timeout: 240)
            let results = (try? String(contentsOfFile: out + "/results.txt", encoding: .utf8)) ?? ""
            let trace = (try? String(contentsOfFile: out + "/trace.txt", encoding: .utf8)) ?? ""
            let journal = (try? String(contentsOfFile: out + "/journal.txt", encoding: .utf8)) ?? ""
            let context = "nspawn exit \(r.status)\nresults:\n\(results)\ntrace:\n\(trace.suffix(4000))\njournal:\n\(journal.suffix(4000))\nconsole:\n\(r.out.suffix(2000))"
            #expect(results.contains("done"), "the check script did not finish\n\(context)")
            let expected = ["install", "link", "start", "active", "status_text", "credential", "key_not_logged",
                            "journal_fields", "answer", "archived", "prompts_installed", "llm_answer", "key_not_stored",
                            "spool_writable", "etc_readonly", "usr_readonly",
                            "home_hidden", "no_caps", "watchdog_restart", "watchdog_logged", "restarts", "stop",
                            "clean_exit", "drained", "stopped_logged"]
            for name in expected {
                #expect(results.contains("ok \(name)\n"), "check \(name) failed\n\(context)")
            }
        }
    }
}
