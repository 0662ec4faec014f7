// WatchActions: the request-file actions of standing questions (issue 14 item 1), answered
// by `Analyst.manage` like the other management actions:
//   watch_add (source, question or sql) → data.subscription; when the source already has
//     a version, its baseline run is queued at once (the next version diffs against it);
//   watch_list → data.subscriptions; watch_pause / watch_resume (subscription_id) →
//     data.subscription; watch_delete (subscription_id) → data.deleted.subscription_id.
// Tenant scoping: another tenant's subscription is `unknown_subscription`, worded exactly
// like one that does not exist. A paused subscription misses the versions recorded while
// it is paused; resuming does not catch up (the next version diffs against the last run).

import Foundation
import LumiereCore
import LumiereSpool
import LumiereStore

extension Analyst {
    func watch(_ request: Request, tenant: String, jobID: Int64?, into data: inout ManagementData) throws(LumiereError) {
        switch request.action {
        case .watchAdd:
            let name = request.source ?? ""
            guard SpoolNames.sanitize(name) == name, !name.isEmpty else {
                throw LumiereError(.malformedRequest, "\"\(name.prefix(60))\" is not a valid source name",
                                   hint: "source names use letters, digits, _, - and ., e.g. \"\(SpoolNames.sanitize(name))\"")
            }
            let added = try store.addSubscription(NewSubscription(tenant: tenant, sourceName: name, question: request.question,
                                                                  sql: request.sql, jobID: jobID))
            data.subscription = info(added)
        case .watchList:
            let limit = min(request.limit ?? ManagementActions.maxListItems, ManagementActions.maxListItems)
            data.subscriptions = try store.subscriptions(tenant: tenant).prefix(limit).map(info)
        case .watchPause, .watchResume:
            let status: SubscriptionInfo.Status = request.action == .watchPause ? .paused : .active
            guard let id = request.subscriptionID,
                  let updated = try store.setSubscriptionStatus(tenant: tenant, id: id, status: status) else {
                throw unknownSubscription(request.subscriptionID)
            }
            data.subscription = info(updated)
        case .watchDelete:
            guard let id = request.subscriptionID, try store.deleteSubscription(tenant: tenant, id: id) else {
                throw unknownSubscription(request.subscriptionID)
            }
            var deleted = ManagementData.Deleted()
            deleted.subscriptionID = id
            data.deleted = deleted
        default:
            throw LumiereError(.internalError, "\(request.action.rawValue) is not a watch action",
                               hint: "this is a bug: please report it")
        }
    }

    func info(_ record: SubscriptionRecord) -> SubscriptionInfo {
        var info = SubscriptionInfo(id: record.id, source: record.sourceName, question: record.question, sql: record.sql,
                                    status: record.status,
                                    createdAt: isoTimestamp(Date(timeIntervalSince1970: record.createdAt)))
        info.runs = record.runs
        info.lastVersion = record.lastVersion
        return info
    }

    func unknownSubscription(_ id: Int64?) -> LumiereError {
        LumiereError(.unknownSubscription, "there is no subscription \(id ?? 0)",
                     hint: "list them with {\"action\": \"watch_list\"} or `lumiere watch list`")
    }
}
