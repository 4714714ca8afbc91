import Foundation
import Testing
@testable import SoftFloat

// The reference, and `ElementaryChecks.check` which compares every mode against it, are
// in ElementaryReference.swift.

extension ElementaryFunction: CustomTestStringConvertible {
    var testDescription: String { rawValue }
}

@Suite("Elementary functions: correctly rounded exp and log")
struct ElementaryFunctionTests {
    /// Every 8-bit width, with and without infinities (fp8-e4m3 is e4m3 without).
    static let eightBitFormats: [FloatFormat] = (2...6).map {
        FloatFormat(exponentBitCount: $0, fractionBitCount: 7 - $0)
    } + (2...5).map { FloatFormat(exponentBitCount: $0, fractionBitCount: 7 - $0, hasInfinity: false) }

    /// Every IEEE-style 16-bit width (fp16 is e5m10, bf16 e8m7); the E4M3-style variants
    /// with PRECISION_LAB_EXHAUSTIVE=1.
    static let sixteenBitFormats: [FloatFormat] = (2...11).map {
        FloatFormat(exponentBitCount: $0, fractionBitCount: 15 - $0)
    } + (ElementaryChecks.exhaustive ? (3...6).map {
        FloatFormat(exponentBitCount: $0, fractionBitCount: 15 - $0, hasInfinity: false)
    } : [])

    @Test("exact and special cases", arguments: FloatFormat.named + [FloatFormat(exponentBitCount: 2, fractionBitCount: 3)])
    func specialCases(format: FloatFormat) {
        for mode in RoundingMode.allCases {
            var env = FloatEnvironment(rounding: mode)
            let negativeZero = format.zero(negative: true)
            #expect(format.exp(0, &env) == format.one)
            #expect(format.exp(negativeZero, &env) == format.one)
            #expect(format.log(format.one, &env) == 0)
            #expect(env.flags.isEmpty, "exact cases raise nothing (\(mode))")

            env = FloatEnvironment(rounding: mode)
            #expect(format.log(0, &env) == format.infinity(negative: true))
            #expect(format.log(negativeZero, &env) == format.infinity(negative: true))
            #expect(env.flags == .divideByZero)

            env = FloatEnvironment(rounding: mode)
            let invalid = format.log(format.negate(format.one), &env)
            // Without NaNs (FP6, FP4) an invalid operation gives +0.
            #expect(format.encoding.hasNaN ? format.isNaN(invalid) : invalid == 0)
            #expect(env.flags == .invalid)

            if format.encoding.hasNaN {
                env = FloatEnvironment(rounding: mode)
                #expect(format.isNaN(format.exp(format.defaultNaN, &env)))
                #expect(format.isNaN(format.log(format.defaultNaN, &env)))
                #expect(env.flags.isEmpty)
            }

            if format.hasInfinity {
                env = FloatEnvironment(rounding: mode)
                #expect(format.exp(format.infinity, &env) == format.infinity)
                #expect(format.exp(format.infinity(negative: true), &env) == 0)
                #expect(format.log(format.infinity, &env) == format.infinity)
                #expect(env.flags.isEmpty)
                if format.encoding.hasIEEENaNs {
                    let signaling = format.infinity | 1
                    #expect(format.isNaN(format.exp(signaling, &env)))
                    #expect(env.flags == .invalid)
                }
            }
        }
    }

    @Test("the logarithm of a power of two other than 1 is inexact", arguments: [FloatFormat.fp16, .fp32, .fp64])
    func powersOfTwo(format: FloatFormat) {
        for k in [-3, -1, 1, 2, 10] {
            var env = FloatEnvironment()
            let x = format.fromDouble(Foundation.pow(2.0, Double(k)))
            let r = format.log(x, &env)
            #expect(env.flags == .inexact)
            let exact = Double(k) * 0.6931471805599453
            #expect((format.toDouble(r) - exact).magnitude <= exact.magnitude * Foundation.pow(2.0, Double(-format.fractionBitCount)))
        }
    }

    @Test("subnormal arguments read as zero when subnormals are off")
    func flushedArguments() {
        let format = FloatFormat.fp16
        var env = FloatEnvironment(subnormals: false)
        #expect(format.exp(1, &env) == format.one)
        #expect(format.exp(format.signMask | 1, &env) == format.one)
        #expect(env.flags.isEmpty)
        #expect(format.log(3, &env) == format.infinity(negative: true))
        #expect(env.flags == .divideByZero)
    }

    @Test("saturation keeps overflow finite")
    func saturation() {
        for format in [FloatFormat.fp16, .fp8E4M3] {
            var env = FloatEnvironment(saturates: true)
            let r = format.exp(format.fromDouble(100), &env)
            #expect(r == format.maxFiniteMagnitude)
            #expect(env.flags == [.overflow, .inexact])
        }
        var env = FloatEnvironment()
        #expect(FloatFormat.fp8E4M3.exp(FloatFormat.fp8E4M3.fromDouble(100), &env) == FloatFormat.fp8E4M3.infinity)
    }

    @Test("exhaustive: every 8-bit format, every argument, every mode",
          arguments: Self.eightBitFormats, ElementaryFunction.allCases)
    func everyEightBitValue(format: FloatFormat, function: ElementaryFunction) {
        let failures = ElementaryChecks.checkAll(function, format, ElementaryChecks.arguments(function, format))
        #expect(failures.isEmpty, "\(failures.prefix(10))")
    }

    /// The formats with encodings and biases of their own: ml_dtypes' types and P3109's.
    static let encodedFormats: [FloatFormat] = [.float8E4M3, .float8E3M4, .fp8E4M3FNUZ, .fp8E5M2FNUZ,
                                                .fp8E4M3B11FNUZ, .fp6E2M3, .fp6E3M2, .fp4E2M1]
        + (1...7).map { FloatFormat.binary8(precision: $0) }

    @Test("exhaustive: every fnuz, FP6, FP4 and P3109 format, every argument, every mode",
          arguments: Self.encodedFormats, ElementaryFunction.allCases)
    func everyEncodedValue(format: FloatFormat, function: ElementaryFunction) {
        let arguments = ElementaryChecks.arguments(function, format)
        #expect(arguments.count >= (function == .exp ? 12 : 4))
        let failures = ElementaryChecks.checkAll(function, format, arguments)
        #expect(failures.isEmpty, "\(failures.prefix(10))")
    }

    @Test("exhaustive: every 16-bit format, every argument, every mode",
          arguments: Self.sixteenBitFormats, ElementaryFunction.allCases)
    func everySixteenBitValue(format: FloatFormat, function: ElementaryFunction) {
        let failures = ElementaryChecks.checkAll(function, format, ElementaryChecks.arguments(function, format))
        #expect(failures.isEmpty, "\(failures.prefix(10))")
    }

    @Test("fp32: 10^7 random arguments per function", arguments: ElementaryFunction.allCases)
    func fp32Random(function: ElementaryFunction) {
        let format = FloatFormat.fp32
        let count = ElementaryChecks.exhaustive ? 100_000_000 : 10_000_000
        let failures = ElementaryChecks.inParallel(count, chunks: 256) { range in
            var random = SplitMix64(seed: UInt64(range.lowerBound) &+ (function == .exp ? 0 : 1 << 40))
            var failures: [String] = []
            for i in range where failures.count < 10 {
                let bits = random.next()
                var x: UInt64
                if function == .log {
                    x = bits & 0x7FFF_FFFF
                    if !format.isFinite(x) || x == 0 || x == format.one { continue }
                } else if i % 4 == 0 {
                    x = bits & 0xFFFF_FFFF  // any pattern
                    if !format.isFinite(x) || format.isZero(x) { continue }
                } else {
                    // the interesting range, [-110, 95]
                    x = format.fromDouble(Double(bits >> 11) * 0x1p-53 * 205 - 110)
                    if format.isZero(x) { continue }
                }
                failures += ElementaryChecks.check(function, format, x)
            }
            return failures
        }
        #expect(failures.isEmpty, "\(failures.prefix(10))")
    }

    /// Points near which exp changes class in some mode: ln of the largest finite value and
    /// of the overflow boundaries, of the least normal, of the least subnormal and its half.
    static func thresholdNeighbourhoods(_ format: FloatFormat, ulps: Int) -> [UInt64] {
        let maxValue = format.toDouble(format.maxFiniteMagnitude)
        let points = [Foundation.log(maxValue), Double(format.maxExponent + 1) * M_LN2,
                      Double(format.minExponent) * M_LN2,
                      Double(format.minExponent - format.fractionBitCount) * M_LN2,
                      Double(format.minExponent - format.fractionBitCount - 1) * M_LN2]
        var xs: Set<UInt64> = []
        for point in points {
            let center = format.fromDouble(point)
            var x = center, y = center
            var env = FloatEnvironment()
            for _ in 0...ulps {
                xs.insert(x); xs.insert(y)
                x = format.nextUp(x, &env); y = format.nextDown(y, &env)
            }
        }
        return xs.filter { format.isFinite($0) && !format.isZero($0) }.sorted()
    }

    @Test("fp32 and fp64: every argument within 1000 ulps of each threshold", arguments: [FloatFormat.fp32, .fp64])
    func thresholds(format: FloatFormat) {
        let xs = Self.thresholdNeighbourhoods(format, ulps: 1000)
        #expect(xs.count > 8000)
        let failures = ElementaryChecks.checkAll(.exp, format, xs)
        #expect(failures.isEmpty, "\(failures.prefix(10))")
        // and the logarithms of the results' neighbourhood boundaries
        let logs = ElementaryChecks.checkAll(.log, format, xs.filter { !format.isNegative($0) && $0 != format.one })
        #expect(logs.isEmpty, "\(logs.prefix(10))")
    }

    @Test("fp64: random arguments", arguments: ElementaryFunction.allCases)
    func fp64Random(function: ElementaryFunction) {
        let format = FloatFormat.fp64
        let count = ElementaryChecks.exhaustive ? 2_000_000 : 100_000
        let failures = ElementaryChecks.inParallel(count) { range in
            var random = SplitMix64(seed: UInt64(range.lowerBound) &+ 77)
            var failures: [String] = []
            for i in range where failures.count < 10 {
                let bits = random.next()
                var x: UInt64
                if function == .log {
                    x = bits >> 1
                    if i % 4 == 0 { x = Double(1 + Double(bits >> 11) * 0x1p-53 * 0x1p-20).bitPattern }
                    if i % 4 == 1 { x = Double(1 - Double(bits >> 11) * 0x1p-53 * 0x1p-20).bitPattern }
                    if !format.isFinite(x) || x == 0 || x == format.one { continue }
                } else if i % 4 == 0 {
                    x = bits
                    if !format.isFinite(x) || format.isZero(x) { continue }
                } else {
                    x = (Double(bits >> 11) * 0x1p-53 * 1500 - 750).bitPattern
                    if i % 4 == 1 { x = (Double(bits >> 11) * 0x1p-53 * 0x1p-30).bitPattern }
                }
                failures += ElementaryChecks.check(function, format, x)
            }
            return failures
        }
        #expect(failures.isEmpty, "\(failures.prefix(10))")
    }

    @Test("formats wider than the Double path take the multi-word path",
          arguments: [FloatFormat(exponentBitCount: 8, fractionBitCount: 30),
                      FloatFormat(exponentBitCount: 11, fractionBitCount: 24),
                      FloatFormat(exponentBitCount: 11, fractionBitCount: 10)])
    func customFormats(format: FloatFormat) {
        let failures = ElementaryChecks.inParallel(20_000) { range in
            var random = SplitMix64(seed: UInt64(range.lowerBound) &+ 5)
            var failures: [String] = []
            for _ in range where failures.count < 10 {
                let x = random.next() & (format.signMask | format.magnitudeMask)
                guard format.isFinite(x), !format.isZero(x) else { continue }
                failures += ElementaryChecks.check(.exp, format, x)
                let y = format.magnitude(x)
                if y != format.one { failures += ElementaryChecks.check(.log, format, y) }
            }
            return failures
        }
        #expect(failures.isEmpty, "\(failures.prefix(10))")
    }

    @Test("the Double path and the multi-word path agree on every fp16 and bf16 value")
    func bothPathsAgree() {
        for format in [FloatFormat.fp16, .bf16] {
            let failures = ElementaryChecks.inParallel(1 << 16) { range in
                var failures: [String] = []
                for x in range.map(UInt64.init) where format.isFinite(x) && !format.isZero(x) {
                    let u = format.unpack(x)
                    guard u.exponent >= -64, format.toDouble(x).magnitude < 700 else { continue }
                    for mode in [RoundingMode.nearestEven, .up, .stochastic] {
                        var a = FloatEnvironment(rounding: mode, seed: x)
                        var b = a
                        if format.exp(x, &a) != format.expWide(u, &b) || a.flags != b.flags {
                            failures.append("\(format) exp 0x\(String(x, radix: 16)) \(mode)")
                        }
                        if !format.isNegative(x) && x != format.one {
                            var c = FloatEnvironment(rounding: mode, seed: x)
                            var d = c
                            if format.log(x, &c) != format.logWide(u, &d) || c.flags != d.flags {
                                failures.append("\(format) log 0x\(String(x, radix: 16)) \(mode)")
                            }
                        }
                    }
                }
                return failures
            }
            #expect(failures.isEmpty, "\(failures.prefix(10))")
        }
    }

    @Test("the rounding test refuses an interval that straddles a rounding boundary")
    func bracketRefusesStraddles() {
        let format = FloatFormat.fp16
        var env = FloatEnvironment()
        // [1 + 2^-11 − 2^-40, 1 + 2^-11 + 2^-40] contains the midpoint between 1 and its successor.
        let mid: UInt64 = 1 << 62 | 1 << 51
        #expect(format.roundPack(negative: false, between: (0, mid - (1 << 22)), and: (0, mid + (1 << 22)), &env) == nil)
        #expect(env.flags.isEmpty)
        #expect(format.roundPack(negative: false, between: (0, mid + 1), and: (0, mid + (1 << 22)), &env) == format.one + 1)
        // Stochastic: the same draw decides both ends only when they are close enough.
        var stochastic = FloatEnvironment(rounding: .stochastic, seed: 3)
        let wide = format.roundPack(negative: false, between: (0, 1 << 62 | 1), and: (0, 1 << 62 | (1 << 52) - 1), &stochastic)
        #expect(wide == nil)
    }
}

@Suite("ln 2 and the multi-word kernels")
struct ElementaryKernelTests {
    @Test("ln 2 agrees with the published digits at every precision up to 192 bits")
    func ln2() {
        for words in 1...3 {
            let ball = ElementaryKernel.ln2(fractionWords: words)
            // The published digits truncated to the same number of words (within 1.2 ulps).
            var digits = [UInt64](repeating: 0, count: words + 1)
            for i in 0...words { digits[i] = referenceLn2.bits(from: ReferenceFixed.fractionBits - 64 * (words - i)) }
            let difference = ball - WideFixedPoint(negative: false, words: digits, error: 0)
            #expect(difference.words.dropFirst().allSatisfy { $0 == 0 })
            #expect(Double(difference.words[0]) <= ball.error + 3, "words \(words)")
        }
    }

    @Test("the kernels give e and ln 3 to 30 digits")
    func eAndLn3() {
        // e = 2.718281828459045235360287471352662…, OEIS A001113
        let (k, m) = ElementaryKernel.exp(WideFixedPoint(1, fractionWords: 2))
        #expect(k == 1)
        #expect(m.multiplied(by: 2).decimal(significantDigits: 30) == "2.71828182845904523536028747135")
        // ln 3 = 1.098612288668109691395245236922525…, OEIS A002391
        let l = ElementaryKernel.log(mantissa: 3, exponent: 0, fractionWords: 2)
        #expect(l.decimal(significantDigits: 30) == "1.09861228866810969139524523692")
    }

    @Test("exact logarithms: correctly rounded digits and exact comparisons")
    func exactLogarithms() {
        // ln(3/2) = 0.405465108108164381978013115464349136571990423462494…, OEIS A016578
        let l = ExactLogarithm(mantissa: 3, exponent: -1)
        #expect(l.decimal(significantDigits: 30) == "0.405465108108164381978013115464")
        #expect(l.decimal(significantDigits: 3) == "0.405")
        let d = l.doubleValue
        #expect(l.compare(with: d.nextDown) == .greater && l.compare(with: d.nextUp) == .less)
        #expect(l.compare(with: 0.4054651081081643819) != .equal)
        // (127/4) ln 2 from the published digits of ln 2: 22.0074229827782635739971…
        #expect(ExactLogarithm(ln2Times: 127, over2ToThe: 2).decimal(significantDigits: 20) == "22.007422982778263574")
        let zero = ExactLogarithm(mantissa: 4, exponent: -2)
        #expect(zero.isZero && zero.decimal(significantDigits: 22) == "0" && zero.compare(with: 0) == .equal)
        #expect(ExactLogarithm(mantissa: 1, exponent: -1).decimal(significantDigits: 5) == "-0.69315")
    }
}
