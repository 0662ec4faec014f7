// IngestInput: streams an input file's bytes from the start, decompressing `.csv.gz` and `.jsonl.gz`.
//
// Inputs: a path (opened O_RDONLY|O_NOFOLLOW|O_CLOEXEC, so a planted symlink is
// refused), whether it is gzip, and the byte cap.
// Outputs: chunks of the (decompressed) content, read with pread so every pass starts
// at offset 0 with no shared file position; optionally the SHA-256 of the raw bytes.
// Memory: one 1 MiB read buffer and one 1 MiB inflate buffer, whatever the file size.
// Failure modes: `unsafe_file` (symlink, not a regular file), `io_error` (missing or
// unreadable), `file_too_large` (as stored or once decompressed), `not_csv` (damaged
// or truncated gzip data).

import Crypto
import CZlibShim
import Foundation
import LumiereCore

final class IngestInput {
    let path: String
    let gzip: Bool
    let maxBytes: Int64
    let sizeBytes: Int64
    private let fd: Int32
    private static let readSize = 1 << 20
    private static let inflateSize = 1 << 20
    private let readBuffer = UnsafeMutableRawPointer.allocate(byteCount: readSize, alignment: 16)
    private let inflateBuffer = UnsafeMutableRawPointer.allocate(byteCount: inflateSize, alignment: 16)

    init(path: String, gzip: Bool, maxBytes: Int64) throws(LumiereError) {
        self.path = path
        self.gzip = gzip
        self.maxBytes = maxBytes
        let fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)
        guard fd >= 0 else {
            let code = errno
            readBuffer.deallocate()
            inflateBuffer.deallocate()
            if code == ELOOP {
                throw LumiereError(.unsafeFile, "the input is a symbolic link, which is not followed",
                                   hint: "copy the file itself into the inbox")
            }
            throw LumiereError(.ioError, "the input file cannot be opened",
                               hint: code == ENOENT ? "the file was removed before it could be read" : "check the file's permissions",
                               transient: code != ENOENT && code != EACCES, underlying: String(cString: strerror(code)))
        }
        var info = stat()
        guard fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else {
            close(fd)
            readBuffer.deallocate()
            inflateBuffer.deallocate()
            throw LumiereError(.unsafeFile, "the input is not a regular file", hint: "upload a plain CSV file")
        }
        self.fd = fd
        sizeBytes = Int64(info.st_size)
        if sizeBytes > maxBytes { throw Self.tooLarge(maxBytes, decompressed: false) }
    }

    deinit {
        close(fd)
        readBuffer.deallocate()
        inflateBuffer.deallocate()
    }

    static func tooLarge(_ maxBytes: Int64, decompressed: Bool) -> LumiereError {
        LumiereError(.fileTooLarge,
                     "the file is larger than \(maxBytes) bytes\(decompressed ? " once decompressed" : "")",
                     hint: "split the file, or raise the ingest size limit")
    }

    /// Streams the content from the start. `body` returns false to stop early.
    /// Returns the SHA-256 hex of the raw bytes when `hashing` and the file was read to its end.
    @discardableResult
    func stream(hashing: Bool,
                _ body: (UnsafeRawBufferPointer) throws(LumiereError) -> Bool) throws(LumiereError) -> String? {
        var hasher = hashing ? SHA256() : nil
        var offset: Int64 = 0
        let inflater = gzip ? try Inflater() : nil
        var produced: Int64 = 0
        while true {
            let n = pread(fd, readBuffer, Self.readSize, off_t(offset))
            if n < 0 {
                if errno == EINTR { continue }
                throw LumiereError(.ioError, "reading the input file failed", hint: "check the disk",
                                   transient: true, underlying: String(cString: strerror(errno)))
            }
            if n == 0 { break }
            offset += Int64(n)
            // The file may have grown since it was measured at open.
            if offset > maxBytes { throw Self.tooLarge(maxBytes, decompressed: false) }
            let raw = UnsafeRawBufferPointer(start: readBuffer, count: n)
            hasher?.update(bufferPointer: raw)
            if let inflater {
                var keepGoing = true
                try inflater.inflate(raw, into: inflateBuffer, capacity: Self.inflateSize) { (out) throws(LumiereError) in
                    produced += Int64(out.count)
                    if produced > maxBytes { throw Self.tooLarge(maxBytes, decompressed: true) }
                    if keepGoing { keepGoing = try body(out) }
                }
                if !keepGoing { return nil }
            } else {
                if try !body(raw) { return nil }
            }
        }
        // An empty .gz file is an empty file (the analyzer says so), not a damaged one.
        if let inflater, !inflater.finished, offset > 0 {
            throw LumiereError(.notCSV, "the gzip data ends before its end marker (the file is truncated)",
                               hint: "upload the complete .gz file")
        }
        return hasher.map { $0.finalize().map { String(format: "%02x", $0) }.joined() }
    }
}

/// A zlib inflate stream accepting gzip or zlib headers (windowBits 15+32) and
/// concatenated gzip members. Owns its z_stream and ends it in `deinit`.
final class Inflater {
    private var stream: UnsafeMutablePointer<z_stream>
    private(set) var finished = false

    init() throws(LumiereError) {
        stream = .allocate(capacity: 1)
        stream.initialize(to: z_stream())
        let rc = inflateInit2_(stream, 15 + 32, zlibVersion(), Int32(MemoryLayout<z_stream>.size))
        guard rc == Z_OK else {
            stream.deallocate()
            throw LumiereError(.internalError, "zlib could not start (code \(rc))",
                               hint: "the system may be out of memory; the upload will be retried", transient: true)
        }
    }

    func inflate(_ input: UnsafeRawBufferPointer, into out: UnsafeMutableRawPointer, capacity: Int,
                          _ emit: (UnsafeRawBufferPointer) throws(LumiereError) -> Void) throws(LumiereError) {
        stream.pointee.next_in = UnsafeMutablePointer(mutating: input.baseAddress!.assumingMemoryBound(to: Bytef.self))
        stream.pointee.avail_in = uInt(input.count)
        while stream.pointee.avail_in > 0 {
            if finished {
                // Another gzip member follows the one that ended.
                inflateReset(stream)
                finished = false
            }
            stream.pointee.next_out = out.assumingMemoryBound(to: Bytef.self)
            stream.pointee.avail_out = uInt(capacity)
            let rc = CZlibShim.inflate(stream, Z_NO_FLUSH)
            let produced = capacity - Int(stream.pointee.avail_out)
            if produced > 0 { try emit(UnsafeRawBufferPointer(start: out, count: produced)) }
            switch rc {
            case Z_OK: continue
            case Z_STREAM_END: finished = true
            case Z_BUF_ERROR where produced == 0: return
            default:
                throw LumiereError(.notCSV, "the file is not valid gzip data (zlib code \(rc))",
                                   hint: "check that the .gz file was compressed with gzip and is complete")
            }
        }
    }

    deinit {
        inflateEnd(stream)
        stream.deinitialize(count: 1)
        stream.deallocate()
    }
}
