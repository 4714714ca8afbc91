import SoftFloat
import Testing
import TrainingArithmetic

/// The fast path against the soft-float path, operation by operation, bit for bit.
@Suite("FastArithmetic")
struct FastArithmeticTests {
    /// Compares every operation on `pairs` of bit patterns of `format`; returns mismatches.
    static func mismatches<Wide: HardwareFloat>(_: Wide.Type, _ format: FloatFormat,
                                                pairs: [(UInt64, UInt64)], rounding: RoundingMode = .nearestEven) -> Int {
        let fast = FastArithmetic<Wide>(format: format)!
        let soft = SoftArithmetic(format: format)
        var bad = 0
        for (a, b) in pairs {
            let x = fast.rounder.value(ofBits: a), y = fast.rounder.value(ofBits: b)
            var e1 = FloatEnvironment(rounding: rounding, seed: a &* 31 &+ b)
            var e2 = FloatEnvironment(rounding: rounding, seed: a &* 31 &+ b)
            let results: [(Wide, UInt64)] = [
                (fast.add(x, y, &e1), soft.add(a, b, &e2)),
                (fast.subtract(x, y, &e1), soft.subtract(a, b, &e2)),
                (fast.multiply(x, y, &e1), soft.multiply(a, b, &e2)),
                (fast.divide(x, y, &e1), soft.divide(a, b, &e2)),
            ]
            for (f, s) in results {
                let got = fast.rounder.bits(of: f)
                // NaN payloads may differ (the hardware chooses which NaN operand to return).
                if got != s && !(format.isNaN(got) && format.isNaN(s)) {
                    if bad < 3 { print("\(format.name): \(String(a, radix: 16)) \(String(b, radix: 16)): fast \(String(got, radix: 16)) soft \(String(s, radix: 16))") }
                    bad += 1
                }
            }
        }
        return bad
    }

    static func allPairs(_ format: FloatFormat) -> [(UInt64, UInt64)] {
        let n = UInt64(1) << UInt64(format.bitWidth)
        return (0..<n).flatMap { a in (0..<n).map { b in (a, b) } }
    }

    /// Random pairs of bit patterns; a third of them with both operands near the least
    /// normal number, where the wide format's own subnormals could round first.
    static func randomPairs(_ format: FloatFormat, count: Int, seed: UInt64) -> [(UInt64, UInt64)] {
        var random = SplitMix64(seed: seed)
        let mask = format.signMask | format.magnitudeMask
        let small = (format.leastNormalMagnitude << 3) - 1
        return (0..<count).map { i in
            if i % 3 == 0 {
                let a = random.next() % small | (random.next() & format.signMask)
                let b = (random.next() & (format.one | format.fractionMask)) | (random.next() & format.signMask)
                return i % 2 == 0 ? (a, b) : (b, a)
            }
            return (random.next() & mask, random.next() & mask)
        }
    }

    @Test(arguments: [FloatFormat.fp8E4M3, .fp8E5M2, try! FloatFormat(name: "e3m4"), try! FloatFormat(name: "e2m5")])
    func everyPairOfAnEightBitFormat(format: FloatFormat) {
        #expect(Self.mismatches(Float.self, format, pairs: Self.allPairs(format)) == 0)
    }

    @Test(arguments: [FloatFormat.bf16, .fp16, try! FloatFormat(name: "e6m9"), try! FloatFormat(name: "e8m4"),
                      .tf32, try! FloatFormat(name: "e8m8")])
    func randomPairsInFloat(format: FloatFormat) {
        #expect(Self.mismatches(Float.self, format, pairs: Self.randomPairs(format, count: 300_000, seed: 1)) == 0)
    }

    @Test(arguments: [FloatFormat.tf32, .fp32, try! FloatFormat(name: "e11m16"), try! FloatFormat(name: "e9m24")])
    func randomPairsInDouble(format: FloatFormat) {
        #expect(Self.mismatches(Double.self, format, pairs: Self.randomPairs(format, count: 200_000, seed: 2)) == 0)
    }

    static let otherModes: [RoundingMode] = [.towardZero, .up, .down, .nearestAway, .odd, .stochastic]

    /// Pairs aimed at the cases where directed rounding is decided by the residual: sums
    /// and differences that are ties or exact at the format's precision (b = ±a·2^−k, and
    /// neighbours), products and quotients near the subnormal range and beyond the largest
    /// finite value, and random patterns.
    static func aimedPairs(_ format: FloatFormat, count: Int, seed: UInt64) -> [(UInt64, UInt64)] {
        var random = SplitMix64(seed: seed)
        let mask = format.signMask | format.magnitudeMask
        let f = UInt64(format.fractionBitCount)
        var env = FloatEnvironment()
        let small = (format.leastNormalMagnitude << 3) - 1
        return (0..<count).map { i in
            let sign = random.next() & format.signMask
            let a = random.next() & mask
            switch i % 6 {
            case 0, 1:
                // b = a × 2^−k with k around the precision: the sum has a tie, an exact
                // result or a bit just past the last kept digit; sometimes nudged by one unit.
                let k = Int(random.next() % (f + 4)) + 1
                let aMagnitude = a & format.magnitudeMask
                let exponent = Int(aMagnitude >> f) - k
                var b = exponent > 0 ? UInt64(exponent) << f | (random.next() % 3 == 0 ? aMagnitude & format.fractionMask : 0) : random.next() % small
                if random.next() % 4 == 0 { b = b &+ (random.next() % 3) &- 1 }
                return (a, (b & format.magnitudeMask) | sign)
            case 2:
                // Near the overflow threshold: the largest finite values and their neighbours.
                let big = format.maxFiniteMagnitude &- (random.next() % 4)
                return (big | (random.next() & format.signMask), i % 12 == 2 ? big | sign : format.fromDouble(1 + Double(random.next() % 8) / 4, &env) | sign)
            case 3:
                // Products and quotients around the least normal number and below.
                let tiny = random.next() % small
                return (tiny | sign, (random.next() & (format.one | format.fractionMask)) | (random.next() & format.signMask))
            default:
                return (a, random.next() & mask)
            }
        }
    }

    /// Directed and stochastic rounding in the lanes: every pair of the 8-bit formats.
    @Test(arguments: [FloatFormat.fp8E4M3, .fp8E5M2, try! FloatFormat(name: "e3m4")])
    func everyModeOnEveryPairOfAnEightBitFormat(format: FloatFormat) {
        #if DEBUG
        let pairs = Self.allPairs(format).enumerated().filter { $0.offset % 5 == 0 }.map(\.element)
        #else
        let pairs = Self.allPairs(format)
        #endif
        for mode in Self.otherModes {
            #expect(Self.mismatches(Float.self, format, pairs: pairs, rounding: mode) == 0, "\(mode)")
        }
    }

    /// Directed and stochastic rounding against the soft path, in `Float` and `Double`:
    /// millions of aimed operand pairs in an optimised build, fewer in a debug build.
    @Test(arguments: [(FloatFormat.bf16, false), (.fp16, false), (.tf32, false), (try! FloatFormat(name: "e6m9"), false),
                      (try! FloatFormat(name: "e8m4"), false), (.fp32, true), (.tf32, true),
                      (try! FloatFormat(name: "e11m16"), true), (try! FloatFormat(name: "e9m24"), true)])
    func everyModeOnAimedPairs(format: FloatFormat, double: Bool) {
        #if DEBUG
        let count = 4_000
        #else
        let count = 250_000
        #endif
        for (m, mode) in Self.otherModes.enumerated() {
            let pairs = Self.aimedPairs(format, count: count, seed: 3 &+ UInt64(m))
            let bad = double ? Self.mismatches(Double.self, format, pairs: pairs, rounding: mode)
                : Self.mismatches(Float.self, format, pairs: pairs, rounding: mode)
            #expect(bad == 0, "\(format.name) \(mode)")
            let random = double ? Self.mismatches(Double.self, format, pairs: Self.randomPairs(format, count: count, seed: 5), rounding: mode)
                : Self.mismatches(Float.self, format, pairs: Self.randomPairs(format, count: count, seed: 5), rounding: mode)
            #expect(random == 0, "\(format.name) \(mode)")
        }
    }

    /// The vector kernel in every mode against the soft path's kernel, with the same
    /// random bits and the same final counter.
    @Test(arguments: [FloatFormat.bf16, .fp16, .fp8E4M3, .tf32, try! FloatFormat(name: "e8m9")])
    func multiplyAccumulateInEveryModeMatchesTheSoftPath(format: FloatFormat) {
        let fast = FastArithmetic<Float>(format: format)!
        let soft = SoftArithmetic(format: format)
        var random = SplitMix64(seed: 19)
        let mask = format.signMask | format.magnitudeMask
        var mismatchCount = 0
        for trial in 0..<3_000 {
            let mode = Self.otherModes[trial % Self.otherModes.count]
            let count = 1 + trial % 13
            let sBits = trial % 5 == 0 ? format.leastNormalMagnitude : random.next() & mask
            var xBits = (0..<count).map { _ in random.next() & mask }
            if trial % 7 == 0 { xBits[0] = 0 }
            var accBits = (0..<count).map { _ in trial % 3 == 0 ? random.next() & mask : (random.next() & mask) >> 2 }
            var a = accBits.map { fast.rounder.value(ofBits: $0) }
            let x = xBits.map { fast.rounder.value(ofBits: $0) }
            var e1 = FloatEnvironment(rounding: mode, seed: UInt64(trial)), e2 = e1
            e1.random.counter = UInt64(trial % 5)
            e2.random.counter = UInt64(trial % 5)
            let n1 = x.withUnsafeBufferPointer { xp in
                a.withUnsafeMutableBufferPointer {
                    fast.multiplyAccumulate(fast.rounder.value(ofBits: sBits), xp.baseAddress!, into: $0.baseAddress!,
                                            count: count, &e1)
                }
            }
            let n2 = xBits.withUnsafeBufferPointer { xp in
                accBits.withUnsafeMutableBufferPointer {
                    soft.scalarMultiplyAccumulate(sBits, xp.baseAddress!, into: $0.baseAddress!, count: count, &e2)
                }
            }
            let same = n1 == n2 && e1.random == e2.random && zip(a, accBits).allSatisfy {
                let got = fast.rounder.bits(of: $0)
                return got == $1 || (format.isNaN(got) && format.isNaN($1))
            }
            if !same { mismatchCount += 1 }
        }
        #expect(mismatchCount == 0)
    }

    @Test func theExactnessRule() {
        #expect(FastArithmetic<Float>(format: .bf16) != nil)
        #expect(FastArithmetic<Float>(format: .fp16) != nil)
        #expect(FastArithmetic<Float>(format: .fp32) != nil)                       // native
        // tf32's subnormals are coarser than Float's by 13 places, fewer than 2p = 22:
        // Float serves it, with tiny products and quotients recomputed in Double.
        #expect(FastArithmetic<Float>(format: .tf32)?.checksTinyResults == true)
        #expect(FastArithmetic<Float>(format: try! FloatFormat(name: "e8m8"))?.checksTinyResults == true)
        #expect(FastArithmetic<Float>(format: try! FloatFormat(name: "e8m7"))?.checksTinyResults == false)
        #expect(FastArithmetic<Double>(format: .tf32)?.checksTinyResults == false)
        // Double has nothing wider to fall back on: its own subnormals must be fine enough.
        #expect(FastArithmetic<Double>(format: try! FloatFormat(name: "e11m20")) == nil)
        #expect(FastArithmetic<Double>(format: try! FloatFormat(name: "e11m10")) != nil)
        #expect(FastArithmetic<Float>(format: try! FloatFormat(name: "e5m11")) == nil)   // p = 12 > 11
        #expect(FastArithmetic<Double>(format: try! FloatFormat(name: "e8m25")) == nil)  // p = 26 > 25
        #expect(FastArithmetic<Double>(format: .fp64) != nil)
    }

    /// The vector kernel against the scalar reference, for every lane count and for
    /// operands that underflow, overflow and carry NaN.
    @Test(arguments: [FloatFormat.bf16, .fp16, .fp8E4M3, .fp32, .tf32, try! FloatFormat(name: "e8m9")])
    func multiplyAccumulateMatchesTheScalarKernel(format: FloatFormat) {
        let fast = FastArithmetic<Float>(format: format)!
        var random = SplitMix64(seed: 9)
        let mask = format.signMask | format.magnitudeMask
        var mismatchCount = 0
        var counted = 0
        for trial in 0..<20_000 {
            let count = 1 + trial % 13
            let s = fast.rounder.value(ofBits: trial % 5 == 0 ? format.leastNormalMagnitude : random.next() & mask)
            var x = (0..<count).map { _ in fast.rounder.value(ofBits: random.next() & mask) }
            if trial % 7 == 0 { x[0] = 0 }
            let start = (0..<count).map { _ in fast.rounder.value(ofBits: random.next() & mask) }
            var a = start, b = start
            var e1 = FloatEnvironment(), e2 = FloatEnvironment()
            let n1 = x.withUnsafeBufferPointer { xp in
                a.withUnsafeMutableBufferPointer { fast.multiplyAccumulate(s, xp.baseAddress!, into: $0.baseAddress!, count: count, &e1) }
            }
            let n2 = x.withUnsafeBufferPointer { xp in
                b.withUnsafeMutableBufferPointer { fast.scalarMultiplyAccumulate(s, xp.baseAddress!, into: $0.baseAddress!, count: count, &e2) }
            }
            counted += n1
            let same = n1 == n2 && zip(a, b).allSatisfy { $0.bitPattern == $1.bitPattern || ($0.isNaN && $1.isNaN) }
            if !same { mismatchCount += 1 }
        }
        #expect(mismatchCount == 0)
        if format != .fp32 { #expect(counted > 0) }   // the test met underflows
    }

    @Test func fromDoubleRoundsOnce() {
        var random = SplitMix64(seed: 4)
        for format in [FloatFormat.bf16, .fp16, .fp8E4M3] {
            let fast = FastArithmetic<Float>(format: format)!
            for _ in 0..<100_000 {
                let d = Double(bitPattern: random.next())
                var e1 = FloatEnvironment(), e2 = FloatEnvironment()
                let got = fast.rounder.bits(of: fast.fromDouble(d, &e1))
                let want = format.fromDouble(d, &e2)
                #expect(got == want || (format.isNaN(got) && format.isNaN(want)))
                if got != want && !(format.isNaN(got) && format.isNaN(want)) { return }
            }
        }
    }
}
