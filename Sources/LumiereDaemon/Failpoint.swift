// Failpoint: named points in the daemon where a test can have the process SIGKILL itself,
// to prove crash recovery at an exact moment instead of hoping a random kill lands there.
// Armed only by the environment variable LUMIERE_FAILPOINT=<name> (read once); unset — as
// in every real deployment — reaching a point costs one comparison.

import Foundation

enum Failpoint: String {
    /// After failed/NAME.error.json is written and before the store records the outcome.
    case afterFailureRecord = "after-failure-record"
    /// After a job's result documents are in the outbox and before the store records the
    /// outcome: an upload's version (and its standing runs) is recorded by then.
    case afterOutboxWrite = "after-outbox-write"

    private static let armed: Failpoint? = ProcessInfo.processInfo.environment["LUMIERE_FAILPOINT"]
        .flatMap(Failpoint.init(rawValue:))

    static func reach(_ point: Failpoint) {
        if armed == point { kill(getpid(), SIGKILL) }
    }
}
