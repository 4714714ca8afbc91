import Testing
@testable import SoftFloat

/// Every non-negative value of a small format by its codes, from the test's own formula,
/// and nearest-even rounding onto them with saturation: the plain reference of these tests.
private struct ValueList {
    let values: [Double]
    init(w: Int, f: Int, bias: Int, count: Int) {
        values = (0..<count).map { code in
            let e = code >> f, m = code & ((1 << f) - 1)
            return e == 0 ? Double(m) / Double(1 << f) * twoTo(1 - bias)
                          : (1 + Double(m) / Double(1 << f)) * twoTo(e - bias)
        }
    }
    func round(_ x: Double) -> Double {
        let a = Swift.abs(x)
        if a >= values.last! { return x < 0 ? -values.last! : values.last! }
        var lo = 0
        while values[lo + 1] <= a { lo += 1 }
        let down = values[lo], up = values[lo + 1]
        let pick = a - down < up - a ? down : a - down > up - a ? up : (lo % 2 == 0 ? down : up)
        return x < 0 ? -pick : pick
    }
}

private func twoTo(_ e: Int) -> Double {
    var r = 1.0
    if e >= 0 { for _ in 0..<e { r *= 2 } } else { for _ in 0..<(-e) { r /= 2 } }
    return r
}

@Suite("FP4 and FP6 scaled formats: MXFP4, MXFP6 and NVFP4")
struct ScaledFP4Tests {
    static let nvfp4 = NVFP4Format(element: .fp4E2M1, blockScale: .fp8E4M3)
    fileprivate static let e2m1 = ValueList(w: 2, f: 1, bias: 1, count: 8)        // 0 … 6
    fileprivate static let e4m3 = ValueList(w: 4, f: 3, bias: 7, count: 127)      // 0 … 448

    func bits(_ values: [Float]) -> [UInt64] { values.map { UInt64($0.bitPattern) } }

    @Test("the element formats' largest values and the MX emax: E2M1 6 (emax 2), E2M3 7.5, E3M2 28")
    func elementRanges() {
        #expect(MXFormat(element: .float(.fp4E2M1)).largestElement == 6)
        #expect(MXFormat(element: .float(.fp4E2M1)).elementMaxExponent == 2)
        #expect(MXFormat(element: .float(.fp6E2M3)).largestElement == 7.5)
        #expect(MXFormat(element: .float(.fp6E3M2)).largestElement == 28)
        #expect(MXFormat(element: .float(.fp6E3M2)).elementMaxExponent == 4)
        #expect(Self.e2m1.values == [0, 0.5, 1, 1.5, 2, 3, 4, 6])
    }

    @Test("MXFP4 hand-computed: amax 6 keeps X = 1; 0.3 rounds to 0.5; 7 clips to 6 under X = 1")
    func mxfp4() {
        let format = MXFormat(element: .float(.fp4E2M1))
        var env = FloatEnvironment()
        var events = ScalingEvents()
        let block = format.encode(bits([6, 1, -0.3, 0.2]), from: .fp32, &env, events: &events)
        #expect(MXFormat.scaleExponent(of: block) == 0 && format.decode(block) == [6, 1, -0.5, 0])
        #expect(events[.flushedToZero] == 1)
        let clipped = format.encode(bits([7.5]), from: .fp32, &env, events: &events)
        #expect(MXFormat.scaleExponent(of: clipped) == 0 && format.decode(clipped) == [6] && events[.clipped] == 1)
    }

    @Test("NVFP4 hand-computed: tensor scale 1, block scales 448 and 0.5, elements exact or flushed")
    func nvfp4() {
        var values: [Float] = [2688, 1344, -448, 0] + Array(repeating: 0, count: 12)
        values += [3, 1.5, 0.1]
        var env = FloatEnvironment()
        var events = ScalingEvents()
        let t = Self.nvfp4.encode(bits(values), from: .fp32, &env, events: &events)
        #expect(Float(bitPattern: t.scale) == 1)
        #expect(t.blocks.count == 2 && t.blocks[1].elements.count == 3)
        #expect(FloatFormat.fp8E4M3.toDouble(t.blocks[0].scale) == 448)
        #expect(FloatFormat.fp8E4M3.toDouble(t.blocks[1].scale) == 0.5)
        let decoded = Self.nvfp4.decode(t)
        #expect(Array(decoded[0..<4]) == [2688, 1344, -448, 0] && Array(decoded[16...]) == [3, 1.5, 0])
        #expect(events[.flushedToZero] == 1 && events.blocks == 2)
        var up = FloatEnvironment(rounding: .up)
        #expect(Self.nvfp4.decode(Self.nvfp4.encode(bits(values), from: .fp32, &up, events: &events))[18] == 0.25)
    }

    @Test("NVFP4 corners: zeros, NaN, a block whose scale underflows")
    func nvfp4Corners() {
        var env = FloatEnvironment()
        var events = ScalingEvents()
        let zeros = Self.nvfp4.encode(bits([0, 0, 0]), from: .fp32, &env, events: &events)
        #expect(Float(bitPattern: zeros.scale) == 1 && events[.zeroBlocks] == 1 && Self.nvfp4.decode(zeros) == [0, 0, 0])
        let nan = Self.nvfp4.encode(bits([1, .nan]), from: .fp32, &env, events: &events)
        #expect(Float(bitPattern: nan.scale).isNaN && Self.nvfp4.decode(nan).allSatisfy(\.isNaN))
        events = ScalingEvents()
        let tiny = Self.nvfp4.encode(bits(Array(repeating: 2688, count: 16) + [0x1p-20]), from: .fp32, &env,
                                     events: &events)
        #expect(tiny.blocks[1].scale == 0 && events[.scaleUnderflows] == 1 && events[.flushedToZero] == 1)
    }

    @Test("random NVFP4 tensors agree with a plain implementation in hardware Float")
    func nvfp4Random() {
        var random = SplitMix64(seed: 21)
        for _ in 0..<1000 {
            let count = 1 + Int(random.next() % 80)
            let spread = Int(random.next() % 24)
            let values = (0..<count).map { _ -> Float in
                let e = Int(random.next() % UInt64(spread + 1)) - spread / 2
                let m = 1 + Float(random.next() % (1 << 23)) / Float(1 << 23)
                return (random.next() & 1 == 0 ? 1 : -1) * m * Float(sign: .plus, exponent: e, significand: 1)
            }
            var env = FloatEnvironment()
            var events = ScalingEvents()
            let t = Self.nvfp4.encode(bits(values), from: .fp32, &env, events: &events)
            let amax = values.map(\.magnitude).max()!
            let st = amax / Float(2688)
            #expect(Float(bitPattern: t.scale) == st)
            var expected: [Double] = []
            for start in stride(from: 0, to: count, by: 16) {
                let block = values[start..<min(start + 16, count)]
                let bmax = block.map(\.magnitude).max()!
                let sb = Float(Self.e4m3.round(Double(bmax / 6 / st)))
                if sb == 0 { expected += block.map { _ in 0 }; continue }
                let divisor = sb * st
                expected += block.map { Self.e2m1.round(Double($0 / divisor)) * Double(sb) * Double(st) }
            }
            let decoded = Self.nvfp4.decode(t)
            #expect(decoded == expected, "values \(values)")
            if decoded != expected { return }
        }
    }
}
