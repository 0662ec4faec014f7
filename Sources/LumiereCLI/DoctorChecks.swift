// DoctorChecks: what `lumiere doctor` checks, each as a line "ok", "note" or "problem"
// (with a "fix:" line saying what to do):
//   config   the file, environment and flags load; engine and [llm] agree
//   spool    every folder exists, is a real directory, and is writable by this user; the
//            state database opens; free space is above spool.min_free_mb; whether a
//            daemon holds the spool
//   llm      prompt templates load; the key's origin (never the key); the endpoint answers
//            GET /models and lists llm.model (where the server has /models); a JSON-mode
//            completion works (or the server rejects it, which Lumiere handles); a trivial
//            question about a three-row table round-trips to the right SQL result through
//            the sandbox; today's budget use.
// LLM requests count against the daily budget (purpose "doctor", and "sql" for the
// round trip). Nothing is written to the spool except the state database's usage counters.

import Foundation
import Logging
import LumiereCore
import LumiereService
import LumiereLLM
import LumiereSpool
import LumiereStore

struct DoctorReport {
    enum Level: String { case ok, note, problem }
    private(set) var lines: [String] = []
    private(set) var problems = 0

    mutating func ok(_ text: String) { add(.ok, text, fix: nil) }
    mutating func note(_ text: String, fix: String? = nil) { add(.note, text, fix: fix) }
    mutating func problem(_ text: String, fix: String?) {
        problems += 1
        add(.problem, text, fix: fix)
    }

    private mutating func add(_ level: Level, _ text: String, fix: String?) {
        lines.append(level.rawValue.padding(toLength: 8, withPad: " ", startingAt: 0) + text)
        if let fix { lines.append("        fix: " + fix) }
    }

    var text: String { lines.joined(separator: "\n") + "\n" }
}

enum DoctorChecks {
    static func spool(_ config: LumiereConfig, store: inout (any StateBackend)?, into report: inout DoctorReport) {
        let layout = SpoolLayout(root: config.spoolDirectory)
        var st = stat()
        guard lstat(layout.root, &st) == 0 else {
            report.problem("spool: \(layout.root) does not exist", fix: "run `lumiere init --spool \(layout.root)`, or set spool.dir")
            return
        }
        var bad = false
        for dir in [layout.inbox, layout.outbox, layout.archive, layout.failed, layout.state, layout.work, layout.sources] {
            if lstat(dir, &st) != 0 {
                report.problem("spool: \(dir) is missing", fix: "run `lumiere init --spool \(layout.root)` (it creates missing folders)")
                bad = true
            } else if (st.st_mode & S_IFMT) != S_IFDIR {
                report.problem("spool: \(dir) is not a directory (a symlink or a file)", fix: "move it away and run `lumiere init`")
                bad = true
            } else if access(dir, W_OK | X_OK) != 0 {
                report.problem("spool: \(dir) is not writable by uid \(getuid())",
                               fix: "run lumiere as the spool's owner, or `chown -R \(getuid()) \(layout.root)`")
                bad = true
            } else if dir == layout.state, st.st_mode & 0o007 != 0 {
                report.note("spool: \(dir) is accessible to other users (mode \(String(st.st_mode & 0o777, radix: 8)))",
                            fix: "chmod 700 \(dir): it holds every source's data")
            }
        }
        if !bad { report.ok("spool: \(layout.root): folders present and writable") }
        var vfs = statvfs()
        if statvfs(layout.root, &vfs) == 0 {
            let freeMB = Int64(vfs.f_bavail) * Int64(vfs.f_frsize) / 1_048_576
            let floor = Int(config.spool.minFreeBytes / (1024 * 1024))
            if freeMB < floor {
                report.problem("spool: \(freeMB) MB free, under spool.min_free_mb (\(floor) MB): intake would pause",
                               fix: "free disk space, or lower spool.min_free_mb")
            } else {
                report.ok("spool: \(freeMB) MB free")
            }
        }
        if config.store.backend == .postgres || FileManager.default.fileExists(atPath: layout.state) {
            do {
                let logger = Logger(label: "lumiere.doctor") { _ in SwiftLogNoOpLogHandler() }
                let opened = try StateBackends.open(config: config, layout: layout, logger: logger)
                store = opened
                report.ok("store: \(opened.backendName) state database \(opened.location) opens")
            } catch {
                report.problem("spool: the state database cannot be opened: \(error.message)", fix: error.hint ?? "check \(layout.state)")
            }
        }
        if let pid = SpoolLock.holder(path: layout.lockFile) {
            report.ok("spool: a daemon is running on it (pid \(pid))")
        } else {
            report.note("spool: no daemon is running on it", fix: "start one with `lumiere daemon` or `systemctl start lumiere`")
        }
    }

    static func llm(_ config: LumiereConfig, store: (any StateBackend)?, into report: inout DoctorReport) {
        let settings = LLMSettings(config: config)
        let environment = ProcessInfo.processInfo.environment
        guard settings.isConfigured else {
            if config.engine == .builtin {
                report.ok("llm: not configured (engine = builtin works offline)")
            } else {
                report.problem("llm: engine = \(config.engine.rawValue) but llm.base_url is empty",
                               fix: "set llm.base_url (e.g. LUMIERE_LLM_BASE_URL=http://127.0.0.1:11434/v1), or engine = builtin")
            }
            return
        }
        do {
            _ = try settings.endpoint("chat/completions")
        } catch {
            report.problem("llm: \(error.message)", fix: error.hint)
            return
        }
        let key: APIKey?
        do {
            key = try APIKey.resolve(settings: settings, environment: environment)
            report.ok("llm: API key: \(key.map { "from the \($0.origin.rawValue)" } ?? "none (fine for local servers)")")
        } catch {
            report.problem("llm: \(error.message)", fix: error.hint)
            return
        }
        let templates: PromptTemplates
        do {
            templates = try PromptTemplates.load(promptDir: settings.promptDir)
            report.ok("llm: prompt templates from \(templates.directory)")
        } catch {
            report.problem("llm: \(error.message)", fix: error.hint)
            return
        }
        let ledger: any LLMBudgetLedger = store.map { StateStoreLLMLedger(store: $0) } ?? InMemoryLLMLedger()
        var logger = Logger(label: "lumiere.doctor") { _ in SwiftLogNoOpLogHandler() }
        logger.logLevel = .critical
        let client = LLMClient(settings: settings, key: key, ledger: ledger, logger: logger)
        let endpoint = LLMClient.displayBaseForDoctor(settings.baseURL)

        switch client.listModels() {
        case .failure(let e):
            report.problem("llm: \(endpoint): \(e.message)", fix: e.hint)
            return
        case .success(nil):
            report.note("llm: \(endpoint) has no GET /models; cannot check that \(settings.model) exists")
        case .success(let models?):
            // Ollama lists "llama3.2:latest" for "llama3.2".
            if models.contains(where: { $0 == settings.model || $0 == settings.model + ":latest" }) {
                report.ok("llm: \(endpoint) is reachable and serves model \(settings.model)")
            } else if models.count == 1 {
                // llama-server lists the one model it loaded (by file name) and ignores the name asked for.
                report.note("llm: \(endpoint) serves only \(models[0]), not \(settings.model); a single-model server (llama-server) ignores llm.model",
                            fix: "set llm.model to \(models[0]) if the server does not")
            } else {
                report.problem("llm: \(endpoint) does not list model \(settings.model) (it has: \(models.prefix(10).joined(separator: ", "))\(models.count > 10 ? ", …" : ""))",
                               fix: "set llm.model to one of them (Ollama: `ollama pull \(settings.model)` first)")
            }
        }

        let reply = client.chat([.system("You answer with one JSON object and nothing else."),
                                 .user("Reply with the JSON object {\"ok\": true}.")],
                                purpose: "doctor", temperature: 0)
        switch reply.content {
        case .failure(let e):
            report.problem("llm: a chat completion failed: \(e.message)", fix: e.hint)
            return
        case .success(let content):
            let parsed = (try? ModelAnswer.object(content)) != nil
            if client.supportsJSONMode == false {
                report.note("llm: the server rejects JSON mode (response_format); Lumiere sends its prompts without it")
            } else if parsed {
                report.ok("llm: JSON mode works (\(Int(reply.call.latencyMs)) ms)")
            }
            if !parsed {
                report.problem("llm: the model did not answer a JSON object when asked for one",
                               fix: "use a model that follows instructions better (llm.model)")
            }
        }

        roundTrip(LLMEngine(client: client, templates: templates), into: &report)
        if let store, let usage = try? store.llmUsage(day: LLMBudgetDay.string(Date())) {
            let requests = settings.dailyRequestBudget > 0 ? " of \(settings.dailyRequestBudget)" : ""
            let tokens = settings.dailyTokenBudget > 0 ? " of \(settings.dailyTokenBudget)" : ""
            report.ok("llm: budget today (UTC): \(usage.requests)\(requests) requests, \(usage.tokens)\(tokens) tokens")
        }
    }

    /// "What is the total amount?" over a three-row table must give 10.
    static func roundTrip(_ engine: LLMEngine, into report: inout DoctorReport) {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("lumiere-doctor-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        do {
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            let csv = dir + "/fruit.csv"
            try "item,amount\napples,3\npears,5\nplums,2\n".write(toFile: csv, atomically: true, encoding: .utf8)
            let outcome = try SourceIngestor.ingest(inputPath: csv, gzip: false, databasePath: dir + "/fruit.sqlite", limits: IngestLimits())
            let schema = SourceSchema(rowCount: outcome.profile.rowCount, columns: outcome.profile.columns, valueIndex: outcome.valueIndex)
            let executor = try SandboxedExecutor(databasePath: dir + "/fruit.sqlite")
            var usage = engine.newUsage()
            let dialect = SQLDialect(sqliteVersion: SandboxDialect.sqliteVersion, functions: SandboxDialect.allowedFunctions)
            let result = engine.writeSQL(question: "What is the total amount?", schema: schema, dialect: dialect, usage: &usage) { sql in
                Result { () throws(LumiereError) in try executor.run(sql) }
            }
            switch result {
            case .failure(let f):
                report.problem("llm: a trivial question did not round-trip: \(f.error.message)",
                               fix: f.unavailable ? (f.error.hint ?? "check the server") : "use a stronger model (llm.model)")
            case .success(let s):
                let value = s.result.rows.first?.first?.doubleValue
                if s.result.rows.count == 1, value == 10 {
                    report.ok("llm: a trivial question round-trips (\(usage.calls.count) call\(usage.calls.count == 1 ? "" : "s"), \(usage.promptTokens + usage.completionTokens) tokens): \(s.sql)")
                } else {
                    report.problem("llm: a trivial question gave a wrong answer (expected 10): \(s.sql)",
                                   fix: "use a stronger model (llm.model)")
                }
            }
        } catch {
            report.problem("llm: cannot set up the round-trip check: \(error)", fix: nil)
        }
    }
}
