// Naming rules of the spool protocol: which inbox names are ignored, what kind of input a
// name is, and the names derived from it (source name, result file names).

public enum InputKind: String, Sendable, Equatable {
    case upload, request
}

/// How an upload's bytes are read, by its extension.
public enum UploadFormat: String, Sendable, Equatable, Codable {
    /// `.csv`, `.tsv`, `.csv.gz`: delimited text.
    case csv
    /// `.jsonl`, `.jsonl.gz`: JSON Lines, one object per line.
    case jsonl
    /// `.xlsx`: an Excel workbook (Office Open XML); one sheet becomes the table.
    case xlsx
}

public enum SpoolNames {
    /// Names a writer uses while a file is incomplete: dotfiles (rsync's `.name.XXXXXX`,
    /// NiFi), `*.tmp`, `*.part`, `*.partial`, `*~`. The daemon never touches them.
    public static func isIgnored(_ name: String) -> Bool {
        if name.hasPrefix(".") || name.hasSuffix("~") { return true }
        let lower = name.lowercased()
        return lower.hasSuffix(".tmp") || lower.hasSuffix(".part") || lower.hasSuffix(".partial")
    }

    /// Upload extensions, longest first (so `.csv.gz` is found before `.gz` would be).
    public static let uploadExtensions: [(suffix: String, format: UploadFormat)] = [
        (".jsonl.gz", .jsonl), (".csv.gz", .csv), (".jsonl", .jsonl), (".xlsx", .xlsx), (".csv", .csv), (".tsv", .csv),
    ]

    /// The hint of `unsupported_file`: what may be dropped into the inbox.
    public static let supportedFilesHint =
        "drop .csv, .tsv, .csv.gz, .jsonl, .jsonl.gz or .xlsx files to upload data and .json files to ask questions"

    /// The kind of input by extension; nil for anything else (refused as unsupported_file).
    public static func kind(of name: String) -> InputKind? {
        if uploadFormat(of: name) != nil { return .upload }
        if name.lowercased().hasSuffix(".json") { return .request }
        return nil
    }

    /// The format of an upload by its extension; nil when the name is not an upload.
    public static func uploadFormat(of name: String) -> UploadFormat? {
        let lower = name.lowercased()
        return uploadExtensions.first { lower.hasSuffix($0.suffix) }?.format
    }

    public static func isGzip(_ name: String) -> Bool { name.lowercased().hasSuffix(".gz") }

    /// The file name without its recognised extension (`sales.csv.gz` → `sales`).
    public static func stem(of name: String) -> String {
        let lower = name.lowercased()
        for ext in uploadExtensions.map(\.suffix) + [".json"] where lower.hasSuffix(ext) && name.count > ext.count {
            return String(name.dropLast(ext.count))
        }
        return name
    }

    /// The source name an upload creates: the stem, with anything but letters, digits,
    /// `_`, `-` and `.` replaced by `_` (so names are safe in paths and SQL comments). For a
    /// workbook named `SOURCE#SHEET.xlsx`, the part before the `#`.
    public static func sourceName(forUpload name: String) -> String {
        let s = stem(of: name)
        if uploadFormat(of: name) == .xlsx, let hash = s.firstIndex(of: "#"), hash != s.startIndex {
            return sanitize(String(s[..<hash]))
        }
        return sanitize(s)
    }

    /// Longest sheet name a workbook upload's name may carry (Excel's own limit is 31).
    public static let maxSheetNameLength = 100

    /// The sheet a workbook upload asks for: `budget#Q3 2024.xlsx` reads sheet "Q3 2024" as
    /// source `budget` (`#` never occurs in a source name, so the split is unambiguous); nil
    /// for other names (the first sheet). Untrusted text: an empty or overlong sheet part is
    /// refused with `unknown_sheet`.
    public static func sheet(forUpload name: String) throws(LumiereError) -> String? {
        guard uploadFormat(of: name) == .xlsx else { return nil }
        let s = stem(of: name)
        guard let hash = s.firstIndex(of: "#"), hash != s.startIndex else { return nil }
        let sheet = String(s[s.index(after: hash)...])
        guard !sheet.isEmpty, sheet.count <= maxSheetNameLength else {
            throw LumiereError(.unknownSheet, sheet.isEmpty ? "the sheet name after \"#\" is empty"
                                   : "the sheet name after \"#\" is over \(maxSheetNameLength) characters",
                               hint: "name the upload SOURCE#SHEET.xlsx, e.g. budget#Q3.xlsx, or drop the #SHEET part for the first sheet")
        }
        return sheet
    }

    public static func sanitize(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            let ok = (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || scalar == "_" || scalar == "-" || scalar == ".")
            out.unicodeScalars.append(ok ? scalar : "_")
        }
        while out.hasPrefix(".") { out.removeFirst() }
        if out.isEmpty { out = "source" }
        return String(out.prefix(120))
    }

    /// The outbox document for an input: `<stem>.result.json` for requests,
    /// `<stem>.source.json` for uploads, `<name>.result.json` for refused files (their full
    /// name, so `x.txt` cannot collide with `x.json`).
    public static func resultName(forInput name: String, kind: InputKind?) -> String {
        switch kind {
        case .upload?: return stem(of: name) + ".source.json"
        case .request?: return stem(of: name) + ".result.json"
        case nil: return name + ".result.json"
        }
    }

    public static func reportName(forInput name: String) -> String {
        stem(of: name) + ".report.html"
    }
}
