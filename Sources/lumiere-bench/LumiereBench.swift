// lumiere-bench: benchmarks for Lumiere, one subcommand per benchmark.
//
// Inputs: argv. Outputs: tables on stdout. Failure modes: exits non-zero with `error:`.
// The root command is only configuration; each benchmark is a subcommand in its own file.

import ArgumentParser

@main
struct LumiereBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lumiere-bench",
        abstract: "Benchmarks for Lumiere.",
        subcommands: [IngestBenchmark.self, IngestOne.self, AnalystBenchmark.self, LLMBenchmark.self, Generate.self])
}
