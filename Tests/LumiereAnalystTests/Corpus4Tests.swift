// Corpus4: a fourth, truly blind measurement of the builtin analyst (issue #11 item 2).
// Corpus 2's and 3's wrong answers have been read by the engine's authors, so they no longer
// say how the engine does on questions nobody tuned for. Corpus 4 is 129 questions over 6
// real public tables the engine had never seen (Corpus4/SOURCES.md), written without reading
// the engine and committed before it ran on them, in a chattier style than corpus 3 (business
// words, several conditions, numbers as words). It shares corpus 2's format, loader
// (`Corpus2Table`: the real `SourceIngestor` into a temporary SQLite file) and scoring
// (`Corpus2Checker`: same rows as the gold or one of its `alt_sql` readings; a refusal is
// right only for an unanswerable question).
//
// It is a measurement, not a target: there is no accuracy floor, and nobody tunes the engine
// against these questions (all are split "check"). The only assertions are that the corpus
// loads and that wrong-but-succeeded answers stay under a safety ceiling.
// Set LUMIERE_CORPUS4_REPORT=/path/file.jsonl for one JSON line per question:
//   LUMIERE_CORPUS4_REPORT=/tmp/c4.jsonl swift test --skip-build --filter Corpus4Tests
//   grep '"outcome":"wrong"' /tmp/c4.jsonl

import Foundation
import LumiereCore
import LumiereStore
import Testing

@Suite("Analyst corpus 4 (a fresh blind check set, real tables)")
struct Corpus4Tests {
    static let corpus = "Corpus4"
    /// A safety ceiling, not a goal: an answer that runs but is wrong is the costly failure.
    /// Engine 1.3.7 (first run, 2026-12-07): 47/129 = 36.4% right (32/114 answerable, all 15
    /// unanswerable refused), 73 refused, 3 clarified, 6/129 = 4.7% wrong-but-succeeded
    /// (us_employment 3, movies 2, titanic 1): just under this ceiling. The engine's general
    /// additions that followed (sorting, code lists, spread, ordinals) changed no right answer
    /// and added one wrong one ("range of fertility: min and max"). Those 7 wrong answers were
    /// then read and their causes fixed as general rules (BlindCheck4LessonsTests): 56/129 =
    /// 43.4% right, 71 refused, 2 clarified, 0 wrong. The refusals were not read.
    static let wrongCeiling = 0.05

    @Test("the corpus loads: ≥ 120 questions, ≥ 6 tables, every gold query runs on the real ingest")
    func corpusLoadsAndGoldRuns() throws {
        try BlindCorpus.checkLoads(corpus: Self.corpus, label: "corpus 4", minRefusals: 12)
    }

    @Test("measured: outcomes per table and category; wrong-but-succeeded under the ceiling")
    func measurement() throws {
        try BlindCorpus.measure(corpus: Self.corpus, label: "corpus 4", reportVariable: "LUMIERE_CORPUS4_REPORT",
                                wrongCeiling: Self.wrongCeiling)
    }
}
