import DataFiles
import SoftFloat
import Training
import TrainingArithmetic

extension Benchmark {
    /// What one `lns8` row of `bench ops` measures: an operation of the 8-bit logarithmic
    /// format, and for addition how the Gaussian logarithms are evaluated.
    ///
    ///     Benchmark.LogMeasurement(.add, addition: .mitchell).label   // "add (Mitchell)"
    public struct LogMeasurement: Sendable, Equatable {
        /// `.multiply` (codes added), `.add` or `.fromDouble` (a `Double` rounded to lns8).
        public var operation: ArithmeticOperation
        public var addition: GaussianLogarithm.Method

        public init(_ operation: ArithmeticOperation, addition: GaussianLogarithm.Method = .table) {
            self.operation = operation
            self.addition = addition
        }

        /// The row's name: `mul`, `add (table)`, `add (Mitchell)`, `convert from Double`.
        public var label: String {
            switch operation {
            case .add: return operation.shortName + (addition == .mitchell ? " (Mitchell)" : " (table)")
            case .fromDouble: return operation.shortName + " from Double"
            default: return operation.shortName
            }
        }
    }

    /// The `lns8` rows of `bench ops`, in the order it prints them.
    public static let logMeasurements = [LogMeasurement(.multiply), LogMeasurement(.add),
                                          LogMeasurement(.add, addition: .mitchell), LogMeasurement(.fromDouble)]

    /// One `lns8` row of `bench ops`: the format's rate beside the hardware's.
    public struct LogOperationRate: Sendable, Equatable {
        public var measurement: LogMeasurement
        /// Operations per second of the `lns8` implementation.
        public var soft: Double
        /// Operations per second of the same loop in hardware `Float`.
        public var hardware: Double
        public var hardwareOverSoft: Double { hardware / soft }
    }

    /// Measures one `lns8` operation, single-threaded, next to the hardware's `Float`
    /// multiply (for `mul`), add (for the additions) or `Float(x)` from `Double` (for the
    /// conversion) on the same loop shape.
    ///
    ///     let row = Benchmark.measure(Benchmark.LogMeasurement(.add), seconds: 0.3)
    ///     row.soft / 1e6   // Mop/s
    ///
    /// Edge cases: the operands are the codes of the `Float` operands of `bf16`'s pool, so
    /// both loops see the same values (to the format's precision). An operation other than
    /// ×, + and the conversion is a programming error.
    public static func measure(_ measurement: LogMeasurement, seconds: Double) -> LogOperationRate {
        let operation = measurement.operation
        let pool = operandPool(format: .bf16, operation: operation == .multiply ? .multiply : .add)
        let doubles = pool.map { FloatFormat.bf16.toDouble($0) }
        let floats = doubles.map { Float($0) }
        let format = LogFormat(fractionBits: LogFormat.defaultFractionBits, addition: measurement.addition)
        var env = FloatEnvironment()
        let codes = doubles.map { format.fromDouble($0, &env) }
        let perPass = Double(pool.count)
        let soft: Double
        let hardware: Double
        switch operation {
        case .multiply:
            soft = rate(seconds: seconds) { logLoop(format, codes, $0) { f, a, b, env in f.multiply(a, b, &env) } }
            hardware = floats.withUnsafeBufferPointer { operands in
                rate(seconds: seconds) { hardwareLoop(.multiply, operands, repetitions: $0) }
            }
        case .add:
            soft = rate(seconds: seconds) { logLoop(format, codes, $0) { f, a, b, env in f.add(a, b, &env) } }
            hardware = floats.withUnsafeBufferPointer { operands in
                rate(seconds: seconds) { hardwareLoop(.add, operands, repetitions: $0) }
            }
        case .fromDouble:
            soft = rate(seconds: seconds) { repetitions in
                var env = FloatEnvironment()
                var checksum: UInt64 = 0
                for _ in 0..<repetitions {
                    for x in doubles { checksum = checksum &* 31 &+ UInt64(format.fromDouble(x, &env)) }
                }
                return checksum
            }
            hardware = rate(seconds: seconds) { repetitions in
                var checksum: UInt64 = 0
                for _ in 0..<repetitions {
                    for x in doubles { checksum ^= UInt64(Float(x).bitPattern) }
                }
                return checksum
            }
        default:
            preconditionFailure("bench ops does not measure lns8 \(operation)")
        }
        return LogOperationRate(measurement: measurement, soft: soft * perPass, hardware: hardware * perPass)
    }

    /// The loop of the two-operand `lns8` measurements: element `i` combines codes `i` and
    /// `i + 1` of the pool (cyclically) and folds the result into a checksum.
    @inline(never)
    static func logLoop(_ format: LogFormat, _ codes: [UInt8], _ repetitions: Int,
                        _ operation: (LogFormat, UInt8, UInt8, inout FloatEnvironment) -> UInt8) -> UInt64 {
        var env = FloatEnvironment()
        var checksum: UInt64 = 0
        let mask = codes.count - 1
        codes.withUnsafeBufferPointer { codes in
            for _ in 0..<repetitions {
                for i in 0..<codes.count {
                    checksum = checksum &* 31 &+ UInt64(operation(format, codes[i], codes[(i + 1) & mask], &env))
                }
            }
        }
        return checksum
    }
}
