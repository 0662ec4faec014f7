// PromptTemplates: the four prompt files (sql.txt, repair.txt, chart.txt, insight.txt) read
// from `llm.prompt_dir`, or when that is empty from the first of ./config/prompts,
// /etc/lumiere/prompts, /usr/local/share/lumiere/prompts, PREFIX/share/lumiere/prompts
// beside the executable's PREFIX/bin (scripts/install puts them there), or a
// `config/prompts` folder above the executable (a checkout's build).
//
// File format: optional `#` comment lines, then `[system]` and `[user]` sections (repair.txt
// needs only `[user]`: it continues the SQL conversation). `{{name}}` placeholders are
// replaced in one pass — text substituted in (a question, a column name) is never scanned
// again, so a question containing "{{schema}}" stays as typed.
// Failure modes: `config_error` naming the file for a missing file or section, an unknown
// placeholder, or a missing required one.

import Foundation
import LumiereCore

public struct PromptTemplate: Sendable, Equatable {
    public var name: String
    public var system: String?
    public var user: String

    /// The messages with placeholders filled in.
    public func render(_ values: [String: String]) -> [ChatMessage] {
        var messages: [ChatMessage] = []
        if let system { messages.append(.system(Self.fill(system, values))) }
        messages.append(.user(Self.fill(user, values)))
        return messages
    }

    static func fill(_ text: String, _ values: [String: String]) -> String {
        var out = ""
        var rest = text[...]
        while let open = rest.range(of: "{{") {
            out += rest[..<open.lowerBound]
            guard let close = rest[open.upperBound...].range(of: "}}") else {
                rest = rest[open.lowerBound...]
                break
            }
            let name = String(rest[open.upperBound..<close.lowerBound])
            out += values[name] ?? ""
            rest = rest[close.upperBound...]
        }
        out += rest
        return out
    }

    static func placeholders(in text: String) -> Set<String> {
        var names: Set<String> = []
        var rest = text[...]
        while let open = rest.range(of: "{{"), let close = rest[open.upperBound...].range(of: "}}") {
            names.insert(String(rest[open.upperBound..<close.lowerBound]))
            rest = rest[close.upperBound...]
        }
        return names
    }
}

public struct PromptTemplates: Sendable, Equatable {
    public var sql: PromptTemplate
    public var repair: PromptTemplate
    public var chart: PromptTemplate
    public var insight: PromptTemplate
    /// Where they were read from.
    public var directory: String
    /// FNV-1a 64 of the four files: result provenance names the prompt set used.
    public var digest: String

    /// Placeholders each template may use, and those it must use.
    static let allowed: [String: (known: Set<String>, required: Set<String>)] = [
        "sql": (["schema", "row_count", "table", "sqlite_version", "functions", "question"], ["schema", "question"]),
        "repair": (["schema", "row_count", "table", "sqlite_version", "functions", "question", "sql", "error"], ["error"]),
        "chart": (["question", "interpretation", "sql", "columns", "rows", "row_count", "rows_sent", "chart_types"], ["rows"]),
        "insight": (["question", "interpretation", "sql", "columns", "rows", "row_count", "rows_sent"], ["rows"]),
    ]

    /// The directories searched when `llm.prompt_dir` is empty, in order.
    public static func searchPath(executable: String = CommandLine.arguments.first ?? "") -> [String] {
        var dirs = ["config/prompts", "/etc/lumiere/prompts", "/usr/local/share/lumiere/prompts"]
        var url = URL(fileURLWithPath: executable).resolvingSymlinksInPath().deletingLastPathComponent()
        // An install under a prefix: PREFIX/bin/lumiere next to PREFIX/share/lumiere/prompts.
        dirs.append(url.deletingLastPathComponent().appendingPathComponent("share/lumiere/prompts").path)
        for _ in 0..<6 where url.path != "/" {
            dirs.append(url.appendingPathComponent("config/prompts").path)
            url.deleteLastPathComponent()
        }
        return dirs
    }

    /// Load from `promptDir`, or from the first directory of the search path that has sql.txt.
    public static func load(promptDir: String) throws(LumiereError) -> PromptTemplates {
        if !promptDir.isEmpty { return try load(directory: promptDir) }
        let candidates = searchPath()
        guard let dir = candidates.first(where: { FileManager.default.fileExists(atPath: $0 + "/sql.txt") }) else {
            throw LumiereError(.configError, "the LLM prompt templates were not found (looked in \(candidates.prefix(3).joined(separator: ", ")), and above the executable)",
                               hint: "set llm.prompt_dir to a folder with sql.txt, repair.txt, chart.txt and insight.txt (the repository's config/prompts)")
        }
        return try load(directory: dir)
    }

    public static func load(directory: String) throws(LumiereError) -> PromptTemplates {
        var loaded: [String: PromptTemplate] = [:]
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for name in ["sql", "repair", "chart", "insight"] {
            let path = "\(directory)/\(name).txt"
            guard let data = FileManager.default.contents(atPath: path) else {
                throw LumiereError(.configError, "cannot read the prompt template \(path)",
                                   hint: "llm.prompt_dir must hold sql.txt, repair.txt, chart.txt and insight.txt")
            }
            for byte in data { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3 }
            loaded[name] = try parse(String(decoding: data, as: UTF8.self), name: name, path: path)
        }
        let hex = String(hash, radix: 16)
        return PromptTemplates(sql: loaded["sql"]!, repair: loaded["repair"]!, chart: loaded["chart"]!,
                               insight: loaded["insight"]!, directory: directory,
                               digest: String(repeating: "0", count: 16 - hex.count) + hex)
    }

    static func parse(_ text: String, name: String, path: String) throws(LumiereError) -> PromptTemplate {
        var sections: [String: [String]] = [:]
        var current: String?
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed == "[system]" || trimmed == "[user]" {
                current = String(trimmed.dropFirst().dropLast())
                if sections[current!] != nil {
                    throw LumiereError(.configError, "\(path): section \(trimmed) appears twice", hint: nil)
                }
                sections[current!] = []
                continue
            }
            guard let current else {
                if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
                throw LumiereError(.configError, "\(path): text before the first [system] or [user] section",
                                   hint: "start the file with [system] (optional) and [user]; lines before them may be # comments")
            }
            sections[current]!.append(String(line))
        }
        func body(_ key: String) -> String? {
            sections[key].map { $0.joined(separator: "\n").trimmingCharacters(in: .whitespacesAndNewlines) }
        }
        guard let user = body("user"), !user.isEmpty else {
            throw LumiereError(.configError, "\(path) has no [user] section", hint: "add a [user] section with the prompt")
        }
        let system = body("system").flatMap { $0.isEmpty ? nil : $0 }
        let used = PromptTemplate.placeholders(in: (system ?? "") + "\n" + user)
        let rules = allowed[name]!
        if let unknown = used.subtracting(rules.known).sorted().first {
            throw LumiereError(.configError, "\(path) uses the unknown placeholder {{\(unknown)}}",
                               hint: "known here: \(rules.known.sorted().map { "{{\($0)}}" }.joined(separator: ", "))")
        }
        if let missing = rules.required.subtracting(used).sorted().first {
            throw LumiereError(.configError, "\(path) does not use {{\(missing)}}", hint: "the prompt needs it to work")
        }
        return PromptTemplate(name: name, system: system, user: user)
    }
}
