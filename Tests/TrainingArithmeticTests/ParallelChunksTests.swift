import Dispatch
import Foundation
import Testing
import TrainingArithmetic

/// `ParallelChunks` and the worker pool behind it: every chunk runs exactly once, whatever
/// the count, the threads, the pool's state (awake, asleep, busy) and the callers.
@Suite("ParallelChunks")
struct ParallelChunksTests {
    /// Runs `count` chunks and returns how many times each ran.
    static func runs(_ count: Int, threads: Int) -> [Int] {
        let counts = WorkBuffer(repeating: 0, count: max(count, 1))
        ParallelChunks(threads: threads).run(count) { chunk in
            // Long enough that several threads take part.
            var x = UInt64(chunk)
            for _ in 0..<2_000 { x = x &* 6364136223846793005 &+ 1442695040888963407 }
            counts[chunk] += x == 0 ? 2 : 1
        }
        return Array(counts.array.prefix(count))
    }

    @Test func everyChunkRunsOnceCallAfterCall() {
        for threads in [1, 2, 3, 5] {
            for count in [0, 1, 2, 3, 7, 16, 17, 100] {
                #expect(Self.runs(count, threads: threads) == Array(repeating: 1, count: count),
                        "\(count) chunks on \(threads) threads")
            }
        }
    }

    /// The pool's threads fall asleep when idle; the next call wakes them.
    @Test func callsAfterThePoolSleepsRunEveryChunk() {
        for _ in 0..<3 {
            Thread.sleep(forTimeInterval: 0.02)
            #expect(Self.runs(33, threads: 2) == Array(repeating: 1, count: 33))
        }
    }

    /// A call from inside a chunk, and calls from several threads at once, find the pool
    /// busy and run on other threads: still every chunk once.
    @Test func nestedAndConcurrentCallsRunEveryChunkOnce() {
        let outer = 6, inner = 9
        let nested = WorkBuffer(repeating: 0, count: outer * inner)
        ParallelChunks(threads: 2).run(outer) { i in
            ParallelChunks(threads: 2).run(inner) { j in nested[i * inner + j] += 1 }
        }
        #expect(nested.array == Array(repeating: 1, count: outer * inner))

        let callers = 4, count = 50
        let concurrent = WorkBuffer(repeating: 0, count: callers * count)
        DispatchQueue.concurrentPerform(iterations: callers) { caller in
            for _ in 0..<5 {
                ParallelChunks(threads: 2).run(count) { chunk in concurrent[caller * count + chunk] += 1 }
            }
        }
        #expect(concurrent.array == Array(repeating: 5, count: callers * count))
    }
}
