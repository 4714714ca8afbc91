#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import SoftFloat
import Synchronization
import TrainingArithmetic

/// The timing behind `precision-lab bench`: a repeat loop calibrated to a duration, and a
/// sink that keeps measured results alive.
///
///     let perSecond = Benchmark.rate(seconds: 0.3) { repetitions in
///         var sink: UInt64 = 0
///         for i in 0..<repetitions { sink ^= UInt64(i) &* 3 }
///         return sink
///     }
///
/// Edge cases: the body must return something derived from every result it computes, so
/// the optimiser cannot drop the work; `rate` passes it to `consume`. Time is the calling
/// thread's CPU time, so other processes on a shared machine slow the figures less (caches
/// and shared cores still do): callers report figures measured side by side in one run.
public enum Benchmark {
    /// Repetitions per CPU second of `body`, timed on one run that lasts at least `seconds`.
    ///
    /// The repetition count grows eightfold until a run lasts an eighth of the duration,
    /// then is scaled to the whole duration for the run that is timed.
    ///
    /// - Parameters:
    ///   - seconds: how long the timed run lasts, at least; above zero.
    ///   - body: runs the measured loop the given number of times.
    public static func rate(seconds: Double, _ body: (Int) -> UInt64) -> Double {
        var repetitions = 1
        while true {
            let start = threadTime()
            let sink = body(repetitions)
            let time = threadTime() - start
            consume(sink)
            if time >= seconds { return Double(repetitions) / time }
            if time < seconds / 8 {
                repetitions = repetitions > Int.max / 8 ? Int.max : repetitions * 8
            } else {
                repetitions = Int((Double(repetitions) * seconds / time * 1.05).rounded(.up))
            }
        }
    }

    /// The CPU time of the calling thread, in seconds.
    public static func threadTime() -> Double {
        var now = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now)
        return Double(now.tv_sec) + Double(now.tv_nsec) * 1e-9
    }

    /// Takes a value the optimiser must assume is used.
    @inline(never)
    public static func consume(_ value: UInt64) {
        sink.bitwiseXor(value, ordering: .relaxed)
    }

    private static let sink = Atomic<UInt64>(0)
}
