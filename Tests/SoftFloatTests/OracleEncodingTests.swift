import Testing
import SoftFloat

/// The formats with encodings of their own (ml_dtypes' fnuz, FP6, FP4 and IEEE-like E4M3
/// and E3M4 types; IEEE P3109's binary8p1 … binary8p7) against the independent oracle:
/// every operand pair of + − × ÷, every square root, fused multiply-adds, every
/// conversion from an fp32 boundary case, round trips, nextUp and comparisons, in every
/// rounding mode and option set. The heaviest sweeps thin out in debug builds.
@Suite("Oracle encodings")
struct OracleEncodingTests {
    static let formats: [FloatFormat] = [.float8E4M3, .float8E3M4, .fp8E4M3FNUZ, .fp8E5M2FNUZ, .fp8E4M3B11FNUZ,
                                         .fp6E2M3, .fp6E3M2, .fp4E2M1] + (1...7).map { FloatFormat.binary8(precision: $0) }

    static let oracles: [FloatFormat: OracleRounding] = {
        var table: [FloatFormat: OracleRounding] = [:]
        for format in formats { table[format] = OracleRounding(format) }
        return table
    }()

    #if DEBUG
    /// Debug builds check every `stride`-th first operand of the 8-bit formats.
    static let stride = 29
    #else
    static let stride = 1
    #endif

    static let modes: [RoundingMode] = OracleArithmeticTests.deterministicModes + [.stochastic]

    // MARK: The values themselves

    /// (largest finite, least normal, least positive, bits of 1) as ml_dtypes 0.7.0's `finfo`
    /// gives them and P3109's value tables list them.
    static let published: [(FloatFormat, Double, Double, Double, UInt64)] = [
        (.float8E4M3, 240, 0x1p-6, 0x1p-9, 0x38), (.float8E3M4, 15.5, 0x1p-2, 0x1p-6, 0x30),
        (.fp8E4M3FNUZ, 240, 0x1p-7, 0x1p-10, 0x40), (.fp8E5M2FNUZ, 57344, 0x1p-15, 0x1p-17, 0x40),
        (.fp8E4M3B11FNUZ, 30, 0x1p-10, 0x1p-13, 0x58), (.fp6E2M3, 7.5, 1, 0.125, 0x08),
        (.fp6E3M2, 28, 0.25, 0.0625, 0x0C), (.fp4E2M1, 6, 1, 0.5, 0x2),
        (.binary8(precision: 1), 0x1p62, 0x1p-63, 0x1p-63, 0x40),
        (.binary8(precision: 3), 0x1.8p15, 0x1p-15, 0x1p-17, 0x40),
        (.binary8(precision: 4), 0x1.cp7, 0x1p-7, 0x1p-10, 0x40),
    ]

    @Test("largest, least normal and least values and the bits of 1, as published")
    func publishedValues() {
        for (format, largest, leastNormal, least, one) in Self.published {
            let oracle = Self.oracles[format]!
            #expect(format.toDouble(format.maxFiniteMagnitude) == largest, "\(format.name)")
            #expect(oracle.values[oracle.largestFiniteIndex] == largest, "\(format.name)")
            #expect(format.toDouble(format.leastNormalMagnitude) == leastNormal, "\(format.name)")
            #expect(oracle.values[1] == least, "\(format.name)")
            #expect(format.one == one && oracle.value(one) == 1, "\(format.name)")
        }
    }

    @Test("the special patterns: NaN, infinities, zeros")
    func specialPatterns() {
        for format in Self.formats {
            let oracle = Self.oracles[format]!
            for x in 0..<(UInt64(1) << UInt64(format.bitWidth)) {
                #expect(format.isNaN(x) == oracle.isNaN(x), "\(format.name) 0x\(String(x, radix: 16))")
                #expect(format.isInfinite(x) == oracle.isInfinite(x), "\(format.name) 0x\(String(x, radix: 16))")
                let finite = !oracle.isNaN(x) && !oracle.isInfinite(x)
                #expect(format.isFinite(x) == finite, "\(format.name) 0x\(String(x, radix: 16))")
                #expect(format.isZero(x) == (finite && oracle.value(x) == 0), "\(format.name) 0x\(String(x, radix: 16))")
                if finite { #expect(format.toDouble(x) == oracle.value(x), "\(format.name) 0x\(String(x, radix: 16))") }
            }
        }
    }

    // MARK: Arithmetic

    @Test("every operand pair: add, sub, mul, div in every mode and option set",
          arguments: Self.formats, OracleOperation.binary)
    func everyPair(format: FloatFormat, operation: OracleOperation) {
        let oracle = Self.oracles[format]!
        let count = 1 << format.bitWidth
        let step = count > 64 ? Self.stride : 1
        let firsts = Array(Swift.stride(from: 0, to: count, by: step))
        let tally = OracleTally.parallel(count: firsts.count) { range in
            var tally = OracleTally()
            for i in range {
                let a = firsts[i]
                for b in 0..<count {
                    for options in OracleArithmeticTests.optionSets.indices {
                        for mode in Self.modes {
                            OracleArithmeticTests.check(oracle, operation, UInt64(a), UInt64(b), 0,
                                                        OracleArithmeticTests.environment(mode, options, seed: UInt64(a << 8 | b)),
                                                        into: &tally)
                        }
                    }
                }
            }
            return tally
        }
        #expect(tally.checked == firsts.count * count * OracleArithmeticTests.optionSets.count * 7)
        #expect(tally.failures == 0, Comment(rawValue: tally.summary))
    }

    @Test("every value: square root in every mode and option set", arguments: Self.formats)
    func everySquareRoot(format: FloatFormat) {
        let oracle = Self.oracles[format]!
        var tally = OracleTally()
        for a in 0..<(UInt64(1) << UInt64(format.bitWidth)) {
            for options in OracleArithmeticTests.optionSets.indices {
                for mode in Self.modes {
                    OracleArithmeticTests.check(oracle, .squareRoot, a, 0, 0,
                                                OracleArithmeticTests.environment(mode, options, seed: a), into: &tally)
                }
            }
        }
        #expect(tally.failures == 0, Comment(rawValue: tally.summary))
    }

    @Test("every operand pair: fused multiply-add with a sample of addends", arguments: Self.formats)
    func everyPairMultiplyAdd(format: FloatFormat) {
        let oracle = Self.oracles[format]!
        let count = 1 << format.bitWidth
        let addends = OracleArithmeticTests.addends(oracle, count: 16)
        let step = count > 64 ? Self.stride : 1
        let firsts = Array(Swift.stride(from: 0, to: count, by: step))
        let tally = OracleTally.parallel(count: firsts.count) { range in
            var tally = OracleTally()
            for i in range {
                let a = UInt64(firsts[i])
                for b in 0..<UInt64(count) {
                    for (k, c) in addends.enumerated() where c < oracle.signBit << 1 {
                        for mode in OracleArithmeticTests.deterministicModes {
                            OracleArithmeticTests.check(oracle, .fusedMultiplyAdd, a, b, c, FloatEnvironment(rounding: mode),
                                                        into: &tally)
                        }
                        let options = (Int(a) + Int(b) + k) % OracleArithmeticTests.optionSets.count
                        OracleArithmeticTests.check(oracle, .fusedMultiplyAdd, a, b, c,
                                                    OracleArithmeticTests.environment(.stochastic, options,
                                                                                      seed: a << 16 | b << 8 | UInt64(k)),
                                                    into: &tally)
                    }
                }
            }
            return tally
        }
        #expect(tally.checked > 0)
        #expect(tally.failures == 0, Comment(rawValue: tally.summary))
    }

    // MARK: Conversions

    /// The oracle's conversion of the fp32 pattern `x`, by the encoding's rules.
    static func expected(_ x: UInt32, _ oracle: OracleRounding, _ env: FloatEnvironment) -> OracleOutcome {
        let v = Float(bitPattern: x)
        let negative = v.sign == .minus
        if v.isNaN {
            // Without NaNs: the zero of the opposite sign, as ml_dtypes converts a NaN; invalid.
            if !oracle.hasNaN { return OracleOutcome(OracleResult(bits: oracle.signed(0, negative: !negative), flags: .invalid)) }
            return OracleOutcome(OracleResult(bits: oracle.signBit | oracle.infinityBits | 1,
                                              flags: v.isSignalingNaN ? .invalid : [], isNaN: true))
        }
        if v.isInfinite {
            if let infinity = oracle.infinityPattern {
                return OracleOutcome(OracleResult(bits: oracle.signed(infinity, negative: negative), flags: []))
            }
            if oracle.hasNaN && !env.saturates {
                return OracleOutcome(OracleResult(bits: oracle.signBit | (oracle.signBit - 1), flags: [], isNaN: true))
            }
            return OracleOutcome(OracleResult(bits: oracle.signed(UInt64(oracle.largestFiniteIndex), negative: negative),
                                              flags: []))
        }
        if v == 0 || (!env.subnormals && v.isSubnormal) {
            return OracleOutcome(OracleResult(bits: oracle.signed(0, negative: negative), flags: []))
        }
        return oracle.round(.exact(Double(v)), env)
    }

    @Test("fp32 → each format: every boundary case, every mode and option set", arguments: Self.formats)
    func conversionBoundaries(format: FloatFormat) {
        let oracle = Self.oracles[format]!
        let inputs = ConversionOracleTests.boundaryInputs(oracle)
            + [0x7F80_0000, 0xFF80_0000, 0x7FC0_0000, 0xFFC0_0000, 0x7F80_0001, 0xFF80_0001, 0, 0x8000_0000]
        let tally = OracleTally.parallel(count: inputs.count) { range in
            var tally = OracleTally()
            for i in range {
                let x = inputs[i]
                for mode in Self.modes {
                    for options in OracleArithmeticTests.optionSets.indices {
                        let env = OracleArithmeticTests.environment(mode, options, seed: UInt64(i))
                        var core = env
                        let bits = format.convert(UInt64(x), from: .fp32, &core)
                        let expected = Self.expected(x, oracle, env)
                        tally.checked += 1
                        if expected.isTie { tally.ties += 1 }
                        if !expected.matches(bits, core.flags, in: oracle) {
                            tally.fail("fp32 0x\(String(x, radix: 16)) → \(format.name) \(mode) options \(options): "
                                       + "core 0x\(String(bits, radix: 16)) {\(core.flags)}, oracle \(expected.down)"
                                       + (expected.up.map { " or \($0)" } ?? ""))
                        }
                    }
                }
            }
            return tally
        }
        #expect(inputs.count >= 2 * 9 * (oracle.largestFiniteIndex + 1))
        #expect(tally.failures == 0, Comment(rawValue: tally.summary))
        #expect(tally.ties >= oracle.largestFiniteIndex, "the midpoints were rounded as ties")
    }

    @Test("every value converts to fp32 and fp64 and back unchanged", arguments: Self.formats)
    func roundTrip(format: FloatFormat) {
        let oracle = Self.oracles[format]!
        for x in 0..<(UInt64(1) << UInt64(format.bitWidth)) {
            for wide in [FloatFormat.fp32, .fp64] {
                var env = FloatEnvironment()
                let widened = wide.convert(x, from: format, &env)
                let back = format.convert(widened, from: wide, &env)
                if oracle.isNaN(x) {
                    // A signaling NaN (IEEE encodings) is quieted on the way, raising invalid.
                    let flags: ExceptionFlags = oracle.isSignalingNaN(x) ? .invalid : []
                    #expect(wide.isNaN(widened) && oracle.isNaN(back) && env.flags == flags,
                            "\(format.name) 0x\(String(x, radix: 16))")
                    continue
                }
                let value = wide == .fp32 ? Double(Float(bitPattern: UInt32(widened))) : Double(bitPattern: widened)
                let expected = oracle.isInfinite(x) ? (x & oracle.signBit != 0 ? -Double.infinity : .infinity)
                    : oracle.value(x)
                #expect(back == x && env.flags.isEmpty && value == expected && value.sign == expected.sign,
                        "\(format.name) 0x\(String(x, radix: 16)) via \(wide.name)")
            }
        }
    }

    /// ml_dtypes 0.7.0, by hand: `np.array(values, np.float32).astype(ml_dtypes.T).view(np.uint8)`.
    static let mlDtypesConversions: [(FloatFormat, [UInt32], [UInt64])] = [
        (.fp4E2M1, [0x7FC0_0000, 0xFFC0_0000, 0x7F80_0000, 0x40C0_0000, 0x40DC_CCCD, 0x40E0_0000, 0x3E80_0000,
                    0x3E85_1EB8, 0x3F40_0000],  // nan, -nan, inf, 6, 6.9, 7, 0.25, 0.26, 0.75
         [0x8, 0x0, 0x7, 0x7, 0x7, 0x7, 0x0, 0x1, 0x2]),
        (.fp6E2M3, [0x7FC0_0000, 0xFFC0_0000, 0xFF80_0000, 0x3F80_0000], [0x20, 0x00, 0x3F, 0x08]),
        (.fp6E3M2, [0x7FC0_0000, 0x7F80_0000, 0xF149_F2CA, 0x3F80_0000], [0x20, 0x1F, 0x3F, 0x0C]),  // ..., -1e30, 1
        (.fp8E4M3FNUZ, [0x7FC0_0000, 0x7F80_0000, 0x8000_0000, 0x4370_0000, 0x4378_0000, 0xBF80_0000, 0x8DA2_4260],
         [0x80, 0x80, 0x00, 0x7F, 0x80, 0xC0, 0x00]),  // nan, inf, -0, 240, 248, -1, -1e-30
        (.fp8E5M2FNUZ, [0xFF80_0000, 0x3F80_0000], [0x80, 0x40]),
        (.fp8E4M3B11FNUZ, [0x3F80_0000, 0xBF80_0000], [0x58, 0xD8]),
        (.float8E4M3, [0x4370_0000, 0x4377_E666, 0x4378_0000, 0x7149_F2CA, 0x7FC0_0000],  // 240, 247.9, 248, 1e30, nan
         [0x77, 0x77, 0x78, 0x78, 0x7C]),
        (.float8E3M4, [0x7149_F2CA, 0x3F80_0000, 0xFF80_0000], [0x70, 0x30, 0xF0]),
    ]

    @Test("conversions agree with ml_dtypes on hand-checked values")
    func mlDtypesValues() {
        for (format, inputs, codes) in Self.mlDtypesConversions {
            for (x, code) in zip(inputs, codes) {
                var env = FloatEnvironment()
                let bits = format.convert(UInt64(x), from: .fp32, &env)
                // ml_dtypes' NaN is any NaN pattern: compare NaNs by kind.
                #expect(bits == code || (format.isNaN(bits) && format.isNaN(code)),
                        "\(format.name) fp32 0x\(String(x, radix: 16)): 0x\(String(bits, radix: 16)), ml_dtypes 0x\(String(code, radix: 16))")
            }
        }
        // Arithmetic as ml_dtypes computes it (in float32, then converted): saturation,
        // overflow to the NaN, no −0.
        var env = FloatEnvironment()
        let fp4 = FloatFormat.fp4E2M1, fnuz = FloatFormat.fp8E4M3FNUZ
        #expect(fp4.add(0x7, 0x7, &env) == 0x7)
        #expect(fnuz.add(0x7F, 0x7F, &env) == 0x80)
        #expect(fnuz.multiply(0xB8, 0, &env) == 0)   // −0.5 × 0
        #expect(fnuz.add(0xB8, 0x38, &env) == 0)     // −0.5 + 0.5
        #expect(fp4.divide(0x2, 0, &env) == 0x7)     // 1 / 0: ∞, saturated
    }

    // MARK: Order

    @Test("nextUp, nextDown and comparisons of every value and pair", arguments: Self.formats)
    func order(format: FloatFormat) {
        let oracle = Self.oracles[format]!
        let count = UInt64(1) << UInt64(format.bitWidth)
        /// The oracle's value of a pattern, infinities included; nil for NaN.
        func value(_ x: UInt64) -> Double? {
            if oracle.isNaN(x) { return nil }
            if oracle.isInfinite(x) { return x & oracle.signBit != 0 ? -.infinity : .infinity }
            return oracle.value(x)
        }
        var ordered: [(UInt64, Double)] = []
        for x in 0..<count {
            guard let v = value(x), v != 0 || x == 0 else { continue }  // one zero: +0
            ordered.append((x, v))
        }
        ordered.sort { $0.1 < $1.1 }
        var failures = 0
        for (k, (x, v)) in ordered.enumerated() {
            var env = FloatEnvironment()
            let up = format.nextUp(x, &env), down = format.nextDown(x, &env)
            // Above the largest value: itself (∞, or no ∞ and no NaN) or the NaN.
            let expectedUp: Double? = k + 1 < ordered.count ? ordered[k + 1].1
                : (oracle.hasInfinity || !oracle.hasNaN ? v : nil)
            let expectedDown: Double? = k > 0 ? ordered[k - 1].1 : (oracle.hasInfinity || !oracle.hasNaN ? v : nil)
            if value(up) != expectedUp || value(down) != expectedDown { failures += 1 }
            if !env.flags.isEmpty { failures += 1 }
        }
        #expect(failures == 0, "\(format.name): \(failures) nextUp/nextDown disagree")
        failures = 0
        for a in 0..<count {
            for b in 0..<count {
                var env = FloatEnvironment()
                let less = format.isLess(a, b, signaling: false, &env)
                let equal = format.isEqual(a, b, &env)
                let expectedLess = value(a).flatMap { u in value(b).map { u < $0 } } ?? false
                let expectedEqual = value(a).flatMap { u in value(b).map { u == $0 } } ?? false
                let quiet = env.flags.isEmpty || oracle.isSignalingNaN(a) || oracle.isSignalingNaN(b)
                if less != expectedLess || equal != expectedEqual || !quiet { failures += 1 }
            }
        }
        #expect(failures == 0, "\(format.name): \(failures) comparisons disagree")
    }

    @Test("the registry knows every format by its ml_dtypes and short names")
    func names() throws {
        var spellings: [(String, FloatFormat)] = []
        spellings.append(("float8_e3m4", .float8E3M4))
        spellings.append(("fp8-e3m4", .float8E3M4))
        spellings.append(("float8_e4m3", .float8E4M3))
        spellings.append(("float8_e4m3fn", .fp8E4M3))
        spellings.append(("float8_e5m2", .fp8E5M2))
        spellings.append(("float8_e4m3fnuz", .fp8E4M3FNUZ))
        spellings.append(("fp8-e4m3fnuz", .fp8E4M3FNUZ))
        spellings.append(("float8_e5m2fnuz", .fp8E5M2FNUZ))
        spellings.append(("fp8-e5m2fnuz", .fp8E5M2FNUZ))
        spellings.append(("float8_e4m3b11fnuz", .fp8E4M3B11FNUZ))
        spellings.append(("fp8-e4m3b11fnuz", .fp8E4M3B11FNUZ))
        spellings.append(("float6_e2m3fn", .fp6E2M3))
        spellings.append(("fp6-e2m3", .fp6E2M3))
        spellings.append(("float6_e3m2fn", .fp6E3M2))
        spellings.append(("fp6-e3m2", .fp6E3M2))
        spellings.append(("float4_e2m1fn", .fp4E2M1))
        spellings.append(("fp4-e2m1", .fp4E2M1))
        for p in 1...7 { spellings.append(("binary8p\(p)", FloatFormat.binary8(precision: p))) }
        for (name, format) in spellings {
            #expect(try FloatFormat(name: name) == format, "\(name)")
            #expect(try FloatFormat(name: format.name) == format, "\(format.name)")
        }
        #expect(FloatFormat.binary8(precision: 5).exponentBitCount == 3 && FloatFormat.binary8(precision: 5).bias == 4)
    }
}
