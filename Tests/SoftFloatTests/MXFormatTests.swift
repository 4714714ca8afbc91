import Testing
@testable import SoftFloat

/// A second, plain MX encoder written for the test: the scale from `frexp`-style exponent
/// arithmetic on Doubles, the elements by searching a list of every non-negative element
/// value for the nearest (ties to the even code), clamped to the largest.
private struct PlainMX {
    let values: [Double]          // the non-negative element values, ascending, by code
    let emax: Int

    /// Every non-negative finite value of an IEEE-like (w, f) format whose top `reserved`
    /// magnitudes are not finite numbers (IEEE: the whole top binade; E4M3: one code).
    init(w: Int, f: Int, reservedTopCodes: Int) {
        let bias = (1 << (w - 1)) - 1
        var list: [Double] = []
        for code in 0..<(1 << (w + f)) - reservedTopCodes {
            let e = code >> f, m = code & ((1 << f) - 1)
            let value = e == 0 ? Double(m) * twoTo(1 - bias - f)
                               : (1 + Double(m) / Double(1 << f)) * twoTo(e - bias)
            list.append(value)
        }
        values = list
        emax = Int(list.last!.exponent)
    }

    func roundNearestEven(_ x: Double) -> Double {
        let a = Swift.abs(x)
        if a >= values.last! { return values.last! * (x < 0 ? -1 : 1) }
        var lo = 0
        while values[lo + 1] <= a { lo += 1 }
        let down = values[lo], up = values[lo + 1]
        let pick: Double
        if a - down < up - a { pick = down } else if a - down > up - a { pick = up } else { pick = lo % 2 == 0 ? down : up }
        return x < 0 ? -pick : pick
    }

    func encode(_ block: [Double]) -> (exponent: Int, values: [Double]) {
        let amax = block.map { Swift.abs($0) }.max()!
        let exponent = amax == 0 ? -127 : max(-127, Int(amax.exponent) - emax)
        let scale = twoTo(exponent)
        return (exponent, block.map { roundNearestEven($0 / scale) * scale })
    }
}

/// 2^e by repeated multiplication: exact for the exponents used here.
private func twoTo(_ e: Int) -> Double {
    var r = 1.0
    if e >= 0 { for _ in 0..<e { r *= 2 } } else { for _ in 0..<(-e) { r /= 2 } }
    return r
}

@Suite("MX block scaling (OCP Microscaling v1.0)")
struct MXFormatTests {
    static let e4m3 = MXFormat(element: .float(.fp8E4M3))
    static let e5m2 = MXFormat(element: .float(.fp8E5M2))

    func encode(_ format: MXFormat, _ values: [Float], rule: ScaleRule = .floor,
                rounding: RoundingMode = .nearestEven) -> (ScaledBlock, ScalingEvents) {
        var env = FloatEnvironment(rounding: rounding)
        var events = ScalingEvents()
        let block = format.encode(values.map { UInt64($0.bitPattern) }, from: .fp32, rule: rule, &env,
                                  events: &events)
        return (block, events)
    }

    @Test("hand-computed blocks: the shared exponent, clipping and flushing of E4M3 elements")
    func handComputed() {
        // amax 500: ⌊log2 500⌋ = 8, emax(E4M3) = 8, X = 1; 500 clips to 448; 1/1024 is
        // below E4M3's least subnormal 2^-9 by more than half of it, so it flushes.
        let (block, events) = encode(Self.e4m3, [500, 1, -3.5, 0x1p-11, 0])
        #expect(block.scale == 127)
        #expect(Self.e4m3.decode(block) == [448, 1, -3.5, 0, 0])
        #expect(events[.clipped] == 1 && events[.flushedToZero] == 1 && events[.zeroBlocks] == 0)
        // amax 6 in E2M1-like terms for E5M2 (emax 15): ⌊log2 6⌋ = 2, X = 2^-13.
        let (b2, _) = encode(Self.e5m2, [6, -1, 0.75])
        #expect(MXFormat.scaleExponent(of: b2) == -13)
        #expect(Self.e5m2.decode(b2) == [6, -1, 0.75])
        // amax at a power of two: 256 → X = 1 for E4M3 (256 = 2^8 is in the top binade).
        #expect(MXFormat.scaleExponent(of: encode(Self.e4m3, [256, 0.5]).0) == 0)
    }

    @Test("the scale rules: floor clips, ceiling never does, nearest rounds log2(amax / max)")
    func rules() {
        // amax 500 against E4M3's 448: floor X = 1 (clips), ceiling X = 2 (500/2 = 250),
        // nearest: log2(500/448) = 0.158 rounds to 0, X = 1.
        #expect(MXFormat.scaleExponent(of: encode(Self.e4m3, [500], rule: .floor).0) == 0)
        #expect(MXFormat.scaleExponent(of: encode(Self.e4m3, [500], rule: .ceiling).0) == 1)
        #expect(MXFormat.scaleExponent(of: encode(Self.e4m3, [500], rule: .nearest).0) == 0)
        // 448 × 1.5 = 672: log2(1.5) = 0.585 rounds to 1; 448 × 1.4 = 627.2: 0.485 rounds to 0.
        #expect(MXFormat.scaleExponent(of: encode(Self.e4m3, [672], rule: .nearest).0) == 1)
        #expect(MXFormat.scaleExponent(of: encode(Self.e4m3, [627.2], rule: .nearest).0) == 0)
        // Exactly the largest element: ceiling keeps X = 1, nothing clips.
        let (b, ev) = encode(Self.e4m3, [448, -448], rule: .ceiling)
        #expect(MXFormat.scaleExponent(of: b) == 0 && ev[.clipped] == 0)
        for rule in ScaleRule.allCases {
            let (block, events) = encode(Self.e4m3, [1000, 3, -7], rule: rule)
            if rule == .ceiling { #expect(events[.clipped] == 0) }
            #expect(Self.e4m3.decode(block).allSatisfy { $0.magnitude <= 1000 * 1.2 })
        }
        #expect(ScaleRule(name: "ocp") == .floor && ScaleRule(name: "no-clip") == .ceiling)
    }

    @Test("corner blocks: NaN, infinity, all zeros, scale overflow and underflow")
    func corners() {
        let (nanBlock, nanEvents) = encode(Self.e4m3, [1, .nan, 2])
        #expect(nanBlock.scale == 0xFF && Self.e4m3.decode(nanBlock).allSatisfy(\.isNaN))
        #expect(nanEvents[.scaleOverflows] == 1)
        #expect(encode(Self.e5m2, [.infinity, 1]).0.scale == 0xFF)
        let (zeros, zeroEvents) = encode(Self.e4m3, [0, -0, 0])
        #expect(zeros.scale == 0 && zeroEvents[.zeroBlocks] == 1 && Self.e4m3.decode(zeros) == [0, 0, 0])
        // fp32's largest, 2^127 × (2 − 2^-23): ⌊log2⌋ = 127, minus emax 8 = 119: in range.
        #expect(MXFormat.scaleExponent(of: encode(Self.e4m3, [.greatestFiniteMagnitude]).0) == 119)
        // The least subnormal fp32, 2^-149: 2^(-149 − 8) is below 2^-127: raised to it,
        // and the element 2^-149 / 2^-127 = 2^-22 flushes (E4M3's least is 2^-9).
        let (tiny, tinyEvents) = encode(Self.e4m3, [.leastNonzeroMagnitude])
        #expect(MXFormat.scaleExponent(of: tiny) == -127 && tinyEvents[.scaleUnderflows] == 1 && tinyEvents[.flushedToZero] == 1)
        // A partial last block of a tensor.
        var env = FloatEnvironment()
        var events = ScalingEvents()
        let blocks = Self.e4m3.encode(tensor: (0..<70).map { UInt64(Float($0).bitPattern) }, from: .fp32, &env,
                                      events: &events)
        #expect(blocks.map(\.elements.count) == [32, 32, 6] && events.blocks == 3 && events.elements == 70)
    }

    @Test("a wide format's overflowing shared exponent is the NaN scale")
    func scaleOverflow() {
        var env = FloatEnvironment()
        var events = ScalingEvents()
        // 2^1000 in fp64 against MXINT8 (emax 0): exponent 1000 > 127.
        let block = MXFormat(element: .int8).encode([Double(sign: .plus, exponent: 1000, significand: 1).bitPattern],
                                                    from: .fp64, &env, events: &events)
        #expect(block.scale == 0xFF && events[.scaleOverflows] == 1)
    }

    @Test("MXINT8: n × 2^-6 with n rounded in the mode and clamped to ±127")
    func mxint8() {
        let format = MXFormat(element: .int8)
        // amax 3: ⌊log2 3⌋ = 1, emax 0, X = 2; 3 / 2 × 64 = 96; 0.01 / 2 × 64 = 0.32 → 0.
        let (block, events) = encode(format, [3, -1, 0.01, 2.5])
        #expect(MXFormat.scaleExponent(of: block) == 1)
        #expect(format.decode(block) == [3, -1, 0, 2.5])
        #expect(events[.flushedToZero] == 1)
        // 3.99 / 2 × 64 = 127.68: clamps to 127, and counts as clipped (1.995 > 127/64).
        let (c, ce) = encode(format, [3.99])
        #expect(c.elements == [127] && ce[.clipped] == 1)
        // Rounding up: 0.01 → n = 1 under `up`.
        #expect(encode(format, [3, 0.01], rounding: .up).0.elements[1] == 1)
    }

    @Test("random fp32 blocks agree with the plain encoder, E4M3 and E5M2, nearest-even")
    func randomAgainstPlain() {
        let formats: [(MXFormat, PlainMX)] = [(Self.e4m3, PlainMX(w: 4, f: 3, reservedTopCodes: 1)),
                                              (Self.e5m2, PlainMX(w: 5, f: 2, reservedTopCodes: 4))]
        var random = SplitMix64(seed: 11)
        for (format, plain) in formats {
            #expect(plain.values.last! == format.largestElement)
            for _ in 0..<3000 {
                let spread = Int(random.next() % 40)
                let count = 1 + Int(random.next() % 32)
                let block = (0..<count).map { _ -> Float in
                    let e = Int(random.next() % UInt64(spread + 1)) - spread / 2 - 5
                    let m = Float(random.next() % (1 << 24)) / Float(1 << 24) + 1
                    return (random.next() & 1 == 0 ? 1 : -1) * m * Float(sign: .plus, exponent: e, significand: 1)
                }
                let (encoded, _) = encode(format, block)
                let expected = plain.encode(block.map(Double.init))
                #expect(MXFormat.scaleExponent(of: encoded) == expected.exponent)
                let decoded = format.decode(encoded)
                #expect(decoded == expected.values, "block \(block)")
                if decoded != expected.values { return }
            }
        }
    }

    @Test("convert(_:from:scaledBy:) rounds x × 2^k once, past both formats' ranges")
    func scaledConversion() {
        var env = FloatEnvironment()
        let f = FloatFormat.fp8E4M3
        #expect(f.toDouble(f.convert(UInt64(Float(384).bitPattern), from: .fp32, scaledBy: -2, &env)) == 96)
        // 2^-149 × 2^140 = 2^-9, E4M3's least subnormal, exactly.
        env = FloatEnvironment()
        #expect(f.convert(1, from: .fp32, scaledBy: 140, &env) == 1 && env.flags.isEmpty)
        // 0x1.8p-10 = 0.75 × 2^-9 lies between 0 and E4M3's least subnormal: nearer to it.
        env = FloatEnvironment()
        #expect(f.convert(UInt64(Float(0x1.8p-10).bitPattern), from: .fp32, scaledBy: 0, &env) == 1)
        #expect(env.flags.contains(.underflow) && env.flags.contains(.inexact))
    }
}
