// XLSXArchive: the ZIP container of an Excel workbook, read through ZIPFoundation, with
// each XML part streamed into Foundation's XMLParser so no part is ever whole in memory.
//
// Inputs: the path of a file that starts with a ZIP signature (the caller checked), limits.
// Outputs: `parse(part:with:)` drives an `XLSXPartHandler` (an XMLParser delegate) over one
// entry's inflated bytes.
// How: ZIPFoundation's `extract(_:consumer:)` pushes chunks; XMLParser pulls from an
// InputStream. A helper thread runs the extraction into a `ZIPChunkPipe` (at most four
// 64 KiB chunks waiting) and the calling thread parses from it, so memory stays bounded
// whatever the part's size.
// Limits, checked on the inflated bytes as they arrive (the sizes in the ZIP headers are
// not trusted): the parts read through one archive together at most `maxBytes`; one part
// at most `maxCompressionRatio` bytes per compressed byte once it passed 16 MiB; the
// archive at most `maxZipEntries` entries. A `<!DOCTYPE`/`<!ENTITY` anywhere is refused:
// no Office part has one, and entity expansion is the XML way to build a bomb.
// Failure modes: `not_xlsx` (not a ZIP archive, a damaged entry or CRC, XML that does not
// parse, a DTD), `zip_bomb`, whatever the handler reports.

import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import LumiereCore
import ZIPFoundation

/// An XMLParser delegate for one part. A handler that meets a limit or bad content sets
/// `failure` and aborts the parser; `parse(part:with:)` then throws that error.
class XLSXPartHandler: NSObject, XMLParserDelegate {
    var failure: LumiereError?

    func fail(_ parser: XMLParser, _ error: LumiereError) {
        if failure == nil { failure = error }
        parser.abortParsing()
    }

    /// Whether the document's root element was closed: XMLParser on Linux reports success
    /// for a document that simply stops (a truncated part).
    private(set) var complete = false
    private var depth = 0

    // XMLParserDelegate's methods have default implementations in a protocol extension
    // on Linux, so a subclass's own versions would never be called: subclasses override
    // the hooks `start`, `end` and `characters` instead.
    func start(_ parser: XMLParser, _ elementName: String, _ attributes: [String: String]) {}
    func end(_ parser: XMLParser, _ elementName: String) {}
    func characters(_ parser: XMLParser, _ string: String) {}

    final func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?,
                      qualifiedName: String?, attributes: [String: String] = [:]) {
        depth += 1
        start(parser, elementName, attributes)
    }

    final func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?,
                      qualifiedName: String?) {
        depth -= 1
        if depth == 0 { complete = true }
        end(parser, elementName)
    }

    final func parser(_ parser: XMLParser, foundCharacters string: String) { characters(parser, string) }

    final func parser(_ parser: XMLParser, foundCDATA CDATABlock: Data) {
        characters(parser, String(decoding: CDATABlock, as: UTF8.self))
    }

    /// The element's name without a namespace prefix (`x:row` → `row`): some writers
    /// prefix SpreadsheetML elements.
    @inline(__always)
    static func local(_ name: String) -> Substring {
        if let colon = name.lastIndex(of: ":") { return name[name.index(after: colon)...] }
        return name[...]
    }
}

final class XLSXArchive {
    let path: String
    private let archive: Archive
    private let entries: [String: Entry]
    private let fileSize: Int64
    private let limits: IngestLimits
    /// Inflated bytes of each part read so far; together at most `limits.maxBytes`. By
    /// part, so the sheet's second pass does not count twice.
    private var inflatedByPart: [String: Int64] = [:]
    static let ratioFloor: Int64 = 16 << 20

    init(path: String, fileSize: Int64, limits: IngestLimits) throws(LumiereError) {
        self.path = path
        self.fileSize = fileSize
        self.limits = limits
        do {
            archive = try Archive(url: URL(fileURLWithPath: path), accessMode: .read)
        } catch {
            throw LumiereError(.notXLSX, "the file is not a readable ZIP archive, so not an .xlsx workbook",
                               hint: "save the workbook from Excel or LibreOffice as .xlsx (Excel Workbook)",
                               underlying: "\(error)")
        }
        var entries: [String: Entry] = [:]
        var count = 0
        for entry in archive {
            count += 1
            if count > limits.maxZipEntries {
                throw LumiereError(.zipBomb, "the .xlsx archive lists more than \(limits.maxZipEntries) entries",
                                   hint: "a workbook has a few dozen parts; re-save it from Excel, or export the sheet as CSV")
            }
            // The first of two entries with one name wins, as ZIPFoundation's subscript does.
            if entries[entry.path] == nil { entries[entry.path] = entry }
        }
        self.entries = entries
    }

    func has(_ part: String) -> Bool { entries[part] != nil }

    /// Streams `part` into `handler`. Throws `not_xlsx` when the part is missing.
    func parse(part: String, with handler: XLSXPartHandler) throws(LumiereError) {
        guard let entry = entries[part], entry.type == .file else {
            throw LumiereError(.notXLSX, "the workbook has no \(part) part",
                               hint: "save the workbook from Excel or LibreOffice as .xlsx (Excel Workbook)")
        }
        let compressed = min(Int64(clamping: entry.compressedSize), fileSize)
        let pipe = ZIPChunkPipe(part: part, compressedBytes: max(1, compressed),
                                maxRatio: Int64(limits.maxCompressionRatio),
                                budget: limits.maxBytes - inflatedByPart.filter { $0.key != part }.values.reduce(0, +),
                                maxBytes: limits.maxBytes)
        let box = ArchiveBox(archive: archive, entry: entry)
        let thread = Thread {
            do {
                _ = try box.archive.extract(box.entry, bufferSize: 64 << 10, skipCRC32: false) { data in
                    try pipe.put(data)
                }
                pipe.finishProducing(nil)
            } catch let error as LumiereError {
                pipe.finishProducing(error)
            } catch {
                pipe.finishProducing(LumiereError(.notXLSX, "the \(part) part of the .xlsx archive is damaged",
                                                  hint: "re-save the workbook from Excel or LibreOffice as .xlsx",
                                                  underlying: "\(error)"))
            }
        }
        thread.name = "lumiere-xlsx-inflate"
        thread.start()

        let stream = ZIPEntryInputStream(pipe: pipe)
        let parser = XMLParser(stream: stream)
        parser.shouldProcessNamespaces = false
        parser.shouldResolveExternalEntities = false
        parser.delegate = handler
        let parsed = parser.parse()
        pipe.cancel()
        let producerError = pipe.waitForProducer()
        inflatedByPart[part] = max(inflatedByPart[part] ?? 0, pipe.produced)
        if let failure = handler.failure { throw failure }
        if let failure = stream.failure { throw failure }
        if let producerError, producerError != ZIPChunkPipe.cancelled { throw producerError }
        if !parsed || !handler.complete {
            throw LumiereError(.notXLSX, "the \(part) part of the workbook is not well-formed XML (line \(parser.lineNumber))",
                               hint: "re-save the workbook from Excel or LibreOffice as .xlsx",
                               underlying: parser.parserError.map { "\($0)" })
        }
    }
}

/// The archive and entry the helper thread extracts. Safe to send: while the helper
/// thread runs, the calling thread only waits in `parse` and touches neither.
private final class ArchiveBox: @unchecked Sendable {
    let archive: Archive
    let entry: Entry
    init(archive: Archive, entry: Entry) {
        self.archive = archive
        self.entry = entry
    }
}

/// The hand-over of inflated chunks from the extracting thread to the parsing thread,
/// which also counts them against the limits.
final class ZIPChunkPipe: @unchecked Sendable {
    // Every mutable field is read and written only while holding `condition`.
    private let condition = NSCondition()
    private var chunks: [Data] = []
    private var done = false
    private var cancelledByReader = false
    private var error: LumiereError?
    private var producedBytes: Int64 = 0
    private let part: String
    private let compressedBytes: Int64
    private let maxRatio: Int64
    private let budget: Int64
    private let maxBytes: Int64
    static let depth = 4
    static let cancelled = LumiereError(.internalError, "inflating stopped because parsing ended",
                                        hint: "see the parsing error reported with it")

    init(part: String, compressedBytes: Int64, maxRatio: Int64, budget: Int64, maxBytes: Int64) {
        self.part = part
        self.compressedBytes = compressedBytes
        self.maxRatio = maxRatio
        self.budget = budget
        self.maxBytes = maxBytes
    }

    var produced: Int64 {
        condition.lock()
        defer { condition.unlock() }
        return producedBytes
    }

    /// Producer: queues one chunk, waiting while the queue is full; throws when the reader
    /// is gone or a limit is crossed.
    func put(_ data: Data) throws {
        condition.lock()
        defer { condition.unlock() }
        producedBytes += Int64(data.count)
        if producedBytes > budget {
            throw LumiereError(.zipBomb, "the .xlsx workbook inflates to more than \(maxBytes) bytes",
                               hint: "export the sheet as CSV (optionally .csv.gz), or raise the ingest size limit")
        }
        if producedBytes > XLSXArchive.ratioFloor && producedBytes / compressedBytes > maxRatio {
            throw LumiereError(.zipBomb,
                               "the \(part) part of the .xlsx archive inflates more than \(maxRatio) times its compressed size",
                               hint: "this looks like a zip bomb; if the workbook is genuine, export the sheet as CSV")
        }
        while chunks.count >= Self.depth && !cancelledByReader { condition.wait() }
        if cancelledByReader { throw Self.cancelled }
        chunks.append(data)
        condition.broadcast()
    }

    func finishProducing(_ error: LumiereError?) {
        condition.lock()
        done = true
        self.error = error
        condition.broadcast()
        condition.unlock()
    }

    /// Reader: the next chunk; nil at the end (`failure` says whether it ended badly).
    func take() -> (Data?, LumiereError?) {
        condition.lock()
        defer { condition.unlock() }
        while chunks.isEmpty && !done { condition.wait() }
        if !chunks.isEmpty {
            let chunk = chunks.removeFirst()
            condition.broadcast()
            return (chunk, nil)
        }
        return (nil, error)
    }

    func cancel() {
        condition.lock()
        cancelledByReader = true
        chunks.removeAll()
        condition.broadcast()
        condition.unlock()
    }

    func waitForProducer() -> LumiereError? {
        condition.lock()
        defer { condition.unlock() }
        while !done { condition.wait() }
        return error
    }
}

/// The InputStream XMLParser pulls from: chunks out of the pipe, with every byte checked
/// for the start of a DTD (`<!D`, `<!E`) across chunk borders.
final class ZIPEntryInputStream: InputStream {
    private let pipe: ZIPChunkPipe
    private var current = Data()
    private var offset = 0
    private var status: Stream.Status = .notOpen
    /// 0: outside markup; 1: after `<`; 2: after `<!`.
    private var markupState = 0
    private(set) var failure: LumiereError?

    init(pipe: ZIPChunkPipe) {
        self.pipe = pipe
        super.init(data: Data())
    }

    override func open() { status = .open }
    override func close() { status = .closed }
    override var streamStatus: Stream.Status { status }
    override var hasBytesAvailable: Bool { status != .atEnd && status != .error }
    // XMLParser asks for the error after a read of -1; the base class would ask the empty
    // stream it was made with, and crash.
    override var streamError: (any Error)? {
        failure.map { NSError(domain: "Lumiere.XLSX", code: 1, userInfo: [NSLocalizedDescriptionKey: $0.message]) }
    }

    override func read(_ buffer: UnsafeMutablePointer<UInt8>, maxLength: Int) -> Int {
        if failure != nil { return -1 }
        while offset >= current.count {
            let (next, error) = pipe.take()
            guard let next else {
                if let error {
                    failure = error
                    status = .error
                    return -1
                }
                status = .atEnd
                return 0
            }
            current = next
            offset = 0
        }
        let n = min(maxLength, current.count - offset)
        let refused: Bool = current.withUnsafeBytes { (raw: UnsafeRawBufferPointer) -> Bool in
            let bytes = UnsafeRawBufferPointer(rebasing: raw[offset..<(offset + n)])
            for byte in bytes {
                switch (markupState, byte) {
                case (_, UInt8(ascii: "<")): markupState = 1
                case (1, UInt8(ascii: "!")): markupState = 2
                case (2, UInt8(ascii: "D")), (2, UInt8(ascii: "E")), (2, UInt8(ascii: "d")), (2, UInt8(ascii: "e")):
                    return true
                default: markupState = 0
                }
            }
            buffer.update(from: bytes.baseAddress!.assumingMemoryBound(to: UInt8.self), count: n)
            return false
        }
        if refused {
            failure = LumiereError(.notXLSX, "a part of the workbook declares a DTD or entities, which .xlsx files never do",
                                   hint: "re-save the workbook from Excel or LibreOffice as .xlsx")
            status = .error
            return -1
        }
        offset += n
        return n
    }
}
