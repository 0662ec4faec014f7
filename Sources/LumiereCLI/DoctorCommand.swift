// `lumiere doctor`: check the configuration, the spool and the LLM endpoint end to end, and
// say what is wrong and how to fix it (DoctorChecks). Exit 0 when nothing is wrong, 1 when
// something is, 78 when the configuration itself does not load.

import ArgumentParser
import Foundation
import LumiereCore
import LumiereStore

struct DoctorCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "doctor",
        abstract: "Check the configuration, the spool and the LLM endpoint; print what is wrong and how to fix it.")

    @OptionGroup var options: ConfigOptions

    func run() throws {
        var report = DoctorReport()
        let config: LumiereConfig
        do {
            config = try options.load()
            report.ok("config: \(options.configPath ?? "no file (built-in defaults)"); engine = \(config.engine.rawValue)")
        } catch {
            report.problem("config: \(error.message)", fix: error.hint)
            print(report.text, terminator: "")
            throw ExitCode(78)
        }
        var store: (any StateBackend)?
        DoctorChecks.spool(config, store: &store, into: &report)
        DoctorChecks.llm(config, store: store, into: &report)
        print(report.text, terminator: "")
        if report.problems > 0 {
            print("\(report.problems) problem\(report.problems == 1 ? "" : "s") found")
            throw ExitCode(1)
        }
        print("no problems found")
    }
}
