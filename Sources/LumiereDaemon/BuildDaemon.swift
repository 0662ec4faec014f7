// The one seam that builds a daemon from a configuration; `lumiere daemon` and the tests
// both call it.

import Foundation
import Logging
import LumiereCore
import LumiereService
import LumiereSpool
import LumiereStore

public func buildDaemon(config: LumiereConfig, logger: Logger,
                        reloadConfig: @escaping @Sendable () throws(LumiereError) -> LumiereConfig) throws(LumiereError) -> Daemon {
    let layout = SpoolLayout(root: config.spoolDirectory)
    try layout.create()
    // The processor opens its own handle on the state database (WAL: many connections).
    let store = try StateStore(path: layout.database)
    let metrics = DaemonMetrics()
    let analyst = Analyst(store: store, layout: layout, config: config, logger: logger, metrics: metrics)
    return Daemon(config: config, processor: SpoolJobProcessor(analyst: analyst), logger: logger,
                  metrics: metrics, reloadConfig: reloadConfig)
}
