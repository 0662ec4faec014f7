// Excel's serial dates: the 1900 system with its phantom 1900-02-29, the 1904 system,
// times, and which number formats show dates.

import Testing
@testable import LumiereCore

@Suite("Excel serial dates")
struct ExcelSerialDateTests {
    @Test(arguments: [
        (1.0, "1900-01-01"), (59.0, "1900-02-28"), (60.0, "1900-03-01"), (61.0, "1900-03-01"),
        (45292.0, "2024-01-01"), (2_958_465.0, "9999-12-31"), (45292.5, "2024-01-01 12:00:00"),
    ])
    func the1900System(serial: Double, text: String) {
        #expect(ExcelSerialDate.text(serial, kind: .date, date1904: false) == text)
    }

    @Test func the1904SystemTimesAndRange() {
        #expect(ExcelSerialDate.text(0, kind: .date, date1904: true) == "1904-01-01")
        #expect(ExcelSerialDate.text(43830, kind: .date, date1904: true) == "2024-01-01")
        #expect(ExcelSerialDate.text(45292, kind: .dateTime, date1904: false) == "2024-01-01 00:00:00")
        #expect(ExcelSerialDate.text(0.75, kind: .time, date1904: false) == "18:00:00")
        // 23:59:59.9 rounds to the next day's midnight.
        #expect(ExcelSerialDate.text(45292 + 86_399.9 / 86_400, kind: .dateTime, date1904: false) == "2024-01-02 00:00:00")
        #expect(ExcelSerialDate.text(-1, kind: .date, date1904: false) == nil)
        #expect(ExcelSerialDate.text(3_000_000, kind: .date, date1904: false) == nil)
    }

    @Test(arguments: [
        ("yyyy-mm-dd", ExcelSerialDate.Kind.date), ("d/m/yy h:mm", .dateTime), ("[$-409]mmmm d, yyyy", .date),
        ("h:mm:ss AM/PM", .time), ("[h]:mm", .time), ("0.00", nil), ("0.00E+00", nil), ("#,##0 \"days\"", nil),
        ("\\d0", nil), ("[Red]0.0;[Blue]-0.0", nil), ("yyyy\\-mm\\-dd\\ hh:mm", .dateTime), ("General", nil),
    ])
    func formatCodes(code: String, kind: ExcelSerialDate.Kind?) {
        #expect(ExcelSerialDate.customKind(code) == kind)
    }

    @Test func builtinFormats() {
        #expect(ExcelSerialDate.builtinKind(14) == .date)
        #expect(ExcelSerialDate.builtinKind(22) == .dateTime)
        #expect(ExcelSerialDate.builtinKind(20) == .time)
        #expect(ExcelSerialDate.builtinKind(0) == nil)
        #expect(ExcelSerialDate.builtinKind(4) == nil)
    }
}
