// Typed command-line values: options take the same enums as request files, so a bad value
// is refused by ArgumentParser with the list of allowed ones, before anything runs.

import ArgumentParser
import LumiereCore

extension EngineMode: ExpressibleByArgument {}
extension Request.QueryStatusFilter: ExpressibleByArgument {}

extension ChartKind: ExpressibleByArgument {
    /// The spellings `chart_type` accepts in request files (Chart.js names too).
    public init?(argument: String) { self.init(userValue: argument) }
}
