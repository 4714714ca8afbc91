import Dispatch
import SoftFloat

/// Runs a fixed number of chunks of work on up to `threads` threads. The chunks are fixed
/// by the caller, never by the thread count, and each chunk writes only its own results,
/// which the caller then combines in chunk order: so results are the same, bit for bit,
/// whatever the number of threads.
///
///     ParallelChunks(threads: 2).run(16) { chunk in partial[chunk] = work(chunk) }
///     let total = partial.reduce(0, +)      // in chunk order
///
/// Edge cases: with one thread (or one chunk) everything runs on the calling thread.
public struct ParallelChunks: Sendable {
    public let threads: Int

    public init(threads: Int) {
        self.threads = max(1, threads)
    }

    /// Calls `body` once for each chunk in `0..<count`; returns when all are done.
    public func run(_ count: Int, _ body: (Int) -> Void) {
        let workers = min(threads, count)
        if workers <= 1 {
            for chunk in 0..<count { body(chunk) }
            return
        }
        withoutActuallyEscaping(body) { body in
            let shared = UncheckedSendable(body)
            DispatchQueue.concurrentPerform(iterations: workers) { worker in
                var chunk = worker
                while chunk < count {
                    shared.value(chunk)
                    chunk += workers
                }
            }
        }
    }
}

/// A value handed to worker threads that the caller guarantees they use safely (each
/// chunk writes only its own results).
struct UncheckedSendable<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}
