// Headless Chromium for tests: finds the binary and Debian's Chart.js, runs one page with
// a deadline, and collects the DOM, stderr and console errors. Tests are skipped (with a
// message) when Chromium is not installed; set LUMIERE_CHROMIUM / LUMIERE_CHARTJS to point
// at other installs.

import Foundation

enum Browser {
    static let chromium: String? = {
        let env = ProcessInfo.processInfo.environment
        let candidates = [env["LUMIERE_CHROMIUM"], "/usr/bin/chromium", "/usr/bin/chromium-browser",
                          "/usr/bin/google-chrome", "/usr/bin/google-chrome-stable"].compactMap { $0 }
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) }
    }()

    /// Chart.js as Debian's libjs-chart.js ships it (v3 as chart.min.js; v4 as chart.umd.js).
    static let chartJS: String? = {
        let env = ProcessInfo.processInfo.environment
        let candidates = [env["LUMIERE_CHARTJS"], "/usr/share/javascript/chart.js/chart.umd.js",
                          "/usr/share/javascript/chart.js/chart.min.js", "/usr/share/javascript/chart.js/Chart.min.js"]
            .compactMap { $0 }
        return candidates.first { FileManager.default.isReadableFile(atPath: $0) }
    }()

    struct Run {
        var dom: String
        var stderr: String
        var status: Int32
        var timedOut: Bool

        /// Console errors and uncaught exceptions Chromium logged (including CSP refusals).
        var consoleErrors: [String] {
            stderr.split(separator: "\n").map(String.init).filter { line in
                line.contains("Uncaught") || line.contains(":ERROR:CONSOLE") || line.contains("Refused to")
                    || (line.contains("CONSOLE") && line.contains("\"Error"))
            }
        }
    }

    /// Load `file` headless and dump its DOM after scripts ran (virtual time), or take a
    /// screenshot when `screenshot` is given.
    static func load(_ file: URL, in dir: URL, screenshot: URL? = nil, timeout: TimeInterval = 120) throws -> Run {
        guard let chromium else { throw BrowserError("no chromium") }
        let out = dir.appendingPathComponent("chromium.out"), err = dir.appendingPathComponent("chromium.err")
        guard FileManager.default.createFile(atPath: out.path, contents: nil),
              FileManager.default.createFile(atPath: err.path, contents: nil) else { throw BrowserError("cannot create output files") }
        let outHandle = try FileHandle(forWritingTo: out), errHandle = try FileHandle(forWritingTo: err)
        defer { try? outHandle.close(); try? errHandle.close() }

        var args = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                    "--no-default-browser-check", "--disable-extensions", "--disable-background-networking",
                    "--user-data-dir=\(dir.appendingPathComponent("profile").path)",
                    "--enable-logging=stderr", "--v=0", "--virtual-time-budget=5000"]
        if let screenshot {
            args += ["--screenshot=\(screenshot.path)", "--window-size=1024,1700", "--hide-scrollbars"]
        } else {
            args.append("--dump-dom")
        }
        args.append(file.absoluteString)

        let process = Process()
        process.executableURL = URL(fileURLWithPath: chromium)
        process.arguments = args
        process.standardOutput = outHandle
        process.standardError = errHandle
        process.currentDirectoryURL = dir
        try process.run()
        let deadline = Date().addingTimeInterval(timeout)
        var timedOut = false
        while process.isRunning {
            if Date() > deadline { process.terminate(); timedOut = true; break }
            usleep(50_000)
        }
        process.waitUntilExit()
        return Run(dom: (try? String(contentsOf: out, encoding: .utf8)) ?? "",
                   stderr: (try? String(contentsOf: err, encoding: .utf8)) ?? "",
                   status: process.terminationStatus, timedOut: timedOut)
    }
}

struct BrowserError: Error, CustomStringConvertible {
    let description: String
    init(_ d: String) { description = d }
}

/// A fresh temporary directory for one test, removed afterwards.
func withTemporaryDirectory<T>(_ body: (URL) throws -> T) throws -> T {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("lumiere-browser-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    return try body(dir)
}

func occurrences(of needle: String, in text: String) -> Int {
    text.components(separatedBy: needle).count - 1
}
