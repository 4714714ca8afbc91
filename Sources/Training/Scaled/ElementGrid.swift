import SoftFloat

/// The values an element format of a scaled format holds, as a grid to round onto: the
/// quantiser's rounding, exact for every element type and every rounding mode.
///
///     let e2m1 = ElementGrid(.float(.fp4E2M1), unitExponent: 0)
///     e2m1.round(2.6, mode: .nearestEven, bits: bits, counter: 0)   // 3: the grid is 0, 0.5, 1, 1.5, 2, 3, 4, 6
///     e2m1.round(9.0, mode: .up, bits: bits, counter: 0)            // 6: clamped to the largest element
///
/// A binary element's magnitudes in binade e are the multiples of 2^(e − f) (the subnormals
/// the multiples of 2^(emin − f)); an integer element's are the multiples of its unit. A
/// magnitude m is first clamped to the largest element (which is what rounding with
/// saturation gives in every mode), then r = m / step is split into its integer part t and
/// fraction φ, both exact in `Double`, and the mode decides between t and t + 1 as the
/// soft-float rounding does: nearest-even on φ > ½ or a tie with t odd; toward zero never;
/// odd when φ ≠ 0 and t is even (the code's last bit is t's); stochastic when the 13-bit
/// draw is below ⌈2^13 φ⌉ (`StochasticBits.roundsAway`).
///
/// Edge cases: the value must not be a NaN (a block holding one has the NaN scale and is
/// not rounded). A zero keeps its sign in a binary element and is +0 in an integer one.
public struct ElementGrid: Sendable, Equatable {
    /// The largest finite element magnitude.
    public let largest: Double
    /// The fraction bits of a binary element (a large number for integers: one step).
    let fractionBits: Int
    /// The exponent of the least step (the least subnormal, or the integer unit).
    let leastStepExponent: Int
    let isInteger: Bool

    public init(_ element: ScaledElement, unitExponent: Int) {
        largest = element.largest(unitExponent: unitExponent)
        switch element {
        case let .float(format):
            fractionBits = format.fractionBitCount
            leastStepExponent = format.minExponent - format.fractionBitCount
            isInteger = false
        case .int8:
            fractionBits = 4096
            leastStepExponent = unitExponent
            isInteger = true
        }
    }

    /// `x` rounded onto the grid in `mode`; stochastic rounding draws its 13 bits from
    /// `bits` at `counter` (only then: the draw is not computed otherwise).
    @inline(__always)
    public func round(_ x: Double, mode: RoundingMode, bits: StochasticBits, counter: UInt64) -> Double {
        let m = Swift.min(x.magnitude, largest)
        // The step's exponent from m's exponent field: a zero or a Double subnormal gives
        // the least step, which is what their exponent gives too (every grid's least step
        // lies far above Double's subnormals).
        let e = Swift.max(Int(truncatingIfNeeded: m.bitPattern &>> 52) &- (1023 &+ fractionBits), leastStepExponent)
        let r = m * Self.power(-e)
        let nearest = (r + 0x1p52) - 0x1p52
        let magnitude: Double
        if mode == .nearestEven {
            // r < 2^52: adding and removing 2^52 rounds it to an integer, nearest-even.
            magnitude = Swift.min(nearest * Self.power(e), largest)
        } else {
            let t = nearest > r ? nearest - 1 : nearest
            let fraction = r - t
            let odd = Int64(t) & 1 != 0
            let negative = x.sign == .minus
            let up: Bool
            if fraction == 0 {
                up = false
            } else {
                switch mode {
                case .nearestEven: up = fraction > 0.5 || (fraction == 0.5 && odd)
                case .nearestAway: up = fraction >= 0.5
                case .towardZero: up = false
                case .up: up = !negative
                case .down: up = negative
                case .odd: up = !odd
                case .stochastic: up = Double(bits.draw(at: counter)) < (fraction * 8192).rounded(.up)
                }
            }
            magnitude = Swift.min((up ? t + 1 : t) * Self.power(e), largest)
        }
        // The sign of x (a zero kept signed), but +0 in an integer element.
        if isInteger && magnitude == 0 { return 0 }
        return Double(bitPattern: magnitude.bitPattern | (x.bitPattern & (1 &<< 63)))
    }

    /// Eight FP32 values rounded to nearest-even onto the grid, lane by lane: `round(Double(q),
    /// mode: .nearestEven, …)` of each lane, in FP32 arithmetic. Every step is exact in FP32:
    /// the grid's values and steps are FP32 numbers (at most 8 significant bits, exponents
    /// within FP32's normal range), r = m / step is a power-of-two scaling below 2^23, and
    /// adding and removing 2^23 rounds it to an integer, nearest-even.
    ///
    /// Edge cases: a zero or an FP32 subnormal lies below half the least step of every grid
    /// and rounds to zero, signed as the value (+0 in an integer element); no lane may be a NaN.
    @inline(__always)
    func roundNearestEven(_ q: SIMD8<Float>) -> SIMD8<Float> {
        let signMask = SIMD8<UInt32>(repeating: 1 << 31)
        let m = pointwiseMin(Float.magnitudes(q), SIMD8(repeating: Float(largest)))
        let biased = SIMD8<Int32>(truncatingIfNeeded: m.bitPattern &>> 23)
        let e = pointwiseMax(biased &- Int32(127 &+ Swift.min(fractionBits, 64)),
                             SIMD8(repeating: Int32(leastStepExponent)))
        let r = m * Self.powers(0 &- e)
        let n = (r + 0x1p23) - 0x1p23
        let magnitude = pointwiseMin(n * Self.powers(e), SIMD8(repeating: Float(largest)))
        var signs = q.bitPattern & signMask
        if isInteger { signs = signs.replacing(with: 0, where: magnitude .== 0) }
        return SIMD8<Float>(bitPattern: magnitude.bitPattern | signs)
    }

    /// 2^e lane by lane, for −126 ≤ e ≤ 127.
    @inline(__always)
    static func powers(_ e: SIMD8<Int32>) -> SIMD8<Float> {
        SIMD8<Float>(bitPattern: SIMD8<UInt32>(truncatingIfNeeded: e &+ 127) &<< 23)
    }

    /// 2^e for −1022 ≤ e ≤ 1023.
    @inline(__always)
    static func power(_ e: Int) -> Double {
        Double(bitPattern: UInt64(truncatingIfNeeded: 1023 &+ e) &<< 52)
    }
}

extension Float {
    /// |v| lane by lane (the sign bits cleared).
    @inline(__always)
    static func magnitudes(_ v: SIMD8<Float>) -> SIMD8<Float> {
        SIMD8<Float>(bitPattern: v.bitPattern & SIMD8(repeating: 0x7fff_ffff))
    }
}

extension SIMD8 where Scalar == Float {
    @inline(__always)
    init(bitPattern bits: SIMD8<UInt32>) {
        self = unsafeBitCast(bits, to: SIMD8<Float>.self)
    }

    @inline(__always)
    var bitPattern: SIMD8<UInt32> { unsafeBitCast(self, to: SIMD8<UInt32>.self) }
}
