import Foundation
import Testing
@testable import SoftFloat

/// The log-domain code nearest to a magnitude computed independently in the linear domain.
private func referenceUnits(_ value: Double, _ format: LogFormat) -> Double {
    Foundation.log2(value.magnitude) * format.scale
}

@Suite("LogFormat (lns8)")
struct LogFormatTests {
    static let formats = (0...6).map { LogFormat(fractionBits: $0) }

    @Test("every code decodes and re-encodes to itself", arguments: formats)
    func roundTrip(format: LogFormat) {
        for code in format.orderedCodes {
            var env = FloatEnvironment()
            #expect(format.fromDouble(format.toDouble(code), &env) == code)
            #expect(env.flags.subtracting(.inexact).isEmpty)
        }
    }

    @Test("codes are ordered by value", arguments: formats)
    func ordering(format: LogFormat) {
        let codes = format.orderedCodes
        #expect(codes.count == 255)
        for (a, b) in zip(codes, codes.dropFirst()) {
            #expect(format.toDouble(a) < format.toDouble(b))
            #expect(format.isLess(a, b) && !format.isLess(b, a))
        }
    }

    @Test("multiplication and division are exact where they do not saturate or underflow",
          arguments: formats)
    func exactProducts(format: LogFormat) {
        for a in format.orderedCodes where !format.isZero(a) {
            for b in format.orderedCodes where !format.isZero(b) {
                var env = FloatEnvironment()
                let p = format.multiply(a, b, &env)
                let sum = format.logCode(a) + format.logCode(b)
                if (LogFormat.minLog...LogFormat.maxLog).contains(sum) {
                    #expect(env.flags.isEmpty)
                    #expect(format.logCode(p) == sum)
                    #expect(format.isNegative(p) == (format.isNegative(a) != format.isNegative(b)))
                } else {
                    #expect(env.flags.contains(sum > 0 ? .overflow : .underflow))
                }
                env = FloatEnvironment()
                let q = format.divide(a, b, &env)
                let difference = format.logCode(a) - format.logCode(b)
                if (LogFormat.minLog...LogFormat.maxLog).contains(difference) {
                    #expect(env.flags.isEmpty && format.logCode(q) == difference)
                }
            }
        }
    }

    @Test("table addition is correctly rounded in the log domain (all 65,536 pairs)", arguments: formats)
    func tableAdditionIsCorrectlyRounded(format: LogFormat) {
        var checked = 0
        for a in format.orderedCodes {
            for b in format.orderedCodes {
                let exact = format.toDouble(a) + format.toDouble(b)
                var env = FloatEnvironment()
                let sum = format.add(a, b, &env)
                if exact == 0 { #expect(format.isZero(sum)); continue }
                let units = referenceUnits(exact, format)
                // Skip decisions closer to a rounding boundary than Double can tell.
                let fraction = units - units.rounded(.down)
                if abs(fraction - 0.5) < 1e-9 { continue }
                if units > Double(LogFormat.maxLog) + 0.5 {
                    #expect(sum == format.maxFinite(negative: exact < 0)); continue
                }
                if units < Double(LogFormat.minLog) - 0.5 { continue }  // underflow region
                #expect(format.logCode(sum) == Int(units.rounded()), "\(a) + \(b)")
                #expect(format.isNegative(sum) == (exact < 0))
                checked += 1
            }
        }
        #expect(checked > 20_000)
    }

    @Test("Mitchell addition: like signs within the analytic bound, unlike signs measured",
          arguments: formats)
    func mitchellBound(format: LogFormat) {
        let mitchell = LogFormat(fractionBits: format.fractionBits, addition: .mitchell)
        // Mitchell's 2^t and log2(1+y) each err by at most 0.0861 in log2: two of them,
        // plus half a unit for the final rounding.
        let bound = 0.5 + 2 * 0.0861 * format.scale + 1e-9
        var worstSum = 0.0, worstDifference = 0.0
        for a in format.orderedCodes where !format.isZero(a) {
            for b in format.orderedCodes where !format.isZero(b) {
                let exact = format.toDouble(a) + format.toDouble(b)
                if exact == 0 { continue }
                let units = referenceUnits(exact, format)
                guard (Double(LogFormat.minLog)...Double(LogFormat.maxLog)).contains(units) else { continue }
                var env = FloatEnvironment()
                let sum = mitchell.add(a, b, &env)
                guard !mitchell.isZero(sum) else { continue }
                let error = abs(Double(mitchell.logCode(sum)) - units)
                #expect(mitchell.isNegative(sum) == (exact < 0))
                if format.isNegative(a) == format.isNegative(b) {
                    worstSum = max(worstSum, error)
                } else {
                    worstDifference = max(worstDifference, error)
                    // Cancellation amplifies the approximation, but never past the larger operand.
                    #expect(abs(mitchell.toDouble(sum)) <= max(abs(format.toDouble(a)), abs(format.toDouble(b))))
                }
            }
        }
        #expect(worstSum <= bound)
        #expect(worstSum > 0.5)  // it is an approximation: some sums differ from the table's
        #expect(worstDifference >= worstSum)
    }

    @Test("x − x is exactly zero; x + 0 is x")
    func identities() {
        let format = LogFormat.lns8
        for x in format.orderedCodes {
            var env = FloatEnvironment()
            #expect(format.isZero(format.subtract(x, x, &env)))
            #expect(format.add(x, LogFormat.zero, &env) == x)
        }
    }

    @Test("saturation, division by zero and invalid operations")
    func specialCases() {
        let format = LogFormat.lns8
        var env = FloatEnvironment()
        let big = format.maxFinite(negative: false)
        #expect(format.multiply(big, big, &env) == big)
        #expect(env.flags.contains(.overflow))
        env = FloatEnvironment()
        #expect(format.divide(big, LogFormat.zero, &env) == big)
        #expect(env.flags == [.divideByZero])
        env = FloatEnvironment()
        #expect(format.isNaN(format.divide(LogFormat.zero, LogFormat.zero, &env)))
        #expect(env.flags == [.invalid])
        env = FloatEnvironment()
        #expect(format.isNaN(format.log(format.negate(format.fromDouble(2, &env)), &env)))
        #expect(env.flags.contains(.invalid))
        #expect(format.fromDouble(.infinity, &env) == big)
    }

    @Test("exp and log round correctly in the log domain", arguments: formats)
    func expLog(format: LogFormat) {
        for x in format.orderedCodes {
            var env = FloatEnvironment()
            let e = format.exp(x, &env)
            let power = Foundation.exp(format.toDouble(x))
            let units = power > 0 && power.isFinite ? Foundation.log2(power) * format.scale
                : (power == 0 ? -.infinity : .infinity)
            let target = units.rounded()
            if target > Double(LogFormat.maxLog) {
                #expect(e == format.maxFinite(negative: false))
            } else if target >= Double(LogFormat.minLog), abs(units - units.rounded(.down) - 0.5) > 1e-9 {
                #expect(format.logCode(e) == Int(target))
            }
            guard !format.isZero(x), !format.isNegative(x) else { continue }
            let l = format.log(x, &env)
            let y = Foundation.log(format.toDouble(x))
            if format.logCode(x) == 0 { #expect(format.isZero(l)); continue }
            let lu = Foundation.log2(abs(y)) * format.scale
            if lu >= Double(LogFormat.minLog), abs(lu - lu.rounded(.down) - 0.5) > 1e-9 {
                #expect(format.logCode(l) == Int(lu.rounded()))
                #expect(format.isNegative(l) == (y < 0))
            }
        }
    }

    @Test("stochastic rounding picks a neighbour, in proportion, reproducibly")
    func stochastic() {
        let format = LogFormat.lns8
        let x = 0.3  // between codes −7 (0.2973) and −6 (0.3536) for F = 2
        var env = FloatEnvironment(rounding: .stochastic, seed: 42)
        var up = 0
        let n = 20_000
        var sequence: [UInt8] = []
        for _ in 0..<n {
            // Each rounding takes the next index of the counter-based bits.
            defer { env.random.advance() }
            let c = format.fromDouble(x, &env)
            sequence.append(c)
            let l = format.logCode(c)
            #expect(l == -7 || l == -6)
            if l == -6 { up += 1 }
        }
        let units = Foundation.log2(x) * 4
        let p = units - units.rounded(.down)
        #expect(abs(Double(up) / Double(n) - p) < 4 * (p * (1 - p) / Double(n)).squareRoot())
        var again = FloatEnvironment(rounding: .stochastic, seed: 42)
        #expect(sequence == (0..<n).map { _ in
            defer { again.random.advance() }
            return format.fromDouble(x, &again)
        })
    }

    @Test("names parse and print")
    func names() {
        #expect(LogFormat(name: "lns8") == LogFormat.lns8)
        #expect(LogFormat(name: "lns8-f3")?.fractionBits == 3)
        #expect(LogFormat(name: "lns8-f3-mitchell")?.addition == .mitchell)
        #expect(LogFormat(name: "lns8-f7") == nil)
        #expect(LogFormat(name: "lns16") == nil)
        #expect(LogFormat(fractionBits: 5).name == "lns8-f5")
    }
}
