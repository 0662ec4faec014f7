// `lumiere config`: print the effective configuration as documented TOML (or the defaults,
// which is how config/lumiere.toml is generated).

import ArgumentParser
import LumiereCore

struct ConfigCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config",
        abstract: "Print the effective configuration (file + environment + flags) as TOML.")

    @OptionGroup var options: ConfigOptions

    @Flag(name: .long, help: "Print the built-in defaults instead (the shipped config/lumiere.toml).")
    var defaults = false

    func run() throws {
        do {
            let config = defaults ? LumiereConfig() : try options.load()
            print(config.renderTOML(header: LumiereConfig.fileHeader), terminator: "")
        } catch {
            throw fail(error)
        }
    }
}
