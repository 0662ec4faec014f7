// Option groups the management commands share (besides ConfigOptions' --config, --spool
// and --set): which tenant a command acts for, JSON output, and how long to wait for
// the daemon when a command is handed to it as a request file.

import ArgumentParser

public struct TenantOptions: ParsableArguments {
    @Option(name: .long, help: "The tenant to act for (the name of its folder in inbox/); only with tenants enabled.")
    public var tenant: String?

    public init() {}
}

public struct OutputOptions: ParsableArguments {
    @Flag(name: .long, help: "Print the result document (lumiere.result/1, as the daemon writes it) instead of text.")
    public var json = false

    public init() {}
}

public struct WaitOptions: ParsableArguments {
    @Option(name: .long, help: "Seconds to wait for the daemon's answer when the command goes through it (default 120).")
    public var timeout: Double = 120

    public init() {}

    public func validate() throws {
        if !(timeout > 0 && timeout <= 86_400) { throw ValidationError("--timeout takes seconds, from 0 to 86400") }
    }
}
