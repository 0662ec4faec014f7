// Request files for standing questions (issue 14 item 1): what each watch_* action needs,
// the subscription_id field's type and range, and the round trip through jsonData().

import Foundation
import Testing
@testable import LumiereCore

@Suite("Watch requests")
struct WatchRequestTests {
    func parse(_ json: String) throws(LumiereError) -> Request { try Request.parse(Data(json.utf8)) }

    @Test func watchAddTakesAQuestionOrSQL() throws {
        let ask = try parse(#"{"action": "watch_add", "source": "sales", "question": "total sales by region"}"#)
        #expect(ask.action == .watchAdd && ask.source == "sales" && ask.question == "total sales by region")
        let sql = try parse(#"{"action": "watch_add", "source": "sales", "sql": "SELECT 1"}"#)
        #expect(sql.sql == "SELECT 1")
        #expect(try Request.parse(sql.jsonData()) == sql)
    }

    @Test(arguments: [
        (#"{"action": "watch_add", "source": "sales"}"#, #"action "watch_add" needs field "question""#),
        (#"{"action": "watch_add", "source": "sales", "question": "  "}"#, #"action "watch_add" needs field "question""#),
        (#"{"action": "watch_add", "question": "q"}"#, #"action "watch_add" needs field "source""#),
        (#"{"action": "watch_add", "source": "s", "question": "q", "sql": "SELECT 1"}"#, #"give either "question" or "sql", not both"#),
        (#"{"action": "watch_pause"}"#, #"action "watch_pause" needs field "subscription_id""#),
        (#"{"action": "watch_resume"}"#, #"action "watch_resume" needs field "subscription_id""#),
        (#"{"action": "watch_delete"}"#, #"action "watch_delete" needs field "subscription_id""#),
        (#"{"action": "watch_delete", "subscription_id": 0}"#, #"field "subscription_id" must be a whole number from 1 to 2147483647"#),
        (#"{"action": "watch_delete", "subscription_id": "3"}"#, #"field "subscription_id" must be a whole number from 1 to 2147483647"#),
        (#"{"action": "watch_delete", "subscription_id": 1.5}"#, #"field "subscription_id" must be a whole number from 1 to 2147483647"#),
    ])
    func refused(json: String, message: String) {
        #expect(throws: LumiereError.self) { try parse(json) }
        do { _ = try parse(json) } catch {
            #expect(error.code == .malformedRequest)
            #expect(error.message == message)
        }
    }

    @Test func idActionsRoundTrip() throws {
        for action in ["watch_pause", "watch_resume", "watch_delete"] {
            let r = try parse(#"{"action": "\#(action)", "subscription_id": 7}"#)
            #expect(r.subscriptionID == 7 && r.action.rawValue == action)
            #expect(try Request.parse(r.jsonData()) == r)
        }
        #expect(try parse(#"{"action": "watch_list"}"#).action == .watchList)
    }
}
