// ResultDiffer (issue 14 item 1): how a standing question's answer is compared with the
// previous one — key and measure columns, added / removed / changed rows, absolute and
// relative changes (relative null when the old value is 0), duplicate keys, nulls,
// changed columns, truncation — and how the `standing` block is written.

import Foundation
import Testing
@testable import LumiereCore

@Suite("Diffs of standing question results")
struct ResultDiffTests {
    let columns = ["region", "product", "sales", "units"]

    func table(_ rows: [[SQLValue]], truncated: Bool = false) -> DiffTable {
        DiffTable(columns: columns, rows: rows, truncated: truncated)
    }

    func compared(_ outcome: DiffOutcome) throws -> ResultDiff {
        guard case .compared(let diff) = outcome else {
            Issue.record("expected a diff, got \(outcome)")
            throw CancellationError()
        }
        return diff
    }

    @Test func firstRunHasNoDiffAndSaysWhy() {
        let outcome = ResultDiffer.diff(previous: nil, current: table([]))
        #expect(outcome == .notCompared(reason: "first run: there is no earlier answer to compare with"))
    }

    @Test func addedRemovedChangedAndUnchanged() throws {
        let before = table([
            [.text("EU"), .text("A"), .real(100), .integer(10)],
            [.text("EU"), .text("B"), .real(50), .integer(5)],
            [.text("US"), .text("A"), .real(80), .integer(8)],
        ])
        let now = table([
            [.text("EU"), .text("A"), .real(150), .integer(10)],
            [.text("US"), .text("A"), .real(80), .integer(8)],
            [.text("APAC"), .text("A"), .real(20), .integer(2)],
        ])
        let diff = try compared(ResultDiffer.diff(previous: before, current: now))
        #expect(diff.keyColumns == ["region", "product"])
        #expect(diff.measureColumns == ["sales", "units"])
        #expect(diff.added == [[.text("APAC"), .text("A"), .real(20), .integer(2)]])
        #expect(diff.removed == [[.text("EU"), .text("B"), .real(50), .integer(5)]])
        #expect(diff.unchanged == 1)
        #expect(diff.changed == [RowChange(key: [.text("EU"), .text("A")], measures: [
            MeasureChange(column: "sales", old: .real(100), new: .real(150), absolute: 50, relative: 0.5),
            MeasureChange(column: "units", old: .integer(10), new: .integer(10), absolute: 0, relative: 0),
        ])])
        #expect(!diff.isEmpty && !diff.truncated)
    }

    @Test func identicalResultsDiffEmpty() throws {
        let rows: [[SQLValue]] = [[.text("EU"), .text("A"), .real(1), .integer(1)]]
        let diff = try compared(ResultDiffer.diff(previous: table(rows), current: table(rows)))
        #expect(diff.isEmpty && diff.unchanged == 1)
    }

    @Test(arguments: [
        // old, new, absolute, relative
        (SQLValue.integer(0), SQLValue.integer(5), 5.0 as Double?, nil as Double?),       // from zero: no relative change
        (.real(-200), .real(-100), 100, 0.5),                                              // negative base: |old|
        (.integer(40), .integer(30), -10, -0.25),
        (.integer(3), .real(3.0), 0, 0),                                                   // same amount, other type
        (.null, .integer(7), nil, nil),                                                    // a null either side: no change figures
        (.integer(7), .null, nil, nil),
    ])
    func measureChange(old: SQLValue, new: SQLValue, absolute: Double?, relative: Double?) {
        let change = ResultDiffer.change("sales", old: old, new: new)
        #expect(change.absolute == absolute)
        #expect(change.relative == relative)
        #expect(change.old == old && change.new == new)
    }

    @Test func numericallyEqualMeasuresAreUnchanged() throws {
        let diff = try compared(ResultDiffer.diff(
            previous: DiffTable(columns: ["k", "v"], rows: [[.text("a"), .integer(3)]]),
            current: DiffTable(columns: ["k", "v"], rows: [[.text("a"), .real(3)]])))
        #expect(diff.isEmpty && diff.unchanged == 1)
    }

    @Test func nullMeasureBecomingANumberIsAChange() throws {
        let diff = try compared(ResultDiffer.diff(
            previous: DiffTable(columns: ["k", "v"], rows: [[.text("a"), .null]]),
            current: DiffTable(columns: ["k", "v"], rows: [[.text("a"), .integer(1)]])))
        #expect(diff.changed.count == 1)
        #expect(diff.changed[0].measures[0].absolute == nil)
    }

    @Test func aColumnWithAnyTextIsAKeyNotAMeasure() throws {
        // "code" holds numbers and one text value: it identifies rows, it is not an amount.
        let diff = try compared(ResultDiffer.diff(
            previous: DiffTable(columns: ["code", "n"], rows: [[.integer(1), .integer(5)], [.text("x"), .integer(1)]]),
            current: DiffTable(columns: ["code", "n"], rows: [[.integer(1), .integer(6)], [.text("x"), .integer(1)]])))
        #expect(diff.keyColumns == ["code"] && diff.measureColumns == ["n"])
        #expect(diff.changed.map(\.key) == [[.integer(1)]])
    }

    @Test func allNullColumnIsAKey() throws {
        let diff = try compared(ResultDiffer.diff(
            previous: DiffTable(columns: ["note", "n"], rows: [[.null, .integer(1)]]),
            current: DiffTable(columns: ["note", "n"], rows: [[.null, .integer(2)]])))
        #expect(diff.keyColumns == ["note"] && diff.changed.count == 1)
    }

    @Test func singleAggregateHasAnEmptyKey() throws {
        let diff = try compared(ResultDiffer.diff(
            previous: DiffTable(columns: ["total"], rows: [[.real(200)]]),
            current: DiffTable(columns: ["total"], rows: [[.real(250)]])))
        #expect(diff.keyColumns.isEmpty && diff.measureColumns == ["total"])
        #expect(diff.changed == [RowChange(key: [], measures: [
            MeasureChange(column: "total", old: .real(200), new: .real(250), absolute: 50, relative: 0.25),
        ])])
    }

    @Test func duplicateKeysMatchByOccurrence() throws {
        let before = DiffTable(columns: ["k", "v"], rows: [[.text("a"), .integer(1)], [.text("a"), .integer(2)],
                                                           [.text("a"), .integer(3)]])
        let now = DiffTable(columns: ["k", "v"], rows: [[.text("a"), .integer(1)], [.text("a"), .integer(5)]])
        let diff = try compared(ResultDiffer.diff(previous: before, current: now))
        #expect(diff.unchanged == 1)
        #expect(diff.changed.map { $0.measures[0].new } == [.integer(5)])
        #expect(diff.removed == [[.text("a"), .integer(3)]])
        #expect(diff.added.isEmpty)
    }

    @Test func removedRowsKeepTheirOriginalOrder() throws {
        let before = DiffTable(columns: ["k", "v"], rows: [[.text("b"), .integer(1)], [.text("a"), .integer(1)],
                                                           [.text("b"), .integer(2)]])
        let diff = try compared(ResultDiffer.diff(previous: before, current: DiffTable(columns: ["k", "v"], rows: [])))
        #expect(diff.removed == before.rows)
        #expect(diff.added.isEmpty && diff.changed.isEmpty && diff.unchanged == 0)
    }

    @Test func changedColumnsAreNotCompared() {
        let outcome = ResultDiffer.diff(previous: DiffTable(columns: ["region", "sales"], rows: []),
                                        current: DiffTable(columns: ["product", "sales"], rows: []))
        guard case .notCompared(let reason) = outcome else { Issue.record("expected no diff"); return }
        #expect(reason.contains("region, sales → product, sales"))
    }

    @Test func truncationIsReported() throws {
        let rows: [[SQLValue]] = [[.text("EU"), .text("A"), .real(1), .integer(1)]]
        #expect(try compared(ResultDiffer.diff(previous: table(rows, truncated: true), current: table(rows))).truncated)
        #expect(try compared(ResultDiffer.diff(previous: table(rows), current: table(rows, truncated: true))).truncated)
    }

    @Test func shortRowsReadAsNulls() throws {
        // A stored table that lost a value must not trap the worker.
        let diff = try compared(ResultDiffer.diff(previous: DiffTable(columns: ["k", "v"], rows: [[.text("a")]]),
                                                  current: DiffTable(columns: ["k", "v"], rows: [[.text("a"), .integer(1)]])))
        #expect(diff.changed.count == 1)
    }

    @Test func standingBlockWritesDiffNullWithItsReason() throws {
        let first = StandingInfo(subscriptionID: 3, sourceVersion: 1, sourceID: 9, previousVersion: nil,
                                 outcome: ResultDiffer.diff(previous: nil, current: table([])))
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys]
        let text = String(decoding: try e.encode(first), as: UTF8.self)
        #expect(text == #"{"diff":null,"diff_reason":"first run: there is no earlier answer to compare with","source_id":9,"source_version":1,"subscription_id":3}"#)
        #expect(try JSONDecoder().decode(StandingInfo.self, from: Data(text.utf8)) == first)

        let change = MeasureChange(column: "v", old: .integer(0), new: .integer(2), absolute: 2, relative: nil)
        #expect(String(decoding: try e.encode(change), as: UTF8.self) == #"{"absolute":2,"column":"v","new":2,"old":0,"relative":null}"#)
    }
}
