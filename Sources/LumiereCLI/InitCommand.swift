// `lumiere init`: create a spool's folders and state database, and say where they are.
// With --tenant (tenants enabled), also the tenant's inbox/<t>/ (group-writable, like
// inbox/) and its owner-only outbox/<t>/, archive/<t>/ and failed/<t>/.

import ArgumentParser
import Foundation
import LumiereCore
import Logging
import LumiereService
import LumiereSpool
import LumiereStore

struct InitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Create the spool folders (inbox, outbox, archive, failed, state) and the state database.")

    @OptionGroup var options: ConfigOptions
    @OptionGroup var tenant: TenantOptions

    func run() throws {
        do {
            let config = try options.load()
            let layout = SpoolLayout(root: config.spoolDirectory)
            try layout.create()
            // Creates (and migrates) the state database, or checks the shared server answers.
            let logger = Logger(label: "lumiere.init") { _ in StderrLogHandler(level: .warning) }
            try StateBackends.open(config: config, layout: layout, logger: logger).close()
            let tenant = self.tenant.tenant == nil ? "" : try TenantPolicy(config: config).resolve(self.tenant.tenant)
            if !tenant.isEmpty {
                if mkdir(layout.inbox(tenant: tenant), 0o775) != 0 && errno != EEXIST {
                    throw AtomicFile.ioError("creating", layout.inbox(tenant: tenant))
                }
                try layout.createTenantFolders(tenant)
            }
            print("spool ready at \(layout.root)")
            print("  drop files into \(layout.inbox(tenant: tenant))")
            print("  results appear in \(layout.outbox(tenant: tenant))")
        } catch let error as LumiereError {
            throw fail(error)
        }
    }
}
