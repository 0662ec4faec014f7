// lumiere-bench: benchmarks for Lumiere, one subcommand per benchmark.
//
// Inputs: argv. Outputs: tables on stdout. Failure modes: exits non-zero with `error:`.
// The root command is only configuration; later benchmarks (analyst, ...) are added as
// further subcommands in their own files.

import ArgumentParser

@main
struct LumiereBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lumiere-bench",
        abstract: "Benchmarks for Lumiere.",
        subcommands: [IngestBenchmark.self, IngestOne.self, Generate.self])
}
