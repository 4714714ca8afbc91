import SoftFloat
import Testing
import TrainingArithmetic

/// Round to odd through the fast arithmetic: the directed rounder's bits are `roundPack`'s.
@Suite("Fast arithmetic under round to odd")
struct FastArithmeticRoundToOddTests {
    @Test(arguments: [FloatFormat.bf16, .fp16, .fp8E4M3])
    func agreesWithTheSoftPath(format: FloatFormat) {
        let pairs = FastArithmeticTests.randomPairs(format, count: 20_000, seed: 4)
        #expect(FastArithmeticTests.mismatches(Float.self, format, pairs: pairs, rounding: .odd) == 0)
        // The mode reaches the operations: some results differ from nearest-even ones.
        let fast = FastArithmetic<Float>(format: format)!
        var odd = FloatEnvironment(rounding: .odd), even = FloatEnvironment()
        let differing = pairs.prefix(2_000).filter { a, b in
            let x = fast.rounder.value(ofBits: a), y = fast.rounder.value(ofBits: b)
            return fast.rounder.bits(of: fast.multiply(x, y, &odd)) != fast.rounder.bits(of: fast.multiply(x, y, &even))
        }.count
        #expect(differing > 100)
    }
}
