import DataFiles
import SoftFloat
import Testing
import Training
import TrainingArithmetic

/// `EightBitArithmetic` against the formats' own operations, and training in `lns8` and
/// INT8 on small synthetic problems.
@Suite("8-bit formats in the trainer")
struct EightBitTrainingTests {
    static let formats: [any EightBitFormat] = [LogFormat.lns8, LogFormat(fractionBits: 4),
                                                LogFormat(fractionBits: 2, addition: .mitchell),
                                                LinearInt8Format.int8, LinearInt8Format(name: "int8s-s4")!]

    /// Every operand pair, every operation, every rounding mode (stochastic with the same
    /// seed on both sides): the same code and the same random draws. (Flags are not
    /// compared: the arithmetic's table lookups raise none.)
    static func checkAgreement<F: EightBitFormat>(_ format: F) {
        let a = EightBitArithmetic(format: format)
        #expect(a.name == format.name)
        #expect(a.zero == format.zeroCode && a.isZero(a.zero))
        for rounding in RoundingMode.allCases {
            var e1 = FloatEnvironment(rounding: rounding, seed: 9)
            var e2 = e1
            for x in 0...255 {
                let p = UInt8(x)
                for y in 0...255 {
                    let q = UInt8(y)
                    // The format's operation with the arithmetic's random bits; each of the
                    // arithmetic's operations moves the counter on by one.
                    func own(_ operation: (UInt8, UInt8, inout FloatEnvironment) -> UInt8) -> UInt8 {
                        e2.random = e1.random
                        e2.random.advance(by: UInt64.max)   // e1 has already advanced
                        let r = operation(p, q, &e2)
                        e2.random.advance()
                        return r
                    }
                    let pairs: [(UInt8, UInt8)] = [
                        (a.add(p, q, &e1), own(format.add)),
                        (a.subtract(p, q, &e1), own(format.subtract)),
                        (a.multiply(p, q, &e1), own(format.multiply)),
                        (a.divide(p, q, &e1), own(format.divide)),
                    ]
                    if pairs.contains(where: { $0.0 != $0.1 }) {
                        Issue.record("\(format.name) \(p) \(q) \(rounding): \(pairs)")
                        return
                    }
                    if a.isLess(p, q) != format.isLess(p, q) { Issue.record("isLess \(p) \(q)") }
                }
                e2.random = e1.random
                #expect(a.exp(p, &e1) == format.exp(p, &e2))
                e2.random = e1.random
                #expect(a.log(p, &e1) == format.log(p, &e2))
                e2.random = e1.random
                #expect(a.isNaN(p) == format.isNaN(p) && a.isZero(p) == format.isZero(p) && !a.isInfinite(p))
                #expect(a.isSaturated(p) == format.isSaturated(p))
                #expect(a.toDouble(p).bitPattern == format.toDouble(p).bitPattern || format.isNaN(p))
            }
            #expect(e1.random.counter == 4 * 256 * 256 + 2 * 256, "\(format.name) \(rounding): one index per operation")
            for v in [0.3, -2.5, 1e-9, 7e4, 1, 0.999] {
                e2.random = e1.random
                #expect(a.fromDouble(v, &e1) == format.fromDouble(v, &e2))
            }
        }
    }

    @Test("EightBitArithmetic agrees with the formats' own operations bit for bit")
    func agreesWithTheFormats() {
        for format in Self.formats { Self.checkAgreement(format) }
    }

    @Test("the multiply-accumulate kernel is the format's multiply then add, lane by lane")
    func kernelMatchesScalarOperations() {
        let a = EightBitArithmetic(format: LogFormat.lns8)
        var random = SplitMix64(seed: 3)
        let codes = LogFormat.lns8.orderedCodes
        let x = (0..<37).map { _ in codes[Int(random.next() % UInt64(codes.count))] }
        var acc = (0..<37).map { _ in codes[Int(random.next() % UInt64(codes.count))] }
        var setup = FloatEnvironment()
        let s = LogFormat.lns8.fromDouble(0.001, &setup)
        var expected = acc
        var env = FloatEnvironment(rounding: .stochastic, seed: 4)
        var expectedUnderflows = 0
        // The layout of `multiplyAccumulate`: product i at index i, sum i at 40 + i.
        for i in 0..<37 {
            env.random.counter = UInt64(i)
            let product = LogFormat.lns8.multiply(s, x[i], &env)
            if LogFormat.lns8.isZero(product) && !LogFormat.lns8.isZero(x[i]) { expectedUnderflows += 1 }
            env.random.counter = 40 + UInt64(i)
            expected[i] = LogFormat.lns8.add(expected[i], product, &env)
        }
        var env2 = FloatEnvironment(rounding: .stochastic, seed: 4)
        let underflows = x.withUnsafeBufferPointer { xs in
            acc.withUnsafeMutableBufferPointer { a.multiplyAccumulate(s, xs.baseAddress!, into: $0.baseAddress!, count: 37, &env2) }
        }
        #expect(acc == expected)
        #expect(underflows == expectedUnderflows)
        #expect(env2.random.counter == 80)
    }

    @Test("saturated results are counted as saturations, not overflows")
    func saturationsAreCounted() {
        let a = EightBitArithmetic(format: LogFormat.lns8)
        var env = FloatEnvironment()
        let big = a.fromDouble(3000, &env)
        let product = a.multiply(big, big, &env)
        #expect(a.isSaturated(product) && product == LogFormat.lns8.multiply(big, big, &env))
        #expect(env.flags.contains(.overflow))
        var events = NumericalEvents()
        events.noteProduct(a, product, big, big)
        #expect(events.saturations == 1 && events.overflows == 0)
        events.note(a, a.add(product, big, &env), product, big)  // propagates: not new
        #expect(events.saturations == 1)
        #expect(events.description.hasSuffix("saturations 1"))
        var binary = NumericalEvents()
        let fp8 = SoftArithmetic(format: .fp8E4M3)
        binary.note(fp8, fp8.fromDouble(448, &env), fp8.one, fp8.one)
        #expect(binary.saturations == 0)
    }

    static let data = TrainingData(train: TrainerTests.blobs(count: 240, seed: 1),
                                   validation: TrainerTests.blobs(count: 60, seed: 2),
                                   test: TrainerTests.blobs(count: 150, seed: 3))

    static func run(_ name: String, threads: Int = 1, epochs: Int = 6,
                    policy: TrainingPolicy = TrainingPolicy()) throws -> TrainingResult {
        try TrainingRun.train(format: try NumberFormat(name: name), path: .automatic,
                              configuration: TrainerTests.configuration(epochs: epochs, threads: threads),
                              policy: policy, data: Self.data)
    }

    static func fingerprint(_ r: TrainingResult) -> [UInt64] {
        TrainerTests.fingerprint(r) + r.epochs.map { UInt64($0.events.saturations) }
    }

    @Test("lns8 learns separable blobs, pure and with fp32 master weights")
    func lns8Learns() throws {
        let pure = try Self.run("lns8")
        #expect(pure.format == "lns8" && pure.epochs.count == 6)
        #expect(pure.firstNonFinite == nil)
        #expect(try #require(pure.testAccuracy) > 0.8)
        let master = try Self.run("lns8", policy: TrainingPolicy(masterWeights: .fp32))
        #expect(try #require(master.testAccuracy) > 0.8)
        #expect(master.arithmetic.contains("master weights"))
    }

    @Test("lns8 runs are bit-identical with 1 and 2 threads, under every policy")
    func threadsDoNotChangeTheBits() throws {
        for policy in [TrainingPolicy(), TrainingPolicy(accumulation: .fp32), TrainingPolicy(masterWeights: .fp32),
                       TrainingPolicy(rounding: .stochastic), TrainingPolicy(stochasticUpdate: true)] {
            let one = try Self.run("lns8-f3", threads: 1, epochs: 2, policy: policy)
            let two = try Self.run("lns8-f3", threads: 2, epochs: 2, policy: policy)
            #expect(Self.fingerprint(one) == Self.fingerprint(two), "\(policy.name)")
        }
    }

    @Test("training counts saturated logits and gradients in a format of narrow range")
    func trainingCountsSaturations() throws {
        // lns8-f6 reaches only 2^(63/64) ≈ 1.98: logits of features near 3 saturate.
        let wide = TrainingData(train: TrainerTests.blobs(count: 64, seed: 1, scale: 3), validation: nil, test: nil)
        let result = try TrainingRun.train(format: .logarithmic(LogFormat(fractionBits: 6)), path: .automatic,
                                           configuration: TrainerTests.configuration(epochs: 1), policy: TrainingPolicy(),
                                           data: wide)
        #expect(result.epochs[0].events.saturations > 0)
        #expect(result.epochs[0].events.overflows == 0)
        let binary = try TrainingRun.train(format: .binary(.fp8E4M3), path: .automatic,
                                           configuration: TrainerTests.configuration(epochs: 1), policy: TrainingPolicy(),
                                           data: wide)
        #expect(binary.epochs[0].events.saturations == 0)
    }

    @Test("the linear INT8 formats train through the same path")
    func linearInt8Runs() throws {
        let unsigned = try Self.run("int8", epochs: 2)
        #expect(unsigned.format == "int8" && unsigned.testAccuracy != nil)
        let signed = try Self.run("int8s-s5", epochs: 2)
        #expect(signed.testAccuracy != nil)
        #expect(signed.json.text().contains("\"saturations\""))
    }

    @Test("unknown or unsupported names give a clear error")
    func unknownNames() {
        for name in ["lns8-f9", "int8-q", "lns"] {
            do {
                _ = try Self.run(name, epochs: 1)
                Issue.record("\(name) was accepted")
            } catch let error as FormatNameError {
                #expect(error.description.contains("unknown format '\(name)'") && error.description.contains("lns8"),
                        "\(error)")
            } catch {
                Issue.record("\(error)")
            }
        }
        #expect(throws: TrainingSetupError.self) {
            try TrainingRun.train(format: .logarithmic(.lns8), path: .fast, configuration: TrainerTests.configuration(),
                                  policy: TrainingPolicy(), data: Self.data)
        }
    }
}
