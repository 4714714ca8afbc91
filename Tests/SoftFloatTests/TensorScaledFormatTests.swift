import Testing
@testable import SoftFloat

@Suite("Per-tensor scaling (INT8 and FP8)")
struct TensorScaledFormatTests {
    static let int8 = TensorScaledFormat(element: .int8)
    static let e4m3 = TensorScaledFormat(element: .float(.fp8E4M3))

    func encode(_ format: TensorScaledFormat, _ values: [Float], amax: Double? = nil,
                rounding: RoundingMode = .nearestEven) -> (ScaledBlock, ScalingEvents) {
        var env = FloatEnvironment(rounding: rounding)
        var events = ScalingEvents()
        let t = format.encode(values.map { UInt64($0.bitPattern) }, from: .fp32, amax: amax, &env, events: &events)
        return (t, events)
    }

    @Test("hand-computed tensors: exact scales, ties, clipping under a delayed amax")
    func handComputed() {
        // amax 127: s = 1; 63.5 ties to the even 64, toward zero gives 63.
        let (t, _) = encode(Self.int8, [127, 63.5, -2])
        #expect(TensorScaledFormat.scaleValue(of: t) == 1 && Self.int8.decode(t) == [127, 64, -2])
        #expect(encode(Self.int8, [127, 63.5], rounding: .towardZero).0.elements[1] == 63)
        // E4M3, amax 448: s = 1; 100 lies midway between 96 and 104: the even 96.
        #expect(Self.e4m3.decode(encode(Self.e4m3, [448, 100]).0) == [448, 96])
        // amax 896: s = 2. A delayed amax of 896 against a tensor holding 1000: 500 clips to 448.
        let (d, events) = encode(Self.e4m3, [1000, 2], amax: 896)
        #expect(TensorScaledFormat.scaleValue(of: d) == 2 && Self.e4m3.decode(d) == [896, 2] && events[.clipped] == 1)
        // Powers of two: amax 500 needs s = 2 (500 > 448); amax 448 keeps s = 1.
        let pow2 = TensorScaledFormat(element: .float(.fp8E4M3), powerOfTwo: true)
        #expect(TensorScaledFormat.scaleValue(of: encode(pow2, [500]).0) == 2 && TensorScaledFormat.scaleValue(of: encode(pow2, [448]).0) == 1)
        #expect(TensorScaledFormat.scaleValue(of: encode(TensorScaledFormat(element: .int8, powerOfTwo: true), [100]).0) == 1)
        #expect(TensorScaledFormat.scaleValue(of: encode(TensorScaledFormat(element: .int8, powerOfTwo: true), [200]).0) == 2)
    }

    @Test("corners: zeros, NaN, infinity, flushed elements")
    func corners() {
        let (zeros, ze) = encode(Self.int8, [0, 0])
        #expect(TensorScaledFormat.scaleValue(of: zeros) == 1 && ze[.zeroBlocks] == 1 && zeros.elements == [0, 0])
        let (nan, ne) = encode(Self.e4m3, [1, .nan])
        #expect(TensorScaledFormat.scaleValue(of: nan).isNaN && ne[.scaleOverflows] == 1 && Self.e4m3.decode(nan).allSatisfy(\.isNaN))
        #expect(TensorScaledFormat.scaleValue(of: encode(Self.int8, [1, .infinity]).0).isNaN)
        // amax 127 against 0.4: s = 1, 0.4 rounds to 0: flushed.
        #expect(encode(Self.int8, [127, 0.4]).1[.flushedToZero] == 1)
    }

    @Test("random INT8 tensors agree with hardware Float: s = amax / 127, round(v / s), clamp")
    func randomAgainstHardware() {
        var random = SplitMix64(seed: 5)
        for _ in 0..<2000 {
            let count = 1 + Int(random.next() % 64)
            let scaleExponent = Int(random.next() % 60) - 30
            let values = (0..<count).map { _ -> Float in
                Float(Int64(bitPattern: random.next()) >> 40) * Float(sign: .plus, exponent: scaleExponent, significand: 1)
            }
            let amax = values.map(\.magnitude).max()!
            let (t, _) = encode(Self.int8, values)
            guard amax > 0 else { continue }
            let s = amax / 127
            #expect(t.scale == UInt64(s.bitPattern))
            let expected = values.map { v -> UInt64 in
                let n = max(-127, min(127, (v / s).rounded(.toNearestOrEven)))
                return UInt64(UInt8(bitPattern: Int8(n)))
            }
            #expect(t.elements == expected)
            if t.elements != expected { return }
        }
    }

    @Test("the amax history keeps the last N and scales by their maximum")
    func history() {
        var h = AmaxHistory(length: 2)
        #expect(h.amax == nil)
        for a in [3.0, 5, 2] { h.record(a) }
        #expect(h.recent == [5, 2] && h.amax == 5)
    }
}
