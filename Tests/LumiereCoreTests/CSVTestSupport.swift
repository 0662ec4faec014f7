// Helpers for the CSV tests: fixtures from the bundle, tokenizing and reading strings.

import Foundation
import Testing
@testable import LumiereCore

enum CSVTest {
    static func fixture(_ name: String) throws -> [UInt8] {
        let url = try #require(Bundle.module.url(forResource: "Fixtures/\(name)", withExtension: nil))
        return Array(try Data(contentsOf: url))
    }

    /// All records of `bytes`, fed in chunks of `chunkSize`.
    static func tokenize(_ bytes: [UInt8], delimiter: UInt8 = UInt8(ascii: ","), chunkSize: Int = 1 << 16,
                         limits: CSVLimits = CSVLimits()) throws(LumiereError) -> [[String]] {
        let tokenizer = CSVTokenizer(delimiter: delimiter, limits: limits)
        var rows: [[String]] = []
        let collect = { (row: CSVRow) throws(LumiereError) -> Void in rows.append(row.strings) }
        try bytes.withBytes { (all) throws(LumiereError) in
            var at = 0
            while at < all.count {
                let end = min(all.count, at + chunkSize)
                try tokenizer.feed(UnsafeRawBufferPointer(rebasing: all[at..<end]), collect)
                at = end
            }
        }
        try tokenizer.finish(collect)
        return rows
    }

    static func tokenize(_ text: String, chunkSize: Int = 1 << 16) throws(LumiereError) -> [[String]] {
        try tokenize(Array(text.utf8), chunkSize: chunkSize)
    }

    static func read(_ text: String, chunkSize: Int = 1 << 20, limits: CSVLimits = CSVLimits(),
                     options: CSVProfileOptions = CSVProfileOptions()) throws(LumiereError) -> CSVTable {
        try CSVMemoryReader.read(Array(text.utf8), limits: limits, profileOptions: options, chunkSize: chunkSize)
    }

    static func types(_ table: CSVTable) -> [ColumnType] { table.analysis.columns.map(\.type) }

    /// The error a throwing call raised (nil when it did not throw).
    static func error<T>(_ body: () throws(LumiereError) -> T) -> LumiereError? {
        do { _ = try body(); return nil } catch { return error }
    }
}
