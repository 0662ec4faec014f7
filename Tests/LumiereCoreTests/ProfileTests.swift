import Testing
@testable import LumiereCore

@Suite("Column profile and value index")
struct ProfileTests {
    @Test func salesSampleProfile() throws {
        let table = try CSVMemoryReader.read(try CSVTest.fixture("test_sales_data.csv"), chunkSize: 37)
        let p = table.profile
        #expect(p.rowCount == 15)
        #expect(p.hasHeader && p.delimiter == "," && p.encoding == "utf-8" && p.warnings.isEmpty)
        let types = Dictionary(uniqueKeysWithValues: p.columns.map { ($0.name, $0.type) })
        #expect(types == ["Date": .date, "Product": .text, "Sales": .real, "Region": .text, "Category": .text,
                          "Price": .real, "Quantity": .integer, "Customer_Type": .text])
        let sales = try #require(p.columns.first { $0.name == "Sales" })
        #expect(sales.min == .real(250) && sales.max == .real(2300))
        #expect(sales.nullCount == 0 && sales.distinctCount == 15 && !sales.distinctIsEstimate)
        let region = try #require(p.columns.first { $0.name == "Region" })
        #expect(region.distinctCount == 4)
        #expect(region.samples == ["North", "South", "East", "West"])
        #expect(region.min == .text("East") && region.max == .text("West"))
        let date = try #require(p.columns.first { $0.name == "Date" })
        #expect(date.min == .text("2024-01-05") && date.max == .text("2024-04-19"))
        #expect(date.samples.count == 5)
        let quantity = try #require(p.columns.first { $0.name == "Quantity" })
        #expect(quantity.min == .integer(3) && quantity.max == .integer(40))
        #expect(table.valueIndex.values["Region"] == ["North", "South", "East", "West"])
        #expect(table.valueIndex.values["Product"] == ["Widget A", "Gadget B", "Tool C"])
        #expect(table.valueIndex.values["Sales"] == nil)
        #expect(table.valueIndex.truncatedColumns.isEmpty)
    }

    @Test func nullsAndDistinctAreCounted() throws {
        let table = try CSVTest.read("k,v\na,1\n,2\nb,\na,1\n")
        let k = table.profile.columns[0], v = table.profile.columns[1]
        #expect(k.nullCount == 1 && k.distinctCount == 2)
        #expect(v.nullCount == 1 && v.distinctCount == 2)
    }

    @Test func valueIndexIsCappedAndTruncationRecorded() throws {
        let text = "name\n" + (0..<50).map { "n\($0)" }.joined(separator: "\n") + "\n"
        let table = try CSVTest.read(text, options: CSVProfileOptions(valueIndexCap: 10))
        #expect(table.valueIndex.values["name"] == (0..<10).map { "n\($0)" })
        #expect(table.valueIndex.truncatedColumns == ["name"])
        #expect(table.profile.columns[0].distinctCount == 50)
    }

    @Test func longTextsAreCutInSamplesAndLeftOutOfTheIndex() throws {
        let long = String(repeating: "é", count: 300)  // 600 bytes
        let table = try CSVTest.read("note\nshort\n\(long)\n")
        let column = table.profile.columns[0]
        #expect(column.samples.count == 2)
        #expect(column.samples[1].utf8.count == 256 && column.samples[1] == String(repeating: "é", count: 128))
        #expect(column.max == .text(String(repeating: "é", count: 128)))
        #expect(table.valueIndex.values["note"] == ["short"])
        #expect(table.valueIndex.truncatedColumns == ["note"])
        #expect(table.rows[1] == [.text(long)])
    }

    @Test func distinctBecomesAnEstimatePastTheCap() throws {
        let text = "id\n" + (0..<20_000).map { "x\($0)" }.joined(separator: "\n") + "\n"
        let table = try CSVTest.read(text, options: CSVProfileOptions(valueIndexCap: 5, distinctExactCap: 1000))
        let column = table.profile.columns[0]
        #expect(column.distinctIsEstimate)
        #expect(abs(column.distinctCount - 20_000) < 1_000)
    }

    @Test func distinctCounterIsExactBelowItsCap() {
        var counter = DistinctCounter(exactCap: 100_000)
        for i in 0..<50_000 { _ = counter.insert(ValueHash.integer(Int64(i % 30_000))) }
        #expect(counter.count == 30_000 && !counter.isEstimate)
    }
}
