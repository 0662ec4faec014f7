// csv-spectrum conformance: every case parses to exactly its JSON (text values).

import Foundation
import Testing
@testable import LumiereCore

@Suite("csv-spectrum conformance")
struct CSVSpectrumTests {
    static let cases = ["comma_in_quotes", "empty", "empty_crlf", "escaped_quotes", "json", "newlines",
                        "newlines_crlf", "quotes_and_newlines", "simple", "simple_crlf", "utf8"]

    @Test(arguments: cases)
    func parsesToItsJSON(name: String) throws {
        let csv = try CSVTest.fixture("csv-spectrum/\(name).csv")
        let json = try CSVTest.fixture("csv-spectrum/\(name).json")
        let expected = try JSONDecoder().decode([[String: String]].self, from: Data(json))
        for chunkSize in [1, 3, 1 << 16] {
            let rows = try CSVTest.tokenize(csv, chunkSize: chunkSize)
            let header = try #require(rows.first)
            let objects = rows.dropFirst().map { Dictionary(uniqueKeysWithValues: zip(header, $0)) }
            #expect(Array(objects) == expected, "chunk size \(chunkSize)")
        }
        // The full reader agrees on the dialect and the header.
        let table = try CSVMemoryReader.read(csv)
        #expect(table.analysis.dialect.delimiter == UInt8(ascii: ","))
        #expect(table.analysis.dialect.hasHeader)
        #expect(table.rows.count == expected.count)
    }
}
