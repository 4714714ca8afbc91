import DataFiles
import Dispatch
import SoftFloat
import Training
import TrainingArithmetic

extension Benchmark {
    /// One row of `bench round`: elements per second rounding an array of `Float` or
    /// `Double` to a format by a rounding mode, on one core and on all cores.
    public struct RoundingRate: Sendable, Equatable {
        /// What was measured: a format's name, or a reference loop's (`copy`, `Float16`).
        public var name: String
        /// `Float` or `Double`: the element type of the arrays.
        public var source: String
        /// The rounding mode (nil for a reference loop).
        public var rounding: RoundingMode?
        /// Elements per second on one thread.
        public var oneCore: Double
        /// Elements per second with `threads` threads, each on its own arrays.
        public var allCores: Double
        public var threads: Int
    }

    /// The values `bench round` rounds: `count` numbers of both signs with exponents from
    /// −8 to 8 and random fractions, from a fixed seed.
    ///
    ///     let values = Benchmark.roundingInputs(Float.self, count: 4096)
    ///
    /// Edge cases: none is zero, subnormal, infinite or NaN in `Float`; in the 8-bit formats
    /// the smallest of them fall below the least normal number, as data do.
    public static func roundingInputs<Wide: HardwareFloat>(_: Wide.Type, count: Int,
                                                           seed: UInt64 = 0x5EED) -> [Wide] {
        var random = SplitMix64(seed: seed)
        return (0..<count).map { _ in
            let exponent = Int(random.next() % 17) - 8
            let fraction = Wide(random.next() >> 11) * 0x1p-53
            let value = Wide(sign: random.next() & 1 == 1 ? .minus : .plus, exponent: Wide.Exponent(exponent),
                             significand: 1 + fraction)
            return value
        }
    }

    /// Elements per second of `body` run with `threads` threads at once, each thread on its
    /// own data (`body(thread, repetitions)` processes `elements × repetitions` elements):
    /// the best of `repeats` timed runs on the wall clock, each at least `seconds` long.
    ///
    /// Edge cases: with one thread the thread's CPU time is used, as `rate` does.
    ///
    /// - Parameters:
    ///   - elements: elements per repetition, per thread.
    public static func elementRate(threads: Int, elements: Int, seconds: Double, repeats: Int,
                                   _ body: @escaping @Sendable (Int, Int) -> UInt64) -> Double {
        let single = rate(seconds: seconds / 4) { body(0, $0) }
        if threads <= 1 {
            var best = single
            for _ in 1..<max(repeats, 1) { best = max(best, rate(seconds: seconds) { body(0, $0) }) }
            return best * Double(elements)
        }
        let repetitions = max(1, Int(single * seconds))
        var best = 0.0
        for _ in 0..<max(repeats, 1) {
            let start = ContinuousClock.now
            DispatchQueue.concurrentPerform(iterations: threads) { thread in
                consume(body(thread, repetitions))
            }
            let time = (ContinuousClock.now - start).seconds
            best = max(best, Double(threads * repetitions * elements) / time)
        }
        return best
    }

    /// The element types `bench round` rounds from.
    public enum RoundingSource: String, CaseIterable, Sendable {
        case float = "Float", double = "Double"
    }

    /// Measures `ArrayRounder` for one format, source type and rounding mode.
    ///
    ///     let row = Benchmark.measureRounding(.float, format: .bf16, rounding: .nearestEven,
    ///                                         elements: 16384, threads: 2, seconds: 0.1)
    ///
    /// Edge cases: nil when the source type cannot hold the format or the mode is not one
    /// `ArrayRounder` serves.
    ///
    /// - Parameters:
    ///   - elements: the length of each thread's source and target arrays.
    public static func measureRounding(_ source: RoundingSource, format: FloatFormat, rounding: RoundingMode,
                                       elements: Int, threads: Int, seconds: Double,
                                       repeats: Int = 3) -> RoundingRate? {
        // Each case calls the generic routine with a concrete type, so it is specialised.
        switch source {
        case .float:
            return measureRounding(Float.self, format: format, rounding: rounding, elements: elements,
                                   threads: threads, seconds: seconds, repeats: repeats)
        case .double:
            return measureRounding(Double.self, format: format, rounding: rounding, elements: elements,
                                   threads: threads, seconds: seconds, repeats: repeats)
        }
    }

    static func measureRounding<Wide: HardwareFloat>(_: Wide.Type, format: FloatFormat, rounding: RoundingMode,
                                                     elements: Int, threads: Int, seconds: Double,
                                                     repeats: Int) -> RoundingRate? {
        guard let rounder = ArrayRounder<Wide>(format: format, rounding: rounding) else { return nil }
        let arrays = RoundingArrays<Wide>(threads: threads, elements: elements)
        let body: @Sendable (Int, Int) -> UInt64 = { thread, repetitions in
            arrays.round(with: rounder, thread: thread, repetitions: repetitions)
        }
        let one = elementRate(threads: 1, elements: elements, seconds: seconds, repeats: repeats, body)
        let all = elementRate(threads: threads, elements: elements, seconds: seconds, repeats: repeats, body)
        return RoundingRate(name: format.name, source: String(describing: Wide.self), rounding: rounding,
                            oneCore: one, allCores: all, threads: threads)
    }

    /// The reference loops of `bench round`, measured like the rounding: a plain copy of
    /// `Float` and of `Double` arrays, and the conversions the hardware (or the compiler's
    /// runtime) performs, `Float(Float16(x))` and `Double(Float(x))`.
    public static func measureRoundingReferences(elements: Int, threads: Int, seconds: Double,
                                                 repeats: Int = 3) -> [RoundingRate] {
        func row<Wide: HardwareFloat>(_: Wide.Type, _ name: String,
                                      _ loop: @escaping @Sendable (UnsafePointer<Wide>, UnsafeMutablePointer<Wide>, Int) -> Void)
            -> RoundingRate {
            let arrays = RoundingArrays<Wide>(threads: threads, elements: elements)
            let body: @Sendable (Int, Int) -> UInt64 = { thread, repetitions in
                arrays.run(thread: thread, repetitions: repetitions, loop)
            }
            return RoundingRate(
                name: name, source: String(describing: Wide.self), rounding: nil,
                oneCore: elementRate(threads: 1, elements: elements, seconds: seconds, repeats: repeats, body),
                allCores: elementRate(threads: threads, elements: elements, seconds: seconds, repeats: repeats, body),
                threads: threads)
        }
        return [
            row(Float.self, "copy") { from, to, n in to.update(from: from, count: n) },
            row(Float.self, "Float(Float16(x))") { from, to, n in
                for i in 0..<n { to[i] = Float(Float16(from[i])) }
            },
            row(Double.self, "copy") { from, to, n in to.update(from: from, count: n) },
            row(Double.self, "Double(Float(x))") { from, to, n in
                for i in 0..<n { to[i] = Double(Float(from[i])) }
            },
        ]
    }
}

/// Each thread's source and target arrays for `bench round`, allocated once.
final class RoundingArrays<Wide: HardwareFloat>: @unchecked Sendable {
    let sources: [WorkBuffer<Wide>]
    let targets: [WorkBuffer<Wide>]
    let elements: Int

    init(threads: Int, elements: Int) {
        self.elements = elements
        sources = (0..<threads).map {
            WorkBuffer(Benchmark.roundingInputs(Wide.self, count: elements, seed: 0x5EED &+ UInt64($0)))
        }
        targets = (0..<threads).map { _ in WorkBuffer(repeating: Wide.zero, count: elements) }
    }

    /// Rounds thread `thread`'s array `repetitions` times; returns a checksum of the results.
    @inline(never)
    func round(with rounder: ArrayRounder<Wide>, thread: Int, repetitions: Int) -> UInt64 {
        var env = FloatEnvironment(rounding: rounder.rounding, seed: UInt64(thread))
        let from = UnsafeBufferPointer(start: sources[thread].pointer, count: elements)
        let to = UnsafeMutableBufferPointer(start: targets[thread].pointer, count: elements)
        var checksum: UInt64 = 0
        for r in 0..<repetitions {
            rounder.round(from, into: to, &env)
            checksum ^= UInt64(truncatingIfNeeded: to[r % elements].bitPattern)
        }
        return checksum
    }

    /// Runs a reference loop over thread `thread`'s array `repetitions` times.
    @inline(never)
    func run(thread: Int, repetitions: Int, _ loop: (UnsafePointer<Wide>, UnsafeMutablePointer<Wide>, Int) -> Void) -> UInt64 {
        var checksum: UInt64 = 0
        for r in 0..<repetitions {
            loop(sources[thread].pointer, targets[thread].pointer, elements)
            checksum ^= UInt64(truncatingIfNeeded: targets[thread].pointer[r % elements].bitPattern)
        }
        return checksum
    }
}
