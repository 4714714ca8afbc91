import Benchmarks
import Foundation
import SoftFloat
import Testing
import TrainingArithmetic

/// `ArrayRounder` against the core's `convert` applied element by element, bit for bit, in
/// every mode it serves.
@Suite("ArrayRounder")
struct ArrayRounderTests {
    static let modes = ArrayRounder<Float>.supportedModes

    static let floatFormats: [FloatFormat] = [.bf16, .fp16, .tf32, .fp8E5M2, .fp8E4M3]
        + ["e8m1", "e7m5", "e6m9", "e3m2", "e2m1", "e4m3fn", "e8m22"].map { try! FloatFormat(name: $0) }

    static let doubleFormats: [FloatFormat] = [.fp32, .tf32, .bf16, .fp16, .fp8E5M2, .fp8E4M3]
        + ["e11m20", "e10m30", "e9m25", "e2m1"].map { try! FloatFormat(name: $0) }

    /// Values where rounding decides something, in the wide type's bits: zeros, the wide
    /// type's least subnormal and largest finite, the target's least subnormal, least
    /// normal, largest finite and overflow threshold and the midpoints around them, each
    /// nudged by −3…+3 wide ulps; infinities and NaNs (quiet and signalling, with payloads);
    /// all of both signs.
    static func boundaries<Wide: HardwareFloat>(_: Wide.Type, _ format: FloatFormat) -> [Wide.Bits] {
        let wide = Wide.format
        var env = FloatEnvironment()
        func inWide(_ bits: UInt64) -> UInt64 { wide.convert(bits, from: format, &env) }
        let shift = UInt64(wide.fractionBitCount - format.fractionBitCount)
        let half: UInt64 = shift == 0 ? 0 : 1 << (shift - 1)
        var centres: [UInt64] = [0, 1, wide.maxFiniteMagnitude, wide.leastNormalMagnitude]
        for target: UInt64 in [1, 2, 3, format.leastNormalMagnitude, format.leastNormalMagnitude - 1,
                               format.maxFiniteMagnitude, format.maxFiniteMagnitude - 1, format.one] {
            centres.append(inWide(target))
            centres.append(inWide(target) &+ half)
        }
        // Half the target's least subnormal, and the gap above its largest finite value.
        centres.append(wide.fromDouble(format.toDouble(1) / 2, &env))
        centres.append(wide.fromDouble(format.toDouble(1) * 1.5, &env))
        var values: [UInt64] = []
        for centre in centres {
            for nudge in -3...3 {
                let bits = UInt64(bitPattern: Int64(bitPattern: centre) &+ Int64(nudge))
                guard bits & ~wide.magnitudeMask & ~wide.signMask == 0, bits <= wide.magnitudeMask else { continue }
                values.append(bits)
            }
        }
        values += [wide.infinityMagnitude, wide.infinityMagnitude | wide.quietBit,
                   wide.infinityMagnitude | 1, wide.infinityMagnitude | wide.quietBit | 0x15,
                   wide.magnitudeMask]
        values += values.map { $0 | wide.signMask }
        return values.map { Wide.Bits(truncatingIfNeeded: $0) }
    }

    /// Random wide bit patterns and values within a few wide ulps of the target's
    /// midpoints, as `FormatRounderTests` draws them.
    static func random<Wide: HardwareFloat>(_: Wide.Type, _ format: FloatFormat, count: Int,
                                            seed: UInt64) -> [Wide.Bits] {
        var random = SplitMix64(seed: seed)
        let wide = Wide.format
        var env = FloatEnvironment()
        let shift = UInt64(wide.fractionBitCount - format.fractionBitCount)
        let half: UInt64 = shift == 0 ? 0 : 1 << (shift - 1)
        var values: [Wide.Bits] = []
        values.reserveCapacity(count)
        while values.count < count {
            let draw = random.next()
            if draw % 4 == 0 {
                values.append(Wide.Bits(truncatingIfNeeded: random.next()))
            } else if draw % 4 == 1 {
                // Any wide value near the target's range.
                let target = random.next() & (format.signMask | format.magnitudeMask)
                guard format.isFinite(target) else { continue }
                let bits = wide.convert(target, from: format, &env) ^ (random.next() & ((1 << shift) - 1))
                values.append(Wide.Bits(truncatingIfNeeded: bits))
            } else {
                let target = random.next() & (format.signMask | format.magnitudeMask)
                guard format.isFinite(target) else { continue }
                let nudge = Int64(random.next() % 7) - 3
                let bits = wide.convert(target, from: format, &env) &+ half &+ UInt64(bitPattern: nudge)
                values.append(Wide.Bits(truncatingIfNeeded: bits))
            }
        }
        return values
    }

    /// Every value of a format of at most 16 bits, in the wide type, with its neighbours at
    /// ±1 wide ulp and the midpoints above it ±1 wide ulp.
    static func everyValue<Wide: HardwareFloat>(_: Wide.Type, _ format: FloatFormat) -> [Wide.Bits] {
        let wide = Wide.format
        var env = FloatEnvironment()
        let shift = UInt64(wide.fractionBitCount - format.fractionBitCount)
        let half: UInt64 = shift == 0 ? 0 : 1 << (shift - 1)
        var values: [Wide.Bits] = []
        for target in 0..<(UInt64(1) << UInt64(format.bitWidth)) {
            let centre = wide.convert(target, from: format, &env)
            guard wide.isFinite(centre) else {
                values.append(Wide.Bits(truncatingIfNeeded: centre))
                continue
            }
            for bits in [centre, centre &+ 1, centre &- 1, centre &+ half, centre &+ half &+ 1, centre &+ half &- 1]
            where bits & ~(wide.signMask | wide.magnitudeMask) == 0 {
                values.append(Wide.Bits(truncatingIfNeeded: bits))
            }
        }
        return values
    }

    /// The number of elements whose result differs from `format.convert`'s, element `i`
    /// with the random bits of index `i` of an environment of the same seed; the rounder
    /// must also leave the counter at the count moved up to a multiple of 4.
    static func mismatches<Wide: HardwareFloat>(_: Wide.Type, _ format: FloatFormat, _ mode: RoundingMode,
                                                _ inputs: [Wide.Bits]) -> Int {
        guard let rounder = ArrayRounder<Wide>(format: format, rounding: mode) else { return -1 }
        let values = inputs.map { Wide(bitPattern: $0) }
        var results = [Wide](repeating: 0, count: values.count)
        var env = FloatEnvironment(rounding: mode, seed: 42)
        values.withUnsafeBufferPointer { from in
            results.withUnsafeMutableBufferPointer { to in rounder.round(from, into: to, &env) }
        }
        var reference = FloatEnvironment(rounding: mode, seed: 42)
        var count = 0
        for (i, (input, result)) in zip(inputs, results).enumerated() {
            reference.random.counter = UInt64(i)
            let expected = format.convert(UInt64(input), from: Wide.format, &reference)
            let got = rounder.rounder.bits(of: result)
            if got != expected {
                if count < 3 {
                    print("\(format.name) \(mode) from \(Wide.format.name): input \(String(input, radix: 16)) "
                          + "expected \(String(expected, radix: 16)) got \(String(got, radix: 16))")
                }
                count += 1
            }
        }
        if env.random.counter != UInt64((inputs.count + 3) & ~3) { count += 1_000_000 }
        return count
    }

    @Test(arguments: floatFormats, modes)
    func roundsFloatsLikeConvert(format: FloatFormat, mode: RoundingMode) {
        var inputs = Self.boundaries(Float.self, format)
        inputs += Self.random(Float.self, format, count: 2_000_000, seed: UInt64(format.bitWidth))
        if format.bitWidth <= 16 { inputs += Self.everyValue(Float.self, format) }
        #expect(Self.mismatches(Float.self, format, mode, inputs) == 0)
    }

    @Test(arguments: doubleFormats, modes)
    func roundsDoublesLikeConvert(format: FloatFormat, mode: RoundingMode) {
        var inputs = Self.boundaries(Double.self, format)
        inputs += Self.random(Double.self, format, count: 1_000_000, seed: UInt64(format.bitWidth))
        if format.bitWidth <= 16 { inputs += Self.everyValue(Double.self, format) }
        #expect(Self.mismatches(Double.self, format, mode, inputs) == 0)
    }

    @Test func inPlaceAndOddLengthsAgree() {
        let rounder = ArrayRounder<Float>(format: .fp16, rounding: .nearestEven)!
        for n in [0, 1, 3, 7, 8, 9, 17] {
            var values = Benchmark.roundingInputs(Float.self, count: n)
            var env = FloatEnvironment()
            let expected = values.map { rounder.rounder.round($0) }
            values.withUnsafeMutableBufferPointer { rounder.round($0, &env) }
            #expect(values.map(\.bitPattern) == expected.map(\.bitPattern))
        }
    }

    @Test func truncatesTowardZero() {
        let bf16 = FormatRounder<Float>(format: .bf16)!
        #expect(bf16.truncate(2 - 0x1p-20) == 2 - 0x1p-7)
        #expect(bf16.truncate(-1.00390625) == -1)
        let e4m3 = FormatRounder<Float>(format: .fp8E4M3)!
        #expect(e4m3.truncate(500) == 448)        // beyond the largest finite: the largest finite
        #expect(e4m3.truncate(-Float.infinity).isNaN)
        let fp16 = FormatRounder<Float>(format: .fp16)!
        #expect(fp16.truncate(0x1.fp-24) == 0x1p-24)   // subnormal grid, toward zero
        #expect(fp16.truncate(70000) == 65504)
        #expect(fp16.truncate(Float.infinity) == .infinity)
    }

    @Test func servesEveryModeButNotWiderFormats() {
        #expect(ArrayRounder<Float>(format: .bf16, rounding: .up) != nil)
        #expect(ArrayRounder<Float>(format: .fp64, rounding: .nearestEven) == nil)
        #expect(ArrayRounder<Double>(format: .fp64, rounding: .towardZero) != nil)
    }

    /// Every `Float` through bf16, fp16 and tf32 in every mode: 2^32 inputs each, opt-in.
    @Test(.enabled(if: ProcessInfo.processInfo.environment["PRECISION_LAB_EXHAUSTIVE"] == "1"),
          arguments: [FloatFormat.bf16, .fp16, .tf32], modes)
    func exhaustiveFloat(format: FloatFormat, mode: RoundingMode) {
        let block = 1 << 20
        var total = 0
        for start in stride(from: 0, to: 1 << 32, by: block) {
            let inputs = (start..<(start + block)).map { UInt32(truncatingIfNeeded: $0) }
            total += Self.mismatches(Float.self, format, mode, inputs)
        }
        #expect(total == 0)
    }
}
