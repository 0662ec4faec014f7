// Insights for a measure per category (sales by region, retail vs wholesale) and per two
// categories: leader and laggard, shares and concentration when the measure adds up, the
// spread between extremes, ratios between compared groups, outliers and blank labels.

import Foundation

extension InsightContext {
    func categories() -> Insights {
        guard let label = shape.labelIndices.first, let m = shape.primaryMeasure else { return distribution() }
        let entries = rows.compactMap { row -> (String, Double)? in
            row[m].doubleValue.map { (Wording.displayLabel(row[label]), $0) }
        }
        guard entries.count >= 2 else { return distribution() }
        // Largest first; ties keep the query's order so output is stable.
        let sorted = entries.enumerated().sorted { a, b in
            a.element.1 != b.element.1 ? a.element.1 > b.element.1 : a.offset < b.offset
        }.map(\.element)
        let values = sorted.map(\.1)
        let n = sorted.count
        let total = values.reduce(0, +)
        let shares = sharesMakeSense(m, values: values)
        let measure = measurePhrase(m)
        let nouns = Wording.pluralize(Wording.humanize(name(label)))
        let leader = sorted[0], laggard = sorted[n - 1]
        let tiedTop = sorted.prefix { $0.1 == leader.1 }.map(\.0)
        var findings: [String] = []
        // A column that already holds shares (percentages summing to 100, or fractions
        // summing to 1) is shown as percentages, not as "Of 100 in percent ...".
        let percentScale: Double? = !shares || !Self.isShareName(name(m)) ? nil
            : abs(total - 100) < 0.5 ? 0.01 : abs(total - 1) < 0.005 ? 1 : nil
        let show: (Double) -> String = { v in percentScale.map { ReadableNumber.percent(v * $0) } ?? self.fmt(v) }

        // Summary and the leader.
        let summary: String
        if tiedTop.count == n {
            summary = "All \(n) \(nouns) have the same \(measure): \(fmt(leader.1))."
        } else if tiedTop.count > 1 {
            summary = "\(Wording.listJoin(tiedTop)) tie for the highest \(measure) at \(fmt(leader.1)) each."
        } else if percentScale != nil {
            summary = "\(leader.0) has the largest share of the \(n) \(nouns): \(show(leader.1))."
        } else if shares {
            // Phrased so no verb has to agree with the measure's name ("sales" vs "count").
            summary = "Of \(fmt(total)) in \(measure) across \(n) \(nouns), \(leader.0) leads with \(fmt(leader.1)) (\(ReadableNumber.percent(leader.1 / total)) of the total)."
        } else {
            summary = "\(leader.0) has the highest \(measure) of the \(n) \(nouns), at \(fmt(leader.1))."
        }
        if tiedTop.count == 1 {
            if percentScale != nil {
                findings.append("\(leader.0) leads with \(show(leader.1))\(leader.1 / total > 0.5 && n >= 3 ? ", more than the other \(n - 1) combined" : "").")
            } else if shares {
                var s = "\(leader.0) leads with \(fmt(leader.1)) (\(ReadableNumber.percent(leader.1 / total)) of the total)"
                if leader.1 / total > 0.5 && n >= 3 { s += ", more than the other \(n - 1) combined" }
                findings.append(s + ".")
            } else {
                findings.append("\(leader.0) has the highest \(measure) (\(fmt(leader.1))).")
            }
        }
        // The laggard, when it is not simply "the other one" of two.
        if n >= 3 && laggard.1 != leader.1 {
            let tiedBottom = sorted.filter { $0.1 == laggard.1 }.map(\.0)
            let who = tiedBottom.count > 1 ? "\(Wording.listJoin(tiedBottom)) are lowest" : "\(laggard.0) is lowest"
            let share = shares && percentScale == nil ? " (\(ReadableNumber.percent(laggard.1 / total))\(tiedBottom.count > 1 ? " each" : ""))" : ""
            findings.append("\(who) with \(show(laggard.1))\(share).")
        }
        // Concentration: how few categories make most of the total.
        if shares && n >= 4 {
            var running = 0.0, k = 0
            while k < n && running < total * 0.5 { running += values[k]; k += 1 }
            k = max(2, k)
            let topShare = values.prefix(k).reduce(0, +) / total
            // Only worth saying when the top holds clearly more than an even split would.
            if k <= n / 2 && topShare >= Double(k) / Double(n) + 0.15 {
                findings.append("The top \(k) of \(n) \(nouns) make \(ReadableNumber.percent(topShare)) of the total.")
            }
        }
        // Spread between the extremes.
        if n >= 3 && laggard.1 > 0 && leader.1 > laggard.1 {
            findings.append("The highest value, \(show(leader.1)) (\(leader.0)), is \(ReadableNumber.ratio(leader.1 / laggard.1)) the lowest, \(show(laggard.1)) (\(laggard.0)).")
        }
        // Two groups: compare every measure between them.
        if n == 2 && rows.count == 2 {
            findings.append(contentsOf: pairRatios(label: label))
        } else {
            findings.append(contentsOf: otherLeaders(label: label, primary: m, primaryLeader: tiedTop.count == 1 ? leader.0 : nil))
        }
        if shares, tiedTop.count == 1, let mix = countMix(label: label, primary: m, leader: leader.0, leaderShare: leader.1 / total) {
            findings.append(mix)
        }
        if let med = InsightStats.median(values) {
            findings.append(contentsOf: outlierFindings(sorted, measure: measure, median: med))
        }
        findings.append(contentsOf: blankLabelFindings(label: label, measure: m, total: shares ? total : nil))

        return Insights(summary: summary, findings: findings,
                        recommendations: categoryRecommendations(label: label, measure: m, leader: tiedTop.count == 1 ? leader.0 : nil,
                                                                 laggard: n >= 3 ? laggard.0 : nil, pair: n == 2 ? (leader.0, laggard.0) : nil))
    }

    /// "Wholesale has 3.0× Retail's average sales (1,337.5 vs 440.45)." for each measure.
    private func pairRatios(label: Int) -> [String] {
        let a = rows[0], b = rows[1]
        let nameA = Wording.displayLabel(a[label]), nameB = Wording.displayLabel(b[label])
        return shape.measureIndices.compactMap { m in
            guard let va = a[m].doubleValue, let vb = b[m].doubleValue, va > 0, vb > 0 else { return nil }
            let (big, small, bigName, smallName) = va >= vb ? (va, vb, nameA, nameB) : (vb, va, nameB, nameA)
            let measure = measurePhrase(m)
            if big / small < 1.05 {
                return "\(nameA) and \(nameB) are about level on \(measure) (\(fmt(va)) vs \(fmt(vb)))."
            }
            return "\(bigName) has \(ReadableNumber.ratio(big / small)) \(smallName)'s \(measure) (\(fmt(big)) vs \(fmt(small)))."
        }
    }

    /// When a count column sits beside the total: does the leader win by many small items or
    /// few large ones? ("Wholesale makes 52.5% of total sales from 26.7% of sale count.")
    /// Said only when the two shares differ by more than 10 points.
    private func countMix(label: Int, primary: Int, leader: String, leaderShare: Double) -> String? {
        guard let count = shape.measureIndices.first(where: { $0 != primary && Self.isCountName(name($0)) }) else { return nil }
        let counts = rows.compactMap { row in row[count].doubleValue.map { (Wording.displayLabel(row[label]), $0) } }
        let total = counts.reduce(0) { $0 + $1.1 }
        guard total > 0, !counts.contains(where: { $0.1 < 0 }),
              let mine = counts.first(where: { $0.0 == leader })?.1 else { return nil }
        let countShare = mine / total
        guard abs(countShare - leaderShare) > 0.10 else { return nil }
        return "\(leader) makes \(ReadableNumber.percent(leaderShare)) of \(measurePhrase(primary)) from \(ReadableNumber.percent(countShare)) of \(measurePhrase(count)) (\(countShare < leaderShare ? "fewer, larger" : "more, smaller") items)."
    }

    static func isShareName(_ name: String) -> Bool {
        ResultShape.nameTokens(name).contains { ["pct", "percent", "percentage", "share", "proportion", "fraction"].contains($0) }
    }

    static func isCountName(_ name: String) -> Bool {
        let tokens = ResultShape.nameTokens(name)
        return tokens.contains("count") || tokens == ["n"] || tokens.first == "num" || tokens.first == "number"
    }

    /// Other additive measures whose leader differs from the primary one's ("By sale count,
    /// Retail leads instead").
    private func otherLeaders(label: Int, primary: Int, primaryLeader: String?) -> [String] {
        guard let primaryLeader else { return [] }
        return shape.measureIndices.filter { $0 != primary }.compactMap { m in
            let entries = rows.compactMap { row in row[m].doubleValue.map { (Wording.displayLabel(row[label]), $0) } }
            guard let top = entries.max(by: { $0.1 < $1.1 }), top.0 != primaryLeader,
                  entries.filter({ $0.1 == top.1 }).count == 1 else { return nil }
            let values = entries.map(\.1)
            let share = sharesMakeSense(m, values: values) ? ", \(ReadableNumber.percent(top.1 / values.reduce(0, +))) of the total" : ""
            return "By \(measurePhrase(m)), \(top.0) leads instead (\(fmt(top.1))\(share))."
        }
    }

    private func blankLabelFindings(label: Int, measure: Int, total: Double?) -> [String] {
        let blanks = rows.filter { $0[label].isNull }
        guard !blanks.isEmpty else { return [] }
        let sum = blanks.compactMap { $0[measure].doubleValue }.reduce(0, +)
        let share = total.map { " (\(ReadableNumber.percent(sum / $0)) of the total)" } ?? ""
        return ["Rows with no \(name(label)) appear as \"(blank)\", with \(measurePhrase(measure)) \(fmt(sum))\(share)."]
    }

    private func categoryRecommendations(label: Int, measure: Int, leader: String?, laggard: String?,
                                         pair: (String, String)?) -> [String] {
        var recs: [String] = []
        let phrase = measurePhrase(measure, dropTotal: true)
        let others = otherGroupings(excluding: [name(label)])
        if let leader, hasTimeColumn {
            recs.append("Ask \"monthly \(phrase) for \(leader)\" to see whether its lead is recent.")
        }
        if let laggard, let other = others.first {
            recs.append("Ask \"\(phrase) by \(Wording.humanize(other)) for \(laggard)\" to see what holds it back.")
        }
        if let (a, b) = pair, let other = others.first {
            recs.append("Ask \"\(phrase) by \(Wording.humanize(other)) for \(a) and \(b)\" to see whether the gap holds in every \(Wording.humanize(other)).")
        }
        if recs.isEmpty {
            recs.append("Ask \"\(phrase) by \(Wording.humanize(name(label))) as a share of the total\" to compare the parts directly.")
        }
        return recs
    }

    // MARK: Two groupings

    func twoGroupings() -> Insights {
        let labels = shape.labelIndices
        guard labels.count >= 2, let m = shape.primaryMeasure else { return distribution() }
        let (l1, l2) = (labels[0], labels[1])
        let cells = rows.compactMap { row -> (String, String, Double)? in
            row[m].doubleValue.map { (Wording.displayLabel(row[l1]), Wording.displayLabel(row[l2]), $0) }
        }
        guard !cells.isEmpty else { return distribution() }
        let measure = measurePhrase(m)
        let values = cells.map(\.2)
        let shares = sharesMakeSense(m, values: values)
        let total = values.reduce(0, +)
        let top = cells.enumerated().max { a, b in a.element.2 != b.element.2 ? a.element.2 < b.element.2 : a.offset > b.offset }!.element
        let n1 = Set(cells.map(\.0)).count, n2 = Set(cells.map(\.1)).count
        let shareText = shares ? " (\(ReadableNumber.percent(top.2 / total)) of the total)" : ""
        let summary = "Across \(n1) \(Wording.pluralize(Wording.humanize(name(l1)))) and \(n2) \(Wording.pluralize(Wording.humanize(name(l2)))), the largest \(measure) is \(top.0) / \(top.1) with \(fmt(top.2))\(shareText)."
        var findings: [String] = []
        if shares {
            for (index, groupLabel) in [(0, l1), (1, l2)] {
                var sums: [String: Double] = [:], order: [String] = []
                for cell in cells {
                    let key = index == 0 ? cell.0 : cell.1
                    if sums[key] == nil { order.append(key) }
                    sums[key, default: 0] += cell.2
                }
                guard order.count >= 2 else { continue }
                let best = order.enumerated().max { a, b in
                    sums[a.element]! != sums[b.element]! ? sums[a.element]! < sums[b.element]! : a.offset > b.offset
                }!.element
                findings.append("By \(Wording.humanize(name(groupLabel))), \(best) leads with \(fmt(sums[best]!)) (\(ReadableNumber.percent(sums[best]! / total)) of the total).")
            }
        }
        if let med = InsightStats.median(values) {
            findings.append(contentsOf: outlierFindings(cells.map { ("\($0.0) / \($0.1)", $0.2) }, measure: measure, median: med))
        }
        var recs: [String] = []
        if hasTimeColumn {
            recs.append("Ask \"monthly \(measurePhrase(m, dropTotal: true)) for \(top.0)\" to see how the largest group developed.")
        }
        recs.append("Ask \"share of \(measurePhrase(m, dropTotal: true)) by \(Wording.humanize(name(l2))) within \(top.0)\" to compare the mix.")
        return Insights(summary: summary, findings: findings, recommendations: recs)
    }
}

extension Wording {
    /// "A", "A and B", "A, B and C".
    static func listJoin(_ items: [String]) -> String {
        guard items.count > 1 else { return items.first ?? "" }
        return items.dropLast().joined(separator: ", ") + " and " + items.last!
    }
}
