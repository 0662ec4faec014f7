// Tokenizer: turns question text (and column names, and data values) into normalized tokens.
//
// Input: any string, including hostile text (quotes, SQL, control characters, emoji).
// Output: `[Token]` — lowercase, diacritics folded, punctuation dropped; numbers ("1,200",
// "$1.5k", "20%") and ISO dates ("2024-03-01", "2024-03") become typed tokens; comparison
// symbols (>, >=, <, <=, =) are kept. Words carry a singular `stem` so "categories" and
// "Category" meet. Nothing here fails: characters it does not understand are separators.
// The same function normalizes schema names and values, so both sides compare alike.

import Foundation

/// A calendar date that may be known only to the year or the month ("2024", "2024-03").
struct PartialDate: Sendable, Equatable, Hashable {
    var year: Int
    var month: Int?
    var day: Int?
}

struct Token: Sendable, Equatable {
    enum Kind: Sendable, Equatable {
        case word
        case number
        case date
        case symbol
    }

    var kind: Kind
    /// Normalized text: lowercase, diacritics folded.
    var text: String
    /// Singular form for words ("categories" → "category"); the text otherwise.
    var stem: String
    var number: Double?
    var date: PartialDate?
    /// True when a word looked plural ("products", "people").
    var isPlural: Bool = false
    /// True when the number had a 4-digit integer shape that could be a year (1900–2100).
    var couldBeYear: Bool = false
}

enum Tokenizer {
    /// Lowercase, fold diacritics and typographic quotes.
    static func normalize(_ text: String) -> String {
        // Fast path: plain ASCII needs only lowercasing (value indexes are mostly ASCII).
        if text.utf8.allSatisfy({ $0 < 0x80 }) { return text.lowercased() }
        return text.folding(options: [.caseInsensitive, .diacriticInsensitive, .widthInsensitive], locale: nil)
            .lowercased()
    }

    static func tokenize(_ raw: String) -> [Token] {
        let chars = Array(normalize(raw))
        var tokens: [Token] = []
        var i = 0
        func isDigit(_ c: Character) -> Bool { c.isASCII && c.isNumber }
        func isWordChar(_ c: Character) -> Bool { c.isLetter || isDigit(c) }

        while i < chars.count {
            let c = chars[i]
            // A comma separates list items ("product, region and sales"); kept as a symbol.
            if c == "," {
                tokens.append(Token(kind: .symbol, text: ",", stem: ","))
                i += 1
                continue
            }
            // Comparison symbols.
            if c == ">" || c == "<" || c == "=" || c == "!" {
                var s = String(c)
                if i + 1 < chars.count, chars[i + 1] == "=" { s.append("="); i += 1 }
                i += 1
                if s == "!" { continue }
                tokens.append(Token(kind: .symbol, text: s, stem: s))
                continue
            }
            // Dates: YYYY-MM-DD, YYYY/MM/DD, YYYY-MM.
            if isDigit(c), let (date, len) = scanDate(chars, i) {
                let text = String(chars[i..<(i + len)])
                tokens.append(Token(kind: .date, text: text, stem: text, date: date))
                i += len
                continue
            }
            // A minus sign right before digits, after a space: a negative number ("below -50").
            var negative = false
            if c == "-", i + 1 < chars.count, isDigit(chars[i + 1]), i == 0 || chars[i - 1].isWhitespace {
                negative = true
                i += 1
            }
            // Numbers: optional currency sign, digits with thousands commas, decimals, k/m suffix, %.
            let startsNumber = negative || isDigit(chars[i])
                || ((c == "$" || c == "€" || c == "£") && i + 1 < chars.count && isDigit(chars[i + 1]))
                || (c == "." && i + 1 < chars.count && isDigit(chars[i + 1]) && (i == 0 || !isWordChar(chars[i - 1])))
            if startsNumber {
                var j = i
                if !isDigit(chars[j]) && chars[j] != "." { j += 1 }
                var digits = ""
                var sawDot = false
                while j < chars.count {
                    let d = chars[j]
                    if isDigit(d) { digits.append(d); j += 1; continue }
                    if d == ",", !digits.isEmpty, !sawDot,
                       (1...3).allSatisfy({ j + $0 < chars.count && isDigit(chars[j + $0]) }),
                       !(j + 4 < chars.count && isDigit(chars[j + 4])) {
                        j += 1; continue
                    }
                    if d == ".", !sawDot, j + 1 < chars.count, isDigit(chars[j + 1]) {
                        sawDot = true; digits.append("."); j += 1; continue
                    }
                    break
                }
                var value = Double(digits) ?? 0
                let integerShape = !sawDot && digits.count == 4
                // Suffixes: k / m (thousand / million) when not followed by more letters; %.
                if j < chars.count, chars[j] == "k" || chars[j] == "m",
                   !(j + 1 < chars.count && chars[j + 1].isLetter) {
                    value *= chars[j] == "k" ? 1_000 : 1_000_000
                    j += 1
                } else if j < chars.count, chars[j] == "%" {
                    j += 1
                }
                // Ordinals (1st, 2nd) and glued words (3pm): the letters belong to the number.
                if j < chars.count, chars[j].isLetter {
                    let rest = String(chars[j...].prefix(while: { $0.isLetter }))
                    if ["st", "nd", "rd", "th"].contains(rest) { j += rest.count }
                }
                if negative { value = -value }
                let text = (negative ? "-" : "") + String(chars[i..<j])
                var t = Token(kind: .number, text: text, stem: text, number: value)
                t.couldBeYear = integerShape && value >= 1900 && value <= 2100 && !text.hasPrefix("$")
                tokens.append(t)
                i = j
                continue
            }
            // Words: letters and digits.
            if isWordChar(c) {
                var j = i
                while j < chars.count, isWordChar(chars[j]) { j += 1 }
                let word = String(chars[i..<j])
                let (stem, plural) = singularize(word)
                tokens.append(Token(kind: .word, text: word, stem: stem, isPlural: plural))
                i = j
                continue
            }
            i += 1
        }
        return tokens
    }

    /// Scan an ISO-like date starting at `i`; returns the date and the length consumed.
    private static func scanDate(_ chars: [Character], _ i: Int) -> (PartialDate, Int)? {
        func digits(_ from: Int, _ n: Int) -> Int? {
            guard from + n <= chars.count else { return nil }
            var v = 0
            for k in from..<(from + n) {
                guard chars[k].isASCII, let d = chars[k].wholeNumberValue else { return nil }
                v = v * 10 + d
            }
            return v
        }
        guard let year = digits(i, 4), i + 4 < chars.count, chars[i + 4] == "-" || chars[i + 4] == "/" else {
            return nil
        }
        let sep = chars[i + 4]
        guard let month = digits(i + 5, 2), (1...12).contains(month) else { return nil }
        // Not followed by a further digit.
        if i + 7 < chars.count, chars[i + 7].isNumber { return nil }
        if i + 7 < chars.count, chars[i + 7] == sep, let day = digits(i + 8, 2), (1...31).contains(day) {
            if i + 10 < chars.count, chars[i + 10].isNumber { return nil }
            return (PartialDate(year: year, month: month, day: day), 10)
        }
        return (PartialDate(year: year, month: month, day: nil), 7)
    }

    private static let irregular: [String: String] = [
        "people": "person", "men": "man", "women": "woman", "children": "child",
        "data": "data", "media": "media", "criteria": "criterion", "indices": "index",
        "analyses": "analysis", "statuses": "status", "quantities": "quantity", "genera": "genus",
    ]
    /// Words that end in s but are not plurals.
    private static let notPlural: Set<String> = [
        "status", "bus", "gas", "plus", "minus", "bonus", "campus", "census", "corpus", "virus",
        "analysis", "basis", "axis", "this", "its", "his", "is", "was", "has", "does", "yes", "us",
        "series", "species", "news", "vs", "across", "less", "loss", "process", "address", "class",
        "business", "success", "access", "gross", "express", "miss", "boss", "glass", "pass",
        "always", "perhaps", "whereas", "thus", "previous", "various", "famous", "ios", "os", "kms",
        "lbs", "hrs", "mins", "secs", "chassis", "diagnosis", "thesis", "apparatus", "alias",
    ]

    /// A light English singularizer: enough to meet "categories"/"Category", "sales"/"sale".
    static func singularize(_ word: String) -> (String, Bool) {
        if let s = irregular[word] { return (s, s != word) }
        guard word.count > 3, word.hasSuffix("s"), !notPlural.contains(word), !word.hasSuffix("ss"),
              !word.hasSuffix("us"), !word.hasSuffix("is"), word.last!.isLetter
        else { return (word, false) }
        if word.hasSuffix("ies") { return (String(word.dropLast(3)) + "y", true) }
        for suffix in ["ches", "shes", "xes", "zzes", "sses"] where word.hasSuffix(suffix) {
            return (String(word.dropLast(2)), true)
        }
        return (String(word.dropLast()), true)
    }

    /// The stems of a schema name or value: "Customer_Type" → ["customer", "type"],
    /// "Salary ($)" → ["salary"], "unitPrice" → ["unit", "price"].
    static func nameStems(_ name: String) -> [String] {
        // Split camelCase before normalizing.
        var spaced = ""
        var previous: Character?
        for c in name {
            if let p = previous, p.isLowercase, c.isUppercase { spaced.append(" ") }
            spaced.append(c)
            previous = c
        }
        return tokenize(spaced).map { $0.kind == .word ? $0.stem : $0.text }
    }
}
