// What `lumiere watch pause|resume|delete ID` share: the spool and output options, the
// subscription id, and the one request each hands to the daemon (or makes directly).

import ArgumentParser
import LumiereCore

struct SubscriptionCommandOptions: ParsableArguments {
    @OptionGroup var options: ConfigOptions
    @OptionGroup var tenant: TenantOptions
    @OptionGroup var output: OutputOptions
    @OptionGroup var wait: WaitOptions

    @Argument(help: "The subscription id (see `lumiere watch list`).")
    var id: Int64

    func validate() throws {
        if id < 1 { throw ValidationError("subscription ids start at 1") }
    }

    /// Send `action` for this subscription and print the result with `text`.
    func perform(_ action: Request.Action, text: (ResultDocument) -> String) throws {
        do {
            let session = try SpoolSession.open(options, tenant)
            let (doc, _) = try session.write(Request(action: action, subscriptionID: id), timeout: wait.timeout)
            try SpoolSession.finish(doc, json: output.json, text: text)
        } catch let error as LumiereError {
            throw fail(error)
        }
    }
}
