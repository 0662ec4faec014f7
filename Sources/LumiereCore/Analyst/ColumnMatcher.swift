// ColumnMatcher: matches phrases of a question to the schema's column names.
//
// Input: a `SourceSchema`; then token stems of a question span. Output: the best column for
// the span with how it matched (whole name, a synonym from the business lexicon, or one word
// of a longer name), plus equally good alternatives — more than one column means ambiguity.
// Case, underscores, spaces, camelCase, plurals, units ("weight_kg", "Salary ($)") and common
// abbreviations ("qty", "dept") do not matter. Never invents a column: every name comes from
// the schema.

struct ColumnHit: Sendable, Equatable {
    enum Strength: Int, Sendable, Comparable {
        case partial = 1, synonym = 2, full = 3
        static func < (a: Strength, b: Strength) -> Bool { a.rawValue < b.rawValue }
    }
    /// The chosen column's exact schema name.
    var column: String
    var strength: Strength
    /// Other columns that fit the words about as well (including `column`), when ambiguous.
    var alternatives: [String]
}

struct ColumnMatcher: Sendable {
    struct Entry: Sendable {
        var profile: ColumnProfile
        /// Stem sequences that name the column in full.
        var fullNames: [[String]]
        /// Single stems that name part of it ("customer" in Customer_Type).
        var parts: [String]
        /// Stems of the whole name (abbreviations expanded), for synonyms.
        var stems: [String]
        /// The name's letters and digits run together, lowercased ("bodywt", "solarr").
        var joined: String

        /// Dates, and identifiers unique to each row ("Appointment ID"): a word of their name
        /// ("appointments") means the rows. An identifier shared by rows (`device_id`) is a
        /// category and can be named by its word ("per device").
        var isKeyOrDate: Bool {
            if profile.type.isTemporal { return true }
            guard stems.contains("id") || stems.contains("key") || stems.contains("uuid") else { return false }
            return profile.distinctCount + profile.nullCount >= rowCount
        }
        var rowCount: Int
    }

    let entries: [Entry]

    /// Unit and filler words dropped from names to get a shorter full name ("weight_kg").
    static let unitWords: Set<String> = [
        "kg", "kgs", "lb", "lbs", "g", "usd", "eur", "gbp", "km", "mi", "cm", "mm", "m", "pct",
        "c", "f", "sec", "min", "minute", "hr", "h", "in", "$", "€", "£", "num", "no", "nr",
        "number", "amt", "value", "val", "total", "is", "has", "flag", "yn", "bool", "v", "volt", "on", "at",
    ]
    /// Name words that alone are too generic to identify a column.
    static let weakParts: Set<String> = ["is", "has", "id", "of", "the", "a", "no", "number", "nr", "num", "flag"]

    /// The last word of the source's name, lowercased letters only ("mtcars", "diamonds",
    /// "weather" for "seattle_weather"), or "".
    let sourceNoun: String

    /// True when some text column names each row once (`column_1` of state names, `title`):
    /// the rows are things with names, so a plural noun in a row position ("how many states")
    /// names them. Set once in `init`: it is asked for every unmatched word.
    let hasLabelColumn: Bool

    /// True when a question's noun (a singular stem) names what a row of this source is: the
    /// source's name ends in its plural ("cars" in "mtcars", "diamonds") or is it. At least
    /// three letters, so "s" or "es" never match by accident.
    func namesRows(_ stem: String) -> Bool {
        guard stem.count >= 3, !sourceNoun.isEmpty else { return false }
        // "films" over `movies`: another word for the same rows.
        for group in Lexicon.rowNounSynonyms where group.contains(stem) {
            if group.contains(where: { $0 != stem && namesRowsByName($0) }) { return true }
        }
        return namesRowsByName(stem)
    }

    private func namesRowsByName(_ stem: String) -> Bool {
        if sourceNoun == stem || sourceNoun.hasSuffix(stem + "s") || sourceNoun.hasSuffix(stem + "es")
            || (stem.hasSuffix("y") && sourceNoun.hasSuffix(stem.dropLast() + "ies")) { return true }
        // "tooth length" over `toothgrowth`, "chicks" over `chickwts`: a source named by its
        // row and another word (or a terse one); "houses" over `housing`.
        if stem.count >= 4, sourceNoun.count >= stem.count + 3, sourceNoun.hasPrefix(stem) { return true }
        if stem.count >= 4, stem.hasSuffix("e"), sourceNoun == stem.dropLast() + "ing" { return true }
        // "cereals" over `uscereal`, "earthquakes" over `quakes`: one name ends the other.
        let sourceSingular = Tokenizer.singularize(sourceNoun).0
        return (stem.count >= 4 && sourceNoun.hasSuffix(stem)) || (sourceSingular.count >= 4 && stem.hasSuffix(sourceSingular))
    }

    init(schema: SourceSchema) {
        let words = (schema.sourceName ?? "").lowercased().split { !$0.isLetter }
        sourceNoun = words.last.map(String.init) ?? ""
        let allRaw = Set(schema.columns.map { Tokenizer.nameStems($0.name) })
        entries = schema.columns.map { col in
            let raw = Tokenizer.nameStems(col.name)
            let expanded = raw.map { Lexicon.abbreviations[$0] ?? $0 }
            var names: [[String]] = [raw, expanded]
            // "min" is minutes in `duration_min` but the minimum in `temp_min` beside `temp_max`:
            // there "temperature" names neither alone.
            let minIsMinimum = raw.contains("min") && allRaw.contains(raw.map { $0 == "min" ? "max" : $0 })
            let isUnit = { (w: String) in ColumnMatcher.unitWords.contains(w) && !(minIsMinimum && (w == "min" || w == "minute")) }
            let trimmed = expanded.filter { !isUnit($0) }
            if !trimmed.isEmpty { names.append(trimmed) }
            let trimmedRaw = raw.filter { !isUnit($0) }
            if !trimmedRaw.isEmpty { names.append(trimmedRaw) }
            // Written as one word: "customertype".
            if raw.count > 1 { names.append([raw.joined()]) }
            // Initials of a long name: `Miles_per_Gallon` is "mpg".
            if raw.count >= 3 { names.append([String(raw.compactMap(\.first))]) }
            // Two words either way round: `temp_max` is "max temp", "maximum temperature".
            if raw.count == 2 { names.append(raw.reversed()); names.append(expanded.reversed()) }
            var unique: [[String]] = []
            for n in names where !n.isEmpty && !unique.contains(n) { unique.append(n) }
            let parts = Set(raw + expanded).subtracting(ColumnMatcher.weakParts)
            return Entry(profile: col, fullNames: unique, parts: raw.count > 1 ? Array(parts).sorted() : [],
                         stems: expanded, joined: raw.joined(), rowCount: schema.rowCount)
        }
        hasLabelColumn = entries.contains { e in
            e.profile.type == .text && e.rowCount >= 10 && e.profile.nullCount == 0
                && e.profile.distinctCount == e.rowCount && !e.profile.distinctIsEstimate
        }
    }

    /// The best match for a span of stems, or nil.
    func match(_ span: [String]) -> ColumnHit? {
        guard !span.isEmpty else { return nil }
        let expandedSpan = span.map { Lexicon.abbreviations[$0] ?? $0 }
        var best: ColumnHit.Strength?
        var hits: [String] = []
        func consider(_ name: String, _ s: ColumnHit.Strength) {
            if best == nil || s > best! { best = s; hits = [name] }
            else if s == best!, !hits.contains(name) { hits.append(name) }
        }
        // "years of service" names `yrs.service` (or `service_years`): the two words without "of".
        let ofJoined: [[String]] = span.count == 3 && span[1] == "of"
            ? [[expandedSpan[0], expandedSpan[2]], [expandedSpan[2], expandedSpan[0]]] : []
        for e in entries {
            if e.fullNames.contains(span) || e.fullNames.contains(expandedSpan) || ofJoined.contains(where: e.fullNames.contains) {
                consider(e.profile.name, .full)
            }
        }
        if best == nil, span.count >= 2, span.count <= 3 {
            // "freight cost" → `shipping_cost`: one word replaced by a synonym.
            for k in span.indices {
                for syn in Lexicon.columnSynonyms[expandedSpan[k]] ?? [] where syn != expandedSpan[k] && !syn.contains(" ") {
                    var variant = expandedSpan
                    variant[k] = syn
                    for e in entries where e.fullNames.contains(variant) { consider(e.profile.name, .synonym) }
                }
            }
        }
        if best == nil, span.count == 2, span[0].count >= 3, span[1].count >= 4,
           Lexicon.phrases[span[0]] == nil, Lexicon.phrases[span[1]] == nil {
            // "body weight" → `bodywt`, "solar radiation" → `Solar.R`: the name is the first
            // word, then an abbreviation of the second.
            for e in entries where e.joined.count > span[0].count && e.joined.hasPrefix(span[0]) {
                let rest = String(e.joined.dropFirst(span[0].count))
                if Lexicon.abbreviations[rest] == expandedSpan[1] || ValueMatcher.abbreviates(rest, span[1]) {
                    consider(e.profile.name, .synonym)
                }
            }
        }
        if best == nil, span.count >= 2, let synonyms = Lexicon.columnSynonyms[span.joined(separator: " ")] {
            // "fuel economy" → `mpg`: a phrase of the business lexicon.
            for syn in synonyms {
                let words = syn.split(separator: " ").map(String.init)
                for e in entries where e.fullNames.contains(words) { consider(e.profile.name, .synonym) }
                if best != nil { break }
            }
        }
        if best == nil, let extreme = Self.extremeWords(span) {
            // "the high", "average low temperature", "highs of 30": in a table with
            // `temp_max`/`temp_min`, high and low are the maximum and minimum columns.
            for e in entries where e.profile.type.isNumeric {
                let raw = Tokenizer.nameStems(e.profile.name)
                guard raw.contains(where: extreme.names.contains) else { continue }
                let others = raw.filter { !extreme.names.contains($0) }.map { Lexicon.abbreviations[$0] ?? $0 }
                // The rest of the span must be the rest of the name, or absent ("the high").
                if extreme.rest.isEmpty || extreme.rest == others || extreme.rest == raw.filter({ !extreme.names.contains($0) }) {
                    consider(e.profile.name, .synonym)
                }
            }
        }
        if span.count == 1 {
            let w = expandedSpan[0]
            if best == nil, let synonyms = Lexicon.columnSynonyms[w] ?? Lexicon.columnSynonyms[span[0]] {
                // The earliest synonym that names some column wins ("revenue" → Sales before Amount).
                for syn in synonyms {
                    for e in entries where e.fullNames.contains([syn]) || (e.stems.last == syn && e.stems.count <= 2) {
                        consider(e.profile.name, .synonym)
                    }
                    if best != nil { break }
                }
            }
            if best == nil {
                // One word of a longer name; never of keys ("Appointment ID") or dates
                // ("order_date"): "appointments" and "orders" there mean the rows.
                // A person noun never names a number: "patients" is not `Patient Age`.
                let isEntity = Lexicon.entityGroups.contains { $0.contains(w) }
                for e in entries where (e.parts.contains(w) || e.parts.contains(span[0])) && !e.isKeyOrDate
                    && !(isEntity && e.profile.type.isNumeric) {
                    consider(e.profile.name, .partial)
                }
                // "weight" in `bodywt` and `brainwt`: a name that ends in the word's abbreviation.
                if best == nil, !isEntity {
                    for (abbreviation, word) in Lexicon.abbreviations where word == w && abbreviation != w {
                        for e in entries where e.joined.count >= abbreviation.count + 3 && e.joined.hasSuffix(abbreviation)
                            && !e.isKeyOrDate {
                            consider(e.profile.name, .partial)
                        }
                    }
                }
                // "price" in `libprice`: a name run together that ends in the word (after two
                // letters or more: `ncases` is a count, read elsewhere).
                if best == nil, !isEntity, w.count >= 4, w.allSatisfy(\.isLetter) {
                    for e in entries where e.joined.count >= w.count + 2 && e.joined.hasSuffix(w) && !e.isKeyOrDate
                        && e.stems.count == 1 {
                        consider(e.profile.name, .partial)
                    }
                }
            }
        }
        guard let strength = best, let first = hits.first else { return nil }
        var alternatives = hits
        // "sales" names `Sales` in full but also starts `Sales_Tax`: a numeric column whose name
        // extends the matched one with one more word is an equally plausible reading.
        if strength == .full, hits.count == 1, let chosen = entries.first(where: { $0.profile.name == first }) {
            for e in entries where e.profile.name != first
                && e.profile.type.isNumeric == chosen.profile.type.isNumeric
                && e.stems.count == chosen.stems.count + 1
                && Array(e.stems.prefix(chosen.stems.count)) == chosen.stems
                && !ColumnMatcher.unitWords.contains(e.stems.last!)
                // ("disease" is `Disease`, not also `Disease.rate`: a rate is named as one.)
                && !Lexicon.rateWords.contains(e.stems.last!) && !["pct", "prop"].contains(e.stems.last!) {
                alternatives.append(e.profile.name)
            }
        }
        return ColumnHit(column: first, strength: strength, alternatives: alternatives)
    }

    /// "high"/"highs"/"low"/"lows" in a span: the name words of a maximum (or minimum)
    /// column, and the span's other words (expanded). nil without such a word.
    static func extremeWords(_ span: [String]) -> (names: Set<String>, rest: [String])? {
        guard span.count <= 2 else { return nil }
        let high: Set<String> = ["high", "highs"], low: Set<String> = ["low", "lows"]
        guard let k = span.firstIndex(where: { high.contains($0) || low.contains($0) }) else { return nil }
        let names: Set<String> = high.contains(span[k]) ? ["max", "maximum", "high", "hi"] : ["min", "minimum", "low", "lo"]
        let rest = span.enumerated().filter { $0.offset != k }.map { Lexicon.abbreviations[$0.element] ?? $0.element }
        return (names, rest)
    }

    /// A date column named by a verb: "hired" → `Hire Date`, "shipped" → `ship_date`,
    /// "ordered" → `order_date`. Only temporal columns, only regular -ed/-ing forms.
    func dateColumn(forVerb word: String) -> String? {
        var bases: [String] = []
        for suffix in ["ed", "ing"] where word.hasSuffix(suffix) && word.count > suffix.count + 2 {
            let base = String(word.dropLast(suffix.count))
            bases.append(word)  // names written as verbs: `calibrated_on`
            bases.append(base)
            bases.append(base + "e")
            if let last = base.last, base.dropLast().last == last { bases.append(String(base.dropLast())) }
        }
        if word.hasSuffix("d") { bases.append(String(word.dropLast())) }
        for e in entries where e.profile.type.isTemporal {
            if bases.contains(where: { e.stems.contains($0) }) { return e.profile.name }
        }
        return nil
    }

    /// A numeric column an adjective stands for: "heavy" → weight, "expensive" → price.
    func column(forAdjective word: String) -> String? { hit(forAdjective: word)?.column }

    /// The number columns an adjective names ("warmer" → `temp_max`, `temp_min`), as a hit
    /// whose alternatives keep the ambiguity for the planner to ask about.
    func hit(forAdjective word: String) -> ColumnHit? {
        for stem in Lexicon.adjectiveMeasures[word] ?? [] {
            guard let hit = measureHit(stem), profile(hit.column)?.type.isNumeric == true else { continue }
            // Every number column whose name holds the measure's word: "warmer" may be
            // `temp_max` or `temp_min`, and picking one silently would be a guess.
            var alternatives = [hit.column]
            let named = entries.filter { e in
                e.profile.type.isNumeric
                    && Tokenizer.nameStems(e.profile.name).map { Lexicon.abbreviations[$0] ?? $0 }.contains(stem)
            }.map(\.profile.name)
            for c in hit.alternatives + named where profile(c)?.type.isNumeric == true && !alternatives.contains(c) {
                alternatives.append(c)
            }
            return ColumnHit(column: hit.column, strength: .synonym, alternatives: alternatives)
        }
        return nil
    }

    /// The column a measure word names: by its name, or spelled out from a terse one
    /// ("magnitude" → `mag`).
    func measureHit(_ stem: String) -> ColumnHit? {
        if let hit = match([stem]) { return hit }
        return shortenedName(stem).map { ColumnHit(column: $0, strength: .synonym, alternatives: [$0]) }
    }

    /// A number column named by a comparative or superlative of its name: "windiest" and
    /// "windier" → `wind`, "rainiest" → `rain`. Whole names (or a synonym) only, bases of
    /// three letters or more; nil for other words.
    func degreeForm(_ word: String) -> (column: String, superlative: Bool)? {
        guard word.count >= 6, word.allSatisfy(\.isLetter), Lexicon.phrases[word] == nil else { return nil }
        for (suffix, superlative) in [("iest", true), ("est", true), ("ier", false), ("er", false)] where word.hasSuffix(suffix) {
            let base = String(word.dropLast(suffix.count))
            guard base.count >= 3 else { continue }
            var bases = [base, base + "y", base + "e"]
            if let last = base.last, base.dropLast().last == last { bases.append(String(base.dropLast())) }
            for b in bases {
                if let hit = match([b]), hit.strength >= .synonym, hit.alternatives.count == 1,
                   profile(hit.column)?.type.isNumeric == true {
                    return (hit.column, superlative)
                }
            }
            return nil
        }
        return nil
    }

    /// A column named by an inflected word: "aged" → `Age`. Whole names only.
    func column(forInflection word: String) -> String? {
        for suffix in ["ed", "d", "ing"] where word.hasSuffix(suffix) && word.count > suffix.count + 2 {
            let base = String(word.dropLast(suffix.count))
            for candidate in [base, base + "e"] {
                if let hit = match([candidate]), hit.strength >= .synonym { return hit.column }
            }
        }
        return nil
    }

    /// A column whose terse name shortens a whole word of the question: `mag` for
    /// "magnitude", `pop` for "population", `Exer` for "exercise", `alcgp` (alcohol group)
    /// for "alcohol", `ncases` (number of cases) for "cases", `Improved` for "improvement".
    /// Only names of letters; the word must be at least three letters longer than a
    /// three-letter name ("agent" is not `age`), a word made from the name must share most of
    /// it and not name a doer ("smokers" are not `Smoke`), and exactly one column may fit.
    /// A guess: the tagger states it.
    func shortenedName(_ word: String) -> String? {
        guard word.count >= 3, word.allSatisfy(\.isLetter) else { return nil }
        let singular = Tokenizer.singularize(word).0
        // "patients" is never `Patient Age`: a kind of thing names rows, not a number.
        if Lexicon.entityGroups.contains(where: { $0.contains(singular) }) || Lexicon.personNouns.contains(singular) { return nil }
        // A word the lexicon reads ("popular") is that word; only its generic row words may be a name.
        // A generic row word ("cases") names only a count column (`ncases`), never by a prefix.
        let lex = Lexicon.phrases[word] ?? Lexicon.phrases[singular]
        if let lex, lex != .rowNoun { return nil }
        let countNameOnly = lex != nil
        let doer = ["er", "or", "ist"].contains { singular.hasSuffix($0) }
        var found: [String] = []
        for e in entries where !e.isKeyOrDate && !found.contains(e.profile.name) {
            let joined = e.joined
            guard joined.count >= 3, joined.allSatisfy(\.isLetter) else { continue }
            var cores = [joined]
            for suffix in ["gp", "grp", "group", "cat", "lvl"] where joined.hasSuffix(suffix) && joined.count - suffix.count >= 3 {
                cores.append(String(joined.dropLast(suffix.count)))
            }
            var fits = false
            // `ncases`, `num_visits`: "number of" then the word.
            for prefix in ["n", "num", "no", "nr"] where joined.hasPrefix(prefix) && joined.count - prefix.count >= 4 {
                if Tokenizer.singularize(String(joined.dropFirst(prefix.count))).0 == singular { fits = true }
            }
            for core in cores where !fits && !countNameOnly {
                if core == singular, core != joined { fits = true }
                // …but "salesperson" is `Sales` and a word ("person"): another thing.
                let restIsWord = [core.count, core.count + 1].contains { n in
                    let rest = Tokenizer.singularize(String(word.dropFirst(n))).0
                    return rest.count >= 3 && (Lexicon.phrases[rest] != nil || Lexicon.personNouns.contains(rest)
                        || Lexicon.entityGroups.contains { $0.contains(rest) })
                }
                // (A doer far longer than the name is still its word: `pub` for "publisher".)
                // A past participle is a verb ("published by" is not `pub`).
                let shortened = (!doer || singular.count >= 2 * core.count + 2) && !singular.hasSuffix("ed")
                if word.count >= core.count + (core.count == 3 ? 3 : 2), word.hasPrefix(core), shortened, !restIsWord { fits = true }
                // "improvement" / `Improved`, "survival" / `survived`: one stem, other endings.
                let common = zip(core, singular).prefix { $0 == $1 }.count
                if common >= 5, Double(common) >= 0.75 * Double(min(core.count, singular.count)), core != singular, !doer,
                   singular.count > common, core.count > common {
                    fits = true
                }
            }
            // `mfr` for "manufacturer", `bwt` for "birthweight", `hwy` for "highway": a terse
            // name of three or four letters that the word spells out in order, from its first
            // letter to its last, in a word at least twice as long.
            if !fits, !countNameOnly, Self.spellsOut(joined, singular) { fits = true }
            if fits { found.append(e.profile.name) }
        }
        return found.count == 1 ? found[0] : nil
    }

    /// The one column whose terse name two question words spell out together ("birth
    /// weight" → `bwt`), or nil. Only the spelled-out rule: other readings of a joined pair
    /// ("sale price" → `Sale`) would be guesses about two words.
    func spelledOutName(_ first: String, _ second: String) -> String? {
        let word = Tokenizer.singularize(first + second).0
        guard first.count >= 3, second.count >= 3, (first + second).allSatisfy(\.isLetter),
              Lexicon.phrases[first] == nil, Lexicon.phrases[second] == nil else { return nil }
        // Two words spell out more by chance ("big west" holds b, w, t): a longer pair.
        let found = entries.filter { !$0.isKeyOrDate && word.count >= 3 * $0.joined.count && Self.spellsOut($0.joined, word) }
        return found.count == 1 ? found[0].profile.name : nil
    }

    /// (A terse name drops vowels: `mfr`, `hwy`, `bwt`. A name with two vowels after its first
    /// letter is a word of its own — `page` is not "publisher charges".)
    static func spellsOut(_ name: String, _ word: String) -> Bool {
        (3...4).contains(name.count) && name.allSatisfy(\.isLetter) && word.count >= 2 * name.count + 1
            && name.dropFirst().filter({ "aeiou".contains($0) }).count <= 1
            && name.first == word.first && name.last == word.last && isSubsequence(name, of: word)
    }

    static func isSubsequence(_ short: String, of long: String) -> Bool {
        var rest = Substring(long)
        for c in short {
            guard let at = rest.firstIndex(of: c) else { return false }
            rest = rest[rest.index(after: at)...]
        }
        return true
    }

    func profile(_ name: String) -> ColumnProfile? {
        entries.first { $0.profile.name == name }?.profile
    }

    /// True when `n` (a four-digit whole number) falls within ten years of a date column's
    /// years or of a whole-number `year` column: "in 1855" over Nightingale's 1854–1856,
    /// "before 1650" over christenings from 1629. (Out of such a table only 1900–2100 are
    /// read as years, by the tokenizer.)
    func isYearOfTheData(_ n: Double) -> Bool {
        guard n >= 1000, n <= 2999, n == n.rounded() else { return false }
        for e in entries {
            var lo: Double?, hi: Double?
            if e.profile.type.isTemporal, case .text(let a)? = e.profile.min, case .text(let b)? = e.profile.max {
                lo = Double(a.prefix(4)); hi = Double(b.prefix(4))
            } else if e.profile.type == .integer, e.stems.contains("year") || e.stems.contains("yr") {
                lo = e.profile.min?.doubleValue; hi = e.profile.max?.doubleValue
            }
            if let lo, let hi, n >= lo - 10, n <= hi + 10 { return true }
        }
        return false
    }

    /// True when (nearly) every row holds its own value of the column — titles, names — so a
    /// value names one row, not a kind of rows.
    func isLabel(_ name: String) -> Bool {
        guard let e = entries.first(where: { $0.profile.name == name }), e.profile.type == .text,
              e.rowCount >= 10 else { return false }
        return Double(e.profile.distinctCount) >= 0.95 * Double(e.rowCount - e.profile.nullCount)
    }

    /// True when some column is an attribute only people have (`sex`, `salary`): the rows
    /// are people, and "people", "employees", "staff" name them.
    var describesPeople: Bool {
        entries.contains { e in
            e.stems.contains(where: Lexicon.personAttributes.contains)
                || Lexicon.personAttributes.contains(Tokenizer.nameStems(e.profile.name).joined())
        }
    }

    /// True when a column's name says it counts something: `ncases`, `nControls` (a count
    /// prefix before a plural), `visit_count`, `number_of_stations`. Its sum is a total even
    /// when it holds only a few distinct numbers, never a sum of codes.
    func isCountName(_ name: String) -> Bool {
        let stems = Tokenizer.nameStems(name)
        if stems.count > 1, stems.contains(where: { ["count", "number", "num", "nr", "cnt"].contains($0) }) { return true }
        // The name as written: its stems are singular ("ncase").
        let joined = name.lowercased()
        guard joined.allSatisfy(\.isLetter) else { return false }
        return ["n", "num", "no", "nr"].contains { prefix in
            let rest = joined.dropFirst(prefix.count)
            return joined.hasPrefix(prefix) && rest.count >= 5 && rest.hasSuffix("s")
        }
    }

    /// True when `stem` appears in some column's name (for entity nouns like "employees").
    func nameContains(_ stem: String) -> Bool {
        entries.contains { $0.stems.contains(stem) || Tokenizer.nameStems($0.profile.name).contains(stem) }
    }

    /// The most sales-like numeric column: the earliest revenue-lexicon stem that some numeric
    /// column's name contains.
    var defaultMeasure: String? {
        let numeric = entries.filter { $0.profile.type.isNumeric }
        for stem in Lexicon.revenueStems {
            if let e = numeric.first(where: { $0.stems.contains(stem) && !$0.stems.contains("tax") }) {
                return e.profile.name
            }
        }
        return nil
    }
}
