// SQLStatementCheck: a first, cheap check of SQL written by a model, before the sandboxed
// executor (which stays the authority): after comments, the statement must start with
// SELECT or WITH, and nothing but whitespace, comments and semicolons may follow its end.
// The scanner knows SQLite's quoting ('text', "identifier", `identifier`, [identifier]) and
// comments (-- to end of line, /* */), so a ';' inside a string does not count.
// Output: the statement without trailing semicolons. Failure: `forbidden_sql` saying why.

import LumiereCore

public enum SQLStatementCheck {
    public static func singleSelect(_ sql: String) throws(LumiereError) -> String {
        let bytes = Array(sql.utf8)
        var i = 0
        var firstWord: String?
        var wordStart: Int?
        var end: Int?  // index of the first top-level ';'
        func forbidden(_ why: String) -> LumiereError {
            LumiereError(.forbiddenSQL, why, hint: "answer one SELECT (or WITH ... SELECT) statement over table data")
        }
        func isWord(_ c: UInt8) -> Bool {
            (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A) || (c >= 0x30 && c <= 0x39) || c == UInt8(ascii: "_")
        }
        scan: while i < bytes.count {
            let c = bytes[i]
            if firstWord == nil, let start = wordStart, !isWord(c) {
                firstWord = String(decoding: bytes[start..<i], as: UTF8.self).uppercased()
            }
            switch c {
            case UInt8(ascii: "-") where i + 1 < bytes.count && bytes[i + 1] == UInt8(ascii: "-"):
                while i < bytes.count && bytes[i] != 0x0A { i += 1 }
            case UInt8(ascii: "/") where i + 1 < bytes.count && bytes[i + 1] == UInt8(ascii: "*"):
                i += 2
                while i + 1 < bytes.count && !(bytes[i] == UInt8(ascii: "*") && bytes[i + 1] == UInt8(ascii: "/")) { i += 1 }
                i += 2
            case UInt8(ascii: "'"), UInt8(ascii: "\""), UInt8(ascii: "`"), UInt8(ascii: "["):
                if firstWord == nil { throw forbidden("the statement must start with SELECT or WITH") }
                let close = c == UInt8(ascii: "[") ? UInt8(ascii: "]") : c
                i += 1
                while i < bytes.count {
                    if bytes[i] == close {
                        // Doubled quotes escape themselves ('it''s'); brackets do not.
                        if close != UInt8(ascii: "]"), i + 1 < bytes.count, bytes[i + 1] == close { i += 2; continue }
                        break
                    }
                    i += 1
                }
                if i >= bytes.count { throw forbidden("the statement has an unterminated quote") }
                i += 1
            case UInt8(ascii: ";"):
                if firstWord == nil { throw forbidden("the statement must start with SELECT or WITH") }
                end = i
                break scan
            default:
                if firstWord == nil && wordStart == nil {
                    if isWord(c) {
                        wordStart = i
                    } else if !(c == 0x20 || (c >= 0x09 && c <= 0x0D) || c == UInt8(ascii: "(")) {
                        throw forbidden("the statement must start with SELECT or WITH")
                    }
                }
                i += 1
            }
        }
        if firstWord == nil, let start = wordStart {
            firstWord = String(decoding: bytes[start..<min(i, bytes.count)], as: UTF8.self).uppercased()
        }
        guard let word = firstWord else { throw forbidden("the SQL is empty") }
        guard word == "SELECT" || word == "WITH" else {
            throw forbidden("only SELECT statements are allowed (the model wrote \(word.prefix(20)))")
        }
        guard let end else { return sql.trimmingCharacters(in: .whitespacesAndNewlines) }
        // After the first ';' only blanks, comments and more semicolons.
        var j = end
        while j < bytes.count {
            let c = bytes[j]
            if c == UInt8(ascii: ";") || c == 0x20 || (c >= 0x09 && c <= 0x0D) { j += 1; continue }
            if c == UInt8(ascii: "-"), j + 1 < bytes.count, bytes[j + 1] == UInt8(ascii: "-") {
                while j < bytes.count && bytes[j] != 0x0A { j += 1 }
                continue
            }
            if c == UInt8(ascii: "/"), j + 1 < bytes.count, bytes[j + 1] == UInt8(ascii: "*") {
                j += 2
                while j + 1 < bytes.count && !(bytes[j] == UInt8(ascii: "*") && bytes[j + 1] == UInt8(ascii: "/")) { j += 1 }
                j += 2
                continue
            }
            throw forbidden("only one statement is allowed")
        }
        return String(decoding: bytes[..<end], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
