import SoftFloat
import Testing
import TrainingArithmetic

/// `tf32` computed in `Float`: products and quotients in and around the subnormal range,
/// where `Float`'s own subnormals would round first, against the soft-float path.
@Suite("FastArithmetic tiny results")
struct FastArithmeticTinyResultsTests {
    /// A `tf32` value m × 2^e (m an integer below 2^11), with a random sign.
    static func value(_ m: UInt64, _ e: Int, _ random: inout SplitMix64) -> UInt64 {
        let format = FloatFormat.tf32
        var env = FloatEnvironment()
        let bits = format.fromDouble(Double(m) * Double(sign: .plus, exponent: e, significand: 1), &env)
        precondition(env.flags.isEmpty, "not a tf32 value")
        return bits | (random.next() & 1 == 0 ? 0 : format.signMask)
    }

    /// Pairs whose products (or quotients) land between 2^-150 and 2^-120.
    static func tinyPairs(count: Int, quotients: Bool, seed: UInt64) -> [(UInt64, UInt64)] {
        var random = SplitMix64(seed: seed)
        return (0..<count).map { _ in
            let ma = 1024 + random.next() % 1024, mb = 1024 + random.next() % 1024
            let target = -150 + Int(random.next() % 31)           // exponent of the result's leading bit, about
            if quotients {
                // (ma × 2^ea) / (mb × 2^eb) ≈ 2^(ea − eb).
                let eb = -136 + Int(random.next() % 200)
                let ea = max(-136, min(117, target + eb))
                return (value(ma, ea, &random), value(mb, eb, &random))
            }
            // ma × mb ≈ 2^20 to 2^22, so the product ≈ 2^(ea + eb + 21).
            let sum = target - 21
            let ea = -136 + Int(random.next() % UInt64(sum + 136 + 136 + 1))
            return (value(ma, ea, &random), value(mb, sum - ea, &random))
        }
    }

    /// Pairs whose exact product lies within 2^-151 of a midpoint between two neighbouring
    /// subnormal `tf32` values, (2k + 1) × 2^-137: the double rounding through `Float`'s
    /// subnormals (spacing 2^-149) would end on the midpoint and round it to even.
    static func halfwayPairs(count: Int, seed: UInt64) -> [(UInt64, UInt64)] {
        var random = SplitMix64(seed: seed)
        var pairs: [(UInt64, UInt64)] = []
        while pairs.count < count {
            let ma = 1024 + random.next() % 1024, mb = 1024 + random.next() % 1024
            let product = ma * mb                                  // 2^20 ≤ product < 2^22
            // product × 2^-(137 + s) is within 2^-151 of a midpoint when product lies within
            // 2^(s − 14) of an odd multiple of 2^s.
            for s in 14...21 {
                let distance = Int64(product % (1 << UInt64(s + 1))) - Int64(1 << s)
                guard abs(distance) <= Int64(1) << Int64(s - 14), product >> UInt64(s) < 1 << 11 else { continue }
                let sum = -137 - s
                let ea = -136 + Int(random.next() % UInt64(sum + 272 + 1))
                pairs.append((value(ma, ea, &random), value(mb, sum - ea, &random)))
                break
            }
        }
        return pairs
    }

    /// Random bit patterns of `tf32` (every kind of value).
    static func randomPairs(count: Int, seed: UInt64) -> [(UInt64, UInt64)] {
        var random = SplitMix64(seed: seed)
        let mask = FloatFormat.tf32.signMask | FloatFormat.tf32.magnitudeMask
        return (0..<count).map { _ in (random.next() & mask, random.next() & mask) }
    }

    /// Mismatches of the four operations against the soft path; `naive` counts the products
    /// and quotients that `Float` followed by one rounding alone would get wrong.
    static func compare(_ pairs: [(UInt64, UInt64)]) -> (mismatches: Int, naive: Int) {
        let format = FloatFormat.tf32
        let fast = FastArithmetic<Float>(format: format)!
        let soft = SoftArithmetic(format: format)
        var mismatches = 0, naive = 0
        var env = FloatEnvironment()
        func same(_ x: Float, _ s: UInt64) -> Bool {
            let bits = fast.rounder.bits(of: x)
            return bits == s || (format.isNaN(bits) && format.isNaN(s))
        }
        for (a, b) in pairs {
            let x = fast.rounder.value(ofBits: a), y = fast.rounder.value(ofBits: b)
            let product = soft.multiply(a, b, &env), quotient = soft.divide(a, b, &env)
            if !same(fast.multiply(x, y, &env), product) { mismatches += 1 }
            if !same(fast.divide(x, y, &env), quotient) { mismatches += 1 }
            if !same(fast.add(x, y, &env), soft.add(a, b, &env)) { mismatches += 1 }
            if !same(fast.subtract(x, y, &env), soft.subtract(a, b, &env)) { mismatches += 1 }
            if !same(fast.rounder.round(x * y), product) { naive += 1 }
            if !same(fast.rounder.round(x / y), quotient) { naive += 1 }
        }
        return (mismatches, naive)
    }

    @Test func tf32IsComputedInFloatWithTheTinyCheck() {
        let tf32 = FastArithmetic<Float>(format: .tf32)
        #expect(tf32?.checksTinyResults == true)
        #expect(FastArithmetic<Float>(format: .bf16)?.checksTinyResults == false)
        #expect(FastArithmetic<Float>(format: .fp16)?.checksTinyResults == false)
        #expect(FastArithmetic<Float>(format: .fp32)?.checksTinyResults == false)
        #expect(FastArithmetic<Double>(format: .tf32)?.checksTinyResults == false)
    }

    @Test func tinyProducts() {
        let result = Self.compare(Self.tinyPairs(count: 1_500_000, quotients: false, seed: 11))
        #expect(result.mismatches == 0)
        #expect(result.naive > 0)   // the pairs reach the cases the check is there for
    }

    @Test func tinyQuotients() {
        let result = Self.compare(Self.tinyPairs(count: 1_500_000, quotients: true, seed: 12))
        #expect(result.mismatches == 0)
        #expect(result.naive > 0)
    }

    @Test func productsNearSubnormalMidpoints() {
        let result = Self.compare(Self.halfwayPairs(count: 20_000, seed: 13))
        #expect(result.mismatches == 0)
        #expect(result.naive > 1_000)
    }

    /// The three vector kernels where every lane's product lies near a subnormal midpoint:
    /// feature `n` is the first operand of a pair, row `n` of the weights (or the shared
    /// factors) the second, with random signs; the kernels must give the bits and the
    /// underflow counts of their references (`multiplyAccumulate` against scalar operations,
    /// the two register kernels against chains of `multiplyAccumulate`).
    @Test(arguments: [9, 10, 12])
    func kernelsOnProductsNearSubnormalMidpoints(count: Int) {
        let fast = FastArithmetic<Float>(format: .tf32)!
        var random = SplitMix64(seed: UInt64(count))
        let pairs = Self.halfwayPairs(count: 4_000, seed: 15)
        let features = 8
        var mismatches = (single: 0, rows: 0, intoRows: 0)
        func value(_ bits: UInt64) -> Float {
            fast.rounder.value(ofBits: bits ^ (random.next() & FloatFormat.tf32.signMask))
        }
        func start() -> [Float] { (0..<count).map { _ in Float(Int(random.next() % 5) - 2) * 0x1p-130 } }
        func bits(_ x: [Float]) -> [UInt32] { x.map(\.bitPattern) }
        for trial in 0..<(pairs.count / features) {
            let chosen = pairs[(trial * features)..<((trial + 1) * features)]
            let factors = chosen.map { value($0.0) }
            let weights = chosen.flatMap { pair in (0..<count).map { _ in value(pair.1) } }
            let indices = (0..<features).map { Int32($0) }
            // multiplyAccumulate: one factor against its row.
            for n in 0..<features {
                var a = start(), b = a
                var e1 = FloatEnvironment(), e2 = FloatEnvironment()
                let (n1, n2) = weights.withUnsafeBufferPointer { w in
                    (fast.multiplyAccumulate(factors[n], w.baseAddress! + n * count, into: &a, count: count, &e1),
                     fast.scalarMultiplyAccumulate(factors[n], w.baseAddress! + n * count, into: &b, count: count, &e2))
                }
                if n1 != n2 || bits(a) != bits(b) { mismatches.single += 1 }
            }
            // multiplyAccumulateRows: features against their rows, two runs at once.
            let startA = start(), startB = start()
            var fastA = startA, fastB = startB, slowA = startA, slowB = startB
            var env1 = FloatEnvironment(), env2 = FloatEnvironment(), env3 = FloatEnvironment(), env4 = FloatEnvironment()
            let (rows1, rows2) = factors.withUnsafeBufferPointer { v in
                indices.withUnsafeBufferPointer { i in
                    weights.withUnsafeBufferPointer { w in
                        let a = SparseRun(values: v.baseAddress!, indices: i.baseAddress!, count: features / 2)
                        let b = SparseRun(values: v.baseAddress! + features / 2, indices: i.baseAddress! + features / 2,
                                          count: features / 2)
                        return (fast.multiplyAccumulateRows(a, b, weights: w.baseAddress!, stride: count, count: count,
                                                            into: &fastA, &fastB, &env1, &env2),
                                fast.scalarMultiplyAccumulateRows(a, b, weights: w.baseAddress!, stride: count,
                                                                  count: count, into: &slowA, &slowB, &env3, &env4))
                    }
                }
            }
            if rows1 != rows2 || bits(fastA) != bits(slowA) || bits(fastB) != bits(slowB) { mismatches.rows += 1 }
            // multiplyAccumulateIntoRows: the first pair's factor, with random signs, into
            // every row; the shared factors are the first pair's second operand.
            let first = chosen.first!
            let scales = (0..<features).map { _ in value(first.0) }
            let shared = (0..<count).map { _ in value(first.1) }
            let rowsStart = (0..<(features * count)).map { _ in Float(Int(random.next() % 5) - 2) * 0x1p-130 }
            var fastRows = rowsStart, slowRows = rowsStart
            var rowEnvs = [FloatEnvironment](repeating: FloatEnvironment(), count: features)
            let (into1, into2) = scales.withUnsafeBufferPointer { v in
                indices.withUnsafeBufferPointer { i in
                    shared.withUnsafeBufferPointer { x in
                        rowEnvs.withUnsafeMutableBufferPointer { e in
                            let run = SparseRun(values: v.baseAddress!, indices: i.baseAddress!, count: features)
                            return (fast.multiplyAccumulateIntoRows(run, x.baseAddress!, into: &fastRows, stride: count,
                                                                    count: count, envs: e.baseAddress!),
                                    fast.scalarMultiplyAccumulateIntoRows(run, x.baseAddress!, into: &slowRows,
                                                                          stride: count, count: count,
                                                                          envs: e.baseAddress!))
                        }
                    }
                }
            }
            if into1 != into2 || bits(fastRows) != bits(slowRows) { mismatches.intoRows += 1 }
        }
        #expect(mismatches.single == 0)
        #expect(mismatches.rows == 0)
        #expect(mismatches.intoRows == 0)
    }

    @Test func randomOperands() {
        #expect(Self.compare(Self.randomPairs(count: 1_000_000, seed: 14)).mismatches == 0)
    }
}
