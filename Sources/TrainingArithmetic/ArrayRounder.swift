import SoftFloat

/// Rounds arrays of a hardware type (`Float`, `Double`) to a narrower binary format by a
/// rounding mode, bit for bit as `format.convert` rounds each element in turn.
///
///     let rounder = ArrayRounder<Float>(format: .bf16, rounding: .nearestEven)!
///     var env = FloatEnvironment()
///     rounder.round(source, into: target, &env)    // target[i] = bf16(source[i]), held in Float
///
/// Nearest-even and toward-zero run four lanes at a time with integer bit operations
/// (`FormatRounder`), compiled once per case so that the loop holds no decision. Stochastic
/// rounding runs element by element, since every inexact element draws the next number of
/// `env.random` in turn: an element in the format's normal range is rounded here, with the
/// draw and comparison of the soft path's `roundPack`; the others (zero, subnormal,
/// overflow, ∞, NaN) go through `format.convert` itself.
///
/// Edge cases: `nil` when the hardware type cannot hold the format, or for a mode other than
/// the three above. No exception flags are raised except by the elements that go through
/// `format.convert`. The environment's other settings are assumed to be the defaults
/// (subnormals, no saturation).
///
/// - Parameters:
///   - format: the target format.
///   - rounding: `.nearestEven`, `.towardZero` or `.stochastic`.
public struct ArrayRounder<Wide: HardwareFloat>: Sendable {
    public let rounder: FormatRounder<Wide>
    public let rounding: RoundingMode
    /// Bits of the hardware type's fraction that the format does not keep.
    @usableFromInline let dropped: Int

    public static var supportedModes: [RoundingMode] { [.nearestEven, .towardZero, .stochastic] }

    public init?(format: FloatFormat, rounding: RoundingMode) {
        guard Self.supportedModes.contains(rounding), let rounder = FormatRounder<Wide>(format: format) else {
            return nil
        }
        self.rounder = rounder
        self.rounding = rounding
        dropped = Wide.format.fractionBitCount - format.fractionBitCount
    }

    public var format: FloatFormat { rounder.format }

    /// `target[i] ← source[i]` rounded, for `i` in `0..<min(source.count, target.count)`;
    /// `source` and `target` may be the same memory.
    @inlinable
    public func round(_ source: UnsafeBufferPointer<Wide>, into target: UnsafeMutableBufferPointer<Wide>,
                      _ env: inout FloatEnvironment) {
        guard let from = source.baseAddress, let to = target.baseAddress else { return }
        let n = min(source.count, target.count)
        if rounder.isIdentity {
            // The hardware's own format: every mode leaves every value as it is.
            if UnsafePointer(to) != from { to.update(from: from, count: n) }
            return
        }
        switch rounding {
        case .stochastic:
            stochastic(from, to, n, &env)
        case .towardZero:
            if rounder.checksRange {
                lanes(from, to, n) { rounder.truncateLanes($0, checkingRange: true) }
            } else {
                lanes(from, to, n) { rounder.truncateLanes($0, checkingRange: false) }
            }
        default:
            if rounder.checksRange {
                lanes(from, to, n) { rounder.roundLanes($0, checkingRange: true) }
            } else {
                lanes(from, to, n) { rounder.roundLanes($0, checkingRange: false) }
            }
        }
    }

    /// Rounds every element of `values` in place.
    @inlinable
    public func round(_ values: UnsafeMutableBufferPointer<Wide>, _ env: inout FloatEnvironment) {
        round(UnsafeBufferPointer(values), into: values, &env)
    }

    /// Eight elements per iteration (two vectors, for the processor to overlap), then the
    /// rest one lane at a time.
    @inlinable @inline(__always)
    func lanes(_ from: UnsafePointer<Wide>, _ to: UnsafeMutablePointer<Wide>, _ n: Int,
               _ step: (FormatRounder<Wide>.Lanes) -> FormatRounder<Wide>.Lanes) {
        typealias Lanes = FormatRounder<Wide>.Lanes
        var i = 0
        while i &+ 8 <= n {
            let a = UnsafeRawPointer(from + i).loadUnaligned(as: Lanes.self)
            let b = UnsafeRawPointer(from + (i &+ 4)).loadUnaligned(as: Lanes.self)
            UnsafeMutableRawPointer(to + i).storeBytes(of: step(a), as: Lanes.self)
            UnsafeMutableRawPointer(to + (i &+ 4)).storeBytes(of: step(b), as: Lanes.self)
            i &+= 8
        }
        while i < n {
            to[i] = step(Lanes(repeating: from[i]))[0]
            i &+= 1
        }
    }

    /// Stochastic rounding, element by element in order. In the normal range the soft
    /// path's significand has its leading one at bit 62, so its rounding bits are the
    /// dropped bits shifted up by `62 − Wide.f`; it rounds up when the top `62 − f` bits
    /// of the draw are below them.
    @inlinable
    func stochastic(_ from: UnsafePointer<Wide>, _ to: UnsafeMutablePointer<Wide>, _ n: Int,
                    _ env: inout FloatEnvironment) {
        let format = rounder.format
        let wide = Wide.format
        let lowMask: UInt64 = (1 << UInt64(dropped)) &- 1
        let up = 62 &- wide.fractionBitCount
        let drawShift = UInt64(2 &+ format.fractionBitCount)
        let magnitudeMask = UInt64(truncatingIfNeeded: rounder.magnitudeMask)
        let leastNormal = UInt64(truncatingIfNeeded: rounder.leastNormal)
        let largestFinite = UInt64(truncatingIfNeeded: rounder.largestFinite)
        for i in 0..<n {
            let bits = UInt64(from[i].bitPattern)
            let magnitude = bits & magnitudeMask
            var result: UInt64
            if magnitude >= leastNormal && magnitude <= largestFinite {
                let roundBits = magnitude & lowMask
                result = magnitude & ~lowMask
                if roundBits != 0 && env.random.next() &>> drawShift < roundBits &<< UInt64(up) {
                    result &+= lowMask &+ 1
                    if result > largestFinite {
                        result = UInt64(truncatingIfNeeded: rounder.overflowMagnitude)
                    }
                }
                result |= bits & ~magnitudeMask
            } else {
                let narrow = format.convert(bits, from: wide, &env)
                result = wide.convert(narrow, from: format, &env)
            }
            to[i] = Wide(bitPattern: Wide.Bits(truncatingIfNeeded: result))
        }
    }
}
