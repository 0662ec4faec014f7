// FilterParser: WHERE conditions from a question — data values ("in the North", "for Widget
// A", "excluding wholesale", "north or south"), numeric comparisons ("sales over 1000", "at
// least 5 units", "between 10 and 20", "1000 or more"), and missing values ("where weight is
// missing").
//
// Input: tags. Output: conditions on the planning state, tags consumed. Values of one column
// merge into IN lists; values of different columns are ANDed unless joined by "or".
// A comparison whose column cannot be found uses the default measure only when the noun
// before it is a row word ("orders over 1000"); "more than 5 employees" (a count condition)
// is reported as unsupported rather than guessed.

extension PlanningState {
    // MARK: - Units

    /// "more than 20 mm of rain", "wind of at least 10 mph", "above 90 degrees": a unit right
    /// after a compared number is that number's unit — left out (and listed as ignored) — and,
    /// when no column is named for the comparison, the measure it is a unit of ("degrees" →
    /// `Temp`). "at least 40 years ago" over a years-since column: "ago" goes with its unit.
    mutating func parseUnits() {
        for u in tags.indices where u > 0 && !tags[u].consumed {
            guard case .unknown = tags[u].kind else { continue }
            let word = Tokenizer.singularize(tags[u].text).0
            if let measures = Lexicon.measurementUnits[word] ?? Lexicon.measurementUnits[tags[u].text],
               tags[u - 1].numberValue != nil, comparedBefore(u - 1) {
                tags[u].kind = .lex(.stop)
                if !ignoredWords.contains(tags[u].text) { ignoredWords.append(tags[u].text) }
                for stem in measures {
                    if let hit = columns.match([stem]), hit.alternatives.count == 1,
                       profile(hit.column)?.type.isNumeric == true {
                        unitMeasures[u - 1] = hit.column
                        break
                    }
                }
            } else if Lexicon.measurementUnits[word] ?? Lexicon.measurementUnits[tags[u].text] != nil,
                      tags[u - 1].lex == .valuePrep, tags[u - 1].text == "in",
                      tags[(u + 1)...].allSatisfy({ $0.lex == .stop }) {
                // "the heaviest baby in grams", "average weight, in pounds": the unit the
                // answer is wanted in, at the end. Nothing is converted; the words are listed
                // as ignored.
                let phrase = "in " + tags[u].text
                tags[u - 1].kind = .lex(.stop)
                tags[u].kind = .lex(.stop)
                if !ignoredWords.contains(phrase) { ignoredWords.append(phrase) }
            } else if tags[u].text == "ago", u >= 2,
                      Lexicon.phrases[Tokenizer.singularize(tags[u - 1].text).0].map({ if case .timeUnit = $0 { return true } else { return false } }) == true,
                      tags[u - 2].numberValue != nil, comparedBefore(u - 2) {
                tags[u].kind = .lex(.stop)
                if !ignoredWords.contains(tags[u].text) { ignoredWords.append(tags[u].text) }
            }
        }
    }

    // MARK: - Numeric comparisons

    /// "days hotter than 80", "animals heavier than 100", "gustier than 40": a comparative
    /// adjective, "than" and a number compare the adjective's measure with the number.
    mutating func parseComparativeThresholds() {
        for i in tags.indices where !tags[i].consumed && tags[i].columnHit != nil {
            let word = tags[i].text
            guard Lexicon.comparativeAdjectives.contains(word) || columns.degreeForm(word)?.superlative == false,
                  i + 2 < tags.count, tags[i + 1].text == "than", let n = tags[i + 2].numberValue, !tags[i + 2].consumed,
                  let column = column(of: i) else { continue }
            let op: ComparisonOp = Lexicon.lowComparatives.contains(word) ? .lt : .gt
            for k in i...(i + 2) { tags[k].consumed = true }
            addCondition(.compare(column: column, op: op, value: n))
        }
    }

    /// "cars with above average mpg", "days where ozone was below the average": a comparison
    /// with the column's own average over all rows.
    mutating func parseAverageComparisons() {
        for i in tags.indices where !tags[i].consumed {
            guard case .lex(.comparator(let op))? = Optional(tags[i].kind), op != .eq, op != .ne,
                  let a = next(after: i), tags[a].lex == .aggregate(.avg), !tags[a].consumed else { continue }
            // The column: right after "average" ("above average mpg"), else right before the comparator.
            var target: Int?
            if let n = next(after: a), let hit = tags[n].columnHit, !tags[n].consumed, profile(hit.column)?.type.isNumeric == true {
                target = n
            } else if let p = previous(before: i), let hit = tags[p].columnHit, !tags[p].consumed,
                      profile(hit.column)?.type.isNumeric == true {
                target = p
            }
            guard let t = target, let column = column(of: t) else { continue }
            for k in [i, a, t] { tags[k].consumed = true }
            addCondition(.compareToAverage(column: column, op: op))
        }
    }

    /// "painters with a colour score higher than their drawing score", "days when erstfeld was
    /// above altdorf": a comparator between two number columns compares them row by row.
    mutating func parseColumnComparisons() {
        for i in tags.indices where !tags[i].consumed {
            guard case .lex(.comparator(let op)) = tags[i].kind, op != .eq, op != .ne,
                  let p = previous(before: i), let n = next(after: i), !tags[p].consumed, !tags[n].consumed,
                  let a = tags[p].columnHit, let b = tags[n].columnHit, a.column != b.column,
                  a.alternatives.count == 1, b.alternatives.count == 1,
                  profile(a.column)?.type.isNumeric == true, profile(b.column)?.type.isNumeric == true else { continue }
            // ("price over 100 dollars": a number between them is an ordinary comparison.)
            var numberBetween = false
            for k in (i + 1)..<n where tags[k].numberValue != nil { numberBetween = true }
            if numberBetween { continue }
            tags[p].consumed = true
            tags[i].consumed = true
            tags[n].consumed = true
            addCondition(.compareColumns(column: a.column, op: op, other: b.column))
        }
    }

    mutating func parseComparisons() {
        parseColumnComparisons()
        parseAverageComparisons()
        parseComparativeThresholds()
        var lastComparison: (group: Int, end: Int)?
        for i in tags.indices where !tags[i].consumed {
            guard let lex = tags[i].lex else { continue }
            switch lex {
            case .comparator, .between: break
            default: continue
            }
            let consumedBefore = tags.map(\.consumed)
            let conditionsBefore = conditions.count
            defer {
                // "quantity under 10 or price over 100": a comparison joined to the previous one by
                // "or" goes into the same disjunction (left unmerged, the "or" would be read as "and").
                if conditions.count == conditionsBefore + 1,
                   let start = tags.indices.first(where: { tags[$0].consumed && !consumedBefore[$0] }) {
                    let end = tags.indices.last(where: { tags[$0].consumed && !consumedBefore[$0] }) ?? start
                    if let last = lastComparison, let p = previous(before: start), p > last.end, tags[p].lex == .or,
                       !tags[p].consumed {
                        tags[p].consumed = true
                        conditions[last.group].append(contentsOf: conditions.removeLast())
                        lastComparison = (last.group, end)
                    } else {
                        lastComparison = (conditionsBefore, end)
                    }
                }
            }
            switch lex {
            case .comparator(var op):
                // "1000 or more": the comparator follows its number.
                if tags[i].text.hasPrefix("or ") || tags[i].text.hasPrefix("and "),
                   i > 0, let n = tags[i - 1].numberValue, !tags[i - 1].consumed {
                    guard let column = comparisonColumn(before: i - 1, after: i) else { continue }
                    tags[i].consumed = true
                    tags[i - 1].consumed = true
                    addCondition(.compare(column: column, op: op, value: n))
                    continue
                }
                // "Region = 'North'": the value itself is the condition.
                if op == .eq, let j = next(after: i), tags[j].valueHit != nil { tags[i].consumed = true; continue }
                guard let j = next(after: i), let n = tags[j].numberValue, !tags[j].consumed else { continue }
                if let p = previous(before: i), tags[p].lex == .negate {
                    op = op.negated
                    tags[p].consumed = true
                }
                // "over 1000 or under 300": the second bound is on the first one's column.
                let sameAsPrevious: String? = {
                    guard let p = previous(before: i), tags[p].lex == .or, let last = lastComparison,
                          let c = conditions[last.group].last, case .compare = c else { return nil }
                    return c.column
                }()
                guard let column = comparisonColumn(before: i, after: j) ?? sameAsPrevious else { continue }
                tags[i].consumed = true
                tags[j].consumed = true
                addCondition(.compare(column: column, op: op, value: n))
            case .between:
                // "between retail and wholesale": named values compared, not a numeric range.
                if let a = next(after: i), tags[a].valueHit != nil {
                    tags[i].kind = .lex(.compare)
                    continue
                }
                guard let a = next(after: i), let low = tags[a].numberValue, !tags[a].consumed,
                      let andIndex = next(after: a), tags[andIndex].lex == .and,
                      let b = next(after: andIndex), let high = tags[b].numberValue else { continue }
                var negated = false
                if let p = previous(before: i), tags[p].lex == .negate { negated = true; tags[p].consumed = true }
                guard let column = comparisonColumn(before: i, after: b) else { continue }
                for k in [i, a, andIndex, b] { tags[k].consumed = true }
                addCondition(.between(column: column, low: min(low, high), high: max(low, high), negated: negated))
            default:
                continue
            }
        }
    }

    /// The numeric column a comparison is about: named just before the comparator, or just
    /// after the number, else the default measure after a row word.
    private mutating func comparisonColumn(before i: Int, after j: Int) -> String? {

        // "phd at least 40 years (ago)": a unit that could be several columns, one of them
        // named right before the comparator, is that one's unit.
        if j + 1 < tags.count, let unit = tags[j + 1].columnHit, unit.alternatives.count > 1, !tags[j + 1].consumed,
           let p = previous(before: i), let named = tags[p].columnHit, !tags[p].consumed,
           named.alternatives.count <= 1, unit.alternatives.contains(named.column),
           profile(named.column)?.type.isNumeric == true {
            tags[j + 1].consumed = true
            tags[p].consumed = true
            return named.column
        }
        // A unit right after the number wins: "more than 10 units", "over 5 kg".
        if j + 1 < tags.count, tags[j + 1].columnHit != nil, !tags[j + 1].consumed,
           let column = column(of: j + 1), profile(column)?.type.isNumeric == true {
            tags[j + 1].consumed = true
            // "weighing less than 2 kg": the word before names the same column.
            if let p = previous(before: i), tags[p].columnHit?.column == column { tags[p].consumed = true }
            return column
        }
        // "dramas longer than two hours": the comparator's own adjective names its measure,
        // whatever column stands before it.
        if let first = tags[i].text.split(separator: " ").first, Lexicon.adjectiveMeasures[String(first)] != nil,
           let measure = measureForAdjective(String(first)) {
            penalty += 0.05
            return measure
        }
        if let p = previous(before: i), tags[p].columnHit != nil, !tags[p].consumed,
           let column = column(of: p), profile(column)?.type.isNumeric == true {
            tags[p].consumed = true
            return column
        }
        if let n = next(after: j), tags[n].columnHit != nil, !tags[n].consumed,
           let column = column(of: n), profile(column)?.type.isNumeric == true {
            tags[n].consumed = true
            return column
        }
        if let n = next(after: j), tags[n].lex == .rowNoun || isEntityNoun(n) {
            problems.append("conditions on counts (\"\(tags[i].text) \(tags[j].text) \(tags[n].text)\") are not supported")
            return nil
        }
        // Further back in the same clause: "any sale in the East over 800".
        var back = previous(before: i)
        var steps = 0
        while let b = back, steps < 4, tags[b].valueHit != nil || tags[b].isStopLike || tags[b].lex == .valuePrep {
            back = previous(before: b)
            steps += 1
        }
        if let b = back, b != previous(before: i), tags[b].columnHit != nil, !tags[b].consumed,
           let column = column(of: b), profile(column)?.type.isNumeric == true {
            tags[b].consumed = true
            return column
        }
        let p = previous(before: i)
        let afterRowWord = p.map { tags[$0].lex == .rowNoun || isEntityNoun($0) } ?? true
        // "employees over 40", "patients under 18": a person compared by a number is an age.
        if let p = previous(before: i), isPersonNoun(p), let age = columns.match(["age"]),
           profile(age.column)?.type.isNumeric == true {
            return age.column
        }
        if let measure = measureForAdjective(tags[i].text) {
            penalty += 0.05
            return measure
        }
        if let measure = unitMeasures[j] {
            // "days above 90 degrees": the only temperature column.
            penalty += 0.05
            return measure
        }
        // (Only a number the measure reaches: "respondents under 30" is not `income < 30`.)
        if afterRowWord, let measure = columns.defaultMeasure, let n = tags[j].numberValue, reaches(measure, n) {
            penalty += 0.15
            return measure
        }
        return nil
    }

    /// True when `value` lies within the column's smallest and largest value (or the column
    /// has no known range): a comparison with it can keep some rows and drop others.
    func reaches(_ column: String, _ value: Double) -> Bool {
        guard let p = profile(column), let lo = p.min?.doubleValue, let hi = p.max?.doubleValue else { return true }
        return value >= lo && value <= hi
    }

    // MARK: - Coded numbers

    /// "8 cylinder cars", "cars with 3 gears", "at dose 2": a number right beside a coded number
    /// column (a handful of values: cylinders, gears, doses) is that value, an equality filter.
    /// Only numbers inside the column's range, and not a count or limit ("top 3 …"), nor the
    /// end of a comparison.
    /// "cars with 4 or 6 cylinders", "4, 6 and 8 cyl cars combined": numbers joined by
    /// "or"/"and"/commas before a coded column are any of those codes (one OR group).
    /// "suvs from 2008", "films after 2000", "in 1999" over a table whose years are a whole-number
    /// column (`year`) and that has no date column: the year compares that column. Only a number
    /// that could be a year, inside the column's range (±1 for "after"/"before"), with exactly one
    /// such column; "1999 vs 2008" and other lists are left to the comparison passes.
    mutating func parseYearNumbers() {
        guard !schema.columns.contains(where: { $0.type.isTemporal }) else { return }
        let yearColumns = schema.columns.filter { c in
            c.type == .integer && Tokenizer.nameStems(c.name).contains { $0 == "year" || $0 == "yr" }
        }
        guard yearColumns.count == 1, let column = yearColumns.first, let lo = column.min?.doubleValue,
              let hi = column.max?.doubleValue else { return }
        var found: [(index: Int, prep: Int?, op: ComparisonOp, value: Double)] = []
        for i in tags.indices {
            guard !tags[i].consumed, case .number(let n, true) = tags[i].kind else { continue }
            let listed = [i - 1, i + 1].contains { k in
                k >= 0 && k < tags.count && (tags[k].lex == .compare || tags[k].lex == .or || tags[k].lex == .and || tags[k].lex == .between)
            }
            if listed { continue }
            var op = ComparisonOp.eq
            var prep: Int? = nil
            var p = i - 1
            while p >= 0, tags[p].lex == .stop, tags[p].text == "the" { p -= 1 }
            if p >= 0 {
                switch tags[p].kind {
                case .lex(.datePrep(.after)): op = .gt; prep = p
                case .lex(.datePrep(.since)): op = .ge; prep = p
                case .lex(.datePrep(.before)): op = .lt; prep = p
                case .lex(.datePrep(.until)): op = .le; prep = p
                case .lex(.datePrep), .lex(.valuePrep): prep = p
                case .lex(let w) where Self.bindsNumber(w): continue
                default: break
                }
            }
            // "the 1990s": a decade, 1990 to 1999.
            let decade = op == .eq && n.truncatingRemainder(dividingBy: 10) == 0 && i + 1 < tags.count && tags[i + 1].text == "s"
            let slack = op == .eq && !decade ? 0.0 : 1.0
            guard n >= lo - slack - (decade ? 9 : 0), n <= hi + slack else { continue }
            // (A decade's ends are clamped to the column's years: the same rows, and no "never reaches" alarm.)
            found.append((i, prep, decade ? .ge : op, decade ? max(n, lo) : n))
            if decade { found.append((i + 1, nil, .le, min(n + 9, hi))) }
        }
        for f in found {
            tags[f.index].consumed = true
            if let p = f.prep { tags[p].consumed = true }
            let group = [Condition.compare(column: column.name, op: f.op, value: f.value)]
            if !conditions.contains(group) { conditions.append(group) }
        }
    }

    mutating func parseCodedNumberLists() {
        var i = 0
        while i < tags.count {
            guard !tags[i].consumed, case .number = tags[i].kind, !numberIsBound(at: i) else { i += 1; continue }
            var numbers = [i]
            var k = i + 1
            while k + 1 < tags.count, tags[k].lex == .or || tags[k].lex == .and || tags[k].text == ",",
                  case .number = tags[k + 1].kind, !tags[k + 1].consumed {
                numbers.append(k + 1)
                k += 2
            }
            guard numbers.count >= 2, k < tags.count, !tags[k].consumed, let hit = tags[k].columnHit,
                  hit.alternatives.count <= 1, isCodeLike(hit.column), let p = profile(hit.column),
                  let lo = p.min?.doubleValue, let hi = p.max?.doubleValue,
                  numbers.allSatisfy({ tags[$0].numberValue.map { lo <= $0 && $0 <= hi } ?? false }) else { i += 1; continue }
            let group = numbers.map { Condition.compare(column: hit.column, op: .eq, value: tags[$0].numberValue!) }
            for j in i...k { tags[j].consumed = true }
            if !conditions.contains(group) { conditions.append(group) }
            i = k + 1
        }
    }

    mutating func parseCodedNumbers() {
        // Written as a lookup, then the mutation: the nested-loop form (a `where` clause,
        // `guard … continue` and `break` over `tags` inside a mutating method) crashed the
        // Swift 6.3.1 optimizer's ownership verifier in release builds.
        for i in tags.indices {
            let tag = tags[i]
            // "4 gear or 5 gear": the second code joins the first one's group.
            let afterOr = i > 1 && tags[i - 1].lex == .or && !tags[i - 1].consumed
            guard !tag.consumed, let n = Self.codeNumber(tag), !numberIsBound(at: i) || afterOr,
                  let (k, column) = codedNeighbour(of: i, value: n) else { continue }
            if afterOr {
                guard let g = conditions.lastIndex(where: { group in
                    group.allSatisfy { if case .compare(column, .eq, _) = $0 { return true } else { return false } }
                }) else { continue }
                tags[i - 1].consumed = true
                tags[i].consumed = true
                tags[k].consumed = true
                conditions[g].append(.compare(column: column, op: .eq, value: n))
                continue
            }
            tags[i].consumed = true
            tags[k].consumed = true
            // "excluding 8 cylinder cars", "not 4 gears".
            if let p = previous(before: min(i, k)), tags[p].lex == .negate, !tags[p].consumed {
                tags[p].consumed = true
                addCondition(.compare(column: column, op: .ne, value: n))
                continue
            }
            addCondition(.compare(column: column, op: .eq, value: n))
        }
    }

    /// The number a tag may be a code of: a numeral, or a number written as a word ("six
    /// cylinders"), but not "one" ("which one has 4 gears" is a pronoun). A static function,
    /// not closures inside `parseCodedNumbers`: those crashed Swift 6.3.1's CopyPropagation
    /// in release builds.
    static func codeNumber(_ tag: Tag) -> Double? {
        switch tag.kind {
        case .number(let n, _): return n
        case .lex(.number(let w)) where w != 1: return Double(w)
        default: return nil
        }
    }

    /// Whether the word before tag `i` owns its number (a limit, a rank, a comparison).
    private func numberIsBound(at i: Int) -> Bool {
        guard i > 0, let word = tags[i - 1].lex else { return false }
        return Self.bindsNumber(word)
    }

    /// The unconsumed coded column right after (or else right before) tag `i` whose range holds `n`.
    /// Also "have 0 years of service": after "have"/"has"/"with", any whole-number column named
    /// in full right after the number is counted in it.
    private func codedNeighbour(of i: Int, value n: Double) -> (Int, String)? {
        let afterHave = i > 0 && ["have", "has", "had", "with"].contains(tags[i - 1].text.split(separator: " ").last.map(String.init) ?? "")
        for k in [i + 1, i - 1] {
            guard k >= 0, k < tags.count, !tags[k].consumed, let hit = tags[k].columnHit,
                  hit.alternatives.count <= 1, let p = profile(hit.column),
                  isCodeLike(hit.column) || (afterHave && k == i + 1 && p.type == .integer && hit.strength == .full),
                  let lo = p.min?.doubleValue, let hi = p.max?.doubleValue, lo <= n, n <= hi else { continue }
            return (k, hit.column)
        }
        return nil
    }

    /// Words that own the number after them: a limit, a rank, a comparison.
    private static func bindsNumber(_ w: LexWord) -> Bool {
        switch w {
        case .top, .bottom, .first, .last, .best, .worst, .superlativeHigh, .superlativeLow, .comparator, .between, .and, .or:
            return true
        default:
            return false
        }
    }

    // MARK: - Comparatives

    /// "was 2014 warmer than 2013", "is north colder than south": a comparative adjective with
    /// "than" between two named periods or values compares them by its measure, side by side.
    /// (The answer shows both figures; the engine does not answer yes or no.)
    mutating func parseComparativeAdjectives() {
        for i in tags.indices where !tags[i].consumed
            && (Lexicon.comparativeAdjectives.contains(tags[i].text) || columns.degreeForm(tags[i].text)?.superlative == false) {
            guard tags[i].columnHit != nil else { continue }
            var resolved = false
            defer {
                // "was it windier in May": a comparative of a column's own name with one side
                // only compares with something unsaid; a total of wind would answer another question.
                if !resolved, !Lexicon.comparativeAdjectives.contains(tags[i].text) {
                    problems.append("\"\(tags[i].text)\" compares, but I found only one side; name both (\"in May or in June\")")
                }
            }
            let than = i + 1 < tags.count && tags[i + 1].text == "than"
            // "was it windier in May or September": the two sides joined by "or" instead.
            let or = tags.contains { $0.lex == .or }
            guard than || or else { continue }
            let periods = dateFilters.filter(\.isPeriod).count
            let values = tags.filter { $0.valueHit != nil }.count
            let numbered = conditions.first { group in
                group.count >= 2 && group.allSatisfy { if case .compare(group[0].column, .eq, _) = $0 { return true } else { return false } }
            }?.first?.column
            if periods >= 2 || values >= 2 || numbered != nil {
                resolved = true
                comparesByAdjective = true
                comparesGroups = true
                if than { tags[i + 1].consumed = true }
                // "in May or September" over a month-number column: one group per month.
                if periods < 2, values < 2, let numbered, !groups.contains(.column(numbered)) { groups.append(.column(numbered)) }
            }
        }
        parseGroupComparatives()
    }

    /// "do men earn more than women", "is salary higher for men or women", "does wool B break
    /// less than wool A", "do carnivores or herbivores sleep longer": a comparative between two
    /// values of one column compares the two groups side by side on the measure the question
    /// names. Read as a threshold ("more than" a number) or a maximum ("higher"), it would
    /// answer another question; without a named measure the comparison plan says what it used.
    mutating func parseGroupComparatives() {
        // "is mpg higher for 4 gear or 5 gear cars": two codes of a number column, one group each.
        let numbered = conditions.first { group in
            group.count >= 2 && group.allSatisfy { if case .compare(group[0].column, .eq, _) = $0 { return true } else { return false } }
        }?.first?.column
        guard let column = comparedValueColumn() ?? numbered else { return }
        var compared = false
        defer { if compared, column == numbered, !groups.contains(.column(column)) { groups.append(.column(column)) } }
        for i in tags.indices where !tags[i].consumed {
            let word = tags[i].text
            switch tags[i].kind {
            case .lex(.comparator(let op)) where op != .eq && op != .ne:
                // "more than women": the comparator's other side is a value, not a number.
                guard let j = next(after: i), let hit = tags[j].valueHit,
                      hit.alternatives.contains(where: { $0.column == column }) || column == numbered else { continue }
            case .lex(.superlativeHigh), .lex(.superlativeLow):
                // "higher for men or women": a comparative form, not "highest".
                guard Lexicon.comparativeForms.contains(word) else { continue }
            case .unknown:
                // "sleep longer" where no column is a length: the measure is named elsewhere.
                guard Lexicon.comparativeAdjectives.contains(word) || Lexicon.comparativeForms.contains(word),
                      tags.contains(where: { t in t.columnHit.map { profile($0.column)?.type.isNumeric == true } ?? false })
                else { continue }
            default:
                continue
            }
            tags[i].kind = .lex(.compare)
            tags[i].consumed = true
            comparesGroups = true
            compared = true
            if i + 1 < tags.count, tags[i + 1].text == "than" { tags[i + 1].consumed = true }
        }
    }

    /// The column two or more named values of the question share, if any.
    private func comparedValueColumn() -> String? {
        var counts: [String: Int] = [:]
        var order: [String] = []
        for t in tags {
            guard let hit = t.valueHit else { continue }
            for c in Set(hit.alternatives.map(\.column)) {
                if counts[c] == nil { order.append(c) }
                counts[c, default: 0] += 1
            }
        }
        return order.first { counts[$0, default: 0] >= 2 }
    }

    // MARK: - Values

    mutating func parseValues() {
        struct Item { var column: String; var values: [String]; var negated: Bool; var orWithPrevious: Bool }
        var items: [Item] = []
        var negatedScope = false
        var negatedValues = 0
        var negationNoun: Int?      // "no sales in the North": the noun keeps the negation going
        for i in tags.indices {
            let tag = tags[i]
            if i == negationNoun { continue }
            // Negation lasts over a run of values joined by and/or/commas ("excluding north and
            // south"), and ends at a new preposition ("excluding wholesale in the north").
            if tag.lex == .negate, !tag.consumed {
                // "not in the North", "did not go by Standard".
                var n = next(after: i)
                while let k = n, tags[k].lex == .groupCue, tags[k].text == "by" || tags[k].text == "via" { n = next(after: k) }
                // "no sales in the North", "no readings from dev-01": the rows' noun stands between.
                var noun: Int?
                if ["no", "never", "without"].contains(tag.text), let k = n, !tags[k].consumed,
                   tags[k].columnHit != nil || tags[k].lex == .rowNoun || isEntityNoun(k),
                   let m = next(after: k), tags[m].valueHit != nil {
                    noun = k
                    n = m
                }
                if let n, tags[n].valueHit != nil {
                    if let noun { tags[noun].consumed = true; negationNoun = noun }
                    negatedScope = true
                    negatedValues = 0
                    tags[i].consumed = true
                }
                continue
            }
            guard let hit = tag.valueHit, !tag.consumed else {
                if tag.lex == .valuePrep, negatedValues > 0 { negatedScope = false }
                if tag.isStopLike || tag.lex == .or || tag.lex == .valuePrep { continue }
                if tag.lex == .groupCue, tag.text == "by" || tag.text == "via" { continue }
                negatedScope = false
                continue
            }
            // "deaths by race" over a table of deaths (`death_date`) whose `type` column also
            // holds "Death": the rows, or that type? Ask rather than pick.
            if tag.isPlural, !negatedScope, tag.assumption == nil, !tag.text.contains(" "),
               case let stem = Tokenizer.singularize(tag.text).0, stem.count >= 4,
               columns.namesRows(stem) || columns.entries.contains(where: { $0.profile.type.isTemporal && $0.stems.contains(stem) }),
               choose("rownoun@\(i)", options: 2) == 0 {
                tags[i].consumed = true
                tags[i].kind = .lex(.rowNoun)
                continue
            }
            if negatedScope { negatedValues += 1 }
            let columnsHit = hit.alternatives.map(\.column).reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }
            let column = columnsHit.count > 1 ? columnsHit[choose("value@\(i)", options: min(3, columnsHit.count))] : hit.column
            let values = hit.alternatives.filter { $0.column == column }.map(\.value)
            let p = previous(before: i)
            let orWithPrevious = p.map { tags[$0].lex == .or } ?? false
            if let p, tags[p].lex == .or { tags[p].consumed = true }
            tags[i].consumed = true
            // A column word right after the value ("North region") is part of it.
            if let n = next(after: i, skippingValuePreps: false), let c = tags[n].columnHit, c.alternatives.contains(column) || c.column == column {
                tags[n].consumed = true
            } else if i + 1 < tags.count, let c = tags[i + 1].columnHit, c.strength == .partial, !tags[i + 1].consumed {
                // "express shipping": a half-named column right after a value describes the value.
                tags[i + 1].consumed = true
            }
            // So is one just before it ("products other than Widget A", "region North").
            var back = i - 1
            while back >= 0, tags[back].isStopLike || tags[back].lex == .negate || tags[back].lex == .valuePrep
                || tags[back].lex == .comparator(.eq) { back -= 1 }
            let groupedBy = back >= 0 && previous(before: back).map { tags[$0].lex == .groupCue } == true
            if back >= 0, !groupedBy, let c = tags[back].columnHit, c.column == column || c.alternatives.contains(column),
               !tags[back].consumed, profile(column)?.type == .text { tags[back].consumed = true }
            items.append(Item(column: column, values: values, negated: negatedScope, orWithPrevious: orWithPrevious))
        }
        guard !items.isEmpty else { return }
        // Merge runs of the same column and polarity into IN lists.
        var merged: [Item] = []
        for item in items {
            if let k = merged.firstIndex(where: { $0.column == item.column && $0.negated == item.negated }) {
                for v in item.values where !merged[k].values.contains(v) { merged[k].values.append(v) }
            } else {
                merged.append(item)
            }
        }
        for item in merged {
            let condition = Condition.inValues(column: item.column, values: item.values, negated: item.negated)
            if item.orWithPrevious, !conditions.isEmpty, conditions.last!.allSatisfy({ $0.column != item.column }) {
                conditions[conditions.count - 1].append(condition)
            } else {
                conditions.append([condition])
            }
        }
        if isCompare {
            if let compared = merged.first(where: { !$0.negated && $0.values.count >= 2 }) {
                comparedColumn = compared.column
            }
        }
    }

    // MARK: - Missing values

    mutating func parseNullChecks() {
        for i in tags.indices where !tags[i].consumed {
            let isNull: Bool
            switch tags[i].lex {
            case .isNull?: isNull = true
            case .isNotNull?: isNull = false
            default: continue
            }
            var negated = !isNull
            // "average brain weight, ignoring missing values": the known values of the column the
            // question is about; the column stays the measure.
            if !isNull, let first = tags[i].text.split(separator: " ").first,
               ["ignoring", "excluding", "skipping", "without"].contains(first) {
                if let k = tags[..<i].lastIndex(where: { $0.columnHit != nil }), let column = tags[k].columnHit?.column {
                    tags[i].consumed = true
                    addCondition(.isNull(column: column, negated: true))
                }
                continue
            }
            if let p = previous(before: i), tags[p].lex == .negate { negated.toggle(); tags[p].consumed = true }
            // "days with missing ozone": a column right after the word is the one missing,
            // unless one stands right before it too ("ozone missing").
            let adjacentAfter = i + 1 < tags.count && tags[i + 1].columnHit != nil
            let adjacentBefore = i > 0 && tags[i - 1].columnHit != nil
            let order = adjacentAfter && !adjacentBefore ? [next(after: i), previous(before: i)] : [previous(before: i), next(after: i)]
            for k in order.compactMap({ $0 }) where tags[k].columnHit != nil && !tags[k].consumed {
                guard let column = column(of: k) else { continue }
                tags[k].consumed = true
                tags[i].consumed = true
                addCondition(.isNull(column: column, negated: negated))
                break
            }
        }
    }

    /// "rows that have a solar radiation value", "days with an ozone reading": having a value
    /// of a column is its not being missing (adding the column up would answer another question).
    mutating func parseHavingAValue() {
        for k in tags.indices where !tags[k].consumed && tags[k].columnHit != nil {
            guard k >= 2, Lexicon.indefiniteArticles.contains(tags[k - 1].text),
                  ["have", "has", "had", "with"].contains(tags[k - 2].text.split(separator: " ").last.map(String.init) ?? "")
            else { continue }
            let valueWord = k + 1 < tags.count && ["value", "reading", "measurement"].contains(tags[k + 1].text)
            // "how many movies have a budget (listed)": the question ends at a column that has
            // gaps, so having one is its being there.
            let endsThere = next(after: k) == nil && (profile(tags[k].columnHit!.column)?.nullCount ?? 0) > 0
            guard valueWord || endsThere, let column = column(of: k) else { continue }
            for j in (valueWord ? [k - 1, k, k + 1] : [k - 1, k]) { tags[j].consumed = true }
            addCondition(.isNull(column: column, negated: true))
        }
    }

    /// "no insurance", "without a weight": a negated column that is not a yes/no flag.
    mutating func parseNegatedColumns() {
        for i in tags.indices where !tags[i].consumed && tags[i].lex == .negate {
            // "years with no plague deaths", "women with no pregnancies": "no" before a count
            // that is never missing and reaches 0 is that count being 0.
            if tags[i].text == "no", let n = next(after: i), !tags[n].consumed, let hit = tags[n].columnHit,
               let p = profile(hit.column), p.type.isNumeric, p.nullCount == 0, p.min?.doubleValue == 0,
               hit.alternatives.count == 1 {
                tags[i].consumed = true
                tags[n].consumed = true
                addCondition(.compare(column: hit.column, op: .eq, value: 0))
                continue
            }
            guard let n = next(after: i), let hit = tags[n].columnHit, !tags[n].consumed,
                  let type = profile(hit.column)?.type, type != .boolean,
                  (profile(hit.column)?.nullCount ?? 0) > 0 || type == .text,
                  let column = column(of: n) else { continue }
            // Only when nothing else follows that could be what is negated ("not in the North").
            if let after = next(after: n), tags[after].valueHit != nil { continue }
            tags[i].consumed = true
            tags[n].consumed = true
            addCondition(.isNull(column: column, negated: false))
        }
    }

    /// The measure an adjective implies: "heaviest" → weight, "older than" → age. With a
    /// direction, a measure kept as a maximum and a minimum column is the one at that end:
    /// "the hottest day" is the highest `temp_max`, "the coldest" the lowest `temp_min`.
    func measureForAdjective(_ text: String, high: Bool? = nil) -> String? {
        let words = text.split(separator: " ").map(String.init)
        guard let stems = Lexicon.adjectiveMeasures[text] ?? words.first.flatMap({ Lexicon.adjectiveMeasures[$0] }) else {
            return columns.degreeForm(text)?.column
        }
        for stem in stems {
            guard let hit = columns.measureHit(stem), profile(hit.column)?.type.isNumeric == true else { continue }
            if let high, hit.alternatives.count > 1 {
                let end: Set<String> = high ? ["max", "maximum", "high", "hi"] : ["min", "minimum", "low", "lo"]
                let atEnd = hit.alternatives.filter { c in
                    profile(c)?.type.isNumeric == true && Tokenizer.nameStems(c).contains(where: end.contains)
                }
                if atEnd.count == 1 { return atEnd[0] }
            }
            // "the heaviest" over msleep's `brainwt` and `bodywt`: two weights, neither at an
            // end the word names. Picking the first was confidently wrong; nil refuses.
            let numeric = hit.alternatives.filter { profile($0)?.type.isNumeric == true }
            if numeric.count > 1, !numeric.contains(where: { c in
                Tokenizer.nameStems(c).contains(where: { ["max", "maximum", "high", "hi", "min", "minimum", "low", "lo"].contains($0) })
            }) { return nil }
            return hit.column
        }
        return nil
    }

    /// The measure a superlative adjective in the question implies, if any.
    func adjectiveMeasureInQuestion() -> String? {
        for t in tags {
            switch t.lex {
            case .superlativeHigh?, .superlativeLow?:
                if let m = measureForAdjective(t.text, high: t.lex == .superlativeHigh) { return m }
            default: continue
            }
        }
        return nil
    }

    /// A superlative that names its own measure ("wettest", "heaviest") when no column of
    /// the schema is that measure: the word, else nil.
    func superlativeWithoutItsMeasure() -> String? {
        for t in tags {
            switch t.lex {
            case .superlativeHigh?, .superlativeLow?:
                if Lexicon.adjectiveMeasures[t.text] != nil, measureForAdjective(t.text) == nil { return t.text }
            default: continue
            }
        }
        return nil
    }

    func isPersonNoun(_ i: Int) -> Bool {
        let stem = Tokenizer.singularize(tags[i].text).0
        // (`personKinds` already holds customers and clients.)
        let person = Lexicon.personNouns.contains(stem) || Lexicon.personKinds.contains(stem) || stem == "user"
        return person && (isEntityNoun(i) || tags[i].lex == .rowNoun || columns.describesPeople)
    }

    /// Entity nouns stand for rows: "employees" when a column is about employees, "orders"
    /// in a table with a sales-like measure.
    func isEntityNoun(_ i: Int) -> Bool {
        guard case .unknown = tags[i].kind else { return false }
        let stem = Tokenizer.singularize(tags[i].text).0
        if Self.isEntityNoun(stem: stem, columns: columns) { return true }
        // "how many patients" over a trial with `Sex` and `Age`: a kind of person names the rows
        // of a table about people, unless a column is about some other kind of thing.
        if Lexicon.personKinds.contains(stem), columns.describesPeople, !resemblesStoredValue(stem),
           !Lexicon.entityGroups.contains(where: { g in !g.contains(stem) && g.contains(where: columns.nameContains) }) {
            return true
        }
        // "which state has the highest murder rate" over rows that each have a name (a label
        // column): the noun right after "which" is what the rows are; the answer names them.
        // Not "what is the price of each car": the noun must stand right after the bare word,
        // and the question must name something of the table to rank or filter them by.
        if i > 0, tags[i - 1].lex == .which, !tags[i - 1].text.contains(" "), columns.hasLabelColumn,
           tags.contains(where: { $0.columnHit != nil || $0.valueHit != nil }), !resemblesStoredValue(stem),
           !Lexicon.entityGroups.contains(where: { $0.contains(stem) }), i + 1 < tags.count,
           !{ if case .unknown = tags[i + 1].kind { return true } else { return false } }() {
            return true
        }
        return false
    }

    static func isEntityNoun(stem: String, columns: ColumnMatcher) -> Bool {
        // "cars" over a source named `mtcars`: the source's own name for its rows.
        if columns.namesRows(stem) { return true }
        // "how many people earn more than 150000" over a table with a `sex` or `salary`
        // column: its rows are people.
        if Lexicon.personNouns.contains(stem), columns.describesPeople { return true }
        for group in Lexicon.entityGroups where group.contains(stem) {
            if group.contains(where: { columns.nameContains($0) }) { return true }
        }
        return Lexicon.commerceNouns.contains(stem) && columns.defaultMeasure != nil
    }
}

extension ComparisonOp {
    var negated: ComparisonOp {
        switch self {
        case .gt: return .le
        case .ge: return .lt
        case .lt: return .ge
        case .le: return .gt
        case .eq: return .ne
        case .ne: return .eq
        }
    }
}
