// The one place that turns `[store] backend` into a store (issue 13): the embedded SQLite
// database in the spool (the default), or a PostgreSQL server several daemons share.
// The daemon, the CLI's direct mode, `lumiere status` and `lumiere doctor` all open their
// store here, so a setting that works for one works for all of them.

import Foundation
import Logging
import LumiereCore
import LumiereSpool
import LumiereStore
import LumiereStorePostgres

public enum StateBackends {
    /// Open (and migrate) the configured store. PostgreSQL connects here: call from a
    /// Dispatch or main thread, never from an NIO event loop.
    public static func open(config: LumiereConfig, layout: SpoolLayout,
                            environment: [String: String] = ProcessInfo.processInfo.environment,
                            logger: Logger) throws(LumiereError) -> any StateBackend {
        switch config.store.backend {
        case .sqlite:
            return try StateStore(path: layout.database)
        case .postgres:
            let settings = try PostgresStoreSettings(config: config, environment: environment)
            return try PostgresStateStore(settings: settings, logger: logger)
        }
    }
}
