import Testing
import SoftFloat

/// The SoftFloat core's arithmetic against an independent exact oracle (`OracleRounding`):
/// every operand pair of the 8-bit formats, and millions of random and adversarial operand
/// pairs of bf16, tf32 and fp16, in every rounding mode.
@Suite("Oracle arithmetic")
struct OracleArithmeticTests {
    static let deterministicModes: [RoundingMode] = [.nearestEven, .nearestAway, .towardZero, .up, .down, .odd]

    /// The environment options the exhaustive tests run under, besides the rounding mode.
    static let optionSets: [(name: String, tininess: Tininess, subnormals: Bool, saturates: Bool)] = [
        ("default", .afterRounding, true, false),
        ("tininess before rounding", .beforeRounding, true, false),
        ("subnormals flushed", .afterRounding, false, false),
        ("saturating", .afterRounding, true, true),
    ]

    static let oracles: [FloatFormat: OracleRounding] = {
        var table: [FloatFormat: OracleRounding] = [:]
        for format in [FloatFormat.fp8E5M2, .fp8E4M3, .bf16, .fp16, .tf32] { table[format] = OracleRounding(format) }
        return table
    }()

    /// Compares one evaluation of the core with the oracle, recording a failure.
    static func check(_ oracle: OracleRounding, _ operation: OracleOperation, _ a: UInt64, _ b: UInt64,
                      _ c: UInt64, _ env: FloatEnvironment, into tally: inout OracleTally) {
        var core = env
        let bits = operation.evaluate(oracle.format, a, b, c, &core)
        let expected = oracle.expected(operation, a, b, c, env)
        tally.checked += 1
        if expected.isTie { tally.ties += 1 }
        if !expected.matches(bits, core.flags, in: oracle) {
            let operands = [a, b, c].prefix(operation.operandCount).map { "0x" + String($0, radix: 16) }
            tally.fail("\(oracle.format.name) \(operation.rawValue)(\(operands.joined(separator: ", "))) "
                       + "\(env.rounding) tininess \(env.tininess) subnormals \(env.subnormals) "
                       + "saturates \(env.saturates): core 0x\(String(bits, radix: 16)) {\(core.flags)}, "
                       + "oracle \(expected.down)" + (expected.up.map { " or \($0)" } ?? ""))
        }
    }

    static func environment(_ mode: RoundingMode, _ options: Int, seed: UInt64 = 0) -> FloatEnvironment {
        let o = optionSets[options]
        return FloatEnvironment(rounding: mode, tininess: o.tininess, subnormals: o.subnormals,
                                saturates: o.saturates, seed: seed)
    }

    @Test("every fp8 operand pair: add, sub, mul, div in every mode and option set",
          arguments: [FloatFormat.fp8E5M2, .fp8E4M3], OracleOperation.binary)
    func everyEightBitPair(format: FloatFormat, operation: OracleOperation) {
        let oracle = Self.oracles[format]!
        let tally = OracleTally.parallel(count: 256) { range in
            var tally = OracleTally()
            for a in range {
                for b in 0..<256 {
                    for options in Self.optionSets.indices {
                        for mode in Self.deterministicModes {
                            Self.check(oracle, operation, UInt64(a), UInt64(b), 0,
                                       Self.environment(mode, options), into: &tally)
                        }
                        // Stochastic rounding: one of the two neighbours.
                        Self.check(oracle, operation, UInt64(a), UInt64(b), 0,
                                   Self.environment(.stochastic, options, seed: UInt64(a << 8 | b)), into: &tally)
                    }
                }
            }
            return tally
        }
        #expect(tally.checked == 256 * 256 * Self.optionSets.count * (Self.deterministicModes.count + 1))
        #expect(tally.failures == 0, Comment(rawValue: tally.summary))
    }

    @Test("every fp8 value: square root in every mode and option set", arguments: [FloatFormat.fp8E5M2, .fp8E4M3])
    func everyEightBitSquareRoot(format: FloatFormat) {
        let oracle = Self.oracles[format]!
        var tally = OracleTally()
        for a in 0..<UInt64(256) {
            for options in Self.optionSets.indices {
                for mode in Self.deterministicModes + [.stochastic] {
                    Self.check(oracle, .squareRoot, a, 0, 0, Self.environment(mode, options, seed: a), into: &tally)
                }
            }
        }
        #expect(tally.failures == 0, Comment(rawValue: tally.summary))
    }

    /// Addends for the fp8 fused multiply-add: every special value and a spread of others.
    static func addends(_ oracle: OracleRounding, count: Int) -> [UInt64] {
        var sampler = OracleSampler(oracle, seed: 0xADD)
        var list: [UInt64] = [0, 1, 2, 3, UInt64(1) << UInt64(oracle.f), UInt64(oracle.largestFiniteIndex),
                              UInt64(oracle.largestFiniteIndex - 1), oracle.infinityBits, oracle.signBit - 1,
                              oracle.infinityBits | 1, sampler.pattern(sampler.bias, 0)]
        list += list.map { $0 | oracle.signBit }
        while list.count < count { list.append(sampler.value()) }
        return list
    }

    @Test("every fp8 operand pair: fused multiply-add with a sample of addends, every mode",
          arguments: [(FloatFormat.fp8E5M2, 64), (.fp8E4M3, 24)])
    func everyEightBitPairMultiplyAdd(format: FloatFormat, addendCount: Int) {
        let oracle = Self.oracles[format]!
        let addends = Self.addends(oracle, count: addendCount)
        let tally = OracleTally.parallel(count: 256) { range in
            var tally = OracleTally()
            for a in range {
                for b in 0..<UInt64(256) {
                    for (k, c) in addends.enumerated() {
                        for mode in Self.deterministicModes {
                            Self.check(oracle, .fusedMultiplyAdd, UInt64(a), b, c, FloatEnvironment(rounding: mode),
                                       into: &tally)
                        }
                        // The option sets and stochastic rounding, one each, in turn.
                        let options = (a + Int(b) + k) % Self.optionSets.count
                        Self.check(oracle, .fusedMultiplyAdd, UInt64(a), b, c,
                                   Self.environment(.stochastic, options, seed: UInt64(a) << 16 | b << 8 | UInt64(k)),
                                   into: &tally)
                        Self.check(oracle, .fusedMultiplyAdd, UInt64(a), b, c,
                                   Self.environment(Self.deterministicModes[k % Self.deterministicModes.count], options), into: &tally)
                    }
                }
            }
            return tally
        }
        #expect(tally.checked == 256 * 256 * addends.count * (Self.deterministicModes.count + 2))
        #expect(tally.failures == 0, Comment(rawValue: tally.summary))
    }

    static let randomPairs = 1_000_000

    @Test("random and adversarial operands: 10^6 per operation and mode",
          arguments: [FloatFormat.bf16, .tf32, .fp16], OracleOperation.allCases)
    func randomOperands(format: FloatFormat, operation: OracleOperation) {
        let oracle = Self.oracles[format]!
        let tally = OracleTally.parallel(count: Self.randomPairs) { range in
            var tally = OracleTally()
            var sampler = OracleSampler(oracle, seed: UInt64(range.lowerBound) &* 0x9E37_79B9 ^ UInt64(operation.operandCount))
            for i in range {
                let (a, b, c) = sampler.operands(for: operation)
                for mode in Self.deterministicModes {
                    Self.check(oracle, operation, a, b, c, FloatEnvironment(rounding: mode), into: &tally)
                }
                Self.check(oracle, operation, a, b, c, FloatEnvironment(rounding: .stochastic, seed: UInt64(i)),
                           into: &tally)
                // Once more under a random option set and mode.
                let modes = Self.deterministicModes + [.stochastic]
                Self.check(oracle, operation, a, b, c,
                           Self.environment(modes[sampler.below(modes.count)], sampler.below(Self.optionSets.count),
                                            seed: UInt64(i)), into: &tally)
            }
            return tally
        }
        #expect(tally.checked == Self.randomPairs * (Self.deterministicModes.count + 2))
        #expect(tally.failures == 0, Comment(rawValue: tally.summary))
        // The adversarial operands did reach ties (impossible only for square roots).
        if operation != .squareRoot {
            #expect(tally.ties >= 1000, "only \(tally.ties) ties were rounded")
        }
    }

    @Test("every value of the 16- and 19-bit formats: square root in every mode",
          arguments: [FloatFormat.bf16, .fp16, .tf32])
    func everySquareRoot(format: FloatFormat) {
        let oracle = Self.oracles[format]!
        let count = 1 << format.bitWidth
        let tally = OracleTally.parallel(count: count) { range in
            var tally = OracleTally()
            for a in range {
                for mode in Self.deterministicModes + [.stochastic] {
                    Self.check(oracle, .squareRoot, UInt64(a), 0, 0, FloatEnvironment(rounding: mode, seed: UInt64(a)),
                               into: &tally)
                }
            }
            return tally
        }
        #expect(tally.checked == count * (Self.deterministicModes.count + 1))
        #expect(tally.failures == 0, Comment(rawValue: tally.summary))
    }
}
