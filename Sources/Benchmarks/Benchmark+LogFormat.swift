import DataFiles
import SoftFloat
import Training
import TrainingArithmetic

extension Benchmark {
    /// An operation of the 8-bit logarithmic format that `bench ops` measures.
    public enum LogOperation: String, CaseIterable, Sendable {
        /// Multiplication: codes added.
        case mul
        /// Addition by the Gaussian-logarithm table.
        case addTable = "add (table)"
        /// Addition by Mitchell's approximation.
        case addMitchell = "add (Mitchell)"
        /// Rounding a `Double` to the format.
        case convert = "convert from Double"
    }

    /// One `lns8` row of `bench ops`: the format's rate beside the hardware's.
    public struct LogOperationRate: Sendable, Equatable {
        public var operation: LogOperation
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
    ///     let row = Benchmark.measure(.addTable, seconds: 0.3)
    ///     row.soft / 1e6   // Mop/s
    ///
    /// Edge cases: the operands are the codes of the `Float` operands of `bf16`'s pool, so
    /// both loops see the same values (to the format's precision).
    public static func measure(_ operation: LogOperation, seconds: Double) -> LogOperationRate {
        let pool = operandPool(format: .bf16, operation: operation == .mul ? .mul : .add)
        let doubles = pool.map { FloatFormat.bf16.toDouble($0) }
        let floats = doubles.map { Float($0) }
        let format = LogFormat(fractionBits: LogFormat.defaultFractionBits,
                               addition: operation == .addMitchell ? .mitchell : .table)
        var env = FloatEnvironment()
        let codes = doubles.map { format.fromDouble($0, &env) }
        let perPass = Double(pool.count)
        let soft: Double
        let hardware: Double
        switch operation {
        case .mul:
            soft = rate(seconds: seconds) { logLoop(format, codes, $0) { f, a, b, env in f.multiply(a, b, &env) } }
            hardware = floats.withUnsafeBufferPointer { operands in
                rate(seconds: seconds) { hardwareLoop(.mul, operands, repetitions: $0) }
            }
        case .addTable, .addMitchell:
            soft = rate(seconds: seconds) { logLoop(format, codes, $0) { f, a, b, env in f.add(a, b, &env) } }
            hardware = floats.withUnsafeBufferPointer { operands in
                rate(seconds: seconds) { hardwareLoop(.add, operands, repetitions: $0) }
            }
        case .convert:
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
        }
        return LogOperationRate(operation: operation, soft: soft * perPass, hardware: hardware * perPass)
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
