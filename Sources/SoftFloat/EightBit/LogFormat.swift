import Foundation

/// An 8-bit logarithmic number format ("INT8, log-scaled"): a sign bit and log2|x| as a
/// 7-bit two's-complement fixed-point number with `fractionBits` fractional bits.
///
///     let lns = LogFormat.lns8                  // F = 2: log2|x| in steps of 1/4
///     var env = FloatEnvironment()
///     let x = lns.fromDouble(0.3, &env)         // code for 2^(-7/4) ≈ 0.2973
///     lns.multiply(x, x, &env)                  // 2^(-14/4): exact, codes add
///
/// Encoding (bit 7 = sign, bits 6…0 = L in two's complement): the value is
/// `(−1)^sign × 2^(L / 2^F)` for L in −63…63. `L = −64` is reserved: `0x40` is zero
/// (a single zero, no sign) and `0xC0` is NaN. There is no infinity: results beyond
/// the largest magnitude saturate to it (flags: overflow, inexact), and `x ÷ 0`
/// saturates with divide-by-zero.
///
/// Edge cases: rounding happens in the log domain (to the nearest multiple of 2^−F of
/// log2|x|, or directed/stochastically between the two neighbouring codes); below the
/// least magnitude a value rounds to zero or to that magnitude in the linear domain.
///
/// - Parameters:
///   - fractionBits: F, from 0 to 6. The range is 2^±(63/2^F), the step a factor 2^(1/2^F).
///   - addition: how the Gaussian logarithms are evaluated for + and −.
public struct LogFormat: Hashable, Sendable {
    public let fractionBits: Int
    public let addition: GaussianLogarithm.Method

    public init(fractionBits: Int, addition: GaussianLogarithm.Method = .table) {
        precondition((0...6).contains(fractionBits), "lns8 fraction bits must be 0...6")
        self.fractionBits = fractionBits
        self.addition = addition
    }

    /// The default `lns8`: F = 2, range 2^±15.75 (1.8e-5 … 55109), step 2^(1/4) ≈ 1.19.
    public static let defaultFractionBits = 2
    public static let lns8 = LogFormat(fractionBits: defaultFractionBits)

    public static let zero: UInt8 = 0x40
    public static let nan: UInt8 = 0xC0
    public static let maxLog = 63
    public static let minLog = -63

    /// `lns8` for the default F, `lns8-fN` otherwise; `-mitchell` when addition uses
    /// Mitchell's approximation: the registry's name.
    public var name: String { NumberFormat.logarithmic(self).name }

    /// Parses `lns8`, `lns8-f3`, `lns8-mitchell`, `lns8-f3-mitchell`: the registry
    /// restricted to logarithmic formats.
    ///
    ///     LogFormat(name: "lns8-f3")   // LogFormat(fractionBits: 3)
    ///
    /// Edge cases: nil for any other name (`lns8-f7`); `NumberFormat(name:)` says why.
    public init?(name: String) {
        guard case let .logarithmic(format)? = try? NumberFormat(name: name, accepting: .logarithmic) else {
            return nil
        }
        self = format
    }

    /// Units of the log per unit of log2: 2^F.
    @inlinable public var scale: Double { Double(1 << fractionBits) }
}

extension LogFormat {
    @inlinable public func isNaN(_ x: UInt8) -> Bool { x == Self.nan }
    @inlinable public func isZero(_ x: UInt8) -> Bool { x == Self.zero }
    @inlinable public func isNegative(_ x: UInt8) -> Bool { x & 0x80 != 0 && x != Self.nan }
    /// L, the log2 of the magnitude in units of 2^−F (x is neither zero nor NaN).
    @inlinable public func logCode(_ x: UInt8) -> Int { Int(Int8(bitPattern: x << 1) >> 1) }
    /// The code with the given sign and L (L in −63…63).
    @inlinable public func code(negative: Bool, log: Int) -> UInt8 {
        (negative ? 0x80 : 0) | UInt8(truncatingIfNeeded: log) & 0x7F
    }
    /// The largest magnitude with the given sign.
    @inlinable public func maxFinite(negative: Bool) -> UInt8 { code(negative: negative, log: Self.maxLog) }

    /// The value of a code, to double precision (powers 2^(L/2^F) are irrational unless
    /// L is a multiple of 2^F; the nearest Double is returned).
    public func toDouble(_ x: UInt8) -> Double {
        if isNaN(x) { return .nan }
        if isZero(x) { return 0 }
        let magnitude = Foundation.exp2(Double(logCode(x)) / scale)
        return isNegative(x) ? -magnitude : magnitude
    }

    /// Every code in order of value, NaN excluded: −max … −min, 0, min … max.
    public var orderedCodes: [UInt8] {
        let negatives = (Self.minLog...Self.maxLog).reversed().map { code(negative: true, log: $0) }
        let positives = (Self.minLog...Self.maxLog).map { code(negative: false, log: $0) }
        return negatives + [Self.zero] + positives
    }
}

extension LogFormat {
    /// Rounds a result whose exact log2 magnitude, in units of 2^−F, is `units`, and
    /// handles saturation and underflow. The one rounding routine of the format.
    ///
    /// - Parameters:
    ///   - units: 2^F × log2|result|, exact or accurate far beyond the rounding decision.
    ///   - negative: the sign of the result.
    @inlinable
    public func roundLog(_ units: Double, negative: Bool, _ env: inout FloatEnvironment) -> UInt8 {
        if units >= Double(Self.maxLog + 1) {
            env.flags.formUnion([.overflow, .inexact])
            return maxFinite(negative: negative)
        }
        if units < Double(Self.minLog) {
            return roundBelowLeast(units, negative: negative, &env)
        }
        let lower = units.rounded(.down)
        var log: Int
        let fraction = units - lower
        if fraction == 0 {
            log = Int(lower)
        } else {
            env.flags.insert(.inexact)
            // In the log domain "up" means a larger magnitude.
            let awayFromZero: Bool
            switch env.rounding {
            case .nearestEven: awayFromZero = fraction > 0.5 || (fraction == 0.5 && Int(lower) & 1 != 0)
            case .nearestAway: awayFromZero = fraction >= 0.5
            case .towardZero: awayFromZero = false
            case .up: awayFromZero = !negative
            case .down: awayFromZero = negative
            case .odd: awayFromZero = Int(lower) & 1 == 0  // the code whose last bit is set
            case .stochastic: awayFromZero = Double(env.random.draw) * 0x1p-13 < fraction
            }
            log = Int(lower) + (awayFromZero ? 1 : 0)
        }
        if log > Self.maxLog {
            env.flags.formUnion([.overflow, .inexact])
            return maxFinite(negative: negative)
        }
        return code(negative: negative, log: log)
    }

    /// Rounds a magnitude below the least one, 2^(units/2^F) < 2^(−63/2^F), to zero or to
    /// the least magnitude, in the linear domain.
    @usableFromInline
    func roundBelowLeast(_ units: Double, negative: Bool, _ env: inout FloatEnvironment) -> UInt8 {
        env.flags.formUnion([.underflow, .inexact])
        let least = code(negative: negative, log: Self.minLog)
        // Where the value lies between 0 and the least magnitude, as a fraction of it.
        let ratio = Foundation.exp2((units - Double(Self.minLog)) / scale)
        let toLeast: Bool
        switch env.rounding {
        case .nearestEven: toLeast = ratio > 0.5
        case .nearestAway: toLeast = ratio >= 0.5
        case .towardZero: toLeast = false
        case .up: toLeast = !negative
        case .down: toLeast = negative
        case .odd: toLeast = true  // zero's code is even, the least magnitude's odd
        case .stochastic: toLeast = Double(env.random.draw) * 0x1p-13 < ratio
        }
        return toLeast ? least : Self.zero
    }
}
