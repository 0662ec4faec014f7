// FuzzyMatcher: corrects small typos in a question's words before tagging ("prce" → price,
// "regoin" → region, "germny" → germany), against the schema's own vocabulary: the words of
// column names and of indexed text values.
//
// Input: the question's tokens and the schema. Output: the tokens with corrected words and one
// `Correction` per change, which the engine states in the interpretation ("assumed "prce"
// means "price"") and which lowers the confidence. Never silent, never a guess between two:
// a word is corrected only when it is at least four letters, matches no lexicon phrase and no
// schema word exactly, and exactly one vocabulary word lies within the length-scaled edit
// distance between singular stems (1 up to 7 letters, 2 from 8; a swap of neighbours counts
// as one edit), starting with the same letter.

struct Correction: Sendable, Equatable {
    var typed: String
    var assumed: String
}

struct FuzzyMatcher: Sendable {
    let schema: SourceSchema

    /// The largest edit distance accepted for a word of this length.
    static func threshold(_ length: Int) -> Int { length >= 8 ? 2 : (length >= 4 ? 1 : 0) }

    /// The schema's words: column-name words and stems, and the lowercased words of indexed
    /// text values (split on anything not a letter or digit).
    func vocabulary(columns: ColumnMatcher) -> Set<String> {
        var words = Set(Lexicon.correctable)
        // Business words too ("milage" is "mileage" or the model "Mirage": a tie, so not
        // corrected, rather than a confident filter on a car model).
        for key in Lexicon.columnSynonyms.keys where key.count >= 4 && !key.contains(" ") { words.insert(key) }
        // Adjectives that name a measure ("oldset", "talest"), when the table has that measure.
        for key in Lexicon.adjectiveMeasures.keys where key.count >= 5 && !key.contains(" ") && columns.hit(forAdjective: key) != nil {
            words.insert(key)
        }
        for column in schema.columns {
            for w in Tokenizer.nameStems(column.name) where w.count >= 3 {
                words.insert(w)
                if let long = Lexicon.abbreviations[w] { words.insert(long) }
            }
            for t in Tokenizer.tokenize(column.name) where t.kind == .word && t.text.count >= 3 { words.insert(t.text) }
            guard column.type == .text, let values = schema.valueIndex.values[column.name] else { continue }
            for value in values {
                for part in value.lowercased().split(whereSeparator: { !$0.isLetter && !$0.isNumber }) where part.count >= 3 {
                    words.insert(String(part))
                }
            }
        }
        return words
    }

    /// Correct the tokens whose text is in `unknown` (words the tagger could not place).
    func correct(_ tokens: [Token], unknown: Set<String>, columns: ColumnMatcher) -> ([Token], [Correction]) {
        let candidates = tokens.indices.filter { i in
            let t = tokens[i]
            guard t.kind == .word, unknown.contains(t.text), Self.threshold(t.text.count) > 0,
                  t.text.allSatisfy(\.isLetter) else { return false }
            if Lexicon.phrases[t.stem] != nil || Lexicon.phrases[t.text] != nil { return false }
            if Lexicon.entityGroups.contains(where: { $0.contains(t.stem) }) { return false }
            if Lexicon.neverIgnored.contains(t.text) || Lexicon.neverCorrected.contains(t.text) { return false }
            return true
        }
        guard !candidates.isEmpty else { return (tokens, []) }
        let vocabulary = vocabulary(columns: columns)
        var out = tokens
        var corrections: [Correction] = []
        for i in candidates {
            let t = out[i]
            if vocabulary.contains(t.text) || vocabulary.contains(t.stem) { continue }
            // Compared as singular stems ("cars" is "car", too short to correct), and a typo
            // rarely hits the first letter.
            let limit = Self.threshold(t.stem.count)
            guard limit > 0, let first = t.stem.first else { continue }
            var best: [String] = []
            var bestDistance = limit + 1
            let a = Array(t.stem)
            for word in vocabulary where word.first == first && abs(word.count - a.count) <= limit + 1 && word.allSatisfy(\.isLetter) {
                let d = Self.distance(a, Array(Tokenizer.singularize(word).0), limit: limit)
                if d < bestDistance { bestDistance = d; best = [word] } else if d == bestDistance { best.append(word) }
            }
            // Singular and plural of the same word are one candidate.
            let distinct = Set(best.map { Tokenizer.singularize($0).0 })
            guard bestDistance <= limit, distinct.count == 1, let word = best.min() else { continue }
            // "smokers" is not a typo of the column `Smoke` but a word made from it (the people
            // who smoke): reading it as the column would count something else.
            let target = Tokenizer.singularize(word).0
            if t.stem.count > target.count, t.stem.hasPrefix(target) || t.stem.hasPrefix(String(target.dropLast())),
               ["r", "er", "ing", "ed", "d", "ist", "or"].contains(where: { t.stem.hasSuffix($0) }) { continue }
            out[i].text = word
            out[i].stem = Tokenizer.singularize(word).0
            corrections.append(Correction(typed: t.text, assumed: word))
        }
        return (out, corrections)
    }

    /// Optimal-string-alignment distance (a swap of neighbours is one edit), capped at limit + 1.
    static func distance(_ a: [Character], _ b: [Character], limit: Int) -> Int {
        if a == b { return 0 }
        let n = a.count, m = b.count
        if abs(n - m) > limit { return limit + 1 }
        var prev2 = [Int](repeating: 0, count: m + 1)
        var prev = Array(0...m)
        var cur = [Int](repeating: 0, count: m + 1)
        for i in 1...n {
            cur[0] = i
            var rowMin = cur[0]
            for j in 1...max(1, m) where m > 0 {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                var v = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] { v = min(v, prev2[j - 2] + 1) }
                cur[j] = v
                rowMin = min(rowMin, v)
            }
            if rowMin > limit { return limit + 1 }
            (prev2, prev, cur) = (prev, cur, prev2)
        }
        return prev[m]
    }
}
