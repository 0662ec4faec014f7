// swift-tools-version:6.1
// Lumiere: plain-English questions over CSV files, as a spool-driven daemon and a CLI.
//
// Layering (dependencies point one way):
//   lumiere (executable) → LumiereCLI, LumiereDaemon → LumiereService
//     → LumiereSpool / LumiereStore / LumiereLLM → LumiereCore
// LumiereService is the application layer both front ends share (the request pipeline,
// management actions, engine selection, intake, the spool lock, retention); LumiereDaemon
// is the long-running process around it (small services in a swift-service-lifecycle
// ServiceGroup: inbox, worker pool, housekeeping, status, watchdog, signals; systemd);
// only the executable imports
// LumiereDaemon (`lumiere daemon`, Sources/lumiere/DaemonCommand.swift).
// C libraries each sit in one thin wrapper target: SQLite through GRDB's GRDBSQLite,
// libsystemd in CSystemd, zlib in CZlibShim, libcurl in CCurl (imported by LumiereLLM only).
import PackageDescription

let strict: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
]

let package = Package(
    name: "Lumiere",
    products: [
        .executable(name: "lumiere", targets: ["lumiere"]),
        .executable(name: "lumiere-bench", targets: ["lumiere-bench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/weichsel/ZIPFoundation", from: "0.9.20"),
    ],
    targets: [
        // C wrappers: one module per system library.
        .systemLibrary(name: "CSystemd", pkgConfig: "libsystemd", providers: [.apt(["libsystemd-dev"])]),
        // Not named CZlib: ZIPFoundation ships a module of that name, and clang module names must not clash.
        .systemLibrary(name: "CZlibShim", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        .target(name: "CSQLiteShim", linkerSettings: [.linkedLibrary("sqlite3")]),
        .systemLibrary(name: "CCurl", pkgConfig: "libcurl", providers: [.apt(["libcurl4-openssl-dev"])]),

        // Pure core: no I/O, Foundation only.
        .target(name: "LumiereCore", swiftSettings: strict),

        // SQLite: state database (GRDB), per-source databases, ingest, sandboxed executor.
        .target(
            name: "LumiereStore",
            dependencies: [
                "LumiereCore", "CZlibShim", "CSQLiteShim",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                // Excel .xlsx uploads: the ZIP container (Ingest/XLSX*).
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
            ],
            swiftSettings: strict),

        // PostgreSQL (issue 13): the same queue, catalog and history for several daemons on
        // several hosts, through postgres-nio. Only this target imports PostgresNIO.
        .target(
            name: "LumiereStorePostgres",
            dependencies: [
                "LumiereCore", "LumiereStore",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict),

        // The spool: inotify + rescan, safe opening, claiming, atomic writes, quarantine.
        .target(
            name: "LumiereSpool",
            dependencies: ["LumiereCore", .product(name: "Logging", package: "swift-log")],
            swiftSettings: strict),

        // The LLM engine: an OpenAI-compatible chat-completions client over libcurl, prompt
        // templates, strict parsing of model answers. The only importer of CCurl.
        .target(
            name: "LumiereLLM",
            dependencies: ["LumiereCore", "CCurl", .product(name: "Logging", package: "swift-log")],
            swiftSettings: strict),

        // The application layer: the request pipeline (ingest, question → SQL → result, chart,
        // insight), management actions, engine selection, intake (inbox → work area + job row),
        // the spool lock, retention, metrics. Used by the daemon and by the CLI's direct mode.
        .target(
            name: "LumiereService",
            dependencies: [
                "LumiereCore", "LumiereStore", "LumiereStorePostgres", "LumiereSpool", "LumiereLLM",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict),

        // The daemon: small services (inbox, worker pool, housekeeping, status, watchdog, signals)
        // built in DaemonBuilder and run by swift-service-lifecycle's ServiceGroup; systemd integration.
        .target(
            name: "LumiereDaemon",
            dependencies: [
                "LumiereService", "LumiereCore", "LumiereStore", "LumiereSpool", "LumiereLLM", "CSystemd",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strict),

        // The command line: one subcommand per file.
        .target(
            name: "LumiereCLI",
            dependencies: [
                "LumiereCore", "LumiereStore", "LumiereSpool", "LumiereService", "LumiereLLM",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict),

        // The executable: the root command, and `lumiere daemon` (the one importer of LumiereDaemon).
        .executableTarget(
            name: "lumiere",
            dependencies: ["LumiereCLI", "LumiereDaemon", "LumiereCore",
                           .product(name: "ArgumentParser", package: "swift-argument-parser")],
            swiftSettings: strict),
        .executableTarget(
            name: "lumiere-bench",
            dependencies: ["LumiereCore", "LumiereStore", "LumiereService", "LumiereSpool", "LumiereLLM", "LumiereTestSupport",
                           .product(name: "ArgumentParser", package: "swift-argument-parser"),
                           .product(name: "Logging", package: "swift-log")],
            swiftSettings: strict),

        .testTarget(name: "LumiereCoreTests", dependencies: ["LumiereCore"],
                    resources: [.copy("Fixtures")], swiftSettings: strict),
        .testTarget(name: "LumiereStoreTests", dependencies: ["LumiereStore", "LumiereCore", "LumiereTestSupport"],
                    resources: [.copy("Fixtures")], swiftSettings: strict),
        // The builtin analyst's regression suite: questions over fixture tables, checked by
        // executing the generated SQL against a reference query's result.
        // Corpus2 … Corpus7: blind questions over real public tables (CorpusN/SOURCES.md), through the real ingest.
        .testTarget(name: "LumiereAnalystTests", dependencies: ["LumiereCore", "LumiereStore"],
                    resources: [.copy("Fixtures"), .copy("Corpus2"), .copy("Corpus3"), .copy("Corpus4"), .copy("Corpus5"), .copy("Corpus6"), .copy("Corpus7")], swiftSettings: strict),
        // Reports and Chart.js configs loaded in headless Chromium (skipped without it).
        .testTarget(name: "LumiereBrowserTests", dependencies: ["LumiereCore"], swiftSettings: strict),
        .testTarget(name: "LumiereDaemonTests",
                    dependencies: ["LumiereDaemon", "LumiereService", "LumiereSpool", "LumiereStore", "LumiereCore", "LumiereCLI",
                                   "LumiereLLM", "LumiereTestSupport"],
                    exclude: ["Fixtures"], swiftSettings: strict),
        // Test support shared by test targets: a scripted HTTP/1.1 server on loopback that
        // plays an OpenAI-compatible LLM server (Glibc sockets).
        // Also real .xlsx workbooks for the Excel tests, zipped with ZIPFoundation.
        .target(name: "LumiereTestSupport", dependencies: [.product(name: "ZIPFoundation", package: "ZIPFoundation")],
                path: "Tests/LumiereTestSupport", swiftSettings: strict),
        // The store contract on both backends (SQLite, and a real PostgreSQL 15 started by
        // scripts/pg-test-server), claim races, a SIGKILLed claimer, a server restart.
        .testTarget(name: "LumiereStorePostgresTests",
                    dependencies: ["LumiereStorePostgres", "LumiereStore", "LumiereCore", "LumiereTestSupport",
                                   "lumiere-pg-claimer", .product(name: "Logging", package: "swift-log")],
                    swiftSettings: strict),
        // A claimer process for those tests: claims jobs, holds their leases, waits to be killed.
        .executableTarget(name: "lumiere-pg-claimer",
                          dependencies: ["LumiereStorePostgres", "LumiereStore", "LumiereCore",
                                         .product(name: "Logging", package: "swift-log")],
                          path: "Tests/LumierePGClaimer", swiftSettings: strict),
        // The LLM client and engine through real libcurl against that server.
        .testTarget(name: "LumiereLLMTests", dependencies: ["LumiereLLM", "LumiereCore", "LumiereTestSupport"],
                    swiftSettings: strict),
    ]
)

// Fuzz targets (scripts/fuzz), declared only when LUMIERE_FUZZ=1: they are built with
// `-sanitize=fuzzer,address` in their own --build-path, and their main() hands control to
// libFuzzer, so a plain `swift build` / `swift test` must never see them.
if Context.environment["LUMIERE_FUZZ"] == "1" {
    package.targets.append(.executableTarget(
        name: "lumiere-fuzz", dependencies: ["LumiereCore", "LumiereStore"], path: "Fuzz/Sources",
        swiftSettings: strict))
}
