// Small parts of the management work, in-process: work-area names that carry the tenant
// (so crash recovery knows it), the index log's append (a torn tail is completed, each
// line whole), and inbox submission that never replaces a waiting file.

import Foundation
@testable import LumiereService
import LumiereSpool
import Testing

@Suite("Spool helpers")
struct SpoolHelperTests {
    @Test(arguments: [
        ("0190aa000001--q1.json", "", "q1.json"),
        ("0190aa000001@acme--q1.json", "acme", "q1.json"),
        ("0190aa000001@team-blue--odd--name.csv", "team-blue", "odd--name.csv"),
        ("0190aa000001--a@b.csv", "", "a@b.csv"),
    ])
    func workNames(work: String, tenant: String, input: String) {
        #expect(Intake.tenant(fromWorkName: work) == tenant)
        #expect(Intake.inputName(fromWorkName: work) == input)
    }

    @Test func appendLogCompletesATornTail() throws {
        try withTemporaryDirectory { dir in
            let path = dir + "/index.jsonl"
            try #"{"job_id":1}"#.write(toFile: path, atomically: true, encoding: .utf8)  // no newline: torn by a power loss
            try AppendLog.append(line: #"{"job_id":2}"#, to: path)
            try AppendLog.append(line: #"{"job_id":3}"#, to: path)
            #expect(try String(contentsOfFile: path, encoding: .utf8) == "{\"job_id\":1}\n{\"job_id\":2}\n{\"job_id\":3}\n")
        }
    }

    @Test func concurrentAppendsStayWhole() throws {
        try withTemporaryDirectory { dir in
            let path = dir + "/index.jsonl"
            let line = String(repeating: "x", count: 3000)
            DispatchQueue.concurrentPerform(iterations: 200) { i in
                try? AppendLog.append(line: "{\"job_id\":\(i),\"pad\":\"\(line)\"}", to: path)
            }
            let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
            #expect(lines.count == 200)
            #expect(lines.allSatisfy { (try? JSONSerialization.jsonObject(with: Data($0.utf8))) != nil })
        }
    }

    @Test func submitNeverReplacesAWaitingFile() throws {
        try withTemporaryDirectory { dir in
            try InboxSubmit.write(Data("first".utf8), into: dir, as: "q.json")
            #expect(throws: (any Error).self) { try InboxSubmit.write(Data("second".utf8), into: dir, as: "q.json") }
            #expect(try String(contentsOfFile: dir + "/q.json", encoding: .utf8) == "first")
            #expect(listDir(dir) == ["q.json"], "no temp file left behind")
            #expect(((try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []).count == 1)
        }
    }
}
