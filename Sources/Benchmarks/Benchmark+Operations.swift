import DataFiles
import SoftFloat
import Training
import TrainingArithmetic

extension Benchmark {
    /// The operations `precision-lab bench ops` measures, in the order it prints them (by
    /// their `shortName`: add, mul, div, sqrt, mulAdd).
    public static let operations: [ArithmeticOperation] = [.add, .multiply, .divide, .squareRoot, .fusedMultiplyAdd]

    /// One row of `bench ops`: the soft path's rate and the hardware's rate for the same
    /// loop, measured in the same run.
    public struct OperationRate: Sendable, Equatable {
        public var operation: ArithmeticOperation
        public var format: FloatFormat
        /// Operations per second of the integer soft-float path (`FloatFormat`'s operations).
        public var soft: Double
        /// `Float` or `Double`: the type the hardware loop computed in.
        public var hardwareType: String
        /// Operations per second of the same loop in hardware.
        public var hardware: Double
        /// How many times faster the hardware ran.
        public var hardwareOverSoft: Double { hardware / soft }
    }

    /// How many operands a measurement cycles through: small enough for the L1 cache.
    public static let operandPoolSize = 4096

    /// The operands of one measurement: finite values of `format`, drawn from a fixed seed,
    /// with exponents in a band around 1 so that results stay normal.
    ///
    ///     let pool = Benchmark.operandPool(format: .bf16, operation: .divide)
    ///
    /// Edge cases: square roots get positive operands; the band is narrower in formats of
    /// small range (±2 binades in fp8-e4m3, ±8 in fp32) so products rarely overflow.
    ///
    /// - Parameters:
    ///   - format: the format whose bit patterns are returned.
    ///   - operation: the operation they feed.
    ///   - seed: the generator's seed; the same seed gives the same pool.
    public static func operandPool(format: FloatFormat, operation: ArithmeticOperation,
                                   seed: UInt64 = 0x5EED) -> [UInt64] {
        var random = SplitMix64(seed: seed)
        let span = max(1, min(8, format.maxExponent / 3))
        return (0..<operandPoolSize).map { _ in
            let exponent = Int(random.next() % UInt64(2 * span + 1)) - span
            let fraction = random.next() & format.fractionMask
            let negative = operation != .squareRoot && random.next() & 1 == 1
            return (negative ? format.signMask : 0) | UInt64(exponent + format.bias) << UInt64(format.fractionBitCount)
                | fraction
        }
    }

    /// Whether `Float` holds every value of `format` (else the hardware loop uses `Double`).
    public static func hardwareUsesFloat(_ format: FloatFormat) -> Bool {
        format.precision <= Float.significandBitCount + 1 && format.exponentBitCount <= Float.exponentBitCount
    }

    /// Measures one operation in one format: the soft path, then the same loop on the
    /// hardware type, each for `seconds`, single-threaded, rounding to nearest-even.
    ///
    ///     let row = Benchmark.measure(.multiply, format: .bf16, seconds: 0.3)
    ///     print(row.soft / 1e6, "Mop/s")
    ///
    /// Edge cases: every result is folded into a checksum that is consumed, so no call is
    /// optimised away; the operands come from `operandPool`. An operation not in
    /// `operations` is a programming error.
    ///
    /// - Parameters:
    ///   - operation: the operation.
    ///   - format: the format of the soft path.
    ///   - seconds: the duration of each of the two timed runs.
    public static func measure(_ operation: ArithmeticOperation, format: FloatFormat, seconds: Double) -> OperationRate {
        let pool = operandPool(format: format, operation: operation)
        let perPass = Double(pool.count)
        let soft = pool.withUnsafeBufferPointer { operands in
            rate(seconds: seconds) { softLoop(operation, format: format, operands, repetitions: $0) } * perPass
        }
        let hardware: Double
        let hardwareType: String
        if hardwareUsesFloat(format) {
            hardwareType = "Float"
            let values = pool.map { Float(format.toDouble($0)) }
            hardware = values.withUnsafeBufferPointer { operands in
                rate(seconds: seconds) { hardwareLoop(operation, operands, repetitions: $0) } * perPass
            }
        } else {
            hardwareType = "Double"
            let values = pool.map { format.toDouble($0) }
            hardware = values.withUnsafeBufferPointer { operands in
                rate(seconds: seconds) { hardwareLoop(operation, operands, repetitions: $0) } * perPass
            }
        }
        return OperationRate(operation: operation, format: format, soft: soft,
                             hardwareType: hardwareType, hardware: hardware)
    }

    static func softLoop(_ operation: ArithmeticOperation, format: FloatFormat,
                         _ operands: UnsafeBufferPointer<UInt64>, repetitions: Int) -> UInt64 {
        switch operation {
        case .add: return softLoop(AddKernel.self, format, operands, repetitions)
        case .multiply: return softLoop(MultiplyKernel.self, format, operands, repetitions)
        case .divide: return softLoop(DivideKernel.self, format, operands, repetitions)
        case .squareRoot: return softLoop(SquareRootKernel.self, format, operands, repetitions)
        case .fusedMultiplyAdd: return softLoop(MultiplyAddKernel.self, format, operands, repetitions)
        default: preconditionFailure("bench ops does not measure \(operation)")
        }
    }

    static func hardwareLoop<T: HardwareFloat>(_ operation: ArithmeticOperation, _ operands: UnsafeBufferPointer<T>,
                                               repetitions: Int) -> UInt64 {
        switch operation {
        case .add: return hardwareLoop(AddKernel.self, operands, repetitions)
        case .multiply: return hardwareLoop(MultiplyKernel.self, operands, repetitions)
        case .divide: return hardwareLoop(DivideKernel.self, operands, repetitions)
        case .squareRoot: return hardwareLoop(SquareRootKernel.self, operands, repetitions)
        case .fusedMultiplyAdd: return hardwareLoop(MultiplyAddKernel.self, operands, repetitions)
        default: preconditionFailure("bench ops does not measure \(operation)")
        }
    }

    /// The loop both paths share: element `i` combines operands `i`, `i + 1` and `i + 2`
    /// of the pool (cyclically) and XORs the result's bits into a checksum.
    @inline(never)
    static func softLoop<K: OperationKernel>(_: K.Type, _ format: FloatFormat,
                                             _ operands: UnsafeBufferPointer<UInt64>, _ repetitions: Int) -> UInt64 {
        var env = FloatEnvironment()
        var checksum: UInt64 = 0
        let mask = operands.count - 1
        for _ in 0..<repetitions {
            for i in 0..<operands.count {
                checksum ^= K.soft(format, operands[i], operands[(i + 1) & mask], operands[(i + 2) & mask], &env)
            }
        }
        return checksum
    }

    @inline(never)
    static func hardwareLoop<K: OperationKernel, T: HardwareFloat>(_: K.Type, _ operands: UnsafeBufferPointer<T>,
                                                                   _ repetitions: Int) -> UInt64 {
        var checksum: UInt64 = 0
        let mask = operands.count - 1
        for _ in 0..<repetitions {
            for i in 0..<operands.count {
                let r = K.hardware(operands[i], operands[(i + 1) & mask], operands[(i + 2) & mask])
                checksum ^= UInt64(truncatingIfNeeded: r.bitPattern)
            }
        }
        return checksum
    }
}

/// One measured operation, written once for the soft path and once for the hardware.
protocol OperationKernel {
    static func soft(_ format: FloatFormat, _ a: UInt64, _ b: UInt64, _ c: UInt64,
                     _ env: inout FloatEnvironment) -> UInt64
    static func hardware<T: HardwareFloat>(_ a: T, _ b: T, _ c: T) -> T
}

enum AddKernel: OperationKernel {
    @inline(__always)
    static func soft(_ format: FloatFormat, _ a: UInt64, _ b: UInt64, _ c: UInt64,
                     _ env: inout FloatEnvironment) -> UInt64 { format.add(a, b, &env) }
    @inline(__always)
    static func hardware<T: HardwareFloat>(_ a: T, _ b: T, _ c: T) -> T { a + b }
}

enum MultiplyKernel: OperationKernel {
    @inline(__always)
    static func soft(_ format: FloatFormat, _ a: UInt64, _ b: UInt64, _ c: UInt64,
                     _ env: inout FloatEnvironment) -> UInt64 { format.multiply(a, b, &env) }
    @inline(__always)
    static func hardware<T: HardwareFloat>(_ a: T, _ b: T, _ c: T) -> T { a * b }
}

enum DivideKernel: OperationKernel {
    @inline(__always)
    static func soft(_ format: FloatFormat, _ a: UInt64, _ b: UInt64, _ c: UInt64,
                     _ env: inout FloatEnvironment) -> UInt64 { format.divide(a, b, &env) }
    @inline(__always)
    static func hardware<T: HardwareFloat>(_ a: T, _ b: T, _ c: T) -> T { a / b }
}

enum SquareRootKernel: OperationKernel {
    @inline(__always)
    static func soft(_ format: FloatFormat, _ a: UInt64, _ b: UInt64, _ c: UInt64,
                     _ env: inout FloatEnvironment) -> UInt64 { format.squareRoot(a, &env) }
    @inline(__always)
    static func hardware<T: HardwareFloat>(_ a: T, _ b: T, _ c: T) -> T { a.squareRoot() }
}

enum MultiplyAddKernel: OperationKernel {
    @inline(__always)
    static func soft(_ format: FloatFormat, _ a: UInt64, _ b: UInt64, _ c: UInt64,
                     _ env: inout FloatEnvironment) -> UInt64 { format.fusedMultiplyAdd(a, b, c, &env) }
    @inline(__always)
    static func hardware<T: HardwareFloat>(_ a: T, _ b: T, _ c: T) -> T { c.addingProduct(a, b) }
}
