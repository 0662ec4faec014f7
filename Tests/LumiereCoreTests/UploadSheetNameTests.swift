// How an upload's name asks for a workbook sheet: `SOURCE#SHEET.xlsx`.

import LumiereCore
import Testing

@Suite("Upload names: the sheet of a workbook")
struct UploadSheetNameTests {
    @Test("SOURCE#SHEET.xlsx names the source before the # and the sheet after it")
    func convention() throws {
        #expect(SpoolNames.sourceName(forUpload: "budget#Q3 2024.xlsx") == "budget")
        #expect(try SpoolNames.sheet(forUpload: "budget#Q3 2024.xlsx") == "Q3 2024")
        #expect(try SpoolNames.sheet(forUpload: "Budget#Notes & more.XLSX") == "Notes & more")
        #expect(try SpoolNames.sheet(forUpload: "b#x#y.xlsx") == "x#y", "split at the first #")
        // The sheet part is only a name to look up, never a path.
        #expect(SpoolNames.sourceName(forUpload: "b#../../etc.xlsx") == "b")
        #expect(try SpoolNames.sheet(forUpload: "b#../../etc.xlsx") == "../../etc")
        #expect(SpoolNames.resultName(forInput: "budget#Q3.xlsx", kind: .upload) == "budget#Q3.source.json")
    }

    @Test("other names keep their meaning: no sheet, the # sanitized as before")
    func otherNames() throws {
        #expect(try SpoolNames.sheet(forUpload: "budget.xlsx") == nil)
        #expect(try SpoolNames.sheet(forUpload: "a#b.csv") == nil)
        #expect(SpoolNames.sourceName(forUpload: "a#b.csv") == "a_b")
        #expect(try SpoolNames.sheet(forUpload: "#lead.xlsx") == nil, "a leading # names no source")
        #expect(SpoolNames.sourceName(forUpload: "#lead.xlsx") == "_lead")
    }

    @Test("an empty or overlong sheet part is unknown_sheet with a hint")
    func refused() {
        for name in ["budget#.xlsx", "budget#" + String(repeating: "x", count: SpoolNames.maxSheetNameLength + 1) + ".xlsx"] {
            #expect {
                _ = try SpoolNames.sheet(forUpload: name)
            } throws: { error in
                (error as? LumiereError)?.code == .unknownSheet && (error as? LumiereError)?.hint != nil
            }
        }
    }
}
