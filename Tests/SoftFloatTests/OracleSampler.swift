import SoftFloat

/// Operands for random oracle tests: random bit patterns, and values biased to where
/// rounding is hard (exponent extremes, subnormals, special values, short significands,
/// and partners chosen so that the exact result is a tie).
///
///     var sampler = OracleSampler(OracleRounding(.bf16), seed: 1)
///     let (a, b, c) = sampler.operands(for: .add)
///
/// Edge cases: the same seed gives the same operands.
struct OracleSampler {
    let oracle: OracleRounding
    var random: SplitMix64

    init(_ oracle: OracleRounding, seed: UInt64) {
        self.oracle = oracle
        random = SplitMix64(seed: seed)
    }

    var w: Int { oracle.w }
    var f: Int { oracle.f }
    var bias: Int { (1 << (w - 1)) - 1 }

    mutating func below(_ n: Int) -> Int { Int(random.next() % UInt64(n)) }
    mutating func sign() -> UInt64 { random.next() & 1 == 0 ? 0 : oracle.signBit }
    mutating func fraction() -> UInt64 { random.next() & ((1 << UInt64(f)) - 1) }
    func pattern(_ exponentField: Int, _ fraction: UInt64) -> UInt64 { UInt64(exponentField) << UInt64(f) | fraction }

    /// The pattern of a finite value given as a Double, when the format holds it exactly.
    func bits(of x: Double) -> UInt64? {
        guard x.isFinite else { return nil }
        let (index, exact) = oracle.bracket(.exact(abs(x)))
        guard exact, index <= oracle.largestFiniteIndex else { return nil }
        return (x.sign == .minus ? oracle.signBit : 0) | UInt64(index)
    }

    /// One operand, from a mixture of kinds.
    mutating func value() -> UInt64 {
        let topField = (1 << w) - 1
        switch below(20) {
        case 0..<6: return random.next() & (oracle.signBit << 1 - 1)  // any pattern
        case 6..<9:  // exponent extremes
            let fields = [1, 2, 3, topField - 3, topField - 2, topField - 1, topField]
            return sign() | pattern(fields[below(fields.count)], fraction())
        case 9..<12: return sign() | pattern(0, fraction())  // subnormal (or zero)
        case 12..<15: return shortValue(bits: 1 + below(f + 1), exponent: below(9) - 4)
        case 15..<17:  // special values
            let specials: [UInt64] = [0, 1, UInt64(1) << UInt64(f), UInt64(oracle.largestFiniteIndex),
                                      oracle.infinityBits, oracle.signBit - 1, oracle.infinityBits | 1,
                                      pattern(bias, 0)]
            return sign() | specials[below(specials.count)]
        default: return sign() | pattern(max(1, min(topField - 1, bias + below(11) - 5)), fraction())
        }
    }

    /// A value whose significand has exactly `bits` significant bits, near 2^exponent.
    mutating func shortValue(bits k: Int, exponent: Int) -> UInt64 {
        let field = max(1, min((1 << w) - 2, bias + exponent))
        guard k >= 2 else { return sign() | pattern(field, 0) }
        let middle = random.next() & ((1 << UInt64(k - 2)) - 1)  // the bits between the first and last one
        let significand = (UInt64(1) << UInt64(k - 1)) | middle << 1 | 1  // k bits, odd
        return sign() | pattern(field, (significand << UInt64(f - (k - 1))) & ((1 << UInt64(f)) - 1))
    }

    /// A value that, added to the exact value `v`, lands on or next to a midpoint of the
    /// format: an odd multiple of half of `v`'s unit in the last place, possibly nudged.
    mutating func tiePartner(for v: Double) -> UInt64? {
        guard v != 0, v.isFinite else { return nil }
        let unit = OracleRounding.power(max(Int(v.exponent), 1 - bias) - f)
        var partner = Double(2 * below(4) + 1) * unit / 2
        if random.next() & 1 == 0 { partner = -partner }
        guard var bits = bits(of: partner) else { return nil }
        switch below(4) {
        case 0 where bits & (oracle.signBit - 1) < UInt64(oracle.largestFiniteIndex): bits += 1  // just past the tie
        case 1 where bits & (oracle.signBit - 1) > 1: bits -= 1                                  // just short of it
        default: break
        }
        return bits
    }

    /// Operands for one test of `operation`: mostly independent values, sometimes pairs
    /// built to round a tie.
    mutating func operands(for operation: OracleOperation) -> (UInt64, UInt64, UInt64) {
        var a = value(), b = value(), c = value()
        guard below(4) == 0 else { return (a, b, c) }
        switch operation {
        case .add, .subtract:
            a = sign() | pattern(1 + below((1 << w) - 2), fraction())
            if let t = tiePartner(for: oracle.value(a)) { b = operation == .add ? t : t ^ oracle.signBit }
        case .multiply:
            // k + j significant bits make a product of k + j − 1 or k + j bits: a tie when p + 1.
            let k = 1 + below(f + 1), j = f + 2 - k + below(2)
            a = shortValue(bits: k, exponent: below(9) - 4)
            b = shortValue(bits: max(1, min(f + 1, j)), exponent: below(9) - 4)
        case .divide:
            // (2k+1)·2^(emin−f−1+s) ÷ 2^s: a tie between two subnormals.
            let s = 1 + below(4)
            let minimum = OracleRounding.power(1 - bias - f)
            if let x = bits(of: Double(2 * below(8) + 1) * minimum / 2 * OracleRounding.power(s)),
               let y = bits(of: OracleRounding.power(s)) {
                a = x ^ sign()
                b = y ^ sign()
            }
        case .fusedMultiplyAdd:
            // A power of two times b is exact; c then makes a tie of the sum.
            a = sign() | pattern(max(1, min((1 << w) - 2, bias + below(5) - 2)), 0)
            b = sign() | pattern(max(1, min((1 << w) - 2, bias + below(21) - 10)), fraction())
            if let t = tiePartner(for: oracle.value(a) * oracle.value(b)) { c = t }
        case .squareRoot:
            break  // a square root is never a tie
        }
        return (a, b, c)
    }
}
