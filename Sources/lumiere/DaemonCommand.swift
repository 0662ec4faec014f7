// `lumiere daemon`: run the spool daemon in the foreground (systemd's Type=notify unit, or
// a terminal). Exits 0 after a clean SIGTERM drain.

import ArgumentParser
import Foundation
import LumiereCLI
import LumiereCore
import LumiereDaemon

struct DaemonCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "daemon",
        abstract: "Watch the spool's inbox and process uploads and questions.")

    @OptionGroup var options: ConfigOptions

    @Option(name: .long, help: "Worker threads (overrides workers; 0 = one per CPU).")
    var workers: Int?

    @Option(name: .long, help: "Log level: trace, debug, info, notice, warning, error, critical.")
    var logLevel: String?

    func run() async throws {
        var extra: [String: String] = [:]
        if let workers { extra["workers"] = String(workers) }
        if let logLevel { extra["log.level"] = logLevel }
        let config: LumiereConfig
        do { config = try options.load(extra: extra) } catch { throw fail(error) }
        let logger = LumiereLogging.makeLogger(level: config.log.level, target: config.log.target)
        let (path, set, spool, overrides) = (options.configPath, options.set, options.spool, extra)
        let daemon = Daemon(config: config, logger: logger, reloadConfig: { () throws(LumiereError) in
            try ConfigOptions.load(path: path, set: set, spool: spool, extra: overrides)
        })
        let code = await daemon.run()
        if code != 0 { throw ExitCode(code) }
    }
}
