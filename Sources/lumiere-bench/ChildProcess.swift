// ChildProcess: runs a command and measures its wall time and peak RSS.
//
// Inputs: an executable path and arguments. Outputs: exit status, wall seconds, and
// peak resident set size (the child's VmHWM from /proc, sampled every 2 ms while it
// runs; the mark only grows, so the last sample is within 2 ms of the end).
// Child stdout goes to /dev/null unless asked.
// Failure modes: throws when the process cannot be started.

import Foundation

struct ChildRun {
    var status: Int32
    var seconds: Double
    var peakRSSBytes: Int64
}

enum ChildProcess {
    static func run(_ executable: String, _ arguments: [String], quiet: Bool = true) throws -> ChildRun {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        if quiet {
            posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        }
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let start = monotonicSeconds()
        let rc = posix_spawn(&pid, executable, &actions, nil, argv, environ)
        guard rc == 0 else {
            throw CocoaError(.executableLoad, userInfo: [NSLocalizedDescriptionKey: "cannot start \(executable): \(String(cString: strerror(rc)))"])
        }
        // Peak RSS: wait4's ru_maxrss is useless here, because posix_spawn's vfork makes
        // Linux carry this (large) process's high-water mark into the child across exec.
        // The child's own VmHWM is exact and monotonic, so poll it until the child exits.
        var status: Int32 = 0
        var peakKiB: Int64 = 0
        while true {
            let rc = waitpid(pid, &status, WNOHANG)
            if rc == pid { break }
            if rc < 0 && errno != EINTR { break }
            peakKiB = max(peakKiB, highWaterMarkKiB(pid))
            usleep(2000)
        }
        let seconds = monotonicSeconds() - start
        let exit = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        return ChildRun(status: exit, seconds: seconds, peakRSSBytes: peakKiB * 1024)
    }

    /// VmHWM of a live process, in KiB (0 once it has exited).
    static func highWaterMarkKiB(_ pid: pid_t) -> Int64 {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return 0 }
        for line in text.split(separator: "\n") where line.hasPrefix("VmHWM:") {
            return Int64(line.split(separator: " ").dropFirst().first.map(String.init) ?? "") ?? 0
        }
        return 0
    }

    static func monotonicSeconds() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }

    /// This executable's path, for re-running itself as a child.
    static var selfPath: String {
        var buffer = [CChar](repeating: 0, count: 4096)
        let n = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        return n > 0 ? String(decoding: buffer[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self) : CommandLine.arguments[0]
    }

    /// The first `name` on PATH.
    static func which(_ name: String) -> String? {
        for dir in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":") {
            let candidate = "\(dir)/\(name)"
            if access(candidate, X_OK) == 0 { return candidate }
        }
        return nil
    }
}
