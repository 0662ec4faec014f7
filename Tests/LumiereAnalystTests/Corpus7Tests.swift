// Corpus7: a seventh blind measurement of the builtin analyst. Written blind on 2026-12-08: the
// questions were written without reading the engine (Sources/) and committed on branch corpus7
// before the engine ran on any of them. 156 questions (141 answerable, 15 unanswerable) over
// 7 real public tables the engine had never seen (Corpus7/SOURCES.md: un, males, journals,
// nightingale, housing, chile, caschool), with a country-name label column (dotted spellings),
// a DATE column, a year panel, yes/no BOOLEAN columns, one- and two-letter codes, the text 'NA'
// in TEXT columns, NULLs, column names with dots, and business tables (wages, prices, sales,
// school spending). Mixed styles on purpose: terse shorthand, chatty and polite, lowercase, a
// small typo in about one in eight, codes spelled out in words (yes voters, undecided,
// santiago, hispanic, union members, air conditioning, K-6, the UK), date ranges and quarters,
// shares, top N, two conditions, and a few two-step questions. It shares corpus 2's format,
// loader (`Corpus2Table`: the real `SourceIngestor` into a temporary SQLite file) and scoring
// (`Corpus2Checker`: same rows as the gold or one of its `alt_sql` readings; a refusal is
// right only for an unanswerable question).
//
// It is a measurement, not a target: there is no accuracy floor, and nobody tunes the engine
// against these questions (all are split "check"). The only assertions are that the corpus
// loads and that wrong-but-succeeded answers stay under a safety ceiling.
// Set LUMIERE_CORPUS7_REPORT=/path/file.jsonl for one JSON line per question:
//   LUMIERE_CORPUS7_REPORT=/tmp/c7.jsonl swift test --skip-build --filter Corpus7Tests
//   grep '"outcome":"wrong"' /tmp/c7.jsonl

import Foundation
import LumiereCore
import LumiereStore
import Testing

@Suite("Analyst corpus 7 (a fresh blind check set, real tables)")
struct Corpus7Tests {
    static let corpus = "Corpus7"
    /// A safety ceiling, not a goal: an answer that runs but is wrong is the costly failure.
    /// Engine 1.3.9 (first run, 2026-12-08): 62/156 = 39.7% right (48/141 answerable, 14 of 15
    /// unanswerable refused), 80 refused, 3 asked, 11/156 = 7.1% wrong-but-succeeded — over
    /// this ceiling. Those 11 were read and 1.4.0 answers or refuses them (Corpus7LessonsTests):
    /// 79 right, 0 wrong; with some of its refusals read, 99 right, 0 wrong.
    static let wrongCeiling = 0.05

    @Test("the corpus loads: ≥ 120 questions, ≥ 6 tables, every gold query runs on the real ingest")
    func corpusLoadsAndGoldRuns() throws {
        try BlindCorpus.checkLoads(corpus: Self.corpus, label: "corpus 7", minRefusals: 12)
    }

    @Test("measured: outcomes per table and category; wrong-but-succeeded under the ceiling")
    func measurement() throws {
        try BlindCorpus.measure(corpus: Self.corpus, label: "corpus 7", reportVariable: "LUMIERE_CORPUS7_REPORT",
                                wrongCeiling: Self.wrongCeiling)
    }
}
