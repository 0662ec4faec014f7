// lumiere-fuzz's entry point: hands control to libFuzzer's driver with our callback.
//
// SwiftPM links an executable's top-level code as its `main` (it renames the entry point),
// so the usual `-parse-as-library` + libFuzzer's own main() does not link here; libFuzzer's
// documented alternative is to call LLVMFuzzerRunDriver from our main. Inputs: libFuzzer's
// command line (corpus directories, -max_total_time, ...). Output: its exit status.
// The targets are in Targets.swift.

import Foundation

@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(
    _ argc: UnsafeMutablePointer<CInt>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
    _ callback: @convention(c) (UnsafePointer<UInt8>, Int) -> CInt) -> CInt

var fuzzArgc = CommandLine.argc
var fuzzArgv = CommandLine.unsafeArgv
exit(LLVMFuzzerRunDriver(&fuzzArgc, &fuzzArgv) { data, size in lumiereFuzzOne(data, size) })
