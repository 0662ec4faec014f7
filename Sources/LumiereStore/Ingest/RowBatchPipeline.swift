// RowBatchPipeline: runs the second pass on two threads — a producer thread reads,
// tokenizes, converts and profiles rows into batches while the calling thread inserts
// them into SQLite. SQLite is about a third of the work, so overlapping it with parsing
// is the biggest single saving in wall time.
//
// Inputs: a `body` that produces rows into a `CSVRowSink` (run on the producer thread)
// and a `consume` closure that receives full batches (run on the calling thread).
// Outputs: nothing; when `run` returns, the producer thread has exited.
// Memory: three batches of at most 65 536 cells plus their text, reused in a ring.
// Failure modes: the first error of either side is rethrown; an error on the calling
// side cancels the producer (it stops at its next batch hand-over).

import Foundation
import LumiereCore

/// A stored cell: text lives in the batch's arena, addressed by offset so the arena
/// can grow.
enum BatchCell {
    case null
    case integer(Int64)
    case real(Double)
    case text(offset: Int, count: Int)
}

/// Rows of cells and the text they point to. Handed between the two threads only
/// through `BatchPipe`'s lock, so one thread at a time owns it.
final class RowBatch: @unchecked Sendable {
    let columnCount: Int
    let rowCapacity: Int
    let cells: UnsafeMutablePointer<BatchCell>
    private(set) var arena: UnsafeMutableRawPointer
    private var arenaCapacity: Int
    private(set) var arenaUsed = 0
    private(set) var rowCount = 0
    static let arenaTarget = 1 << 20

    init(columnCount: Int) {
        self.columnCount = max(1, columnCount)
        rowCapacity = max(16, min(4096, 65_536 / self.columnCount))
        cells = .allocate(capacity: rowCapacity * self.columnCount)
        arenaCapacity = Self.arenaTarget + 64 * 1024
        arena = .allocate(byteCount: arenaCapacity, alignment: 16)
    }

    deinit {
        cells.deallocate()
        arena.deallocate()
    }

    var isFull: Bool { rowCount == rowCapacity || arenaUsed >= Self.arenaTarget }

    func reset() {
        rowCount = 0
        arenaUsed = 0
        // A huge row grew the arena; do not keep that memory for the ordinary rows after it.
        if arenaCapacity > 4 * Self.arenaTarget {
            arena.deallocate()
            arenaCapacity = Self.arenaTarget + 64 * 1024
            arena = .allocate(byteCount: arenaCapacity, alignment: 16)
        }
    }

    @inline(__always)
    func append(_ row: UnsafeBufferPointer<CSVCell>) {
        let base = cells + rowCount * columnCount
        for i in 0..<columnCount {
            switch row[i] {
            case .null: base[i] = .null
            case .integer(let v): base[i] = .integer(v)
            case .real(let v): base[i] = .real(v)
            case .text(let bytes):
                let n = bytes.count
                if arenaUsed + n > arenaCapacity { grow(to: arenaUsed + n) }
                if n > 0 { (arena + arenaUsed).copyMemory(from: bytes.baseAddress!, byteCount: n) }
                base[i] = .text(offset: arenaUsed, count: n)
                arenaUsed += n
            }
        }
        rowCount += 1
    }

    private func grow(to needed: Int) {
        let newCapacity = max(needed, arenaCapacity * 2)
        let newArena = UnsafeMutableRawPointer.allocate(byteCount: newCapacity, alignment: 16)
        newArena.copyMemory(from: arena, byteCount: arenaUsed)
        arena.deallocate()
        arena = newArena
        arenaCapacity = newCapacity
    }
}

/// The hand-over between the producer thread and the inserting thread.
final class BatchPipe: @unchecked Sendable {
    // Every mutable field below is read and written only while holding `condition`.
    private let condition = NSCondition()
    private var full: [RowBatch] = []
    private var free: [RowBatch]
    private var producerDone = false
    private var cancelled = false
    private var producerError: LumiereError?

    init(columnCount: Int, depth: Int = 3) {
        free = (0..<depth).map { _ in RowBatch(columnCount: columnCount) }
    }

    /// Producer: an empty batch, or nil once the consumer gave up.
    func takeEmpty() -> RowBatch? {
        condition.lock()
        defer { condition.unlock() }
        while free.isEmpty && !cancelled { condition.wait() }
        return cancelled ? nil : free.removeLast()
    }

    func send(_ batch: RowBatch) {
        condition.lock()
        full.append(batch)
        condition.broadcast()
        condition.unlock()
    }

    func finishProducing(error: LumiereError?) {
        condition.lock()
        producerDone = true
        producerError = error
        condition.broadcast()
        condition.unlock()
    }

    /// Consumer: the next full batch, or nil when the producer is done.
    func receive() -> RowBatch? {
        condition.lock()
        defer { condition.unlock() }
        while full.isEmpty && !producerDone { condition.wait() }
        return full.isEmpty ? nil : full.removeFirst()
    }

    func recycle(_ batch: RowBatch) {
        batch.reset()
        condition.lock()
        free.append(batch)
        condition.broadcast()
        condition.unlock()
    }

    func cancel() {
        condition.lock()
        cancelled = true
        condition.broadcast()
        condition.unlock()
    }

    /// Blocks until the producer has finished; returns its error.
    func waitForProducer() -> LumiereError? {
        condition.lock()
        defer { condition.unlock() }
        while !producerDone { condition.wait() }
        return producerError
    }
}

/// The producer side's sink: fills batches and sends them down the pipe.
struct BatchingSink: CSVRowSink {
    let pipe: BatchPipe
    var current: RowBatch?

    mutating func consume(_ cells: UnsafeBufferPointer<CSVCell>) throws(LumiereError) {
        if current == nil {
            guard let batch = pipe.takeEmpty() else { throw BatchingSink.cancelled }
            current = batch
        }
        current!.append(cells)
        if current!.isFull { flush() }
    }

    mutating func flush() {
        if let batch = current, batch.rowCount > 0 {
            pipe.send(batch)
            current = nil
        }
    }

    static let cancelled = LumiereError(.internalError, "row production stopped because loading failed",
                                        hint: "see the loading error reported with it")
}

enum RowBatchPipeline {
    /// Runs `produce` on a new thread and `consume` on this one, batch by batch.
    static func run(columnCount: Int,
                    produce: @escaping @Sendable (inout BatchingSink) throws(LumiereError) -> Void,
                    consume: (RowBatch) throws(LumiereError) -> Void) throws(LumiereError) {
        let pipe = BatchPipe(columnCount: columnCount)
        let thread = Thread {
            var sink = BatchingSink(pipe: pipe)
            do throws(LumiereError) {
                try produce(&sink)
                sink.flush()
                pipe.finishProducing(error: nil)
            } catch {
                pipe.finishProducing(error: error)
            }
        }
        thread.name = "lumiere-ingest-parse"
        thread.stackSize = 4 << 20
        thread.start()
        var consumerError: LumiereError?
        while let batch = pipe.receive() {
            do throws(LumiereError) {
                try consume(batch)
            } catch {
                consumerError = error
                pipe.cancel()
                pipe.recycle(batch)
                break
            }
            pipe.recycle(batch)
        }
        let producerError = pipe.waitForProducer()
        if let consumerError { throw consumerError }
        if let producerError { throw producerError }
    }
}
