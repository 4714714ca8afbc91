import SoftFloat
import Testing
import TrainingArithmetic

/// The dense kernels of `FastArithmetic` (a format that is the hardware type's own, to
/// nearest-even) against sums of products computed one operation at a time by the soft
/// path, for `Float` and `Double`, every class count up to 16 and partial row blocks.
@Suite("Dense kernels")
struct DenseKernelTests {
    /// Random values of `format` as bits: mostly normal numbers around 1, with zeros of
    /// both signs, values whose products are subnormal or underflow, huge ones whose
    /// products and sums overflow, infinities and NaNs.
    static func values(_ format: FloatFormat, count: Int, _ random: inout SplitMix64) -> [UInt64] {
        (0..<count).map { _ in
            let draw = random.next()
            let sign = draw & 64 == 0 ? 0 : format.signMask
            switch draw % 32 {
            case 0, 1, 2, 3, 4, 5, 6, 7: return draw & 1 == 0 ? format.zero : format.signMask
            case 8: return format.fromDouble(Double(random.next() % 7 + 1) * 0x1p-3 * format.toDouble(format.leastNormalMagnitude)) | sign
            case 9: return format.fromDouble(format.toDouble(format.maxFiniteMagnitude) / Double(random.next() % 3 + 1)) | sign
            case 10: return format.infinity | sign
            case 11 where draw % 3 == 0: return format.defaultNaN
            case 12, 13:
                let scale = Double(sign: .plus, exponent: format.minExponent / 2 - Int(random.next() % 4), significand: 1)
                return format.fromDouble((1 + Double(random.next() >> 11) * 0x1p-53) * scale) | sign
            default: return format.fromDouble((Double(random.next() >> 11) * 0x1p-53 - 0.5) * 4)
            }
        }
    }

    /// The sum `Σ_k a(k) × b(k)` from `+0` in increasing `k`, one soft-path operation at a time.
    static func softSum(_ soft: SoftArithmetic, _ n: Int, _ a: (Int) -> UInt64, _ b: (Int) -> UInt64) -> UInt64 {
        var env = FloatEnvironment()
        var sum = soft.zero
        for k in 0..<n { sum = soft.add(sum, soft.multiply(a(k), b(k), &env), &env) }
        return sum
    }

    /// Whether two results are the same bits, any NaN matching any NaN (the hardware picks
    /// which operand's payload a NaN carries).
    static func same(_ format: FloatFormat, _ x: UInt64, _ y: UInt64) -> Bool {
        x == y || (format.isNaN(x) && format.isNaN(y))
    }

    /// Mismatches of both kernels against the soft path.
    static func mismatches<Wide: HardwareFloat>(_: Wide.Type) -> Int {
        let format = Wide.format
        let fast = FastArithmetic<Wide>(format: format)!, soft = SoftArithmetic(format: format)
        let width = fast.denseWidth(FloatEnvironment())
        var random = SplitMix64(seed: UInt64(format.bitWidth))
        var mismatches = 0
        for count in 1...16 {
            for trial in 0..<6 {
                let inputs = 1 + Int(random.next() % 40), stride = count + trial % 3
                let xT = values(format, count: inputs * width, &random)
                let w = values(format, count: inputs * stride, &random)
                var z = [Wide](repeating: 7, count: width * count)
                let xValues = xT.map { fast.rounder.value(ofBits: $0) }, wValues = w.map { fast.rounder.value(ofBits: $0) }
                fast.denseDotProducts(xValues, inputs: inputs, weights: wValues, stride: stride, count: count, into: &z)
                for e in 0..<width {
                    for j in 0..<count {
                        let expected = softSum(soft, inputs, { xT[$0 * width + e] }, { w[$0 * stride + j] })
                        if !same(format, fast.rounder.bits(of: z[e * count + j]), expected) { mismatches += 1 }
                    }
                }
                // The weight gradient: `examples` rows of x, `rows` of the block's lanes stored.
                let examples = 1 + Int(random.next() % 30), xStride = width + trial
                let rows = 1 + Int(random.next() % UInt64(width))
                let x = values(format, count: examples * xStride, &random)
                let dz = values(format, count: examples * count, &random)
                let sentinel = Wide(-3)
                var g = [Wide](repeating: sentinel, count: (width + 1) * stride)
                fast.denseOuterProducts(x.map { fast.rounder.value(ofBits: $0) }, xStride: xStride, examples: examples,
                                        dz: dz.map { fast.rounder.value(ofBits: $0) }, count: count, into: &g,
                                        stride: stride, rows: rows)
                for r in 0..<(width + 1) {
                    for j in 0..<stride {
                        let got = fast.rounder.bits(of: g[r * stride + j])
                        if r >= rows || j >= count {
                            // Outside the block: untouched.
                            if got != fast.rounder.bits(of: sentinel) { mismatches += 1 }
                            continue
                        }
                        let expected = softSum(soft, examples, { x[$0 * xStride + r] }, { dz[$0 * count + j] })
                        if !same(format, got, expected) { mismatches += 1 }
                    }
                }
            }
        }
        return mismatches
    }

    @Test func floatKernelsMatchTheSoftPath() {
        #expect(FastArithmetic<Float>(format: .fp32)!.denseWidth(FloatEnvironment()) == 8)
        #expect(Self.mismatches(Float.self) == 0)
    }

    @Test func doubleKernelsMatchTheSoftPath() {
        #expect(FastArithmetic<Double>(format: .fp64)!.denseWidth(FloatEnvironment()) == 4)
        #expect(Self.mismatches(Double.self) == 0)
    }

    /// Only a format that is the hardware's own, to nearest-even, has dense kernels.
    @Test func otherFormatsAndModesHaveNone() {
        #expect(FastArithmetic<Float>(format: .bf16)!.denseWidth(FloatEnvironment()) == 0)
        #expect(FastArithmetic<Float>(format: .fp32)!.denseWidth(FloatEnvironment(rounding: .towardZero)) == 0)
        #expect(FastArithmetic<Float>(format: .fp32)!.denseWidth(FloatEnvironment(saturates: true)) == 0)
        #expect(SoftArithmetic(format: .fp32).denseWidth(FloatEnvironment()) == 0)
    }

    /// The underflow guard: products of magnitudes at least a and b are normal in `Float`.
    @Test func productsStayNonzeroOnlyAboveTheLeastNormal() {
        let fp32 = FastArithmetic<Float>(format: .fp32)!
        let least = Double(Float.leastNormalMagnitude)
        #expect(fp32.productsStayNonzero(atLeast: 1.0 / 255, 1e-30))
        #expect(!fp32.productsStayNonzero(atLeast: 1.0 / 255, least))
        #expect(!fp32.productsStayNonzero(atLeast: least, 1))
        #expect(fp32.productsStayNonzero(atLeast: .infinity, 1e-40))
    }
}
