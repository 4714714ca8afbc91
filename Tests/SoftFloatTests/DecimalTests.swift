import Foundation
import SoftFloat
import Testing

/// A random decimal text of 1...maxDigits significant digits whose value lies roughly
/// in 10^minPower ... 10^maxPower, written in one of several spellings.
func randomDecimalText(_ g: inout SplitMix64, maxDigits: Int = 40,
                       powers: ClosedRange<Int>) -> String {
    let count = Int.random(in: 1...maxDigits, using: &g)
    var digits = (0..<count).map { _ in String(Int.random(in: 0...9, using: &g)) }.joined()
    if digits.first == "0" { digits = "1" + digits.dropFirst() }
    let power = Int.random(in: powers, using: &g) - (count - 1)  // value = digits × 10^power
    switch g.next() % 3 {
    case 0:
        return digits + "e" + String(power)
    case 1:  // d.ddd E±x
        let scientific = power + count - 1
        let mantissa = count == 1 ? digits : digits.prefix(1) + "." + digits.dropFirst()
        return mantissa + "E" + (scientific >= 0 ? "+" : "") + String(scientific)
    default:  // positional when the zeros stay few, else with an exponent after a point
        if power >= 0 && power < 30 { return digits + String(repeating: "0", count: power) + ".0" }
        if power < 0 && -power < count { return digits.dropLast(-power) + "." + digits.suffix(-power) }
        if power < 0 && -power - count < 30 {
            return "0." + String(repeating: "0", count: -power - count) + digits
        }
        return "." + digits + "e" + String(power + count)
    }
}

@Suite("DecimalTests")
struct DecimalTests {
    // MARK: Parsing

    @Test("parses every spelling Double(_:) accepts, to the same value")
    func parsesSpellings() {
        let texts = ["-1.5e-3", "12", ".5", "5.", "+5", "1E+4", "1e400", "-1e400", "1e-400", "-0",
                     "0.0", "000123.4500", "inf", "-infinity", "INF", "Infinity", "0x1.8p3",
                     "-0X1P-1074", "0x.8", "0x10", "0xAbC.dEfp-7", "4.9406564584124654e-324",
                     "2.4703282292062328e-324", "1.7976931348623157e308", "1.7976931348623158e308",
                     "1e-99999999999", "1e99999999999", "0e99999999999"]
        for text in texts {
            var env = FloatEnvironment()
            let mine = FloatFormat.fp64.parseDecimal(text, &env)
            let expected = Double(text)
            #expect(mine == expected?.bitPattern, "\(text)")
            let mine32 = FloatFormat.fp32.parseDecimal(text, &env)
            #expect(mine32 == Float(text).map { UInt64($0.bitPattern) }, "\(text) as fp32")
        }
    }

    @Test("rejects malformed text")
    func rejectsMalformed() {
        let texts = ["", "+", "-", ".", "e5", "1e", "1e+", "1e-", "0x", "0x.p1", "0x1p", "1.2.3", " 1", "1 ",
                     "1_000", "1,5", "--1", "+-1", "infinit", "infinityy", "nan(", "nan(1", "0x1.8g",
                     "١", "1e5.0", "0b101", "abc", "1e٣"]
        for text in texts {
            var env = FloatEnvironment()
            #expect(FloatFormat.bf16.parseDecimal(text, &env) == nil, "\(text)")
            #expect(Double(text) == nil, "the standard library agrees that '\(text)' is malformed")
        }
    }

    @Test("NaNs: quiet, signaling, signed, with payload")
    func parsesNaNs() {
        var env = FloatEnvironment()
        let f = FloatFormat.fp32
        for text in ["nan", "-nan", "snan", "nan(0x12)", "nan(12)", "-nan(zz)", "nan()", "NaN"] {
            let bits = f.parseDecimal(text, &env)!
            #expect(f.isNaN(bits))
            #expect(bits == UInt64(Float(text)!.bitPattern), "\(text)")
        }
        // Float("-snan") drops the sign and Float rejects "snan(…)"; both are read here,
        // so that debugDescription's "-snan(0x5)" reads back.
        #expect(f.parseDecimal("-snan", &env) == UInt64(Float("snan")!.bitPattern) | f.signMask)
        #expect(f.parseDecimal("-snan(0x5)", &env) == 0xFF80_0005)
        #expect(f.parseDecimal("nan(0x7fffff)", &env) == 0x7FFF_FFFF, "the payload keeps what fits")
        #expect(env.flags.isEmpty)
        let e4m3 = FloatFormat.fp8E4M3
        #expect(e4m3.parseDecimal("snan", &env) == 0x7F)
        #expect(e4m3.parseDecimal("-inf", &env) == 0xFF, "no infinity in E4M3: NaN")
        var saturating = FloatEnvironment(saturates: true)
        #expect(e4m3.parseDecimal("-inf", &saturating) == 0xFE, "saturates at -448")
    }

    @Test("matches Float(String) and Double(String) on random texts of 1 to 40 digits")
    func matchesStandardLibraryOnRandomTexts() {
        var g = SplitMix64(seed: 11)
        for _ in 0..<20_000 {
            let text = randomDecimalText(&g, powers: -330...310)
            var env = FloatEnvironment()
            #expect(FloatFormat.fp64.parseDecimal(text, &env) == Double(text)!.bitPattern, "\(text)")
            let text32 = randomDecimalText(&g, powers: -48...40)
            #expect(FloatFormat.fp32.parseDecimal(text32, &env) == UInt64(Float(text32)!.bitPattern), "\(text32)")
            let negative = "-" + text32
            #expect(FloatFormat.fp32.parseDecimal(negative, &env) == UInt64(Float(negative)!.bitPattern))
        }
    }

    @Test("halfway cases and their nearest neighbours, up to 800 digits long")
    func halfwayCases() {
        var g = SplitMix64(seed: 12)
        var bitsOfDouble: [UInt64] = [1, 2, 3, 0x000F_FFFF_FFFF_FFFF, 0x0010_0000_0000_0000,
                                      0x3FF0_0000_0000_0000, 0x4340_0000_0000_0000, 0x7FEF_FFFF_FFFF_FFFE]
        for _ in 0..<300 { bitsOfDouble.append(g.next() % 0x7FEF_FFFF_FFFF_FFFF) }
        for bits in bitsOfDouble {
            let a = Double(bitPattern: bits), b = a.nextUp
            let mid = ExactDecimalValue.midpoint(ExactDecimalValue(exactly: a), ExactDecimalValue(exactly: b))
            for value in [mid, mid.nudged(up: true, extra: 1), mid.nudged(up: false, extra: 1),
                          mid.nudged(up: true, extra: 900), mid.nudged(up: false, extra: 900)] {
                var env = FloatEnvironment()
                let text = value.description
                #expect(FloatFormat.fp64.parseDecimal(text, &env) == Double(text)!.bitPattern, "\(text)")
            }
        }
        var bitsOfFloat: [UInt32] = [1, 0x007F_FFFF, 0x0080_0000, 0x3F80_0000, 0x7F7F_FFFE]
        for _ in 0..<1_000 { bitsOfFloat.append(UInt32(truncatingIfNeeded: g.next()) % 0x7F7F_FFFF) }
        for bits in bitsOfFloat {
            let a = Float(bitPattern: bits), b = a.nextUp
            let mid = ExactDecimalValue(exactly: (Double(a) + Double(b)) / 2)  // exact in binary64
            for value in [mid, mid.nudged(up: true, extra: 3), mid.nudged(up: false, extra: 3)] {
                var env = FloatEnvironment()
                let text = value.description
                #expect(FloatFormat.fp32.parseDecimal(text, &env) == UInt64(Float(text)!.bitPattern), "\(text)")
                #expect(env.flags == .inexact || (env.flags == [.inexact, .underflow] && bits < 0x0080_0000))
            }
        }
    }

    @Test("narrow formats in every rounding mode agree with an exact decimal oracle",
          arguments: [FloatFormat.bf16, .fp16, .tf32, .fp8E5M2, .fp8E4M3, FloatFormat(exponentBitCount: 6, fractionBitCount: 9)])
    func narrowFormatsAgreeWithOracle(format: FloatFormat) {
        var g = SplitMix64(seed: 13)
        let maxPower = Int(log10(format.toDouble(format.maxFiniteMagnitude)))
        let minPower = Int(log10(format.toDouble(format.leastNonzeroMagnitude))) - 2
        var values: [ExactDecimalValue] = []
        for _ in 0..<1_500 {
            values.append(ExactDecimalValue(randomDecimalText(&g, powers: minPower...maxPower))!)
        }
        // Midpoints of random neighbours, and a hair either side of them.
        for _ in 0..<300 {
            let x = g.next() % format.maxFiniteMagnitude
            var env = FloatEnvironment()
            let mid = ExactDecimalValue.midpoint(ExactDecimalValue(exactly: format.toDouble(x)),
                                                 ExactDecimalValue(exactly: format.toDouble(format.nextUp(x, &env))))
            values += [mid, mid.nudged(up: true, extra: 20), mid.nudged(up: false, extra: 20)]
        }
        for value in values {
            guard let neighbours = DecimalNeighbours(value, format: format) else { continue }
            for mode in [RoundingMode.nearestEven, .nearestAway, .towardZero, .up, .down] {
                let expected = neighbours.rounded(mode)!
                var env = FloatEnvironment(rounding: mode)
                let bits = format.parseDecimal(value.description, &env)
                #expect(bits == expected.bits, "\(value) in \(format) rounding \(mode)")
                #expect(env.flags.contains(.inexact) == expected.inexact, "\(value) in \(format) rounding \(mode)")
            }
            var env = FloatEnvironment()
            let positive = format.parseDecimal(value.description, &env)!
            #expect(format.parseDecimal("-" + value.description, &env) == format.negate(positive))
        }
    }

    @Test("overflow, underflow and their options")
    func overflowAndUnderflow() {
        let cases: [(FloatFormat, String, RoundingMode, UInt64, ExceptionFlags)] = [
            (.fp64, "1e400", .nearestEven, 0x7FF0_0000_0000_0000, [.overflow, .inexact]),
            (.fp64, "-1e400", .towardZero, 0xFFEF_FFFF_FFFF_FFFF, [.overflow, .inexact]),
            (.fp64, "1e-400", .nearestEven, 0, [.underflow, .inexact]),
            (.fp64, "1e-400", .up, 1, [.underflow, .inexact]),
            (.fp64, "-1e-400", .down, 0x8000_0000_0000_0001, [.underflow, .inexact]),
            (.fp16, "65520", .nearestEven, 0x7C00, [.overflow, .inexact]),
            (.fp16, "65519.999", .nearestEven, 0x7BFF, [.inexact]),
            (.fp16, "65504", .nearestEven, 0x7BFF, []),
            (.fp16, "5.960464477539063e-8", .nearestEven, 1, [.underflow, .inexact]),
            (.fp16, "0x1p-24", .nearestEven, 1, []),
            (.fp16, "0x1p-25", .nearestEven, 0, [.underflow, .inexact]),
            (.bf16, "3.4e38", .nearestEven, 0x7F80, [.overflow, .inexact]),
            (.fp8E4M3, "464", .nearestEven, 0x7E, [.inexact]),
            (.fp8E4M3, "465", .nearestEven, 0x7F, [.overflow, .inexact]),
        ]
        for (format, text, mode, expected, flags) in cases {
            var env = FloatEnvironment(rounding: mode)
            #expect(format.parseDecimal(text, &env) == expected, "\(text) in \(format)")
            #expect(env.flags == flags, "\(text) in \(format)")
        }
        var saturating = FloatEnvironment(saturates: true)
        #expect(FloatFormat.fp16.parseDecimal("1e9", &saturating) == 0x7BFF)
        var flushing = FloatEnvironment(subnormals: false)
        #expect(FloatFormat.fp16.parseDecimal("1e-6", &flushing) == 0)
        #expect(flushing.flags == [.underflow, .inexact])
        var stochastic = FloatEnvironment(rounding: .stochastic, seed: 1)
        var ups = 0
        for _ in 0..<1_000 {
            defer { stochastic.random.advance() }  // the next index of the counter-based bits
            if FloatFormat.bf16.parseDecimal("1.001953125", &stochastic) == 0x3F81 {
                ups += 1  // a quarter of the way from 1 to 1.0078125
            }
        }
        #expect((150...350).contains(ups), "stochastic rounding goes up about a quarter of the time")
    }

    @Test("hexadecimal text reads back what printf's %a writes")
    func hexadecimalRoundTrip() {
        var g = SplitMix64(seed: 14)
        for _ in 0..<5_000 {
            let d = Double(bitPattern: g.next())
            guard d.isFinite else { continue }
            var env = FloatEnvironment()
            #expect(FloatFormat.fp64.parseDecimal(String(format: "%a", d), &env) == d.bitPattern)
            let f = Float(bitPattern: UInt32(truncatingIfNeeded: g.next()))
            guard f.isFinite else { continue }
            #expect(FloatFormat.fp32.parseDecimal(String(format: "%a", Double(f)), &env) == UInt64(f.bitPattern))
        }
    }

    // MARK: Exact decimal expansion

    @Test("exactDecimal agrees with printf's exact expansion of binary64")
    func exactDecimalMatchesPrintf() {
        var g = SplitMix64(seed: 15)
        var samples: [UInt64] = [1, 0x7FEF_FFFF_FFFF_FFFF, 0x3FB9_9999_9999_999A, 0x8000_0000_0000_0001,
                                 0x0010_0000_0000_0000, 0x4340_0000_0000_0001]
        for _ in 0..<3_000 { samples.append(g.next()) }
        for bits in samples {
            let d = Double(bitPattern: bits)
            guard d.isFinite, d != 0 else { continue }
            let expected = ExactDecimalValue(exactly: d)
            let mine = FloatFormat.fp64.exactDecimal(bits)
            #expect(ExactDecimalValue(mine) == expected, "\(d)")
            #expect(!mine.contains("e") && !mine.hasSuffix(".") && !(mine.contains(".") && mine.hasSuffix("0")))
        }
        for bits in UInt64(0)...0xFFFF {  // every binary16 value, through its exact binary64 value
            let f = FloatFormat.fp16
            guard f.isFinite(bits), !f.isZero(bits) else { continue }
            #expect(ExactDecimalValue(f.exactDecimal(bits)) == ExactDecimalValue(exactly: f.toDouble(bits)))
        }
        let f = FloatFormat.bf16
        #expect(f.exactDecimal(0x3DCD) == "0.10009765625")
        #expect(f.exactDecimal(0x4780) == "65536")
        #expect(f.exactDecimal(0x8000) == "-0")
        #expect(f.exactDecimal(0xFF80) == "-inf")
        #expect(f.exactDecimal(0x7FC0) == "nan")
    }

    // MARK: Shortest description

    @Test("shortestDescription equals Float's and Double's description")
    func shortestMatchesStandardLibrary() {
        var g = SplitMix64(seed: 16)
        var doubles: [Double] = [0, -0.0, 1, 0.1, 1e-5, 1e-4, 1e15, 1e16, 1e17, 0x1p53, 0x1p53 + 2, 0x1p54,
                                 .leastNonzeroMagnitude, .leastNormalMagnitude, .greatestFiniteMagnitude,
                                 .infinity, -.infinity, .nan, 9.999999999999999e22, 1e23]
        for _ in 0..<20_000 { doubles.append(Double(bitPattern: g.next())) }
        for p in -330...310 { doubles.append(Double("1e\(p)")!); doubles.append(Double("9.5e\(p)")!) }
        for d in doubles {
            #expect(FloatFormat.fp64.shortestDescription(d.bitPattern) == d.description, "\(d.bitPattern)")
        }
        var floats: [Float] = [0, 1, 0.1, 1e-5, 0x1p24, 0x1p24 + 2, 0x1p25, .leastNonzeroMagnitude,
                               .leastNormalMagnitude, .greatestFiniteMagnitude, .nan, -.infinity]
        for _ in 0..<50_000 { floats.append(Float(bitPattern: UInt32(truncatingIfNeeded: g.next()))) }
        for x in floats {
            #expect(FloatFormat.fp32.shortestDescription(UInt64(x.bitPattern)) == x.description, "\(x.bitPattern)")
        }
    }

    @Test("every value of the 8- and 16-bit formats reads back from its description, which is shortest",
          arguments: [FloatFormat.bf16, .fp16, .fp8E5M2, .fp8E4M3, FloatFormat(exponentBitCount: 2, fractionBitCount: 5)])
    func shortestRoundTripsExhaustively(format: FloatFormat) {
        for bits in UInt64(0)..<(1 << UInt64(format.bitWidth)) {
            let text = format.shortestDescription(bits)
            var env = FloatEnvironment()
            let back = format.parseDecimal(text, &env)
            if format.isNaN(bits) {
                #expect(text == "nan")
                continue
            }
            #expect(back == bits, "\(text) in \(format)")
            guard format.isFinite(bits), !format.isZero(bits), !text.contains("e") else { continue }
            // Positional text of fewer than 2^(p-1): no shorter digit string reads back.
            guard format.toDouble(bits).magnitude < format.toDouble(UInt64(format.bias + format.fractionBitCount) << UInt64(format.fractionBitCount)) else { continue }
            var significant = Substring(text.filter(\.isNumber).drop { $0 == "0" })
            while significant.last == "0" { significant = significant.dropLast() }
            guard significant.count > 1 else { continue }
            // The nearest decimals of one digit fewer, and their neighbours in the last place.
            let magnitude = bits & format.magnitudeMask
            let shorter = String(format: "%.\(significant.count - 2)e", format.toDouble(magnitude))
            let parts = shorter.split(separator: "e")
            let mantissa = Int(parts[0].filter(\.isNumber))!
            let power = Int(parts[1])! - (significant.count - 2)
            for m in [mantissa - 1, mantissa, mantissa + 1] where m > 0 {
                #expect(format.parseDecimal("\(m)e\(power)", &env) != magnitude,
                        "\(m)e\(power) is shorter than \(text) and reads back as it in \(format)")
            }
        }
    }

    @Test("tf32 and a wide custom format round-trip on random values")
    func shortestRoundTripsRandomly() {
        var g = SplitMix64(seed: 17)
        for format in [FloatFormat.tf32, FloatFormat(exponentBitCount: 11, fractionBitCount: 40), FloatFormat(exponentBitCount: 3, fractionBitCount: 52)] {
            for _ in 0..<5_000 {
                let bits = g.next() & (format.signMask | format.magnitudeMask)
                guard !format.isNaN(bits) else { continue }
                var env = FloatEnvironment()
                #expect(format.parseDecimal(format.shortestDescription(bits), &env) == bits, "\(bits) in \(format)")
            }
        }
    }
}
