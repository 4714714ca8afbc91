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
        switch (rounding, rounder.checksRange) {
        case (.nearestEven, true): lanes(from, to, n) { x, _ in rounder.roundLanes(x, checkingRange: true) }
        case (.nearestEven, false): lanes(from, to, n) { x, _ in rounder.roundLanes(x, checkingRange: false) }
        case (.towardZero, true): lanes(from, to, n) { x, _ in rounder.truncateLanes(x, checkingRange: true) }
        case (.towardZero, false): lanes(from, to, n) { x, _ in rounder.truncateLanes(x, checkingRange: false) }
        case (.up, true): directed(from, to, n, .up, true)
        case (.up, false): directed(from, to, n, .up, false)
        case (.down, true): directed(from, to, n, .down, true)
        case (.down, false): directed(from, to, n, .down, false)
        case (.nearestAway, true): directed(from, to, n, .nearestAway, true)
        case (.nearestAway, false): directed(from, to, n, .nearestAway, false)
        case (.odd, true): directed(from, to, n, .odd, true)
        case (.odd, false): directed(from, to, n, .odd, false)
        case (.stochastic, let checking):
            let random = env.random
            let base = random.counter &>> 2
            if checking {
                lanes(from, to, n) { x, group in
                    rounder.roundLanes(x, residual: .zero, mode: .stochastic,
                                       draws: FormatRounder<Wide>.draws(random.word(block: base &+ group)),
                                       checkingRange: true)
                }
            } else {
                lanes(from, to, n) { x, group in
                    rounder.roundLanes(x, residual: .zero, mode: .stochastic,
                                       draws: FormatRounder<Wide>.draws(random.word(block: base &+ group)),
                                       checkingRange: false)
                }
            }
        }
    }

    @inlinable @inline(__always)
    func directed(_ from: UnsafePointer<Wide>, _ to: UnsafeMutablePointer<Wide>, _ n: Int,
                  _ mode: RoundingMode, _ checking: Bool) {
        lanes(from, to, n) { x, _ in
            rounder.roundLanes(x, residual: .zero, mode: mode, draws: .zero, checkingRange: checking)
        }
    }

    /// Rounds every element of `values` in place.
    @inlinable
    public func round(_ values: UnsafeMutableBufferPointer<Wide>, _ env: inout FloatEnvironment) {
        round(UnsafeBufferPointer(values), into: values, &env)
    }

    /// Eight elements per iteration (two vectors, for the processor to overlap), then the
    /// rest four lanes at a time with their lanes beyond `n` unused; `step` gets the index
    /// of the group of four (element `4·group` is its first lane).
    @inlinable @inline(__always)
    func lanes(_ from: UnsafePointer<Wide>, _ to: UnsafeMutablePointer<Wide>, _ n: Int,
               _ step: (FormatRounder<Wide>.Lanes, UInt64) -> FormatRounder<Wide>.Lanes) {
        typealias Lanes = FormatRounder<Wide>.Lanes
        var i = 0
        while i &+ 8 <= n {
            let a = UnsafeRawPointer(from + i).loadUnaligned(as: Lanes.self)
            let b = UnsafeRawPointer(from + (i &+ 4)).loadUnaligned(as: Lanes.self)
            let group = UInt64(i &>> 2)
            UnsafeMutableRawPointer(to + i).storeBytes(of: step(a, group), as: Lanes.self)
            UnsafeMutableRawPointer(to + (i &+ 4)).storeBytes(of: step(b, group &+ 1), as: Lanes.self)
            i &+= 8
        }
        while i < n {
            var tail = Lanes(repeating: 0)
            let m = min(4, n &- i)
            for j in 0..<m { tail[j] = from[i &+ j] }
            let rounded = step(tail, UInt64(i &>> 2))
            for j in 0..<m { to[i &+ j] = rounded[j] }
            i &+= 4
        }
    }
}
