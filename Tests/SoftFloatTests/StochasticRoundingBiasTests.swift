import Testing
import SoftFloat

/// The bias that stochastic rounding's 13 random bits allow: the probability of rounding
/// away from zero is ⌈2^13 · d⌉ / 2^13 for a fraction d of the distance to cover, so the
/// mean of many roundings of x lies within 2^−13 ulp of x (plus sampling noise).
@Suite("Stochastic rounding: random bits and bias")
struct StochasticRoundingBiasTests {
    /// Over all 2^13 draws, the rule rounds away for exactly those r with r / 2^13 below the
    /// exact fraction (counted here from the definition, draw by draw).
    @Test func theRuleCoversTheFractionWithinOneStep() {
        var random = SplitMix64(seed: 77)
        let fractions: [UInt64] = [0, 1, 1 << 51, (1 << 51) + 1, (1 << 51) - 1, 1 << 63, .max]
            + (0..<60).map { _ in random.next() }
        for fraction in fractions {
            for sticky in [false, true] {
                var away = 0, below = 0
                for r in UInt64(0)..<8192 {
                    if StochasticBits.roundsAway(fraction: fraction, sticky: sticky, draw: r) { away += 1 }
                    // r/2^13 < d exactly: r·2^51 < fraction, or equal with something below it.
                    if r << 51 < fraction || (r << 51 == fraction && sticky) { below += 1 }
                }
                #expect(away == below, "fraction \(fraction) sticky \(sticky)")
                // Hence P(away) − d lies in [0, 2^−13).
                let d = Double(fraction) * 0x1p-64
                let p = Double(away) / 8192
                // (d in Double may lose the sticky part: then p − d = 2^−13 exactly is allowed.)
                if fraction != 0 || sticky { #expect(p >= d - 0x1p-60 && (p - d < 0x1p-13 || (sticky && p - d <= 0x1p-13))) }
            }
        }
    }

    /// The bits of a rounding depend on (key, index) alone, four roundings share a word, and
    /// distinct keys and indices give distinct bits.
    @Test func bitsAreAFunctionOfKeyAndIndex() {
        let a = StochasticBits(seed: 5, site: 1, step: 2, element: 3)
        var b = a
        b.advance(by: 1000)
        #expect(a.draw(at: 1000) == b.draw)
        #expect(StochasticBits(seed: 5, site: 1, step: 2, element: 3) == a)
        #expect(StochasticBits(seed: 5, site: 1, step: 2, element: 4).key != a.key)
        let word = a.word(block: 9)
        for lane in 0..<4 { #expect(a.draw(at: 36 + UInt64(lane)) == StochasticBits.draw(lane: lane, of: word)) }
        for block: UInt64 in [0, 1, 9, 1 << 40, .max - 2, .max] {
            let words = a.words(block: block)
            for j in 0..<4 { #expect(words[j] == a.word(block: block &+ UInt64(j)), "block \(block) lane \(j)") }
        }
        let draws = Set((0..<4096).map { a.draw(at: UInt64($0)) })
        #expect(draws.count > 3000)   // 4096 draws of 13 bits: about 3,200 distinct values
        #expect(draws.allSatisfy { $0 < 8192 })
    }

    /// The mean of 2^16 stochastic roundings of x (indices 0 ..< 2^16 of one key) equals x
    /// within 2^−13 ulp plus five standard deviations of the sampling, and the count of
    /// upward roundings matches the exact probability ⌈2^13 · d⌉ / 2^13.
    @Test(arguments: [FloatFormat.bf16, .fp16, .fp8E4M3, .fp8E5M2, .fp32])
    func meanOfManyRoundingsIsTheValue(format: FloatFormat) {
        let least = format.toDouble(1)
        let leastNormal = format.toDouble(format.leastNormalMagnitude)
        let ulpOne = Double(sign: .plus, exponent: -format.fractionBitCount, significand: 1)
        let values: [Double] = [
            0.3 * least, 1e-6 * least, -0.7 * least,                 // near 0
            2.25 * least, 5.9 * least, -3.5 * least,                  // subnormals
            leastNormal * (1 - 0.3 * ulpOne), leastNormal * (1 + 0.4 * ulpOne),  // the normal range's edge
            1 - 0.2 * ulpOne, 1 + 0.7 * ulpOne, -(2 - 0.05 * ulpOne), 1 + 1e-5 * ulpOne, // binade edges
            3.3, -0.123,
        ]
        let n = 1 << 16
        for (v, x) in values.enumerated() {
            var down = FloatEnvironment(rounding: .towardZero)
            let low = format.toDouble(format.fromDouble(x, &down))
            var up = FloatEnvironment(rounding: x < 0 ? .down : .up)
            let high = format.toDouble(format.fromDouble(x, &up))
            guard high != low else { continue }
            let ulp = abs(high - low)
            let d = abs(x - low) / ulp
            var env = FloatEnvironment(rounding: .stochastic, seed: 1000 + UInt64(v))
            var sum = 0.0, aways = 0
            for i in 0..<n {
                env.random.counter = UInt64(i)
                let r = format.toDouble(format.fromDouble(x, &env))
                #expect(r == low || r == high)
                if r == high { aways += 1 }
                sum += r - low
            }
            let mean = low + sum / Double(n)
            let p = (d * 8192).rounded(.up) / 8192
            let sigma = (p * (1 - p) / Double(n)).squareRoot()
            #expect(abs(mean - x) <= ulp * (0x1p-13 + 5 * sigma) + ulp * 0x1p-40,
                    "\(format.name) x = \(x): mean \(mean)")
            #expect(abs(Double(aways) - p * Double(n)) <= 5 * sigma * Double(n) + 1,
                    "\(format.name) x = \(x): \(aways) of \(n) up, probability \(p)")
        }
    }
}
