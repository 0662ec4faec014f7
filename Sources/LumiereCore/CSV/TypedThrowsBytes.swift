// TypedThrowsBytes: `withUnsafeBytes` for closures that throw `LumiereError`.
// The standard library's version is `rethrows`, which widens the error to `any Error`.

extension Array where Element == UInt8 {
    @inline(__always)
    func withBytes<R>(_ body: (UnsafeRawBufferPointer) throws(LumiereError) -> R) throws(LumiereError) -> R {
        let result: Result<R, LumiereError> = withUnsafeBytes { p in
            do throws(LumiereError) { return .success(try body(p)) } catch { return .failure(error) }
        }
        return try result.get()
    }
}
