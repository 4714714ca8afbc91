import Dispatch
import Foundation
import SoftFloat
import Synchronization

/// Runs a fixed number of chunks of work on up to `threads` threads. The chunks are fixed
/// by the caller, never by the thread count, and each chunk writes only its own results,
/// which the caller then combines in chunk order: so results are the same, bit for bit,
/// whatever the number of threads and whichever thread runs which chunk.
///
///     ParallelChunks(threads: 2).run(16) { chunk in partial[chunk] = work(chunk) }
///     let total = partial.reduce(0, +)      // in chunk order
///
/// The calling thread and the threads of a shared `WorkerPool` take the chunks one at a
/// time as each finishes its last, so a thread that another process delays holds up one
/// chunk, not a fixed half of them. The pool's threads stay awake for a moment after a
/// call, so that the next parallel phase of a training step starts without waking them.
///
/// Edge cases: with one thread (or one chunk) everything runs on the calling thread. A call
/// made while the pool serves another (from another thread, or from inside a chunk) runs
/// on Dispatch's threads instead, with the same results.
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
            if WorkerPool.shared.run(count, threads: workers, body) { return }
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

/// Threads that `ParallelChunks` shares: created when first needed (one fewer than the
/// largest thread count asked for: the caller is the other), they wait for work by
/// watching a counter (`spins` looks, a fraction of a millisecond), then sleep until the
/// next call wakes them.
///
///     WorkerPool.shared.run(16, threads: 2) { chunk in … }   // false: busy, run it another way
///
/// One call at a time: `run` returns `false` at once, running nothing, while another is
/// in progress.
final class WorkerPool: @unchecked Sendable {
    static let shared = WorkerPool()

    /// One call: its chunks, handed out one at a time, and the pool threads that joined it.
    final class Job: @unchecked Sendable {
        /// Cleared before `run` returns (the closure must not outlive the call).
        var body: ((Int) -> Void)?
        let count: Int
        /// Pool threads that may join (the call's threads minus the caller).
        let helpers: Int
        let next = Atomic<Int>(0)
        /// Pool threads that asked to join; `closed` is added when the call stops taking more.
        let joined = Atomic<Int>(0)
        /// Pool threads that have joined and finished (or were turned away).
        let left = Atomic<Int>(0)
        static let closed = 1 << 40

        init(body: @escaping (Int) -> Void, count: Int, helpers: Int) {
            self.body = body
            self.count = count
            self.helpers = helpers
        }

        /// Takes chunks until none is left. Not inlined: the closure's copy is released
        /// before this returns, so before the thread reports that it has left.
        @inline(never)
        func drain() {
            guard let body else { return }
            while true {
                let chunk = next.wrappingAdd(1, ordering: .relaxed).oldValue
                guard chunk < count else { return }
                body(chunk)
            }
        }

        /// A pool thread's part: joins unless the call is closed or has its helpers.
        func help() {
            let place = joined.wrappingAdd(1, ordering: .acquiring).oldValue
            guard place < Self.closed else { return }
            if place < helpers { drain() }
            left.wrappingAdd(1, ordering: .releasing)
        }
    }

    private struct State {
        var job: Job?
        var busy = false
        var threads = 0
    }

    private let state = Mutex(State())
    /// Counts the calls; a pool thread that sees it change looks for the job.
    private let generation = Atomic<Int>(0)
    /// Pool threads that are about to sleep or asleep, for the next call to wake.
    private let sleepers = Atomic<Int>(0)
    private let wake = DispatchSemaphore(value: 0)
    /// Looks at the counter a pool thread makes before it sleeps.
    private static let spins = 200_000

    /// Runs `body` for each chunk of `0..<count` on the calling thread and up to
    /// `threads − 1` pool threads; returns `false`, having run nothing, when the pool is busy.
    func run(_ count: Int, threads: Int, _ body: @escaping (Int) -> Void) -> Bool {
        let job = Job(body: body, count: count, helpers: threads - 1)
        let started = state.withLock { state -> Bool in
            guard !state.busy else { return false }
            state.busy = true
            while state.threads < threads - 1 {
                state.threads += 1
                Thread.detachNewThread { [unowned self] in self.serve() }
            }
            state.job = job
            return true
        }
        guard started else { return false }
        generation.wrappingAdd(1, ordering: .releasing)
        let asleep = sleepers.exchange(0, ordering: .acquiringAndReleasing)
        for _ in 0..<asleep { wake.signal() }
        job.drain()
        // No pool thread joins from here on; wait for those that did.
        let joined = job.joined.wrappingAdd(Job.closed, ordering: .acquiringAndReleasing).oldValue
        while job.left.load(ordering: .acquiring) < joined {}
        job.body = nil
        state.withLock { state in
            state.job = nil
            state.busy = false
        }
        return true
    }

    /// A pool thread: joins each call it sees, watches for the next, sleeps when idle.
    private func serve() {
        var seen = 0
        while true {
            var idle = 0
            while generation.load(ordering: .acquiring) == seen && idle < Self.spins { idle += 1 }
            let now = generation.load(ordering: .acquiring)
            if now != seen {
                seen = now
                state.withLock { $0.job }?.help()
                continue
            }
            // Counted before the last look, so that a call made after it wakes this thread
            // (a count left over from a race only wakes a thread for nothing, later).
            sleepers.wrappingAdd(1, ordering: .acquiringAndReleasing)
            if generation.load(ordering: .acquiring) == seen { wake.wait() }
        }
    }
}

/// A value handed to worker threads that the caller guarantees they use safely (each
/// chunk writes only its own results).
struct UncheckedSendable<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}
