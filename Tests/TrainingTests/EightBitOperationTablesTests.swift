import SoftFloat
import Testing
import Training
import TrainingArithmetic

/// The tables behind `EightBitArithmetic` against the formats' own operations, and training
/// through them against training through the formats' operations.
@Suite("8-bit operation tables")
struct EightBitOperationTablesTests {
    /// Every F, with the Gaussian-logarithm table and with Mitchell's approximation.
    static let logFormats: [LogFormat] = (0...6).flatMap {
        [LogFormat(fractionBits: $0), LogFormat(fractionBits: $0, addition: .mitchell)]
    }
    static let linearFormats: [LinearInt8Format] = ["int8", "int8s", "int8-s3", "int8s-s4"].map {
        LinearInt8Format(name: $0)!
    }

    /// Every table entry is the format's own result, for every pair and deterministic mode.
    static func checkTables<F: EightBitFormat>(_ format: F) {
        let tables = EightBitOperationTables(format: format)
        typealias Operation = ArithmeticOperation
        for rounding in RoundingMode.allCases {
            guard rounding != .stochastic else {
                #expect(tables.results(.add, rounding: rounding) == nil)
                continue
            }
            var env = FloatEnvironment(rounding: rounding)
            let binary: [(Operation, (UInt8, UInt8) -> UInt8)] = [
                (.add, { format.add($0, $1, &env) }), (.subtract, { format.subtract($0, $1, &env) }),
                (.multiply, { format.multiply($0, $1, &env) }), (.divide, { format.divide($0, $1, &env) }),
            ]
            for (operation, expected) in binary {
                let table = tables.results(operation, rounding: rounding)!
                var mismatches = 0
                for a in 0...255 {
                    for b in 0...255 where table[a << 8 | b] != expected(UInt8(a), UInt8(b)) { mismatches += 1 }
                }
                #expect(mismatches == 0, "\(format.name) \(operation) \(rounding)")
            }
            let exp = tables.results(.exp, rounding: rounding)!, log = tables.results(.log, rounding: rounding)!
            for x in 0...255 {
                let code = UInt8(x)
                #expect(exp[x] == format.exp(code, &env), "\(format.name) exp \(x) \(rounding)")
                #expect(log[x] == format.log(code, &env), "\(format.name) log \(x) \(rounding)")
                let value = format.toDouble(code)
                #expect(tables.value(code).bitPattern == value.bitPattern || (value.isNaN && tables.value(code).isNaN))
            }
        }
    }

    @Test("the tables hold the format's own results for every F, the Mitchell variant and INT8")
    func tablesMatchTheFormats() {
        for format in Self.logFormats { Self.checkTables(format) }
        for format in Self.linearFormats { Self.checkTables(format) }
    }

    /// Under stochastic rounding +, −, × give the format's bits with the same random bits
    /// (the format's operation run at the arithmetic's counter), for every pair, from
    /// several seeds; each operation advances the counter by one.
    static func checkStochastic<F: EightBitFormat>(_ format: F, seeds: [UInt64]) {
        let arithmetic = EightBitArithmetic(format: format)
        for seed in seeds {
            var fast = FloatEnvironment(rounding: .stochastic, seed: seed)
            var reference = fast
            var mismatches = 0
            for a in 0...255 {
                for b in 0...255 {
                    let x = UInt8(a), y = UInt8(b)
                    let operations: [((UInt8, UInt8, inout FloatEnvironment) -> UInt8, (UInt8, UInt8, inout FloatEnvironment) -> UInt8)] = [
                        (arithmetic.add, format.add), (arithmetic.subtract, format.subtract),
                        (arithmetic.multiply, format.multiply),
                    ]
                    for (tabled, own) in operations {
                        reference.random = fast.random
                        if tabled(x, y, &fast) != own(x, y, &reference) { mismatches += 1 }
                        if fast.random.counter != reference.random.counter &+ 1 { mismatches += 1 }
                    }
                }
            }
            #expect(mismatches == 0, "\(format.name) seed \(seed)")
        }
    }

    @Test("stochastic rounding through the outcomes gives the format's bits and draws")
    func stochasticMatchesTheFormats() {
        for format in [LogFormat(fractionBits: 0), LogFormat.lns8, LogFormat(fractionBits: 6),
                       LogFormat(fractionBits: 3, addition: .mitchell)] {
            Self.checkStochastic(format, seeds: [1, 0xDEAD_BEEF])
        }
        for format in [LinearInt8Format.int8, LinearInt8Format(name: "int8s-s4")!] {
            Self.checkStochastic(format, seeds: [7])
        }
    }

    /// Random codes with many zeros, NaNs and largest magnitudes.
    static func codes<F: EightBitFormat>(_ format: F, count: Int, _ random: inout SplitMix64) -> [UInt8] {
        var env = FloatEnvironment()
        let special = [format.zeroCode, format.fromDouble(.nan, &env), format.fromDouble(1e300, &env),
                       format.fromDouble(-1e300, &env), format.fromDouble(1, &env)]
        return (0..<count).map { _ in
            random.next() % 4 == 0 ? special[Int(random.next() % UInt64(special.count))] : UInt8(truncatingIfNeeded: random.next())
        }
    }

    static func checkKernel<F: EightBitFormat>(_ format: F) {
        let fast = EightBitArithmetic(format: format)
        let reference = FormatArithmetic(format: format)
        var random = SplitMix64(seed: 11)
        for rounding in RoundingMode.allCases {
            for trial in 0..<40 {
                let count = Int(random.next() % 300)
                let x = codes(format, count: count, &random)
                let start = codes(format, count: count, &random)
                let s = codes(format, count: 1, &random)[0]
                var fastEnv = FloatEnvironment(rounding: rounding, seed: UInt64(trial))
                var referenceEnv = fastEnv
                var fastAcc = start, referenceAcc = start
                let fastCount = x.withUnsafeBufferPointer { xs in
                    fastAcc.withUnsafeMutableBufferPointer {
                        fast.multiplyAccumulate(s, xs.baseAddress!, into: $0.baseAddress!, count: count, &fastEnv)
                    }
                }
                let referenceCount = x.withUnsafeBufferPointer { xs in
                    referenceAcc.withUnsafeMutableBufferPointer {
                        reference.scalarMultiplyAccumulate(s, xs.baseAddress!, into: $0.baseAddress!, count: count,
                                                           &referenceEnv)
                    }
                }
                #expect(fastAcc == referenceAcc, "\(format.name) \(rounding) trial \(trial)")
                #expect(fastCount == referenceCount, "\(format.name) \(rounding) trial \(trial)")
                #expect(fastEnv.random == referenceEnv.random, "\(format.name) \(rounding): same draws")
            }
        }
    }

    @Test("the table-driven multiply-accumulate gives the scalar kernel's bits, counts and draws")
    func kernelMatchesTheScalarKernel() {
        Self.checkKernel(LogFormat.lns8)
        Self.checkKernel(LogFormat(fractionBits: 5, addition: .mitchell))
        Self.checkKernel(LinearInt8Format.int8)
        Self.checkKernel(LinearInt8Format(name: "int8s-s2")!)
    }

    @Test("training through the tables gives the bits of training through the format's operations",
          arguments: ["lns8", "lns8-f4-mitchell", "int8s-s4"])
    func trainingMatchesTheFormat(name: String) throws {
        let format = try #require(try NumberFormat(name: name).eightBitFormat)
        func run<F: EightBitFormat>(_ format: F, policy: TrainingPolicy, threads: Int) throws -> [[UInt64]] {
            let configuration = TrainerTests.configuration(epochs: 2, threads: threads)
            let fast = try TrainingRun.train(work: EightBitArithmetic(format: format), workPath: "tables", path: .automatic,
                                             configuration: configuration, policy: policy,
                                             data: EightBitTrainingTests.data)
            let reference = try TrainingRun.train(work: FormatArithmetic(format: format), workPath: "format",
                                                  path: .automatic, configuration: configuration, policy: policy,
                                                  data: EightBitTrainingTests.data)
            return [EightBitTrainingTests.fingerprint(fast), EightBitTrainingTests.fingerprint(reference)]
        }
        for policy in [TrainingPolicy(), TrainingPolicy(accumulation: .fp32), TrainingPolicy(masterWeights: .fp32),
                       TrainingPolicy(rounding: .stochastic), TrainingPolicy(stochasticUpdate: true)] {
            let one = try run(format, policy: policy, threads: 1)
            let two = try run(format, policy: policy, threads: 2)
            #expect(one[0] == one[1], "\(name) \(policy.name): tables and format")
            #expect(one[0] == two[0], "\(name) \(policy.name): 1 and 2 threads")
            #expect(two[0] == two[1], "\(name) \(policy.name): tables and format, 2 threads")
        }
    }
}

/// A reference arithmetic for the tests: every operation is the format's own.
struct FormatArithmetic<Format: EightBitFormat>: ScalarArithmetic {
    let format: Format
    let zero: UInt8
    let one: UInt8

    init(format: Format) {
        self.format = format
        zero = format.zeroCode
        var env = FloatEnvironment()
        one = format.fromDouble(1, &env)
    }

    var name: String { format.name }
    func fromDouble(_ x: Double, _ env: inout FloatEnvironment) -> UInt8 {
        defer { env.random.advance() }
        return format.fromDouble(x, &env)
    }
    func toDouble(_ x: UInt8) -> Double { format.toDouble(x) }
    func add(_ a: UInt8, _ b: UInt8, _ env: inout FloatEnvironment) -> UInt8 {
        defer { env.random.advance() }
        return format.add(a, b, &env)
    }
    func subtract(_ a: UInt8, _ b: UInt8, _ env: inout FloatEnvironment) -> UInt8 {
        defer { env.random.advance() }
        return format.subtract(a, b, &env)
    }
    func multiply(_ a: UInt8, _ b: UInt8, _ env: inout FloatEnvironment) -> UInt8 {
        defer { env.random.advance() }
        return format.multiply(a, b, &env)
    }
    func divide(_ a: UInt8, _ b: UInt8, _ env: inout FloatEnvironment) -> UInt8 {
        defer { env.random.advance() }
        return format.divide(a, b, &env)
    }
    func exp(_ x: UInt8, _ env: inout FloatEnvironment) -> UInt8 {
        defer { env.random.advance() }
        return format.exp(x, &env)
    }
    func log(_ x: UInt8, _ env: inout FloatEnvironment) -> UInt8 {
        defer { env.random.advance() }
        return format.log(x, &env)
    }
    func isLess(_ a: UInt8, _ b: UInt8) -> Bool { format.isLess(a, b) }
    func isNaN(_ x: UInt8) -> Bool { format.isNaN(x) }
    func isInfinite(_ x: UInt8) -> Bool { false }
    func isZero(_ x: UInt8) -> Bool { format.isZero(x) }
    func isSaturated(_ x: UInt8) -> Bool { format.isSaturated(x) }

    /// As `EightBitArithmetic`: a code of the same format is taken as it is.
    func convert<Source: ScalarArithmetic>(_ x: Source.Scalar, from source: Source,
                                           _ env: inout FloatEnvironment) -> UInt8 {
        if let same = source as? Self, same.format == format { return unsafeBitCast(x, to: UInt8.self) }
        return fromDouble(source.toDouble(x), &env)
    }
}
