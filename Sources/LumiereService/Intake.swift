// Intake: inbox → work area + queue row. The pick-up of Postfix, for Lumiere.
//
// Input: names in inbox/ (scanned: at start, when inotify hints, on IN_Q_OVERFLOW and
// every spool.rescan_ms). Output: files renamed into state/work/<uniq>--<name> and a job
// row for each, inserted in one transaction per batch. Failure modes: a crash between the
// rename and the insert leaves a work file without a row, which start-up reconciliation
// enqueues; an insert that fails (the state database locked by another process past the
// busy timeout, or full) is retried by every later scan until it succeeds; nothing is
// ever deleted here.
//
// A regular file is claimed only once its size and mtime have been stable for the settle
// interval (measured on the monotonic clock) and no process still has it open for writing
// (see InboxSafety). Everything
// that is not a readable regular file is claimed at once as a `reject` job and ends in
// failed/ with the reason, without having been opened.
//
// Tenants (tenants.enabled): each first-level folder of the inbox is a tenant and its files
// are claimed as that tenant's jobs (work name `<uniq>@<tenant>--<name>`, so a crash
// between rename and insert still knows the tenant). A folder whose name is not a valid
// tenant name is refused (`invalid_tenant`), a file at the top of the inbox too
// (`tenant_required`), and a file whose owner is not among the tenant's allowed uids
// (`tenant_forbidden`), each to failed/ with the reason. Tenant folders are opened
// with O_NOFOLLOW: a symlink named like a tenant is refused as any symlink is.

import Foundation
import Logging
import LumiereCore
import LumiereSpool
import LumiereStore

public final class Intake: @unchecked Sendable {
    // @unchecked: all mutable state is touched only on `queue` (a serial queue).
    public let queue = DispatchQueue(label: "lumiere.intake")
    private let layout: SpoolLayout
    private let store: any StateBackend
    private var settings: Settings
    private let logger: Logger
    private let inbox: DirectoryHandle
    private let workArea: WorkArea
    private let workDir: DirectoryHandle

    /// What was seen of an unsettled name, and since when it has not changed.
    private struct Sighting { var identity: FileIdentity; var stableSince: Double }
    private var sightings: [String: Sighting] = [:]
    private var counter: UInt64 = 0
    /// Files already renamed into the work area whose job rows could not be inserted yet.
    /// Without this they sat in state/work until the next restart (found by scripts/soak:
    /// the state database locked for longer than the busy timeout).
    private var unrecorded: [NewJob] = []

    public struct Settings: Sendable {
        public var settleSeconds: Double
        public var maxFileBytes: Int64
        public var maxQueued: Int
        public var tenants = TenantPolicy()

        public init(settleSeconds: Double, maxFileBytes: Int64, maxQueued: Int, tenants: TenantPolicy = TenantPolicy()) {
            self.settleSeconds = settleSeconds
            self.maxFileBytes = maxFileBytes
            self.maxQueued = maxQueued
            self.tenants = tenants
        }
    }

    /// Tenant folders found by the last scan (the daemon adds inotify watches for them).
    /// Guarded by `pauseLock` so the control queue may read it.
    public var tenantFolders: [String] { pauseLock.withLock { _tenantFolders } }
    private var _tenantFolders: [String] = []

    /// Set by the daemon from its control queue: intake claims nothing while paused (disk
    /// low, shutting down). A lock, not the intake queue, guards it, so setting it never
    /// waits for a scan in progress.
    public var pausedReason: String? {
        get { pauseLock.withLock { _pausedReason } }
        set { pauseLock.withLock { _pausedReason = newValue } }
    }
    private var _pausedReason: String?
    private let pauseLock = NSLock()

    /// `workArea`: where claimed files go; state/work/ unless several daemons share the spool.
    public init(layout: SpoolLayout, store: any StateBackend, settings: Settings, logger: Logger,
                workArea: WorkArea? = nil) throws(LumiereError) {
        self.layout = layout
        self.store = store
        self.settings = settings
        self.logger = logger
        self.workArea = workArea ?? .shared(layout)
        inbox = try DirectoryHandle(path: layout.inbox)
        workDir = try DirectoryHandle(path: self.workArea.path)
    }

    public func update(settings: Settings) { queue.async { self.settings = settings } }

    /// Scan the inbox once and claim what is ready. Returns the delay after which a scan
    /// should run again because some file is still settling (nil: nothing pending).
    /// Must run on `queue`.
    public func scan(queuedJobs: Int) -> (claimed: Int, recheckAfter: Double?) {
        dispatchPrecondition(condition: .onQueue(queue))
        // Rows still owed for files claimed by an earlier scan come first.
        var recorded = 0
        if !unrecorded.isEmpty {
            let pending = unrecorded.count
            var none: [NewJob] = []
            flush(&none)
            if !unrecorded.isEmpty { return (0, 1) }
            recorded = pending
        }
        if pausedReason != nil { return (0, nil) }
        let names: [String]
        do { names = try inbox.names() } catch {
            logger.error("cannot list the inbox", metadata: ["error.code": "\(error.code)", "error": "\(error.message)"])
            return (0, 1)
        }
        // Monotonic: with the wall clock, a file seen just before a backward clock step
        // (NTP, a VM resumed) waited for the whole step before it was claimed — found by
        // scripts/soak's clock fault.
        var pass = Pass(now: Self.monotonicSeconds(), capacity: max(0, settings.maxQueued - queuedJobs))
        pass.claimed = recorded
        if settings.tenants.enabled {
            var folders: [String] = []
            for name in names where !SpoolNames.isIgnored(name) && !pass.full {
                guard let id = inbox.identity(of: name) else { continue }
                if (id.mode & UInt32(S_IFMT)) == UInt32(S_IFDIR) {
                    if let why = TenantPolicy.validate(name) {
                        pass.seen.insert(Self.key("", name))
                        let error = LumiereError(.invalidTenant, "the inbox folder \"\(name)\" is not a valid tenant name: \(why)",
                                                 hint: "rename the folder (letters, digits, _, - and .) and move its files in again")
                        if let job = claim(name, identity: id, from: inbox, tenant: "", kind: .reject, refusal: error.payload) { pass.add(job) }
                    } else {
                        folders.append(name)
                    }
                    continue
                }
                let outside = LumiereError(.tenantRequired, "\(name) was dropped at the top of the inbox, outside any tenant's folder",
                                           hint: "tenants are enabled: drop files into inbox/<tenant>/, e.g. inbox/acme/\(name)")
                consider(name, id: id, in: inbox, tenant: "", outside: outside, pass: &pass)
            }
            pauseLock.withLock { _tenantFolders = folders }
            for tenant in folders where !pass.full {
                guard let dir = try? DirectoryHandle(in: inbox, name: tenant), let inner = try? dir.names() else { continue }
                for name in inner where !SpoolNames.isIgnored(name) && !pass.full {
                    guard let id = dir.identity(of: name) else { continue }
                    consider(name, id: id, in: dir, tenant: tenant, outside: nil, pass: &pass)
                }
            }
        } else {
            pauseLock.withLock { _tenantFolders = [] }
            for name in names where !SpoolNames.isIgnored(name) && !pass.full {
                guard let id = inbox.identity(of: name) else { continue }  // vanished meanwhile
                consider(name, id: id, in: inbox, tenant: "", outside: nil, pass: &pass)
            }
        }
        if pass.full { pass.recheck = min(pass.recheck ?? 0.5, 0.5) }
        flush(&pass.batch)
        if !unrecorded.isEmpty { pass.recheck(after: 1) }
        // Forget sightings of names that are gone.
        for key in sightings.keys where !pass.seen.contains(key) { sightings[key] = nil }
        return (pass.claimed, pass.recheck)
    }

    /// What one scan has done so far.
    private struct Pass {
        var now: Double
        var capacity: Int
        var claimed = 0
        var seen = Set<String>()
        var batch: [NewJob] = []
        var recheck: Double?
        var full: Bool { capacity == 0 }

        init(now: Double, capacity: Int) {
            self.now = now
            self.capacity = capacity
        }

        mutating func add(_ job: NewJob) {
            batch.append(job)
            capacity -= 1
            claimed += 1
        }

        mutating func recheck(after delay: Double) { recheck = min(recheck ?? .infinity, delay) }
    }

    private static func key(_ tenant: String, _ name: String) -> String { "\(tenant)/\(name)" }

    /// One inbox entry: refuse it, wait for it to settle, or claim it. `outside` refuses a
    /// settled regular file that sits where no tenant owns it.
    private func consider(_ name: String, id: FileIdentity, in dir: DirectoryHandle, tenant: String,
                          outside: LumiereError?, pass: inout Pass) {
        let key = Self.key(tenant, name)
        pass.seen.insert(key)
        // Not a regular file / hard link / too big: refuse at once, never opened.
        if let refusal = InboxSafety.refusal(for: id, name: name, maxBytes: settings.maxFileBytes),
           !id.isRegular || id.links > 1 {
            if let job = claim(name, identity: id, from: dir, tenant: tenant, kind: .reject, refusal: refusal.payload) { pass.add(job) }
            return
        }
        // Regular file: wait until it is stable for the settle interval.
        if let s = sightings[key], s.identity == id {
            let stableFor = pass.now - s.stableSince
            if stableFor < settings.settleSeconds {
                pass.recheck(after: settings.settleSeconds - stableFor + 0.01)
                return
            }
        } else {
            sightings[key] = Sighting(identity: id, stableSince: pass.now)
            if settings.settleSeconds > 0 {
                pass.recheck(after: settings.settleSeconds + 0.01)
                return
            }
        }
        switch InboxSafety.verifyByOpening(dir, name: name, expected: id, maxBytes: settings.maxFileBytes) {
        case .busy:
            sightings[key] = Sighting(identity: id, stableSince: pass.now)
            pass.recheck(after: max(settings.settleSeconds, 0.05))
            return
        case .refused(let error):
            if let job = claim(name, identity: id, from: dir, tenant: tenant, kind: .reject, refusal: error.payload) { pass.add(job) }
        case .ok:
            let refusal: LumiereError?
            if let tooBig = InboxSafety.refusal(for: id, name: name, maxBytes: settings.maxFileBytes) {
                refusal = tooBig
            } else if let outside {
                refusal = outside
            } else if !tenant.isEmpty && !settings.tenants.allows(uid: id.uid, in: tenant) {
                refusal = LumiereError(.tenantForbidden, "\(name) is owned by uid \(id.uid), which may not submit files to tenant \(tenant)",
                                       hint: "tenants.allowed_uids limits who may use inbox/\(tenant)/; ask the administrator to add uid \(id.uid)")
            } else if SpoolNames.kind(of: name) == nil {
                refusal = LumiereError(.unsupportedFile, "\(name) is not a supported file type",
                                       hint: SpoolNames.supportedFilesHint)
            } else {
                refusal = nil
            }
            let kind: JobKind = refusal != nil ? .reject : SpoolNames.kind(of: name) == .upload ? .upload : .request
            if let job = claim(name, identity: id, from: dir, tenant: tenant, kind: kind, refusal: refusal?.payload) { pass.add(job) }
        }
        sightings[key] = nil
        if pass.batch.count >= 256 { flush(&pass.batch) }
    }

    /// Rename one inbox name into the work area. The job row is inserted with its batch.
    private func claim(_ name: String, identity: FileIdentity, from dir: DirectoryHandle, tenant: String, kind: JobKind,
                       refusal: ErrorPayload?) -> NewJob? {
        counter += 1
        let uniq = String(format: "%012llx%04llx", UInt64(Date().timeIntervalSince1970 * 1000), counter & 0xffff)
        let fileName = tenant.isEmpty ? "\(uniq)--\(name)" : "\(uniq)@\(tenant)--\(name)"
        // The rename is the claim: with several daemons on one spool exactly one of them
        // renames the file; the others get ENOENT and move on.
        if renameat(dir.fd, name, workDir.fd, fileName) != 0 {
            let e = errno
            if e != ENOENT {
                logger.warning("cannot claim an inbox file", metadata: ["file": "\(name)", "tenant": "\(tenant)",
                                                                        "errno": "\(String(cString: strerror(e)))"])
            }
            return nil
        }
        touchedFolders.insert(dir.path)
        let key = "\(identity.device):\(identity.inode):\(identity.size):\(identity.mtimeNanos)"
        return NewJob(kind: kind, tenant: tenant, inputName: name, workName: workArea.workName(fileName),
                      rejectError: refusal, claimKey: key)
    }

    /// Inbox folders renamed out of since the last flush (their entries must be synced).
    private var touchedFolders = Set<String>()

    private func flush(_ batch: inout [NewJob]) {
        let jobs = unrecorded + batch
        batch.removeAll()
        guard !jobs.isEmpty else { return }
        do {
            // The directory entry of each rename must be durable before the row says so.
            try AtomicFile.syncDirectory(workArea.path)
            for folder in touchedFolders.sorted() { try AtomicFile.syncDirectory(folder) }
            touchedFolders.removeAll()
            // Work names are unique, so inserting a batch again never duplicates a job.
            let ids = try store.enqueue(jobs)
            unrecorded = []
            if ids.count < jobs.count {
                // Rows already there: a batch inserted again after an error, or (several
                // daemons on one spool) a file another daemon's row already claims.
                logger.notice("some claimed files already had a job row",
                              metadata: ["claimed": "\(jobs.count)", "inserted": "\(ids.count)"])
            }
            logger.debug("claimed inbox files", metadata: ["count": "\(ids.count)"])
        } catch {
            // The files are in the work area: the next scan inserts them (start-up
            // reconciliation does, if the daemon stops first).
            unrecorded = jobs
            logger.error("cannot enqueue claimed files; retrying", metadata: [
                "error.code": "\(error.code)", "error": "\(error.message)", "count": "\(jobs.count)"])
        }
    }

    public static func monotonicSeconds() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }

    /// Work-area name → original inbox name.
    public static func inputName(fromWorkName work: String) -> String {
        guard let r = work.range(of: "--") else { return work }
        return String(work[r.upperBound...])
    }

    /// Work-area name → the tenant it was claimed for ("" without tenants).
    public static func tenant(fromWorkName work: String) -> String {
        guard let r = work.range(of: "--") else { return "" }
        let prefix = work[..<r.lowerBound]
        guard let at = prefix.firstIndex(of: "@") else { return "" }
        return String(prefix[prefix.index(after: at)...])
    }
}
