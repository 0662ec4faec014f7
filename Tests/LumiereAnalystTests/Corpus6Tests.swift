// Corpus6: a sixth blind measurement of the builtin analyst. Written blind on 2026-12-07: the
// questions were written without reading the engine (Sources/) and committed (39f7f5f on its
// branch) before the engine ran on any of them. 158 questions (143 answerable, 15 unanswerable) over
// 7 real public tables the engine had never seen (Corpus6/SOURCES.md: aids2, boston, pima,
// chickwts, arbuthnot, painters, nox), with a day-number date column, a DATE column, coded
// values, TEXT categories and NULLs. Mixed styles on purpose: terse shorthand, chatty and
// polite, lowercase, a small typo in about one in eight, codes spelled out in words (died,
// victoria, on the river, diabetic, Venetian, Baden), date buckets, shares, top N, two
// conditions, and a few two-step questions. It shares corpus 2's format, loader
// (`Corpus2Table`: the real `SourceIngestor` into a temporary SQLite file) and scoring
// (`Corpus2Checker`: same rows as the gold or one of its `alt_sql` readings; a refusal is
// right only for an unanswerable question).
//
// It is a measurement, not a target: there is no accuracy floor, and nobody tunes the engine
// against these questions (all are split "check"). The only assertions are that the corpus
// loads and that wrong-but-succeeded answers stay under a safety ceiling.
// Set LUMIERE_CORPUS6_REPORT=/path/file.jsonl for one JSON line per question:
//   LUMIERE_CORPUS6_REPORT=/tmp/c6.jsonl swift test --skip-build --filter Corpus6Tests
//   grep '"outcome":"wrong"' /tmp/c6.jsonl

import Foundation
import LumiereCore
import LumiereStore
import Testing

@Suite("Analyst corpus 6 (a fresh blind check set, real tables)")
struct Corpus6Tests {
    static let corpus = "Corpus6"
    /// A safety ceiling, not a goal: an answer that runs but is wrong is the costly failure.
    /// Engine 1.3.8 (first run, 2026-12-07): 45/158 = 28.5% right (30/143 answerable, all 15
    /// unanswerable refused), 109 refused, 4/158 = 2.5% wrong-but-succeeded. Those 4 were read
    /// and are refused by 1.3.9 (SpelledOutNamesAndRowClausesTests); the refusals were not read.
    static let wrongCeiling = 0.05

    @Test("the corpus loads: ≥ 120 questions, ≥ 6 tables, every gold query runs on the real ingest")
    func corpusLoadsAndGoldRuns() throws {
        try BlindCorpus.checkLoads(corpus: Self.corpus, label: "corpus 6", minRefusals: 12)
    }

    @Test("measured: outcomes per table and category; wrong-but-succeeded under the ceiling")
    func measurement() throws {
        try BlindCorpus.measure(corpus: Self.corpus, label: "corpus 6", reportVariable: "LUMIERE_CORPUS6_REPORT",
                                wrongCeiling: Self.wrongCeiling)
    }
}
