import SoftFloat

/// Rounds arrays of a hardware type (`Float`, `Double`) to a narrower binary format by a
/// rounding mode, bit for bit as `format.convert` rounds each element.
///
///     let rounder = ArrayRounder<Float>(format: .bf16, rounding: .stochastic)!
///     var env = FloatEnvironment(rounding: .stochastic, seed: 7)
///     rounder.round(source, into: target, &env)    // target[i] = bf16(source[i]), held in Float
///
/// Every mode runs four lanes at a time with integer bit operations (`FormatRounder`),
/// compiled once per case so that the loop holds no decision. Stochastic rounding takes
/// the bits of element `i` from `env.random` at index `base + i`, `base` being the counter
/// moved up to a multiple of 4 (`StochasticBits.alignToWord`); in every mode the counter
/// ends at `base` plus the count moved up to a multiple of 4. Every four elements share one 64-bit word,
/// one mix, so the elements are independent of each other and of the order they are
/// rounded in.
///
/// Edge cases: `nil` when the hardware type cannot hold the format. No exception flags are
/// raised. The environment's other settings are assumed to be the defaults (subnormals,
/// no saturation).
///
/// - Parameters:
///   - format: the target format.
///   - rounding: any mode.
public struct ArrayRounder<Wide: HardwareFloat>: Sendable {
    public let rounder: FormatRounder<Wide>
    public let rounding: RoundingMode

    public static var supportedModes: [RoundingMode] { RoundingMode.allCases }

    public init?(format: FloatFormat, rounding: RoundingMode) {
        guard let rounder = FormatRounder<Wide>(format: format) else { return nil }
        self.rounder = rounder
        self.rounding = rounding
    }

    public var format: FloatFormat { rounder.format }

    /// `target[i] ← source[i]` rounded, for `i` in `0..<min(source.count, target.count)`;
    /// `source` and `target` may be the same memory.
    @inlinable
    public func round(_ source: UnsafeBufferPointer<Wide>, into target: UnsafeMutableBufferPointer<Wide>,
                      _ env: inout FloatEnvironment) {
        guard let from = source.baseAddress, let to = target.baseAddress else { return }
        let n = min(source.count, target.count)
        // Every element takes one index of the random bits, in every mode.
        env.random.alignToWord()
        defer { env.random.advance(by: UInt64((n &+ 3) & ~3)) }
        if rounder.isIdentity {
            // The hardware's own format: every mode leaves every value as it is.
            if UnsafePointer(to) != from { to.update(from: from, count: n) }
            return
        }
        Kernel(rounder: rounder, from: from, to: to, n: n, random: env.random, base: env.random.counter &>> 2)(
            rounding, checksRange: rounder.checksRange)
    }

    /// Rounds every element of `values` in place.
    @inlinable
    public func round(_ values: UnsafeMutableBufferPointer<Wide>, _ env: inout FloatEnvironment) {
        round(UnsafeBufferPointer(values), into: values, &env)
    }

    /// The loop, generic over the mode and the range check so that it is compiled once per
    /// case with no decision left inside it.
    @usableFromInline
    struct Kernel: LaneKernel {
        @usableFromInline let rounder: FormatRounder<Wide>
        @usableFromInline let from: UnsafePointer<Wide>
        @usableFromInline let to: UnsafeMutablePointer<Wide>
        @usableFromInline let n: Int
        @usableFromInline let random: StochasticBits
        /// The word of the first group (`StochasticBits.word(block:)`).
        @usableFromInline let base: UInt64

        @inlinable @inline(__always)
        init(rounder: FormatRounder<Wide>, from: UnsafePointer<Wide>, to: UnsafeMutablePointer<Wide>, n: Int,
             random: StochasticBits, base: UInt64) {
            self.rounder = rounder
            self.from = from
            self.to = to
            self.n = n
            self.random = random
            self.base = base
        }

        /// Group `group`'s four lanes rounded.
        @inlinable @inline(__always)
        func step<M: LaneMode, C: LaneRange>(_ x: FormatRounder<Wide>.Lanes, _ group: UInt64,
                                             _: M.Type, _: C.Type) -> FormatRounder<Wide>.Lanes {
            switch M.mode {
            case .nearestEven: return rounder.roundLanes(x, checkingRange: C.checksRange)
            case .towardZero: return rounder.truncateLanes(x, checkingRange: C.checksRange)
            case .stochastic:
                return rounder.roundLanes(x, residual: .zero, mode: .stochastic,
                                          draws: FormatRounder<Wide>.draws(random.word(block: base &+ group)),
                                          checkingRange: C.checksRange)
            default:
                return rounder.roundLanes(x, residual: .zero, mode: M.mode, draws: .zero,
                                          checkingRange: C.checksRange)
            }
        }

        /// Eight elements per iteration (two vectors, for the processor to overlap), then
        /// the rest four lanes at a time with their lanes beyond `n` unused; group `g`'s
        /// first lane is element `4·g`.
        @inlinable
        func run<M: LaneMode, C: LaneRange>(_: M.Type, _: C.Type) {
            typealias Lanes = FormatRounder<Wide>.Lanes
            var i = 0
            while i &+ 8 <= n {
                let a = UnsafeRawPointer(from + i).loadUnaligned(as: Lanes.self)
                let b = UnsafeRawPointer(from + (i &+ 4)).loadUnaligned(as: Lanes.self)
                let group = UInt64(i &>> 2)
                UnsafeMutableRawPointer(to + i).storeBytes(of: step(a, group, M.self, C.self), as: Lanes.self)
                UnsafeMutableRawPointer(to + (i &+ 4)).storeBytes(of: step(b, group &+ 1, M.self, C.self),
                                                                  as: Lanes.self)
                i &+= 8
            }
            while i < n {
                var tail = Lanes(repeating: 0)
                let m = min(4, n &- i)
                for j in 0..<m { tail[j] = from[i &+ j] }
                let rounded = step(tail, UInt64(i &>> 2), M.self, C.self)
                for j in 0..<m { to[i &+ j] = rounded[j] }
                i &+= 4
            }
        }
    }
}
