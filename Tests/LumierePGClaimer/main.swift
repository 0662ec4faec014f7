// lumiere-pg-claimer: a stand-in daemon for the PostgreSQL lease tests. Claims COUNT jobs
// from the shared queue, prints "claimed <id>" for each and then "holding", and keeps
// their leases alive with the store's heartbeat until it is killed (the test SIGKILLs it).
//
//   lumiere-pg-claimer URL PASSWORD_FILE COUNT LEASE_SECONDS
// Exit 2 on bad arguments or when the store cannot be opened; 1 when COUNT jobs were not
// claimable within 60 s.

import Foundation
import Logging
import LumiereCore
import LumiereStore
import LumiereStorePostgres

let args = CommandLine.arguments
guard args.count == 5, let count = Int(args[3]), let lease = Double(args[4]) else {
    FileHandle.standardError.write(Data("usage: lumiere-pg-claimer URL PASSWORD_FILE COUNT LEASE_SECONDS\n".utf8))
    exit(2)
}
var logger = Logger(label: "claimer")
logger.logLevel = .warning
let store: PostgresStateStore
do {
    var settings = try PostgresStoreSettings.parse(url: args[1])
    settings.password = try PostgresStoreSettings.password(file: args[2], environment: [:])
    settings.leaseSeconds = lease
    settings.heartbeatSeconds = lease / 4
    settings.daemonID = "claimer:\(getpid())"
    store = try PostgresStateStore(settings: settings, logger: logger)
} catch {
    FileHandle.standardError.write(Data("lumiere-pg-claimer: \(error)\n".utf8))
    exit(2)
}
/// Unbuffered: the test reads these lines while this process runs.
func say(_ line: String) { FileHandle.standardOutput.write(Data((line + "\n").utf8)) }

let deadline = Date().addingTimeInterval(60)
var claimed = 0
while claimed < count {
    if Date() > deadline { exit(1) }
    if let job = try? store.claimNext() {
        say("claimed \(job.id)")
        claimed += 1
    } else {
        usleep(50_000)
    }
}
say("holding")
while true { sleep(3600) }
