import Foundation
import SoftFloat
import Testing
import TrainingArithmetic

/// `FormatRounder` against the core's `convert`, bit for bit.
@Suite("FormatRounder")
struct FormatRounderTests {
    /// Formats whose values a `Float` holds, named and custom.
    static let floatFormats: [FloatFormat] = FloatFormat.named.filter { FormatRounder<Float>(format: $0) != nil }
        + ["e8m1", "e8m4", "e8m15", "e7m5", "e6m9", "e4m1", "e3m2", "e2m1", "e2m3", "e5m9", "e4m3fn", "e8m22"]
        .map { try! FloatFormat(name: $0) }

    /// Formats whose values a `Double` holds.
    static let doubleFormats: [FloatFormat] = FloatFormat.named.filter { FormatRounder<Double>(format: $0) != nil }
        + ["e11m20", "e11m40", "e10m30", "e9m25", "e8m30", "e2m1", "e11m51", "e10m5fn"]
        .map { try! FloatFormat(name: $0) }

    /// Random wide bit patterns (every class: NaN, ±∞, subnormal, normal) and values within
    /// a few wide ulps of the target's rounding midpoints, where mistakes hide.
    static func inputs<Wide: HardwareFloat>(_: Wide.Type, for format: FloatFormat,
                                             count: Int, seed: UInt64) -> [Wide.Bits] {
        var random = SplitMix64(seed: seed)
        var values: [Wide.Bits] = []
        values.reserveCapacity(count)
        let wide = Wide.format
        var env = FloatEnvironment()
        while values.count < count {
            let draw = random.next()
            switch draw % 4 {
            case 0:
                values.append(Wide.Bits(truncatingIfNeeded: random.next()))
            default:
                // A target value, moved to a midpoint, nudged by -3...+3 wide ulps.
                let target = random.next() & (format.signMask | format.magnitudeMask)
                guard format.isFinite(target) else { continue }
                var bits = wide.convert(target, from: format, &env)
                let shift = UInt64(wide.fractionBitCount - format.fractionBitCount)
                let half: UInt64 = shift == 0 ? 0 : 1 << (shift - 1)
                let nudge = Int64(random.next() % 7) - 3
                bits = bits &+ half &+ UInt64(bitPattern: nudge)
                values.append(Wide.Bits(truncatingIfNeeded: bits))
            }
        }
        return values
    }

    static func check<Wide: HardwareFloat>(_: Wide.Type, _ format: FloatFormat, count: Int) -> Int {
        guard let rounder = FormatRounder<Wide>(format: format) else { return -1 }
        var mismatches = 0
        for bits in inputs(Wide.self, for: format, count: count, seed: UInt64(format.bitWidth)) {
            var env = FloatEnvironment()
            let expected = format.convert(UInt64(bits), from: Wide.format, &env)
            let got = rounder.bits(of: rounder.round(Wide(bitPattern: bits)))
            if got != expected {
                if mismatches < 3 {
                    print("\(format.name) from \(Wide.format.name): input \(String(bits, radix: 16)) "
                          + "expected \(String(expected, radix: 16)) got \(String(got, radix: 16))")
                }
                mismatches += 1
            }
        }
        return mismatches
    }

    /// The inputs rounded as vectors of `L`, each lane holding a different input (so that
    /// normal, subnormal, overflowing and NaN lanes share a vector), against `convert`.
    static func checkLanes<L: LaneVector>(_: L.Type, _ format: FloatFormat, count: Int) -> Int {
        typealias Wide = L.Scalar
        guard let rounder = FormatRounder<Wide>(format: format) else { return -1 }
        let inputs = inputs(Wide.self, for: format, count: count, seed: UInt64(format.bitWidth) &+ 99)
        var mismatches = 0
        var start = 0
        while start + L.scalarCount <= inputs.count {
            var x = L()
            for lane in 0..<L.scalarCount { x[lane] = Wide(bitPattern: inputs[start + lane]) }
            let rounded = rounder.round(x)
            for lane in 0..<L.scalarCount {
                var env = FloatEnvironment()
                let expected = format.convert(UInt64(inputs[start + lane]), from: Wide.format, &env)
                if rounder.bits(of: rounded[lane]) != expected { mismatches += 1 }
            }
            start += L.scalarCount
        }
        return mismatches
    }

    @Test("four and eight lanes of different inputs round as each lane alone", arguments: floatFormats)
    func roundsMixedLanes(format: FloatFormat) {
        #expect(Self.checkLanes(SIMD4<Float>.self, format, count: 40_000) == 0)
        #expect(Self.checkLanes(SIMD8<Float>.self, format, count: 80_000) == 0)
        if FormatRounder<Double>(format: format) != nil {
            #expect(Self.checkLanes(SIMD8<Double>.self, format, count: 40_000) == 0)
        }
    }

    @Test(arguments: floatFormats)
    func roundsFloatsLikeConvert(format: FloatFormat) {
        #expect(Self.check(Float.self, format, count: 400_000) == 0)
    }

    @Test(arguments: doubleFormats)
    func roundsDoublesLikeConvert(format: FloatFormat) {
        #expect(Self.check(Double.self, format, count: 300_000) == 0)
    }

    @Test("encodings other than IEEE's and OCP E4M3's, and other biases, are left to the soft path")
    func refusesOtherEncodings() {
        let refused: [FloatFormat] = [.fp8E4M3FNUZ, .fp8E5M2FNUZ, .fp8E4M3B11FNUZ, .fp6E2M3, .fp6E3M2, .fp4E2M1,
                                      .binary8(precision: 3),
                                      FloatFormat(exponentBitCount: 5, fractionBitCount: 2, encoding: .ieee, bias: 16)]
        for format in refused {
            #expect(FormatRounder<Float>(format: format) == nil && FormatRounder<Double>(format: format) == nil)
            #expect(!FastArithmetic<Float>.isExact(for: format) && !FastArithmetic<Double>.isExact(for: format))
        }
        #expect(FormatRounder<Float>(format: .float8E4M3) != nil && FormatRounder<Float>(format: .float8E3M4) != nil)
    }

    @Test func refusesFormatsTheHardwareTypeCannotHold() {
        #expect(FormatRounder<Float>(format: .fp64) == nil)
        #expect(FormatRounder<Float>(format: try! FloatFormat(name: "e9m3")) == nil)
        #expect(FormatRounder<Float>(format: try! FloatFormat(name: "e8m3fn")) == nil)
        #expect(FormatRounder<Double>(format: .fp64)?.isIdentity == true)
    }

    @Test func roundsTiesToEvenAndOverflows() {
        let bf16 = FormatRounder<Float>(format: .bf16)!
        #expect(bf16.round(Float(1 + 1.0 / 256)) == 1)
        #expect(bf16.round(Float(1 + 3.0 / 256)) == Float(1 + 4.0 / 256))
        #expect(bf16.round(-Float.greatestFiniteMagnitude) == -.infinity)
        let e4m3 = FormatRounder<Float>(format: .fp8E4M3)!
        #expect(e4m3.round(Float(464)) == 448)      // a tie between 448 and the NaN slot: to even
        #expect(e4m3.round(Float(465)).isNaN)       // beyond: NaN, the format has no infinity
        let fp16 = FormatRounder<Float>(format: .fp16)!
        #expect(fp16.round(Float(0x1p-25)) == 0)                  // half the least subnormal: to even, 0
        #expect(fp16.round(Float(0x1.8p-25)) == 0x1p-24)
        #expect(fp16.round(Float(-0x1p-26)).sign == .minus)
    }

    /// fp16 from every `Float`, eight lanes at a time: the CPU's conversion to half precision
    /// and back (on a haswell build) against the integer routine, `Float` bits compared (NaN
    /// payloads included). On a baseline build both rounders are the integer routine.
    @Test func halfConversionGivesTheIntegerRoutinesBitsOnEveryFloat() {
        let hardware = FormatRounder<Float>(format: .fp16)!
        let integer = FormatRounder<Float>(format: .fp16, hardwareConversion: false)!
        #expect(!integer.usesHardwareConversion)
        #if PRECISION_LAB_CPU_HASWELL
        #expect(hardware.usesHardwareConversion)
        #endif
        let offsets = SIMD8<UInt32>(0, 1, 2, 3, 4, 5, 6, 7)
        var mismatches = 0
        var first: UInt32?
        var base: UInt64 = 0
        while base < 1 << 32 {
            let bits = SIMD8<UInt32>(repeating: UInt32(base)) &+ offsets
            let x = unsafeBitCast(bits, to: SIMD8<Float>.self)
            let a = unsafeBitCast(hardware.round(x), to: SIMD8<UInt32>.self)
            let b = unsafeBitCast(integer.round(x), to: SIMD8<UInt32>.self)
            if a != b {
                mismatches += 1
                if first == nil { first = (0..<8).first { a[$0] != b[$0] }.map { bits[$0] } }
            }
            base += 8
        }
        #expect(mismatches == 0, "first input that differs: \(first.map { String($0, radix: 16) } ?? "none")")
    }

    /// Every `Float` through every `Float` format: 2^32 inputs each, opt-in.
    @Test(.enabled(if: ProcessInfo.processInfo.environment["PRECISION_LAB_EXHAUSTIVE"] == "1"),
          arguments: [FloatFormat.bf16, .fp16, .fp8E4M3, .fp8E5M2])
    func exhaustiveFloat(format: FloatFormat) {
        let rounder = FormatRounder<Float>(format: format)!
        var mismatches = 0
        var env = FloatEnvironment()
        for bits in UInt32.min...UInt32.max {
            let expected = format.convert(UInt64(bits), from: .fp32, &env)
            if rounder.bits(of: rounder.round(Float(bitPattern: bits))) != expected { mismatches += 1 }
        }
        #expect(mismatches == 0)
    }

    /// The lanes of `draws(word)` are the draws `StochasticBits` gives the four roundings
    /// that share the word, written here by shifting the word: lane j is bits 63−16j … 51−16j.
    @Test func drawsAreTheFourLanesOfAWord() {
        var random = SplitMix64(seed: 23)
        let words: [UInt64] = [0, .max, 0x8000_4000_2000_1000, 0x0007_FFF8_0001_E000]
            + (0..<10_000).map { _ in random.next() }
        for word in words {
            let float = FormatRounder<Float>.draws(word), double = FormatRounder<Double>.draws(word)
            for j in 0..<4 {
                let expected = (word >> UInt64(51 - 16 * j)) & 0x1FFF
                #expect(UInt64(float[j]) == expected && UInt64(double[j]) == expected)
                #expect(StochasticBits.draw(lane: j, of: word) == expected)
                if UInt64(float[j]) != expected || UInt64(double[j]) != expected { return }
            }
        }
    }
}
