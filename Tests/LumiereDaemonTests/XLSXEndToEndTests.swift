// Excel uploads through the real `lumiere` binary: `sources add budget.xlsx` with no
// daemon (then a question answered on it), a bogus .xlsx refused, and a workbook dropped
// into a running daemon's inbox.

import Foundation
import LumiereTestSupport
import Testing

@Suite("Excel .xlsx, end to end", .serialized)
struct XLSXEndToEndTests {
    static let sheet = XLSXFixture.Sheet("Budget", rows: """
        <row r="1"><c r="A1" t="inlineStr"><is><t>region</t></is></c><c r="B1" t="inlineStr"><is><t>sales</t></is></c>\
        <c r="C1" t="inlineStr"><is><t>day</t></is></c></row>
        <row r="2"><c r="A2" t="s"><v>0</v></c><c r="B2"><v>120</v></c><c r="C2" s="1"><v>45296</v></c></row>
        <row r="3"><c r="A3" t="s"><v>1</v></c><c r="B3"><v>80</v></c><c r="C3" s="1"><v>45297</v></c></row>
        <row r="4"><c r="A4" t="s"><v>0</v></c><c r="B4"><v>30</v></c><c r="C4" s="1"><v>45298</v></c></row>
        """)

    static func write(to path: String) throws {
        try XLSXFixture.write(XLSXFixture.parts(sheets: [sheet, XLSXFixture.Sheet("Other", rows: "")],
                                                sharedStrings: ["<si><t>North</t></si>", "<si><t>South</t></si>"]),
                              to: path)
    }

    @Test("sources add on an .xlsx file, a question on it, and a bogus .xlsx refused")
    func sourcesAddWithoutDaemon() throws {
        try withTemporaryDirectory { dir in
            let spool = dir + "/spool"
            let s = ["--spool", spool]
            #expect(try runCLI(["init"] + s).status == 0)
            let file = dir + "/budget.xlsx"
            try Self.write(to: file)
            let add = try runCLI(["sources", "add", file] + s)
            #expect(add.status == 0, "\(add.stderr)")
            #expect(add.stdout.hasPrefix("source budget version 1: 3 rows from budget.xlsx\n"), "\(add.stdout)")
            let show = try runCLI(["sources", "show", "budget"] + s)
            #expect(show.stdout.contains("Encoding:    utf-8, Excel workbook\n"), "\(show.stdout)")
            #expect(show.stdout.contains("DATE"), "\(show.stdout)")
            let asked = try runCLI(["ask", "--source", "budget", "What were the total sales by region?"] + s)
            #expect(asked.status == 0, "\(asked.stderr)")
            #expect(asked.stdout.contains("North") && asked.stdout.contains("150"), "\(asked.stdout)")

            let bogus = dir + "/bogus.xlsx"
            try "region,sales\nNorth,1\n".write(toFile: bogus, atomically: true, encoding: .utf8)
            let refused = try runCLI(["sources", "add", bogus] + s)
            #expect(refused.status != 0)
            #expect(refused.stderr.hasPrefix("error: the file is not an .xlsx workbook (it does not start with a ZIP signature) [not_xlsx]\nhint: "),
                    "\(refused.stderr)")
            #expect(try runCLI(["sources", "show", "bogus"] + s).status != 0, "no source was made from the bogus file")
        }
    }

    @Test("an .xlsx in the inbox becomes a source")
    func daemonInbox() throws {
        try withTemporaryDirectory { dir in
            let spool = dir + "/spool"
            let daemon = try DaemonProcess(spool: spool)
            try daemon.waitUntilStarted()
            let file = dir + "/budget.xlsx"
            try Self.write(to: file)
            try dropFile(file, as: "budget.xlsx", into: spool + "/inbox")
            let doc = try waitForJSON(spool + "/outbox/budget.source.json")
            #expect(doc["status"] as? String == "succeeded", "\(doc)")
            #expect(((doc["source"] as? [String: Any])?["row_count"] as? Int) == 3)
            #expect((doc["profile"] as? [String: Any])?["format"] as? String == "xlsx")
            let days = try ask(#"{"source": "budget", "sql": "SELECT day FROM data WHERE region = 'South'"}"#,
                               as: "days", spool: spool)
            #expect(days.status == "succeeded", "\(days)")
            #expect((days["rows"] as? [[Any]])?.first?.first as? String == "2024-01-06")
            #expect(try daemon.stop() == 0)
        }
    }

    /// A workbook whose second sheet holds the data asked for.
    static func writeTwoSheets(to path: String) throws {
        let second = XLSXFixture.Sheet("Second", rows: """
            <row r="1"><c r="A1" t="inlineStr"><is><t>item</t></is></c><c r="B1" t="inlineStr"><is><t>qty</t></is></c></row>
            <row r="2"><c r="A2" t="inlineStr"><is><t>bolt</t></is></c><c r="B2"><v>7</v></c></row>
            <row r="3"><c r="A3" t="inlineStr"><is><t>nut</t></is></c><c r="B3"><v>5</v></c></row>
            """)
        try XLSXFixture.write(XLSXFixture.parts(sheets: [sheet, second],
                                                sharedStrings: ["<si><t>North</t></si>", "<si><t>South</t></si>"]),
                              to: path)
    }

    @Test("a named sheet: sources add --sheet, an inbox file SOURCE#SHEET.xlsx, and an unknown sheet refused with the file kept")
    func namedSheet() throws {
        try withTemporaryDirectory { dir in
            let spool = dir + "/spool"
            let s = ["--spool", spool]
            let file = dir + "/book.xlsx"
            try Self.writeTwoSheets(to: file)
            #expect(try runCLI(["init"] + s).status == 0)
            let add = try runCLI(["sources", "add", file, "--sheet", "Second"] + s)
            #expect(add.status == 0, "\(add.stderr)")
            #expect(add.stdout.hasPrefix("source book version 1: 2 rows from book.xlsx\n"), "\(add.stdout)")
            #expect(add.stdout.contains("qty"), "\(add.stdout)")
            let csvSheet = try runCLI(["sources", "add", TestPaths.sampleCSV, "--sheet", "Second"] + s)
            #expect(csvSheet.status == 64, "--sheet on a CSV is a usage error: \(csvSheet.stderr)")

            let daemon = try DaemonProcess(spool: spool)
            try daemon.waitUntilStarted()
            try dropFile(file, as: "book#Second.xlsx", into: spool + "/inbox")
            let doc = try waitForJSON(spool + "/outbox/book#Second.source.json")
            #expect(doc["status"] as? String == "succeeded", "\(doc)")
            #expect((doc["source"] as? [String: Any])?["name"] as? String == "book")
            #expect((doc["source"] as? [String: Any])?["version"] as? Int == 2)
            #expect(((doc["profile"] as? [String: Any])?["warnings"] as? [String])?.contains("read sheet \"Second\"") == true, "\(doc)")
            // Handed to the running daemon, --sheet travels in the inbox name.
            let handed = try runCLI(["sources", "add", file, "--sheet", "Second", "--name", "parts"] + s)
            #expect(handed.status == 0 && handed.stdout.hasPrefix("source parts version 1: 2 rows"), "\(handed.stdout) \(handed.stderr)")

            try dropFile(file, as: "book#Nope.xlsx", into: spool + "/inbox")
            let refused = try waitForJSON(spool + "/outbox/book#Nope.source.json")
            #expect(refused.errorCode == "unknown_sheet", "\(refused)")
            _ = try eventually(timeout: 10, "the refused workbook in failed/") {
                FileManager.default.fileExists(atPath: spool + "/failed/book#Nope.xlsx")
                    && FileManager.default.fileExists(atPath: spool + "/failed/book#Nope.xlsx.error.json") ? true : nil
            }
            #expect(try daemon.stop() == 0)
        }
    }
}
