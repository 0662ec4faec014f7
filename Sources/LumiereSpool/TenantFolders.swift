// Tenant folders of a spool: with tenants enabled, inbox/<t>/ is where tenant t drops
// files, and outbox/<t>/, archive/<t>/ and failed/<t>/ hold what belongs to it. The empty
// tenant ("", tenants disabled) uses the folders themselves.
//
// Input: a tenant name already validated by TenantPolicy (no `/`, no `..`). Output: paths,
// and the per-tenant folders created owner-only (0700) on first use; an existing folder's
// mode is left as the administrator set it (e.g. an ACL giving the tenant's users read
// access to outbox/<t>/). Failure: `io_error` naming the folder.

import Foundation
import LumiereCore

extension SpoolLayout {
    public func inbox(tenant: String) -> String { tenant.isEmpty ? inbox : "\(inbox)/\(tenant)" }
    public func outbox(tenant: String) -> String { tenant.isEmpty ? outbox : "\(outbox)/\(tenant)" }
    public func archive(tenant: String) -> String { tenant.isEmpty ? archive : "\(archive)/\(tenant)" }
    public func failed(tenant: String) -> String { tenant.isEmpty ? failed : "\(failed)/\(tenant)" }

    /// Create outbox/<t>/, archive/<t>/ and failed/<t>/ (0700) when missing.
    public func createTenantFolders(_ tenant: String) throws(LumiereError) {
        guard !tenant.isEmpty else { return }
        precondition(TenantPolicy.validate(tenant) == nil, "unvalidated tenant name")
        for dir in [outbox(tenant: tenant), archive(tenant: tenant), failed(tenant: tenant)] {
            var st = stat()
            if lstat(dir, &st) == 0 {
                if (st.st_mode & S_IFMT) != S_IFDIR {
                    throw LumiereError(.ioError, "\(dir) exists but is not a directory",
                                       hint: "move it away; Lumiere keeps tenant \(tenant)'s files there")
                }
                continue
            }
            if mkdir(dir, 0o700) != 0 && errno != EEXIST {
                throw AtomicFile.ioError("creating", dir)
            }
        }
    }
}
