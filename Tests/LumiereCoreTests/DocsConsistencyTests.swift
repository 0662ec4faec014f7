// The user docs say what the code does: every error code LumiereError defines is listed in
// docs/errors.md, and the request schema's actions are exactly the ones Request parses.

import Foundation
import Testing
@testable import LumiereCore

@Suite("Docs match the code")
struct DocsConsistencyTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    @Test func everyErrorCodeIsDocumented() throws {
        let source = try String(contentsOf: Self.root.appendingPathComponent("Sources/LumiereCore/Model/LumiereError.swift"), encoding: .utf8)
        let docs = try String(contentsOf: Self.root.appendingPathComponent("docs/errors.md"), encoding: .utf8)
        let regex = try NSRegularExpression(pattern: #": Code = "([a-z_]+)""#)
        let codes = regex.matches(in: source, range: NSRange(source.startIndex..., in: source)).map {
            String(source[Range($0.range(at: 1), in: source)!])
        }
        #expect(codes.count > 30)
        // Defined for a shutdown path that reports nothing to users yet.
        let unused: Set<String> = ["shutting_down"]
        for code in codes where !unused.contains(code) {
            #expect(docs.contains("| `\(code)` |"), "docs/errors.md does not list \(code)")
        }
    }

    @Test func schemaActionsAreTheParsedOnes() throws {
        let data = try Data(contentsOf: Self.root.appendingPathComponent("docs/request.schema.json"))
        let schema = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let properties = try #require(schema["properties"] as? [String: Any])
        let actions = try #require((properties["action"] as? [String: Any])?["enum"] as? [String])
        #expect(Set(actions) == Set(Request.Action.allCases.map(\.rawValue)))
        #expect(Set(properties.keys) == Request.knownFields)
    }
}
