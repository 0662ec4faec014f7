import Testing
@testable import LumiereCore

@Suite("CSV tokenizer")
struct CSVTokenizerTests {
    static let chunkSizes = [1, 2, 3, 5, 7, 64, 1 << 16]

    @Test("quoted fields, doubled quotes and line breaks survive any chunking", arguments: chunkSizes)
    func quoting(chunkSize: Int) throws {
        let text = "a,b,c\r\n\"x, y\",\"say \"\"hi\"\"\",\"two\nlines\"\r\n1,,3\n"
        let rows = try CSVTest.tokenize(text, chunkSize: chunkSize)
        #expect(rows == [["a", "b", "c"], ["x, y", "say \"hi\"", "two\nlines"], ["1", "", "3"]])
    }

    @Test("LF, CRLF and lone CR all end records", arguments: ["\n", "\r\n", "\r"])
    func lineEnds(end: String) throws {
        let rows = try CSVTest.tokenize("a,b\(end)1,2\(end)3,4", chunkSize: 1)
        #expect(rows == [["a", "b"], ["1", "2"], ["3", "4"]])
    }

    @Test func blankLinesAreSkippedButEmptyQuotedFieldsAreKept() throws {
        let rows = try CSVTest.tokenize("a\n\n\"\"\n\r\nb\n")
        #expect(rows == [["a"], [""], ["b"]])
    }

    @Test func trailingDelimiterAtEndOfInputKeepsTheEmptyField() throws {
        #expect(try CSVTest.tokenize("a,b,") == [["a", "b", ""]])
    }

    @Test func quoteInsideUnquotedFieldAndTextAfterClosingQuoteAreKept() throws {
        #expect(try CSVTest.tokenize("5\" pipe,\"ab\"cd\n") == [["5\" pipe", "abcd"]])
    }

    @Test func unterminatedQuoteNamesItsLine() throws {
        let error = CSVTest.error { () throws(LumiereError) in try CSVTest.tokenize("a,b\n1,2\n3,\"open\nmore\n") }
        #expect(error?.code == .malformedCSV)
        #expect(error?.message.contains("line 3") == true)
    }

    @Test func fieldCapIsEnforced() throws {
        let big = String(repeating: "x", count: 100)
        let error = CSVTest.error { () throws(LumiereError) in
            try CSVTest.tokenize(Array("a\n\(big)\n".utf8), limits: CSVLimits(maxFieldBytes: 50))
        }
        #expect(error?.code == .fieldTooLarge)
        #expect(error?.message.contains("line 2") == true)
        #expect(error?.hint != nil)
    }

    @Test func columnCapIsEnforced() throws {
        let error = CSVTest.error { () throws(LumiereError) in
            try CSVTest.tokenize(Array("a,b,c,d\n".utf8), limits: CSVLimits(maxColumns: 3))
        }
        #expect(error?.code == .tooManyColumns)
    }

    @Test func rowsReportTheirStartingLine() throws {
        let tokenizer = CSVTokenizer(delimiter: UInt8(ascii: ","))
        var lines: [Int] = []
        let collect = { (row: CSVRow) throws(LumiereError) -> Void in lines.append(row.line) }
        try Array("a\n\"x\ny\"\n\nb\n".utf8).withBytes { (p) throws(LumiereError) in try tokenizer.feed(p, collect) }
        try tokenizer.finish(collect)
        #expect(lines == [1, 2, 5])
    }
}

@Suite("CSV reader robustness")
struct CSVReaderRobustnessTests {
    /// Random CSV-like bytes never trap: every input reads or fails with a LumiereError,
    /// and the result does not depend on how the input is chunked.
    @Test func randomInputsReadOrFailCleanly() {
        var rng = SystemRandomNumberGenerator()
        let alphabet = Array("ab1,;\t|\"\"\n\r 2.5-".utf8) + [0xC3, 0xA9, 0xE9]
        for _ in 0..<300 {
            let bytes = (0..<Int.random(in: 0...300, using: &rng)).map { _ in alphabet.randomElement(using: &rng)! }
            let whole = Result { () throws(LumiereError) in try CSVMemoryReader.read(bytes) }
            let small = Result { () throws(LumiereError) in try CSVMemoryReader.read(bytes, chunkSize: 3) }
            switch (whole, small) {
            case (.success(let a), .success(let b)):
                #expect(a.rows == b.rows && a.profile == b.profile, "\(bytes)")
            case (.failure(let a), .failure(let b)):
                #expect(a.code == b.code, "\(bytes)")
            default:
                Issue.record("chunking changed the outcome for \(bytes)")
            }
        }
    }
}
