import Foundation
import SoftFloat
import Testing

extension BinaryFloatingPoint
where Self: LosslessStringConvertible & Codable, Stride == Self, RawSignificand: FixedWidthInteger {
    /// What every binary floating-point type with at least 3 bits of precision does; run
    /// on the standard library's types too, which shows the checks themselves are right.
    static func floatingPointChecks() throws {
        let zero: Self = 0, one: Self = 1, two: Self = 2
        // Arithmetic on small integers and powers of two is exact.
        #expect(one + one == two)
        #expect(two - one == one)
        #expect(two * 3 == 6)
        #expect((one / 4) * 4 == one)
        #expect(Self(4).squareRoot() == two)
        #expect(one.addingProduct(two, 3) == 7)
        #expect(Self(7).remainder(dividingBy: two) == -1)
        #expect(Self(7).truncatingRemainder(dividingBy: two) == one)
        #expect(Self(-7).truncatingRemainder(dividingBy: two) == -one)

        // Zeros, infinities and NaNs follow IEEE 754.
        #expect(-zero == zero)
        #expect((-zero).sign == .minus && zero.sign == .plus)
        #expect(!(zero < -zero) && zero <= -zero)
        let missing = Self.nan  // named so that the compiler does not fold the comparisons
        #expect(missing != missing)
        #expect(!(missing < one) && !(missing >= one) && !(one <= missing))
        #expect((Self.nan + one).isNaN && (zero / zero).isNaN && Self(-1).squareRoot().isNaN)
        #expect(Self.signalingNaN.isNaN)
        #expect((-zero).isTotallyOrdered(belowOrEqualTo: zero) && !zero.isTotallyOrdered(belowOrEqualTo: -zero))
        #expect((-Self.nan).isTotallyOrdered(belowOrEqualTo: -Self.greatestFiniteMagnitude))
        #expect(Self.greatestFiniteMagnitude.isTotallyOrdered(belowOrEqualTo: Self.nan))
        #expect(Self.minimum(.nan, one) == one && Self.maximum(two, one) == two)

        // Neighbours, ulps and binades.
        #expect(Self.leastNonzeroMagnitude > 0 && Self.leastNonzeroMagnitude.nextDown == 0)
        #expect((-Self.leastNonzeroMagnitude).nextUp == 0 && (-Self.leastNonzeroMagnitude).nextUp.sign == .minus)
        #expect(zero.nextUp == Self.leastNonzeroMagnitude && (-zero).nextUp == Self.leastNonzeroMagnitude)
        #expect(one.nextUp - one == Self.ulpOfOne && one.ulp == Self.ulpOfOne)
        #expect(one - one.nextDown == Self.ulpOfOne / 2)
        #expect(Self.leastNormalMagnitude.ulp == Self.leastNonzeroMagnitude)
        #expect(Self.leastNormalMagnitude.nextDown.isSubnormal && Self.leastNormalMagnitude.isNormal)
        #expect(Self.greatestFiniteMagnitude.ulp == Self.greatestFiniteMagnitude - Self.greatestFiniteMagnitude.nextDown)
        #expect(Self.nan.ulp.isNaN && Self.nan.binade.isNaN && Self.nan.significandWidth == -1)
        #expect(zero.exponent == Int.min && zero.significandWidth == -1)
        #expect(one.significandWidth == 0 && Self(3).significandWidth == 1 && Self(0.75).exponent == -1)

        let samples: [Self] = [one, -two, 0.1, 3, -1e-3, 100, .pi, .ulpOfOne, .leastNormalMagnitude,
                               .leastNonzeroMagnitude, .greatestFiniteMagnitude,
                               .leastNormalMagnitude.nextDown, -.leastNormalMagnitude * 3]
        for x in samples {
            #expect(Self(sign: x.sign, exponent: x.exponent, significand: x.significand) == x, "\(x)")
            #expect(x.significand >= 1 && x.significand < 2, "\(x)")
            #expect(x.binade.magnitude <= x.magnitude && Double(x.magnitude) < 2 * Double(x.binade.magnitude), "\(x)")
            #expect(x.binade.sign == x.sign, "\(x)")
            #expect(x.nextDown < x && x.nextDown.nextUp == x, "\(x)")
            #expect(x.nextUp > x || (x == .greatestFiniteMagnitude && x.nextUp.isNaN), "\(x)")
            #expect(Self(x.description) == x, "\(x) reads back from its description")
            #expect(x.magnitude == (x < 0 ? -x : x) && (-x).magnitude == x.magnitude, "\(x)")
            #expect(Self(signOf: -one, magnitudeOf: x) == -x.magnitude, "\(x)")
            #expect(x.floatingPointClass == (x.isNormal ? (x < 0 ? .negativeNormal : .positiveNormal)
                                                        : (x < 0 ? .negativeSubnormal : .positiveSubnormal)), "\(x)")
        }

        // Rounding to integers under every rule.
        let rules: [(FloatingPointRoundingRule, Self, Self)] = [
            (.toNearestOrAwayFromZero, 3, -3), (.toNearestOrEven, 2, -2), (.up, 3, -2),
            (.down, 2, -3), (.towardZero, 2, -2), (.awayFromZero, 3, -3),
        ]
        for (rule, positive, negative) in rules {
            #expect(Self(2.5).rounded(rule) == positive, "\(rule)")
            #expect(Self(-2.5).rounded(rule) == negative, "\(rule)")
        }
        #expect(Self(0.25).rounded(.awayFromZero) == one && Self(-0.25).rounded().sign == .minus)

        // Text, hashing, striding, coding, integers, generic algorithms.
        #expect(Self("1.5") == 1.5 && Self("nan")!.isNaN && Self("1.5x") == nil)
        #expect(zero.description == "0.0" && (-zero).description == "-0.0" && one.description == "1.0")
        if Self.infinity.isInfinite {
            #expect(Self("-inf") == -Self.infinity)
            #expect(Self.infinity.description == "inf" && (-Self.infinity).description == "-inf")
        }
        #expect(Self.nan.description == "nan")
        #expect(Set([zero, -zero, one]).count == 2)
        #expect(Array(stride(from: zero, to: one, by: 0.25)) == [0, 0.25, 0.5, 0.75])
        #expect(Array(stride(from: two, through: zero, by: -1)) == [2, 1, 0])
        let coded = try JSONDecoder().decode([Self].self, from: JSONEncoder().encode([one, -0.5, .pi]))
        #expect(coded == [one, -0.5, .pi])
        #expect(Int(Self(7)) == 7 && Int(Self(-2.5)) == -2 && Int(exactly: Self(2.5)) == nil)
        #expect(Self(exactly: 5) == 5 && Self(exactly: Int.max) == nil)
        #expect(Self(exactly: 0.5 as Double) == 0.5 && Self(exactly: Double.nan) == nil)
        #expect(Self(UInt8(200)) == 200 && Self(-3 as Int8) == -3)
        #expect([one, two, 3].reduce(0, +) == 6 && [one, -two, 3].max() == 3)
        #expect(Self.pi >= 3 && Self.pi < 3.5)
        #expect((0..<100).allSatisfy { _ in (0..<one).contains(Self.random(in: 0..<1)) })
    }
}

extension EmulatedFloat {
    /// What the emulated types add: their layout, constants, conversions and explicit
    /// environments, checked against the `FloatFormat` they run on.
    static func emulationChecks() {
        let format = Self.format
        var scratch = FloatEnvironment()  // for calls whose flags do not matter
        #expect(Self.exponentBitCount == format.exponentBitCount)
        #expect(Self.significandBitCount == format.fractionBitCount)
        #expect(Self.greatestFiniteMagnitude.bits == format.maxFiniteMagnitude)
        #expect(Self.leastNormalMagnitude.bits == format.leastNormalMagnitude)
        #expect(Self(1).bits == format.one && Self(0).bits == 0)
        #expect(Double(Self.ulpOfOne) == Double(sign: .plus, exponent: -format.fractionBitCount, significand: 1))
        #expect(Double(Self.greatestFiniteMagnitude) == format.toDouble(format.maxFiniteMagnitude))
        if format.hasInfinity {
            #expect(Self.greatestFiniteMagnitude.nextUp == .infinity && Self.infinity.isInfinite)
            #expect(Self.greatestFiniteMagnitude * 2 == .infinity)
        } else {
            #expect(Self.infinity.isNaN && Self.greatestFiniteMagnitude.nextUp.isNaN && !Self.infinity.isInfinite)
            #expect((Self.greatestFiniteMagnitude * 2).isNaN)
        }
        #expect(Double(Self.pi) <= .pi && Double(Self.pi.nextUp) > .pi, "π rounded toward zero")

        var g = SplitMix64(seed: 21)
        let mask = format.signMask | format.magnitudeMask
        for _ in 0..<2_000 {
            let a = Self(bits: g.next() & mask), b = Self(bits: g.next() & mask)
            guard !a.isNaN, !b.isNaN else { continue }
            // Conversions: through Double exactly; to and from other formats as the core rounds.
            #expect(Self(Double(a)).bits == a.bits)
            #if arch(x86_64)
            #expect(Self(Float80(a)).bits == a.bits)
            #endif
            #expect(BFloat16(a).bits == FloatFormat.bf16.convert(a.bits, from: format, &scratch))
            #expect(Float(a).bitPattern == UInt32(FloatFormat.fp32.convert(a.bits, from: format, &scratch)))
            // Operators round to nearest even without flags; the explicit forms take a mode.
            var env = FloatEnvironment()
            #expect((a + b).bits == format.add(a.bits, b.bits, &env))
            #expect((a * b).bits == format.multiply(a.bits, b.bits, &env))
            var down = FloatEnvironment(rounding: .down), up = FloatEnvironment(rounding: .up)
            let low = a.divided(by: b, &down), high = a.divided(by: b, &up)
            if low.isFinite && high.isFinite {
                #expect(low <= high)
                #expect(down.flags.contains(.inexact) == (low != high))
                #expect(!down.flags.contains(.inexact) || low.nextUp == high || (low == 0 && high == .leastNonzeroMagnitude))
            }
            var productEnv = FloatEnvironment()
            let product = a.multiplied(by: b, &productEnv)
            #expect(product == a * b || product.isNaN)
            if format.precision <= 26 && product.isFinite {  // the Double product is exact
                #expect(productEnv.flags.contains(.inexact) == (Double(a) * Double(b) != Double(product)))
            }
        }

        var env = FloatEnvironment()
        _ = Self(1).divided(by: 0, &env)
        #expect(env.flags == .divideByZero)
        env.flags = []
        _ = Self(-1).squareRoot(&env)
        #expect(env.flags == .invalid)
        env.flags = []
        _ = Self.greatestFiniteMagnitude.adding(.greatestFiniteMagnitude, &env)
        #expect(env.flags == [.overflow, .inexact])
        env.flags = []
        let third = Self(1).divided(by: 3, &env)
        #expect(env.flags == .inexact && third == Self(1) / 3)
        var truncating = FloatEnvironment(rounding: .towardZero)
        #expect(Self(2.75).rounded(.toNearestOrEven, &truncating) == 3)
        #expect(truncating.rounding == .towardZero)
        #expect(Self("0.1", &truncating)! <= Self("0.1")!)
    }
}
