import Testing
import SoftFloat

/// Stochastic rounding in the scaled encoders: element i of one call rounds with the bits
/// of counter c + i (c the counter on entry), and the counter is left at c + count, so the
/// elements of a block draw independently and consecutive calls do not reuse bits.
@Suite("Scaled encoders: one stochastic counter per element")
struct ScaledStochasticCounterTests {
    static let start: UInt64 = 37
    static let bits = StochasticBits(key: 0xC0FFEE)

    /// The environment of every case: stochastic, the key above, the counter at `start`.
    static func environment() -> FloatEnvironment {
        var env = FloatEnvironment(rounding: .stochastic)
        env.random = bits
        env.random.counter = start
        return env
    }

    /// Whether element i, lying halfway between two codes, rounds away from zero: the
    /// documented rule, r < ⌈2^13 × 1/2⌉.
    static func roundsAway(_ i: Int) -> Bool { bits.draw(at: start + UInt64(i)) < 4096 }

    static func fp32(_ values: [Float]) -> [UInt64] { values.map { UInt64($0.bitPattern) } }

    @Test("MX: after the amax 8 (scale 2^-5), 1.0625 becomes 34, halfway between E4M3 32 and 36")
    func mx() {
        var env = Self.environment()
        var events = ScalingEvents()
        let values = Self.fp32([8] + Array(repeating: 1.0625, count: 40))
        let blocks = MXFormat(element: .float(.fp8E4M3)).encode(tensor: values, from: .fp32, &env, events: &events)
        #expect(env.random.counter == Self.start + 41)
        let codes = blocks.flatMap(\.elements)
        for i in 1..<32 { #expect(codes[i] == (Self.roundsAway(i) ? 0x61 : 0x60), "element \(i)") }
        // The second block's amax 1.0625 gives the scale 2^-8: 272, halfway between 256 and 288.
        for i in 32..<41 { #expect(codes[i] == (Self.roundsAway(i) ? 0x79 : 0x78), "element \(i)") }
        #expect(Set(codes[1..<32]).count == 2, "independent draws give both neighbours")
    }

    @Test("per-tensor INT8: with amax 127 (s = 1), 0.5 lies halfway between 0 and 1")
    func tensor() {
        var env = Self.environment()
        var events = ScalingEvents()
        let values = Self.fp32([127] + Array(repeating: -0.5, count: 30))
        let t = TensorScaledFormat(element: .int8).encode(values, from: .fp32, &env, events: &events)
        #expect(env.random.counter == Self.start + 31)
        for i in 1..<31 { #expect(t.elements[i] == (Self.roundsAway(i) ? 0xFF : 0x00), "element \(i)") }
    }

    @Test("NVFP4: with amax 2688 (s_t = 1, s_b = 448), 560 becomes 1.25, halfway between E2M1 1 and 1.5")
    func nvfp4() {
        var env = Self.environment()
        var events = ScalingEvents()
        let block = [Float(2688)] + Array(repeating: 560, count: 15)
        let tensor = NVFP4Format.standard.encode(Self.fp32(block + block), from: .fp32, &env, events: &events)
        #expect(env.random.counter == Self.start + 32)
        let codes = tensor.blocks.flatMap(\.elements)
        for i in 0..<32 where i % 16 != 0 {
            #expect(codes[i] == (Self.roundsAway(i) ? 0x3 : 0x2), "element \(i)")
        }
    }
}
