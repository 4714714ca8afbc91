import Foundation
import Testing
import SoftFloat

/// Conversions against independent references: every 16-bit (and tf32) value survives a
/// trip through fp32 and fp64, and fp32 → bf16, fp16, tf32 rounds as the oracle does, on
/// 10^8 inputs plus every boundary case by default and on all 2^32 inputs when
/// PRECISION_LAB_EXHAUSTIVE=1.
@Suite("Conversion oracle")
struct ConversionOracleTests {
    static let deterministicModes: [RoundingMode] = [.nearestEven, .nearestAway, .towardZero, .up, .down, .odd]
    static let exhaustive = ProcessInfo.processInfo.environment["PRECISION_LAB_EXHAUSTIVE"] == "1"
    static let sweepCount = 100_000_000
    static let narrowFormats: [FloatFormat] = [.bf16, .fp16, .tf32]

    // MARK: Round trips

    @Test("every value converts to fp32 and fp64 and back unchanged", arguments: [FloatFormat.fp16, .bf16, .tf32])
    func roundTrip(format: FloatFormat) {
        let oracle = OracleRounding(format)
        var tally = OracleTally()
        for x in 0..<(UInt64(1) << UInt64(format.bitWidth)) {
            for wide in [FloatFormat.fp32, .fp64] {
                var env = FloatEnvironment()
                let widened = wide.convert(x, from: format, &env)
                let back = format.convert(widened, from: wide, &env)
                tally.checked += 1
                let hex = "0x" + String(x, radix: 16)
                if oracle.isNaN(x) {
                    // A NaN comes back quieted (its payload kept); a signaling one raises invalid.
                    let quieted = x | 1 << UInt64(format.fractionBitCount - 1)
                    let flags: ExceptionFlags = oracle.isSignalingNaN(x) ? .invalid : []
                    if back != quieted || env.flags != flags { tally.fail("\(format.name) NaN \(hex) via \(wide.name)") }
                    continue
                }
                // The wide value is exact: compare it with the oracle's own decoding.
                let value = wide == .fp32 ? Double(Float(bitPattern: UInt32(widened))) : Double(bitPattern: widened)
                let expected = oracle.isInfinite(x) ? (x & oracle.signBit != 0 ? -Double.infinity : .infinity)
                    : oracle.value(x)
                if back != x || !env.flags.isEmpty || value != expected || value.sign != expected.sign {
                    tally.fail("\(format.name) \(hex) via \(wide.name): 0x\(String(widened, radix: 16)), "
                               + "back 0x\(String(back, radix: 16)) {\(env.flags)}")
                }
            }
        }
        #expect(tally.failures == 0, Comment(rawValue: tally.summary))
    }

    @Test("fp16 widens as the hardware's Float16 does, bf16 as a 16-bit shift")
    func wideningMatchesHardware() {
        var failures = 0
        for x in 0..<UInt64(1 << 16) {
            var env = FloatEnvironment()
            let half = Float16(bitPattern: UInt16(x))
            if !half.isNaN, FloatFormat.fp32.convert(x, from: .fp16, &env) != UInt64(Float(half).bitPattern) {
                failures += 1
            }
            let isBFloatNaN = x & 0x7F80 == 0x7F80 && x & 0x7F != 0
            if !isBFloatNaN, FloatFormat.fp32.convert(x, from: .bf16, &env) != x << 16 { failures += 1 }
        }
        #expect(failures == 0)
    }

    // MARK: fp32 → bf16, fp16, tf32

    /// The oracle's conversion of the fp32 pattern `x`, in `env`.
    static func expected(_ x: UInt32, _ oracle: OracleRounding, _ env: FloatEnvironment) -> OracleOutcome {
        let v = Float(bitPattern: x)
        let sign = v.sign == .minus ? oracle.signBit : 0
        if v.isNaN {
            return OracleOutcome(OracleResult(bits: sign | oracle.infinityBits | 1,
                                              flags: v.isSignalingNaN ? .invalid : [], isNaN: true))
        }
        if v.isInfinite { return OracleOutcome(OracleResult(bits: sign | oracle.infinityBits, flags: [])) }
        if v == 0 || (!env.subnormals && v.isSubnormal) { return OracleOutcome(OracleResult(bits: sign, flags: [])) }
        return oracle.round(.exact(Double(v)), env)
    }

    /// Checks the conversion of `x` in every deterministic mode (one oracle search, which
    /// starts from `hint`, the index found for the previous input, and updates it).
    static func checkAllModes(_ x: UInt32, _ oracle: OracleRounding, hint: inout Int,
                              into tally: inout OracleTally) {
        let v = Float(bitPattern: x)
        let location = v.isFinite && v != 0 ? oracle.locate(.exact(Double(v)), near: hint) : nil
        if let location { hint = location.index }
        for mode in deterministicModes {
            var env = FloatEnvironment(rounding: mode)
            let bits = oracle.format.convert(UInt64(x), from: .fp32, &env)
            let expected = location.map { oracle.round($0, FloatEnvironment(rounding: mode)) }
                ?? Self.expected(x, oracle, FloatEnvironment(rounding: mode))
            tally.checked += 1
            if expected.isTie { tally.ties += 1 }
            if !expected.matches(bits, env.flags, in: oracle) {
                tally.fail("fp32 0x\(String(x, radix: 16)) → \(oracle.format.name) \(mode): core 0x\(String(bits, radix: 16)) "
                           + "{\(env.flags)}, oracle \(expected.down)")
            }
        }
    }

    /// Every boundary of a format, as fp32 inputs: the values within four fp32 steps of
    /// each of its values and of each midpoint between neighbours (including the overflow
    /// neighbour, so the overflow threshold), with both signs; every fp32 exponent with
    /// its extreme fractions; the special values.
    static func boundaryInputs(_ oracle: OracleRounding) -> [UInt32] {
        var points: [Double] = []
        for k in 0..<oracle.values.count {
            points.append(oracle.values[k])
            if k + 1 < oracle.values.count { points.append((oracle.values[k] + oracle.values[k + 1]) / 2) }
        }
        var inputs: [UInt32] = []
        inputs.reserveCapacity(points.count * 18 + 4096)
        for point in points {
            let center = Float(point)
            guard center.isFinite else { continue }  // 2^128, the overflow neighbour of bf16 and tf32
            precondition(Double(center) == point, "every boundary is an fp32 value")
            for delta in -4...4 {
                let bits = Int64(center.bitPattern) + Int64(delta)
                guard (0..<0x7F80_0001).contains(bits) else { continue }
                inputs.append(UInt32(bits))
                inputs.append(UInt32(bits) | 0x8000_0000)
            }
        }
        var random = SplitMix64(seed: 32)
        for exponent in 0..<UInt32(256) {
            for fraction: UInt32 in [0, 1, 2, 3, 0x7F_FFFF, 0x7F_FFFE, 0x40_0000, 0x3F_FFFF, 0x40_0001]
                + (0..<8).map({ _ in UInt32(truncatingIfNeeded: random.next()) & 0x7F_FFFF }) {
                inputs.append(exponent << 23 | fraction)
                inputs.append(0x8000_0000 | exponent << 23 | fraction)
            }
        }
        return inputs
    }

    @Test("fp32 → bf16, fp16, tf32: every boundary case, every mode and option set", arguments: narrowFormats)
    func boundaries(format: FloatFormat) {
        let oracle = OracleRounding(format)
        let inputs = Self.boundaryInputs(oracle)
        let options: [(Tininess, Bool, Bool)] = [(.beforeRounding, true, false), (.afterRounding, false, false),
                                                 (.afterRounding, true, true)]
        let tally = OracleTally.parallel(count: inputs.count) { range in
            var tally = OracleTally()
            var hint = 0
            for i in range {
                let x = inputs[i]
                Self.checkAllModes(x, oracle, hint: &hint, into: &tally)
                for mode in Self.deterministicModes + [.stochastic] {
                    for (tininess, subnormals, saturates) in options {
                        let env = FloatEnvironment(rounding: mode, tininess: tininess, subnormals: subnormals,
                                                   saturates: saturates, seed: UInt64(i))
                        var core = env
                        let bits = format.convert(UInt64(x), from: .fp32, &core)
                        let expected = Self.expected(x, oracle, env)
                        tally.checked += 1
                        if !expected.matches(bits, core.flags, in: oracle) {
                            tally.fail("fp32 0x\(String(x, radix: 16)) → \(format.name) \(mode) \(tininess) "
                                       + "subnormals \(subnormals) saturates \(saturates): core 0x\(String(bits, radix: 16)) "
                                       + "{\(core.flags)}, oracle \(expected.down)" + (expected.up.map { " or \($0)" } ?? ""))
                        }
                    }
                }
            }
            return tally
        }
        #expect(inputs.count >= 2 * 9 * 2 * (oracle.largestFiniteIndex + 1))
        #expect(tally.failures == 0, Comment(rawValue: tally.summary))
        #expect(tally.ties >= oracle.largestFiniteIndex, "the midpoints were rounded as ties")
    }

    @Test("fp32 → bf16, fp16, tf32: 10^8 inputs spread over every exponent, every mode", arguments: narrowFormats)
    func sweep(format: FloatFormat) {
        let oracle = OracleRounding(format)
        // i × 43 + 17 for i < 10^8 runs once across all 2^32 patterns, low bits varying.
        let tally = OracleTally.parallel(count: Self.sweepCount, chunks: 1024) { range in
            var tally = OracleTally()
            var hint = 0
            for i in range {
                Self.checkAllModes(UInt32(truncatingIfNeeded: i &* 43 &+ 17), oracle, hint: &hint, into: &tally)
            }
            return tally
        }
        #expect(tally.checked == Self.sweepCount * Self.deterministicModes.count)
        #expect(tally.failures == 0, Comment(rawValue: tally.summary))
    }

    @Test("fp32 → bf16, fp16, tf32: all 2^32 inputs, every mode (PRECISION_LAB_EXHAUSTIVE=1)",
          .enabled(if: exhaustive), arguments: narrowFormats)
    func everyInput(format: FloatFormat) {
        let oracle = OracleRounding(format)
        let count = 1 << 32
        let tally = OracleTally.parallel(count: count, chunks: 4096) { range in
            var tally = OracleTally()
            var hint = 0
            for i in range { Self.checkAllModes(UInt32(i), oracle, hint: &hint, into: &tally) }
            return tally
        }
        #expect(tally.checked == count * Self.deterministicModes.count)
        #expect(tally.failures == 0, Comment(rawValue: tally.summary))
    }
}
