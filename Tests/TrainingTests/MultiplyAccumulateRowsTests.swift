import SoftFloat
import Testing
import Training
import TrainingArithmetic

/// `multiplyAccumulateRows` and `multiplyAccumulateIntoRows`: the fast path's register
/// kernels against the chains of `multiplyAccumulate` calls they replace, and training
/// with ten classes (the width the kernels serve) against the soft path.
@Suite("multiplyAccumulateRows")
struct MultiplyAccumulateRowsTests {
    /// Random values of `format` held in `Wide`: mostly normal numbers around 1, with
    /// zeros of both signs, tiny values whose products underflow, values near the square
    /// root of the least normal number whose products are subnormal, huge ones whose
    /// products overflow, infinities and NaNs mixed in.
    static func values<Wide: HardwareFloat>(_ arithmetic: FastArithmetic<Wide>, count: Int,
                                            _ random: inout SplitMix64) -> [Wide] {
        let format = arithmetic.format
        return (0..<count).map { _ in
            let draw = random.next()
            let bits: UInt64
            switch draw % 16 {
            case 0: bits = draw & 1 == 0 ? 0 : format.signMask
            case 1: bits = random.next() & (format.signMask | format.magnitudeMask)
            case 2: bits = format.fromDouble(Double(random.next() % 5) * 0x1p-12 * format.toDouble(format.leastNormalMagnitude))
            case 3: bits = format.maxFiniteMagnitude ^ (random.next() & 3)
            case 4, 5:
                let scale = Double(sign: .plus, exponent: format.minExponent / 2 - Int(random.next() % 8), significand: 1)
                bits = format.fromDouble((1 + Double(random.next() >> 11) * 0x1p-53) * scale)
                    | (draw & 32 == 0 ? 0 : format.signMask)
            default: bits = format.fromDouble((Double(random.next() >> 11) * 0x1p-53 - 0.5) * 4)
            }
            return arithmetic.rounder.value(ofBits: bits)
        }
    }

    /// Mismatches between the register kernels and the chains of `multiplyAccumulate`
    /// (bits, underflow counts and the counters they leave), rounding by `rounding`.
    static func check<Wide: HardwareFloat>(_: Wide.Type, _ format: FloatFormat,
                                           rounding: RoundingMode = .nearestEven) -> Int {
        let arithmetic = FastArithmetic<Wide>(format: format)!
        var random = SplitMix64(seed: UInt64(format.bitWidth))
        var mismatches = 0
        for count in 1...16 {
            for trial in 0..<40 {
                let rows = 24
                let weights = values(arithmetic, count: rows * count + 4, &random)
                let lengthA = Int(random.next() % 20), lengthB = trial % 7 == 0 ? 0 : Int(random.next() % 20)
                func run(_ length: Int) -> ([Wide], [Int32]) {
                    var indices = (0..<rows).map { Int32($0) }
                    random.shuffle(&indices)
                    let chosen = indices.prefix(length).sorted()
                    return (values(arithmetic, count: length, &random), Array(chosen))
                }
                let (valuesA, indicesA) = run(lengthA), (valuesB, indicesB) = run(lengthB)
                let startA = values(arithmetic, count: count, &random), startB = values(arithmetic, count: count, &random)
                var fastA = startA, fastB = startB, slowA = startA, slowB = startB
                var env1 = FloatEnvironment(rounding: rounding, seed: UInt64(trial))
                var env2 = FloatEnvironment(rounding: rounding, seed: UInt64(count))
                env1.random.counter = UInt64(trial % 6)
                var env3 = env1, env4 = env2
                let (fast, slow) = weights.withUnsafeBufferPointer { w in
                    valuesA.withUnsafeBufferPointer { va in
                        valuesB.withUnsafeBufferPointer { vb in
                            indicesA.withUnsafeBufferPointer { ia in
                                indicesB.withUnsafeBufferPointer { ib in
                                    let a = SparseRun(values: va.baseAddress ?? w.baseAddress!,
                                                      indices: ia.baseAddress ?? UnsafePointer(bitPattern: 8)!,
                                                      count: lengthA)
                                    let b = SparseRun(values: vb.baseAddress ?? w.baseAddress!,
                                                      indices: ib.baseAddress ?? UnsafePointer(bitPattern: 8)!,
                                                      count: lengthB)
                                    let fast = arithmetic.multiplyAccumulateRows(
                                        a, b, weights: w.baseAddress!, stride: count, count: count,
                                        into: &fastA, &fastB, &env1, &env2)
                                    let slow = arithmetic.scalarMultiplyAccumulateRows(
                                        a, b, weights: w.baseAddress!, stride: count, count: count,
                                        into: &slowA, &slowB, &env3, &env4)
                                    return (fast, slow)
                                }
                            }
                        }
                    }
                }
                // Bits, except that every NaN is one value: which operand's payload a NaN
                // result carries is the compiler's choice of operand order, in both kernels.
                func bits(_ x: [Wide]) -> [UInt64] { x.map { $0.isNaN ? UInt64.max : UInt64($0.bitPattern) } }
                if fast != slow || bits(fastA) != bits(slowA) || bits(fastB) != bits(slowB)
                    || env1.random != env3.random || env2.random != env4.random {
                    mismatches += 1
                }
                // The weight-gradient kernel: run A's features scale `startA` into rows of a
                // copy of the weights.
                var rowsFast = weights, rowsSlow = weights
                let rowEnvs = (0..<rows).map { k in
                    var env = FloatEnvironment(rounding: rounding, seed: UInt64(k &* 7 &+ trial))
                    env.random.counter = UInt64(k % 5)
                    return env
                }
                var envsFast = rowEnvs, envsSlow = rowEnvs
                let (fastRows, slowRows) = startA.withUnsafeBufferPointer { x in
                    valuesA.withUnsafeBufferPointer { va in
                        indicesA.withUnsafeBufferPointer { ia in
                            envsFast.withUnsafeMutableBufferPointer { e in
                              envsSlow.withUnsafeMutableBufferPointer { e2 in
                                let a = SparseRun(values: va.baseAddress ?? x.baseAddress!,
                                                  indices: ia.baseAddress ?? UnsafePointer(bitPattern: 8)!,
                                                  count: lengthA)
                                let fast = arithmetic.multiplyAccumulateIntoRows(
                                    a, x.baseAddress!, into: &rowsFast, stride: count, count: count, envs: e.baseAddress!)
                                let slow = arithmetic.scalarMultiplyAccumulateIntoRows(
                                    a, x.baseAddress!, into: &rowsSlow, stride: count, count: count, envs: e2.baseAddress!)
                                return (fast, slow)
                              }
                            }
                        }
                    }
                }
                if fastRows != slowRows || bits(rowsFast) != bits(rowsSlow)
                    || zip(envsFast, envsSlow).contains(where: { $0.random != $1.random }) {
                    mismatches += 1
                }
            }
        }
        return mismatches
    }

    @Test(arguments: [FloatFormat.fp32, .bf16, .fp16, .fp8E4M3, .fp8E5M2, try! FloatFormat(name: "e6m5"),
                      .tf32, try! FloatFormat(name: "e8m9")])
    func floatKernelMatchesTheChain(format: FloatFormat) {
        #expect(Self.check(Float.self, format) == 0)
    }

    @Test(arguments: [FloatFormat.tf32, .fp32, .bf16, .fp16])
    func doubleKernelMatchesTheChain(format: FloatFormat) {
        #expect(Self.check(Double.self, format) == 0)
    }

    static let otherModes: [RoundingMode] = [.towardZero, .up, .down, .nearestAway, .odd, .stochastic]

    /// The register kernels of the other rounding modes against the chains, in formats with
    /// and without their own exponent range check, tiny products (tf32) and in `Double`.
    @Test(arguments: [FloatFormat.bf16, .fp16, .fp8E4M3, .tf32, try! FloatFormat(name: "e8m9")])
    func floatKernelMatchesTheChainInEveryMode(format: FloatFormat) {
        for mode in Self.otherModes {
            #expect(Self.check(Float.self, format, rounding: mode) == 0, "\(mode)")
        }
    }

    @Test(arguments: [FloatFormat.tf32, .bf16])
    func doubleKernelMatchesTheChainInEveryMode(format: FloatFormat) {
        for mode in Self.otherModes {
            #expect(Self.check(Double.self, format, rounding: mode) == 0, "\(mode)")
        }
    }

    /// Directed and stochastic rounding with ten classes (and nine, twelve): the fast path
    /// trains to the soft path's bits, on one thread and on two.
    @Test(arguments: [FloatFormat.bf16, .fp16, .tf32], [RoundingMode.towardZero, .up, .odd, .stochastic])
    func fastPathInOtherModesTrainsLikeTheSoftPath(format: FloatFormat, rounding: RoundingMode) throws {
        for classes in [9, 10, 12] {
            let data = TrainingData(train: TrainerTests.blobs(count: 120, classes: classes, dimension: 24, seed: 1),
                                    validation: TrainerTests.blobs(count: 30, classes: classes, dimension: 24, seed: 2),
                                    test: TrainerTests.blobs(count: 30, classes: classes, dimension: 24, seed: 3))
            let configuration = TrainerTests.configuration(epochs: 2)
            let policy = TrainingPolicy(rounding: rounding)
            let fast = try TrainerTests.run(format, .fast, configuration: configuration, policy: policy, data: data)
            let soft = try TrainerTests.run(format, .soft, configuration: configuration, policy: policy, data: data)
            #expect(TrainerTests.fingerprint(fast) == TrainerTests.fingerprint(soft), "\(classes) classes")
            let two = try TrainerTests.run(format, .fast, configuration: TrainerTests.configuration(epochs: 2, threads: 2),
                                           policy: policy, data: data)
            #expect(TrainerTests.fingerprint(fast) == TrainerTests.fingerprint(two), "\(classes) classes")
        }
    }

    /// Ten classes (and nine, eleven, twelve): the fast path trains to the soft path's bits.
    @Test(arguments: [FloatFormat.fp32, .bf16, .fp16, .tf32, .fp8E4M3, .fp8E5M2], [9, 10, 11, 12])
    func fastPathWithTenClassesTrainsLikeTheSoftPath(format: FloatFormat, classes: Int) throws {
        let data = TrainingData(train: TrainerTests.blobs(count: 200, classes: classes, dimension: 24, seed: 1),
                                validation: TrainerTests.blobs(count: 40, classes: classes, dimension: 24, seed: 2),
                                test: TrainerTests.blobs(count: 60, classes: classes, dimension: 24, seed: 3))
        let configuration = TrainerTests.configuration(epochs: 2)
        let fast = try TrainerTests.run(format, .fast, configuration: configuration, data: data)
        let soft = try TrainerTests.run(format, .soft, configuration: configuration, data: data)
        #expect(TrainerTests.fingerprint(fast) == TrainerTests.fingerprint(soft))
        let two = try TrainerTests.run(format, .fast, configuration: TrainerTests.configuration(epochs: 2, threads: 2),
                                       data: data)
        #expect(TrainerTests.fingerprint(fast) == TrainerTests.fingerprint(two))
    }
}
