import Foundation
import SoftFloat
import Testing

/// The same bits, or both NaN.
private func same(_ a: SoftFloat16, _ b: Float16) -> Bool {
    (a.isNaN && b.isNaN) || a.bitPattern == b.bitPattern
}

private func same(_ a: SoftFloat32, _ b: Float) -> Bool {
    (a.isNaN && b.isNaN) || a.bitPattern == b.bitPattern
}

private func same(_ a: SoftFloat64, _ b: Double) -> Bool {
    (a.isNaN && b.isNaN) || a.bitPattern == b.bitPattern
}

/// A sum, a dot product and a mean written once for any `BinaryFloatingPoint`.
private func sum<T: BinaryFloatingPoint>(_ xs: [T]) -> T { xs.reduce(0, +) }
private func dot<T: BinaryFloatingPoint>(_ xs: [T], _ ys: [T]) -> T {
    zip(xs, ys).reduce(0) { $0 + $1.0 * $1.1 }
}
private func mean<T: BinaryFloatingPoint>(_ xs: [T]) -> T { sum(xs) / T(xs.count) }
/// A conversion the compiler cannot see through: the generic initialiser's path.
private func converted<T: BinaryFloatingPoint, U: BinaryFloatingPoint>(_ x: T, to _: U.Type) -> U { U(x) }

private let roundingRules: [FloatingPointRoundingRule] = [
    .toNearestOrAwayFromZero, .toNearestOrEven, .up, .down, .towardZero, .awayFromZero,
]

@Suite("EmulatedFloatTests")
struct EmulatedFloatTests {
    @Test("the generic floating-point checks pass on every emulated type and on the hardware types")
    func genericChecks() throws {
        try Float16.floatingPointChecks()
        try Float.floatingPointChecks()
        try Double.floatingPointChecks()
        try BFloat16.floatingPointChecks()
        try TensorFloat32.floatingPointChecks()
        try SoftFloat16.floatingPointChecks()
        try SoftFloat32.floatingPointChecks()
        try SoftFloat64.floatingPointChecks()
        try FloatE5M2.floatingPointChecks()
        try FloatE4M3.floatingPointChecks()
    }

    @Test("the emulation checks pass on every emulated type")
    func emulationChecks() {
        BFloat16.emulationChecks()
        TensorFloat32.emulationChecks()
        SoftFloat16.emulationChecks()
        SoftFloat32.emulationChecks()
        SoftFloat64.emulationChecks()
        FloatE5M2.emulationChecks()
        FloatE4M3.emulationChecks()
    }

    @Test("every BFloat16 and SoftFloat16 value survives its description and a trip through Float")
    func everySixteenBitValueRoundTrips() {
        for pattern in UInt16.min...UInt16.max {
            let b = BFloat16(bitPattern: pattern)
            let h = SoftFloat16(bitPattern: pattern)
            if b.isNaN {
                #expect(BFloat16(b.description)!.isNaN && BFloat16(Float(b)).isNaN)
            } else {
                #expect(BFloat16(b.description)?.bitPattern == pattern, "\(b)")
                #expect(BFloat16(Float(b)).bitPattern == pattern)
                #expect(Float(b).bitPattern == UInt32(pattern) << 16, "BF16 is the top half of FP32")
                #expect(BFloat16(Double(b)).bitPattern == pattern)
            }
            if h.isNaN {
                #expect(SoftFloat16(h.description)!.isNaN && SoftFloat16(Float(h)).isNaN)
            } else {
                #expect(SoftFloat16(h.description)?.bitPattern == pattern, "\(h)")
                #expect(SoftFloat16(Float(h)).bitPattern == pattern)
                #expect(SoftFloat16(Double(h)).bitPattern == pattern)
            }
        }
    }

    @Test("every SoftFloat16 value describes, steps, measures and rounds as Float16 does")
    func everySoftFloat16ValueMatchesFloat16() {
        for pattern in UInt16.min...UInt16.max {
            let s = SoftFloat16(bitPattern: pattern), h = Float16(bitPattern: pattern)
            #expect(s.description == h.description, "\(pattern)")
            #expect(s.debugDescription == h.debugDescription, "\(pattern)")
            #expect(same(s.nextUp, h.nextUp) && same(s.nextDown, h.nextDown), "\(pattern)")
            #expect(same(s.ulp, h.ulp) && same(s.binade, h.binade) && same(s.significand, h.significand), "\(pattern)")
            #expect(s.exponent == h.exponent && s.significandWidth == h.significandWidth, "\(pattern)")
            #expect(s.floatingPointClass == h.floatingPointClass && s.isSignalingNaN == h.isSignalingNaN)
            #expect(same(-s, -h) && same(s.magnitude, h.magnitude) && s.sign == h.sign)
            #expect(Float(s).bitPattern == Float(h).bitPattern || (s.isNaN && Float(h).isNaN))
            #expect(same(SoftFloat16(Float(h)), h) && Float16(s).bitPattern == pattern || s.isNaN)
            for rule in roundingRules {
                #expect(same(s.rounded(rule), h.rounded(rule)), "\(pattern) \(rule)")
            }
            if !h.isNaN && !h.isInfinite {
                #expect(same(SoftFloat16(sign: .plus, exponent: 3, significand: s), Float16(sign: .plus, exponent: 3, significand: h)))
                #expect(Int(s) == Int(h))
            }
        }
    }

    @Test("SoftFloat16 arithmetic and comparisons match Float16 on random pairs")
    func softFloat16ArithmeticMatchesFloat16() {
        var g = SplitMix64(seed: 31)
        for i in 0..<200_000 {
            // Every fourth pair shares an exponent range, so results cancel and tie often.
            let x = UInt16(truncatingIfNeeded: g.next())
            let y = i % 4 == 0 ? x ^ UInt16(truncatingIfNeeded: g.next() & 0x83FF) : UInt16(truncatingIfNeeded: g.next())
            let a = SoftFloat16(bitPattern: x), b = SoftFloat16(bitPattern: y)
            let p = Float16(bitPattern: x), q = Float16(bitPattern: y)
            #expect(same(a + b, p + q) && same(a - b, p - q), "\(x) \(y)")
            #expect(same(a * b, p * q) && same(a / b, p / q), "\(x) \(y)")
            #expect(same(a.squareRoot(), p.squareRoot()), "\(x)")
            #expect(same(a.remainder(dividingBy: b), p.remainder(dividingBy: q)), "\(x) \(y)")
            #expect(same(a.truncatingRemainder(dividingBy: b), p.truncatingRemainder(dividingBy: q)), "\(x) \(y)")
            #expect((a == b) == (p == q) && (a < b) == (p < q) && (a <= b) == (p <= q) && (a > b) == (p > q))
            #expect(a.isTotallyOrdered(belowOrEqualTo: b) == p.isTotallyOrdered(belowOrEqualTo: q), "\(x) \(y)")
            #expect(same(SoftFloat16.minimum(a, b), Float16.minimum(p, q)))
        }
    }

    @Test("SoftFloat32 matches Float on random and special operands")
    func softFloat32MatchesFloat() {
        var g = SplitMix64(seed: 32)
        let specials: [Float] = [0, -0.0, 1, -1, .infinity, -.infinity, .nan, .leastNonzeroMagnitude,
                                 .leastNormalMagnitude, .greatestFiniteMagnitude, 0x1p24, 0x1p-126 * 1.5, 3, 0.1]
        var pairs = specials.flatMap { p in specials.map { q in (p, q) } }
        for _ in 0..<60_000 {
            pairs.append((Float(bitPattern: UInt32(truncatingIfNeeded: g.next())),
                          Float(bitPattern: UInt32(truncatingIfNeeded: g.next()))))
        }
        for (p, q) in pairs {
            let r = Float(bitPattern: UInt32(truncatingIfNeeded: g.next()))
            let a = SoftFloat32(bitPattern: p.bitPattern), b = SoftFloat32(bitPattern: q.bitPattern)
            let c = SoftFloat32(bitPattern: r.bitPattern)
            #expect(same(a + b, p + q) && same(a - b, p - q) && same(a * b, p * q) && same(a / b, p / q),
                    "\(p.bitPattern) \(q.bitPattern)")
            #expect(same(c.addingProduct(a, b), r.addingProduct(p, q)), "\(p) \(q) \(r)")
            #expect(same(a.squareRoot(), p.squareRoot()))
            #expect(same(a.remainder(dividingBy: b), p.remainder(dividingBy: q)), "\(p) \(q)")
            #expect(same(a.truncatingRemainder(dividingBy: b), p.truncatingRemainder(dividingBy: q)), "\(p) \(q)")
            #expect((a == b) == (p == q) && (a < b) == (p < q) && (a <= b) == (p <= q))
            #expect(same(a.nextUp, p.nextUp) && same(a.ulp, p.ulp) && same(a.significand, p.significand))
            #expect(a.exponent == p.exponent && same(a.binade, p.binade))
            #expect(a.description == p.description, "\(p.bitPattern)")
            for rule in roundingRules { #expect(same(a.rounded(rule), p.rounded(rule))) }
            if p.isFinite && !p.isZero {
                let e = Int(g.next() % 290) - 160
                #expect(same(SoftFloat32(sign: .minus, exponent: e, significand: a.significand),
                             Float(sign: .minus, exponent: e, significand: p.significand)), "\(p) \(e)")
            }
        }
        for _ in 0..<20_000 {
            let d = Double(bitPattern: g.next())
            #expect(same(SoftFloat32(d), Float(d)), "\(d)")
            let i = Int64(bitPattern: g.next()) >> (g.next() % 64)
            #expect(same(SoftFloat32(i), Float(i)) && same(SoftFloat32(UInt64(bitPattern: i)), Float(UInt64(bitPattern: i))))
            #expect(SoftFloat32(exactly: i) == nil ? Float(exactly: i) == nil : same(SoftFloat32(exactly: i)!, Float(exactly: i)!))
        }
    }

    @Test("SoftFloat64 matches Double on random and special operands")
    func softFloat64MatchesDouble() {
        var g = SplitMix64(seed: 33)
        let specials: [Double] = [0, -0.0, 1, -1, .infinity, -.infinity, .nan, .leastNonzeroMagnitude,
                                  .leastNormalMagnitude, .greatestFiniteMagnitude, 0x1p53, 0.1, 3]
        var pairs = specials.flatMap { p in specials.map { q in (p, q) } }
        for _ in 0..<40_000 { pairs.append((Double(bitPattern: g.next()), Double(bitPattern: g.next()))) }
        for (p, q) in pairs {
            let r = Double(bitPattern: g.next())
            let a = SoftFloat64(bitPattern: p.bitPattern), b = SoftFloat64(bitPattern: q.bitPattern)
            let c = SoftFloat64(bitPattern: r.bitPattern)
            #expect(same(a + b, p + q) && same(a - b, p - q) && same(a * b, p * q) && same(a / b, p / q),
                    "\(p.bitPattern) \(q.bitPattern)")
            #expect(same(c.addingProduct(a, b), r.addingProduct(p, q)), "\(p) \(q) \(r)")
            #expect(same(a.squareRoot(), p.squareRoot()))
            #expect(same(a.remainder(dividingBy: b), p.remainder(dividingBy: q)), "\(p) \(q)")
            #expect(same(a.truncatingRemainder(dividingBy: b), p.truncatingRemainder(dividingBy: q)), "\(p) \(q)")
            #expect(same(a.nextUp, p.nextUp) && same(a.ulp, p.ulp) && a.exponent == p.exponent)
            #expect(a.description == p.description, "\(p.bitPattern)")
            for rule in roundingRules { #expect(same(a.rounded(rule), p.rounded(rule))) }
        }
        for _ in 0..<20_000 {
            let i = Int64(bitPattern: g.next()) >> (g.next() % 64)
            #expect(same(SoftFloat64(i), Double(i)) && same(SoftFloat64(UInt64(bitPattern: i)), Double(UInt64(bitPattern: i))))
        }
        let wide = Int128(Int64.max) * Int128(Int64.max) + 12_345
        #expect(same(SoftFloat64(wide), Double(wide)) && same(SoftFloat64(-wide), Double(-wide)))
        #expect(same(SoftFloat64(UInt128.max), Double(UInt128.max)))
    }

    #if arch(x86_64)
    @Test("Float80 converts exactly, and rounds like the hardware")
    func float80Conversions() {
        var g = SplitMix64(seed: 34)
        for _ in 0..<50_000 {
            let exponent = UInt(g.next() % 2_400) + 16_383 - 1_200
            let x = Float80(sign: g.next() & 1 == 0 ? .plus : .minus, exponentBitPattern: exponent,
                            significandBitPattern: g.next() >> 1)
            #expect(same(SoftFloat64(x), Double(x)), "\(x)")
            #expect(same(SoftFloat32(x), Float(x)), "\(x)")
            let d = Double(bitPattern: g.next())
            #expect(Float80(SoftFloat64(d)) == Float80(d) || d.isNaN)
        }
        let tie = Float80(1) + Float80(sign: .plus, exponent: -53, significand: 1)  // halfway above 1 in binary64
        #expect(same(SoftFloat64(tie), 1) && same(SoftFloat64(tie.nextUp), Double(1).nextUp))
    }
    #endif

    @Test("generic sum, dot product and mean on BFloat16 match the core step by step")
    func genericCodeRunsOnBFloat16() {
        var g = SplitMix64(seed: 35)
        let f = FloatFormat.bf16
        for length in [1, 7, 100, 1_000] {
            let xs = (0..<length).map { _ in BFloat16(Double(Int64(g.next() % 2_001) - 1_000) / 97) }
            let ys = (0..<length).map { _ in BFloat16(Double(Int64(g.next() % 2_001) - 1_000) / 89) }
            var env = FloatEnvironment()
            var s: UInt64 = 0, d: UInt64 = 0
            for (x, y) in zip(xs, ys) {
                s = f.add(s, x.bits, &env)
                d = f.add(d, f.multiply(x.bits, y.bits, &env), &env)
            }
            let m = f.divide(s, f.fromInteger(length, &env), &env)
            #expect(sum(xs).bits == s && dot(xs, ys).bits == d && mean(xs).bits == m)
        }
    }

    @Test("float literals round through Double, text parses exactly")
    func literalsRoundTwice() {
        // 1.00390625 is the midpoint between 1 and 1.0078125 in BFloat16.
        let literal: BFloat16 = 1.00390625000000001  // the Double is exactly the midpoint
        #expect(literal == 1)
        #expect(BFloat16("1.00390625000000001") == 1.0078125)
        #expect(BFloat16("x1.5".dropFirst()) == 1.5, "substrings read too")
        let integer: BFloat16 = 257  // integer literals round once
        #expect(integer == 256)
        #expect(FloatE4M3(500).isNaN && FloatE5M2(62_000).isInfinite && FloatE5M2(61_000) == 57_344 && TensorFloat32(1e-45) == 0)
        #expect(TensorFloat32(Float.greatestFiniteMagnitude).bitPattern >> 19 == 0, "19 bits used")
    }

    @Test("conversions between emulated formats round once, as the core does")
    func conversionsBetweenFormats() {
        var g = SplitMix64(seed: 36)
        for _ in 0..<20_000 {
            let x = SoftFloat32(bitPattern: UInt32(truncatingIfNeeded: g.next()))
            var env = FloatEnvironment()
            #expect(BFloat16(x).bits == FloatFormat.bf16.convert(x.bits, from: .fp32, &env))
            #expect(BFloat16(x) == BFloat16(Float(bitPattern: x.bitPattern)) || x.isNaN)
            #expect(TensorFloat32(x) == TensorFloat32(Float(bitPattern: x.bitPattern)) || x.isNaN)
            var up = FloatEnvironment(rounding: .up), coreUp = FloatEnvironment(rounding: .up)
            let rounded = FloatE4M3(x, &up)
            #expect(rounded.bits == FloatFormat.fp8E4M3.convert(x.bits, from: .fp32, &coreUp))
            #expect(up.flags == coreUp.flags)
            #expect(converted(x, to: BFloat16.self).bits == BFloat16(x).bits)
            let h = Float16(bitPattern: UInt16(truncatingIfNeeded: g.next()))
            let expected = FloatFormat.bf16.convert(UInt64(h.bitPattern), from: .fp16, &env)
            #expect(h.isNaN || (BFloat16(h).bits == expected && converted(h, to: BFloat16.self).bits == expected))
            #expect(h.isNaN || converted(SoftFloat16(h), to: Float16.self).bitPattern == h.bitPattern)
        }
    }
}
