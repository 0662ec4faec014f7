// Tenant names, uid bindings and the config keys of issue 6 (tenants, retention, metrics,
// job index): what is accepted, what is refused and with which code.

import Foundation
import Testing
@testable import LumiereCore

@Suite("Tenant policy")
struct TenantPolicyTests {
    @Test(arguments: ["acme", "Acme_2", "a", "team-blue", "eu.west", String(repeating: "x", count: 64)])
    func validNames(name: String) {
        #expect(TenantPolicy.validate(name) == nil)
    }

    @Test(arguments: [
        ("", "empty"), ("..", "start with"), ("a..b", "no .."), (".hidden", "start with"), ("-x", "start with"),
        ("a/b", "only ASCII"), ("a b", "only ASCII"), ("zürich", "only ASCII"), ("a--b", "no --"),
        (String(repeating: "x", count: 65), "at most 64"), ("a\u{0}b", "only ASCII"),
    ])
    func invalidNames(name: String, reason: String) {
        let why = TenantPolicy.validate(name)
        #expect(why?.contains(reason) == true, "\(name): \(why ?? "accepted")")
    }

    @Test func bindings() throws {
        let b = try TenantPolicy.parseBindings(" acme:1000, 1001 ; beta:1002;; acme:1003 ")
        #expect(b == ["acme": [1000, 1001, 1003], "beta": [1002]])
        #expect(try TenantPolicy.parseBindings("").isEmpty)
        let policy = TenantPolicy(enabled: true, allowedUIDs: b)
        #expect(policy.allows(uid: 1001, in: "acme"))
        #expect(!policy.allows(uid: 1002, in: "acme"))
        #expect(policy.allows(uid: 4242, in: "gamma"), "an unbound tenant accepts any owner")
    }

    @Test(arguments: [("acme", "no \":\""), ("acme:", "lists no uid"), ("acme:x1", "numeric uid"),
                      ("a/b:1", "not a valid tenant name"), ("acme:-1", "numeric uid")])
    func badBindings(text: String, fragment: String) {
        #expect {
            _ = try TenantPolicy.parseBindings(text)
        } throws: { error in
            guard let e = error as? LumiereError else { return false }
            return e.code == .configError && e.message.contains(fragment) && e.hint != nil
        }
    }

    @Test func resolveTenantOption() throws {
        let off = TenantPolicy(enabled: false)
        #expect(try off.resolve(nil) == "")
        #expect(throws: LumiereError.self) { try off.resolve("acme") }
        let on = TenantPolicy(enabled: true)
        #expect(try on.resolve("acme") == "acme")
        do {
            _ = try on.resolve(nil)
            Issue.record("no tenant accepted")
        } catch {
            #expect(error.code == .tenantRequired)
        }
        do {
            _ = try on.resolve("../etc")
            Issue.record("a path accepted as a tenant")
        } catch {
            #expect(error.code == .invalidTenant)
        }
    }

    @Test func configKeys() throws {
        let defaults = try LumiereConfig.load(file: nil, environment: [:])
        #expect(defaults.tenants.enabled == false)
        #expect(defaults.retention.archiveDays == 30)
        #expect(defaults.retention.historyDays == 30)
        #expect(defaults.metrics.file == "state/metrics.prom")
        #expect(defaults.results.writeIndex)
        let env = try LumiereConfig.load(file: "[tenants]\nallowed_uids = \"acme:1000\"\n",
                                         environment: ["LUMIERE_TENANTS_ENABLED": "1", "LUMIERE_RETENTION_FAILED_DAYS": "0.5"])
        let policy = TenantPolicy(config: env)
        #expect(policy.enabled)
        #expect(policy.allowedUIDs == ["acme": [1000]])
        #expect(env.retention.failedDays == 0.5)
        // A bad binding stops the load, wherever it comes from.
        #expect(throws: LumiereError.self) {
            _ = try LumiereConfig.load(file: nil, environment: ["LUMIERE_TENANTS_ALLOWED_UIDS": "acme=1000"])
        }
    }
}

@Suite("Request files written back")
struct RequestEncodingTests {
    @Test(arguments: [
        #"{"action": "rerun", "query_id": 12, "id": "r1"}"#,
        #"{"action": "list_queries", "source": "sales", "status": "failed", "limit": 5}"#,
        #"{"action": "preview_source", "source": "sales", "limit": 3, "offset": 9, "version": 2}"#,
        #"{"action": "update_source", "source": "sales", "name": "sales2", "description": "new \"quoted\""}"#,
        #"{"action": "chart", "query_id": 3, "chart_type": "pie", "engine": "builtin"}"#,
        #"{"action": "insight", "query_id": 3}"#,
        #"{"action": "delete_source", "source": "s", "version": 1}"#,
        #"{"source": "s", "question": "total by region", "chart": false, "insight": false}"#,
        #"{"source": "s", "sql": "SELECT 1"}"#,
        #"{"action": "choose", "query_id": 4, "choice": 2}"#,
    ])
    func roundTrip(json: String) throws {
        let request = try Request.parse(Data(json.utf8))
        #expect(try Request.parse(request.jsonData()) == request)
    }
}
