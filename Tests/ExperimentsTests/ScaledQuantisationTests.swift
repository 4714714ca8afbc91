import Testing
import Experiments
import SoftFloat

/// Quantising matrices along their rows in a scaled format, and the measures built on it,
/// against values worked out by hand or with hardware `Float` arithmetic.
@Suite("scaled quantisation of matrices")
struct ScaledQuantisationTests {
    typealias Matrix = ScaledQuantisation.Matrix

    @Test("MXFP8 E4M3: a block whose amax is 1 gets the scale 2^-8 and rounds v × 256 to E4M3")
    func mxfp8Block() {
        var values = [Double](repeating: 0, count: 32)
        values[0] = 1.0        // 256: exact
        values[1] = 0.3        // 76.8: between 72 and 80 (step 8) -> 80
        values[2] = -0.0302    // -7.7312: E4M3's step in [4, 8) is 0.5 -> -7.5 (0.2312 away, 8 is 0.2688)
        values[3] = 0x1p-20    // 2^-12: below E4M3's least subnormal 2^-9 -> 0
        let format = ScaledFormat.mx(MXFormat(element: .float(.fp8E4M3)))
        let (q, events) = ScaledQuantisation.quantise(Matrix(rows: 1, columns: 32, values: values), in: format)
        #expect(q.values[0] == 1.0)
        #expect(q.values[1] == 80.0 / 256)
        #expect(q.values[2] == -7.5 / 256)
        #expect(q.values[3] == 0)
        #expect(events[.flushedToZero] == 1 && events[.clipped] == 0)
    }

    @Test("rows are quantised on their own: each MX row has its own scales, a partial last block included")
    func rowsAreIndependent() {
        let row = (0..<40).map { Double($0 + 1) / 8 }
        let big = row.map { $0 * 1024 }
        let format = ScaledFormat.mx(MXFormat(element: .float(.fp4E2M1)))
        let both = ScaledQuantisation.quantise(Matrix(rows: 2, columns: 40, values: row + big), in: format).matrix
        let first = ScaledQuantisation.quantise(Matrix(rows: 1, columns: 40, values: row), in: format).matrix
        let second = ScaledQuantisation.quantise(Matrix(rows: 1, columns: 40, values: big), in: format).matrix
        #expect(both.values == first.values + second.values)
        // Scaling by a power of two scales the quantised values by the same power.
        #expect(second.values == first.values.map { $0 * 1024 })
    }

    @Test("per-tensor INT8 against Float arithmetic: s = fp32(amax) / 127, q = round(v / s), clamped")
    func tensorInt8() {
        let values: [Double] = [1, -0.5, 0.25, 2.54, 0.001, -2.54, 1.27]
        let format = ScaledFormat.tensor(TensorScaledFormat(element: .int8))
        let q = ScaledQuantisation.quantise(Matrix(rows: 1, columns: values.count, values: values), in: format).matrix
        let s = Float(2.54) / Float(127)
        let expected = values.map { v -> Double in
            let n = max(-127, min(127, (Float(v) / s).rounded(.toNearestOrEven)))
            return Double(n) * Double(s)
        }
        #expect(q.values == expected)
    }

    @Test("relative error, transposition and the Double product")
    func measures() {
        #expect(ScaledQuantisation.relativeError([1, 2, 4], [1, 2, 3]) == 1.0 / 6)
        let a = Matrix(rows: 2, columns: 3, values: [1, 2, 3, 4, 5, 6])
        #expect(a.transposed() == Matrix(rows: 3, columns: 2, values: [1, 4, 2, 5, 3, 6]))
        #expect(a.transposed().transposed() == a)
        let b = Matrix(rows: 1, columns: 3, values: [1, 0, -1])
        #expect(ScaledQuantisation.product(a, transposed: b) == Matrix(rows: 2, columns: 1, values: [-2, -2]))
    }

    @Test("the laws hold where every sum and product is exact, and fail where the format must round")
    func laws() {
        let exact = Matrix(rows: 1, columns: 32, values: [Double](repeating: 0.25, count: 32))
        let mxint8 = ScaledFormat.mx(MXFormat(element: .int8))
        let held = ScaledQuantisation.laws(exact, in: mxint8, blockLength: 32, triples: 20, seed: 1)
        #expect(held.elements == 640)
        #expect(held.associativityFailures == 0 && held.distributivityFailures == 0)
        var random = SplitMix64(seed: 7)
        let noisy = Matrix(rows: 4, columns: 64, values: (0..<256).map { _ in
            Double(random.next() >> 11) / Double(1 << 53) - 0.5
        })
        let mxfp4 = ScaledFormat.mx(MXFormat(element: .float(.fp4E2M1)))
        let broken = ScaledQuantisation.laws(noisy, in: mxfp4, blockLength: 32, triples: 50, seed: 1)
        #expect(broken.associativityFailures > 0 && broken.distributivityFailures > 0)
        #expect(broken.associativityFailures < broken.elements)
        // Seeded: the same seed draws the same triples.
        #expect(ScaledQuantisation.laws(noisy, in: mxfp4, blockLength: 32, triples: 50, seed: 1) == broken)
    }
}
