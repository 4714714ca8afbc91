import Testing
import SoftFloat

/// Stochastic rounding against the oracle: the result is always one of the two neighbours
/// of the exact value (checked in `OracleArithmeticTests`), the upper one comes up as often
/// as its distance ratio says, and a seed fixes the whole sequence. (An operation rounds
/// with the bits of the environment's current index; the tests advance it between trials.)
@Suite("Oracle arithmetic: stochastic rounding")
struct OracleStochasticTests {
    static let draws = 4000

    /// Inexact cases whose probability of rounding up is neither tiny nor near certain.
    static func cases(_ oracle: OracleRounding, _ operation: OracleOperation, count: Int)
        -> [(a: UInt64, b: UInt64, c: UInt64, outcome: OracleOutcome)] {
        var sampler = OracleSampler(oracle, seed: 0x5700 + UInt64(operation.operandCount))
        var found: [(UInt64, UInt64, UInt64, OracleOutcome)] = []
        for _ in 0..<200_000 where found.count < count {
            let (a, b, c) = sampler.operands(for: operation)
            let outcome = oracle.expected(operation, a, b, c, FloatEnvironment(rounding: .stochastic))
            if outcome.up != nil, (0.02...0.98).contains(outcome.probabilityUp) { found.append((a, b, c, outcome)) }
        }
        return found
    }

    @Test("the upper neighbour comes up as often as its distance ratio",
          arguments: [FloatFormat.bf16, .tf32, .fp16, .fp8E5M2, .fp8E4M3], OracleOperation.allCases)
    func frequencyMatchesDistance(format: FloatFormat, operation: OracleOperation) {
        let oracle = OracleRounding(format)
        let cases = Self.cases(oracle, operation, count: 24)
        #expect(cases.count >= 8, "too few inexact cases found")
        var deviation = 0.0, variance = 0.0
        for (index, item) in cases.enumerated() {
            var env = FloatEnvironment(rounding: .stochastic, seed: UInt64(index) &* 0x1234_5678_9ABC)
            var ups = 0
            for _ in 0..<Self.draws {
                env.flags = []
                env.random.advance()
                let bits = operation.evaluate(format, item.a, item.b, item.c, &env)
                if item.outcome.up!.matches(bits, env.flags, in: oracle) {
                    ups += 1
                } else if !item.outcome.down.matches(bits, env.flags, in: oracle) {
                    Issue.record(Comment(rawValue: "\(format.name) \(operation.rawValue) gave 0x\(String(bits, radix: 16)), "
                                         + "neither \(item.outcome.down) nor \(item.outcome.up!)"))
                    return
                }
            }
            let p = item.outcome.probabilityUp, n = Double(Self.draws)
            let sigma = (n * p * (1 - p)).squareRoot()
            #expect(abs(Double(ups) - n * p) <= 5 * sigma + 1,
                    "\(format.name) \(operation.rawValue) 0x\(String(item.a, radix: 16)) 0x\(String(item.b, radix: 16)): \(ups) of \(Self.draws) up, expected \(n * p)")
            deviation += Double(ups) - n * p
            variance += n * p * (1 - p)
        }
        // Over all cases together, the deviation is within five standard deviations too.
        #expect(abs(deviation) <= 5 * variance.squareRoot() + 1)
    }

    @Test("the same seed gives the same sequence; another seed a different one",
          arguments: [FloatFormat.bf16, .fp16, .tf32])
    func seedFixesTheSequence(format: FloatFormat) {
        let oracle = OracleRounding(format)
        func run(seed: UInt64) -> [UInt64] {
            var sampler = OracleSampler(oracle, seed: 99)
            var env = FloatEnvironment(rounding: .stochastic, seed: seed)
            var results: [UInt64] = []
            for i in 0..<30_000 {
                let operation = OracleOperation.allCases[i % OracleOperation.allCases.count]
                let (a, b, c) = sampler.operands(for: operation)
                results.append(operation.evaluate(format, a, b, c, &env))
                results.append(UInt64(env.flags.rawValue))
                env.random.advance()
            }
            return results
        }
        let first = run(seed: 2024)
        #expect(run(seed: 2024) == first)
        #expect(run(seed: 2025) != first)
    }
}
