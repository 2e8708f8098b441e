// swift-tools-version: 6.0
import PackageDescription

let package = Package(
    name: "Consciousness",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "consciousness", targets: ["consciousness"]),
        .executable(name: "ollama-sim", targets: ["ollama-sim"]),
        .executable(name: "consciousness-bench", targets: ["consciousness-bench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
    ],
    targets: [
        // The pure core: parse, analyze, forecast, evolve, report. No I/O but reading
        // the log file, no clock, no HTTP, no systemd.
        .target(name: "FeedbackLoop", dependencies: ["CQuoteIndex", "CLogWindow"]),
        // The scanner's quote index in SSE2 (header-only, inlined into the scanner).
        .target(name: "CQuoteIndex"),
        // The log read through mapped windows, a SIGBUS past a truncation turned into
        // zeros and a mark (the read is then done again), not a crash.
        .target(name: "CLogWindow"),
        // Durable state: buckets, checkpoint, proposals, cycles — SQLite through GRDB.
        // sqlite3_db_config's options, which Swift cannot pass (the function is variadic).
        .target(name: "CSQLiteOptions", linkerSettings: [.linkedLibrary("sqlite3")]),
        .target(name: "StateStore", dependencies: [
            "FeedbackLoop", "CSQLiteOptions",
            .product(name: "GRDB", package: "GRDB.swift"),
            // sqlite3_column_* on GRDB's own statements, for the hourly bucket read.
            .product(name: "GRDBSQLite", package: "GRDB.swift"),
        ]),
        // One cycle, stage by stage: the seam the command line and the daemon share.
        .target(name: "Cycle", dependencies: ["FeedbackLoop", "StateStore"]),
        // libsystemd's headers (libsystemd-dev): sd_notify, sd_watchdog_enabled, sd_journal_sendv.
        // Not linked: `LibSystemd` opens libsystemd.so.0 when the daemon first needs it.
        .systemLibrary(name: "CSystemd", providers: [.apt(["libsystemd-dev"])]),
        // systemd integration: readiness/status/watchdog notifications and a journald log handler.
        .target(name: "Systemd", dependencies: [
            "CSystemd", .product(name: "Logging", package: "swift-log"),
        ]),
        // The long-running service: configuration, schedule, the supervisor actor.
        .target(name: "Daemon", dependencies: [
            "FeedbackLoop", "StateStore", "Cycle", "Systemd", "Trinity", "Workers", "Approval", "CBuildVersion",
            .product(name: "Logging", package: "swift-log"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            .product(name: "UnixSignals", package: "swift-service-lifecycle"),
        ]),
        // The Hybrid Trinity: the Ollama client (loopback-only, every call under a lease)
        // and the memory governor, the single owner of load and unload decisions.
        .target(name: "Trinity", dependencies: [
            "FeedbackLoop",
            .product(name: "AsyncHTTPClient", package: "async-http-client"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "NIOFoundationCompat", package: "swift-nio"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        // The Trinity at work in a cycle: Controller, embedder and Builder (and the
        // Architect at the morning report), each call under a governor lease.
        .target(name: "Workers", dependencies: [
            "Cycle", "FeedbackLoop", "StateStore", "Trinity", .product(name: "Logging", package: "swift-log"),
        ]),
        // An Ollama-API simulator on loopback, for tests and demos: real HTTP, real
        // streaming, simulated load times and memory, injectable faults.
        .target(name: "OllamaSimulator", dependencies: [
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "NIOHTTP1", package: "swift-nio"),
            .product(name: "NIOFoundationCompat", package: "swift-nio"),
        ]),
        .executableTarget(name: "ollama-sim", dependencies: [
            "OllamaSimulator", .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        // The tests' one way to talk to "Ollama": a simulator in a scope (withSimulator { }).
        .target(name: "SimulatorTestKit", dependencies: [
            "OllamaSimulator", "Trinity", .product(name: "Logging", package: "swift-log"),
        ]),
        // Synthetic violation logs with known rates, for `make run`, tests and benchmarks.
        .target(name: "SampleLog", dependencies: ["FeedbackLoop"]),
        // A program run to completion with its output collected: git, systemctl.
        .target(name: "ProcessRunner"),
        // `proposals approve`: a proposal committed on a new branch of the agent
        // framework's repository with git plumbing, the decision recorded in the store.
        .target(name: "Approval", dependencies: ["FeedbackLoop", "StateStore", "ProcessRunner"]),
        // `doctor`: the deployment checklist's checks, each with its fix.
        .target(name: "Doctor", dependencies: ["Daemon", "FeedbackLoop", "Trinity", "Workers", "ProcessRunner"]),
        // The version `git describe` gave at `make` (build_version.h, written by the
        // Makefile; "unknown" for a build without it).
        .target(name: "CBuildVersion"),
        // The person's side of the running daemon: a small HTTP API on a Unix socket
        // (Hummingbird), its client (async-http-client over http+unix), and the views
        // both it and the command line print (status, reports, proposals).
        .target(name: "Control", dependencies: [
            "FeedbackLoop", "StateStore", "Cycle", "Daemon", "Approval", "Doctor", "CBuildVersion",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "HTTPTypes", package: "swift-http-types"),
            .product(name: "AsyncHTTPClient", package: "async-http-client"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "NIOHTTP1", package: "swift-nio"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
        ]),
        .executableTarget(name: "consciousness", dependencies: [
            "FeedbackLoop", "StateStore", "Cycle", "SampleLog", "Daemon", "Systemd", "Trinity", "Workers",
            "Approval", "Doctor", "Control", "CBuildVersion",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
        ]),
        // The governor and vector-memory micro-benchmarks, for `make bench`.
        .executableTarget(name: "consciousness-bench", dependencies: [
            "Cycle", "Daemon", "FeedbackLoop", "OllamaSimulator", "SampleLog", "StateStore", "Trinity", "Workers",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        .testTarget(name: "FeedbackLoopTests", dependencies: ["FeedbackLoop", "SampleLog"]),
        .testTarget(name: "StateStoreTests", dependencies: [
            "StateStore", "Cycle", "FeedbackLoop", "SampleLog", .product(name: "GRDB", package: "GRDB.swift"),
        ]),
        .testTarget(name: "OllamaSimulatorTests", dependencies: [
            "OllamaSimulator", .product(name: "AsyncHTTPClient", package: "async-http-client"),
        ]),
        .testTarget(name: "TrinityTests", dependencies: ["Trinity", "OllamaSimulator", "SimulatorTestKit"]),
        .testTarget(name: "WorkersTests", dependencies: [
            "Workers", "Cycle", "StateStore", "FeedbackLoop", "Trinity", "OllamaSimulator", "SampleLog", "SimulatorTestKit",
            .product(name: "Logging", package: "swift-log"),
        ]),
        .testTarget(name: "DaemonTests", dependencies: ["Daemon", "Systemd", "FeedbackLoop", "StateStore", "Cycle"]),
        .testTarget(name: "ApprovalTests", dependencies: ["Approval", "StateStore", "FeedbackLoop"]),
        .testTarget(name: "DoctorTests", dependencies: ["Doctor", "Daemon", "Trinity", "OllamaSimulator"]),
        .testTarget(name: "ConsciousnessTests", dependencies: ["SampleLog", "StateStore", "FeedbackLoop", "Daemon", "OllamaSimulator"]),

    ],
    swiftLanguageModes: [.v6]
)
