import Testing
import SoftFloat

/// Round to odd in the 8-bit formats with their own arithmetic: every operand pair of
/// + − × ÷ gives the result its two directed roundings bracket, and when they differ the
/// neighbour whose code has its last bit set (an odd log code L for `lns8`, an odd integer
/// for INT8; zero's code is even in both).
@Suite("Round to odd in lns8 and INT8")
struct EightBitRoundToOddTests {
    static func check<F: EightBitFormat>(_ format: F) -> (checked: Int, inexact: Int, failures: [String]) {
        var checked = 0, inexact = 0
        var failures: [String] = []
        for operation in [ArithmeticOperation.add, .subtract, .multiply, .divide] {
            for a in 0...255 {
                for b in 0...255 {
                    let x = UInt8(a), y = UInt8(b)
                    var down = FloatEnvironment(rounding: .down), up = FloatEnvironment(rounding: .up)
                    var odd = FloatEnvironment(rounding: .odd)
                    let low = format.operate(operation, x, y, &down), high = format.operate(operation, x, y, &up)
                    let result = format.operate(operation, x, y, &odd)
                    checked += 1
                    if format.isNaN(low) || low == high {
                        if result != low && !(format.isNaN(low) && format.isNaN(result)) {
                            failures.append("\(format.name) \(operation) \(a) \(b): \(result), directed \(low)")
                        }
                        continue
                    }
                    inexact += 1
                    if !(result == low || result == high) || result & 1 != 1 || !odd.flags.contains(.inexact) {
                        failures.append("\(format.name) \(operation) \(a) \(b): \(result) {\(odd.flags)}, "
                                        + "between \(low) and \(high)")
                    }
                }
            }
        }
        return (checked, inexact, failures)
    }

    @Test func everyPairOfLns8() {
        for format in [LogFormat.lns8, LogFormat(fractionBits: 0), LogFormat(fractionBits: 2, addition: .mitchell)] {
            let (checked, inexact, failures) = Self.check(format)
            #expect(checked == 4 * 65_536)
            #expect(inexact > 10_000, "\(format.name): only \(inexact) inexact results")
            #expect(failures.isEmpty, "\(failures.count) failures, first: \(failures.prefix(3))")
        }
    }

    @Test func everyPairOfInt8() {
        for format in [LinearInt8Format.int8, LinearInt8Format(name: "int8s-s4")!] {
            let (checked, inexact, failures) = Self.check(format)
            #expect(checked == 4 * 65_536)
            #expect(inexact > 1_000, "\(format.name): only \(inexact) inexact results")
            #expect(failures.isEmpty, "\(failures.count) failures, first: \(failures.prefix(3))")
        }
    }

    @Test func belowTheLeastMagnitudeAndBeyondTheLargest() {
        let lns = LogFormat.lns8
        var env = FloatEnvironment(rounding: .odd)
        // Far below the least magnitude: the least one, never zero; far above: the largest.
        #expect(lns.fromDouble(1e-30, &env) == lns.code(negative: false, log: LogFormat.minLog))
        #expect(env.flags == [.underflow, .inexact])
        env.flags = []
        #expect(lns.fromDouble(-1e30, &env) == lns.maxFinite(negative: true))
        #expect(env.flags == [.overflow, .inexact])
        let int8 = LinearInt8Format.int8
        env.flags = []
        #expect(int8.fromDouble(0.25, &env) == 1)
        #expect(int8.fromDouble(2.5, &env) == 3 && int8.fromDouble(3.5, &env) == 3 && int8.fromDouble(4, &env) == 4)
    }
}
