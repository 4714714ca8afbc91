import SoftFloat

/// What the oracle expects of one result: its bits (any NaN matches a NaN) and its flags.
struct OracleResult: Equatable, CustomStringConvertible {
    var bits: UInt64
    var flags: ExceptionFlags
    var isNaN = false

    /// Whether `bits` and `flags` from the core are this result.
    func matches(_ bits: UInt64, _ flags: ExceptionFlags, in format: OracleRounding) -> Bool {
        flags == self.flags && (isNaN ? format.isNaN(bits) : bits == self.bits)
    }

    var description: String {
        (isNaN ? "NaN" : "0x" + String(bits, radix: 16)) + " {\(flags)}"
    }
}

/// The oracle's answer for one operation: a single result, or for stochastic rounding two
/// neighbours and the probability of the upper one.
struct OracleOutcome {
    var down: OracleResult
    var up: OracleResult?
    var probabilityUp = 0.0
    /// Whether the exact value sat exactly halfway between two neighbours.
    var isTie = false

    init(_ result: OracleResult, isTie: Bool = false) {
        down = result
        self.isTie = isTie
    }

    init(down: OracleResult, up: OracleResult, probabilityUp: Double) {
        self.down = down
        self.up = up
        self.probabilityUp = probabilityUp
    }

    func matches(_ bits: UInt64, _ flags: ExceptionFlags, in format: OracleRounding) -> Bool {
        down.matches(bits, flags, in: format) || (up?.matches(bits, flags, in: format) ?? false)
    }
}

/// The reference rounding of the oracle: every finite value of a format, decoded from its
/// bit patterns here (not by the core), kept sorted; an exact value is rounded by binary
/// search among them, then by the rounding mode applied by hand.
///
///     let bf16 = OracleRounding(.bf16)
///     let r = bf16.round(.exact(1.0 / 3.0), FloatEnvironment(rounding: .up))
///
/// The encodings' rules are written here again from their definitions (IEEE 754; OCP FP8
/// E4M3; OCP MX FP6/FP4, which have no NaN and saturate, with ml_dtypes' NaN conversion;
/// fnuz; IEEE P3109 extended), taking only the encoding's name, the widths and the bias
/// from the format.
///
/// Edge cases: beyond the largest finite value sits one more entry, the value the next
/// bit pattern would have with an unbounded exponent, so overflow is decided like any
/// other rounding; tininess after rounding looks at the precision-p neighbours of the
/// least normal value; stochastic rounding counts tiny before rounding, as the core does.
/// A tie goes to the neighbour that is an even multiple of their distance (the even
/// significand; with one bit of precision, the larger power of two, except next to zero).
/// Formats up to 24 bits of precision (every format of 16 bits or less, and tf32).
struct OracleRounding: Sendable {
    let format: FloatFormat
    let w: Int, f: Int
    /// `values[k]` is the value of the positive bit pattern `k`, for every finite `k`,
    /// then the overflow neighbour.
    let values: [Double]
    let largestFiniteIndex: Int
    let leastNormal: Double
    /// The largest precision-p value below the least normal one, and the midpoint of the two.
    let belowLeastNormal: Double, belowLeastNormalMidpoint: Double
    /// The encoding's rules.
    let hasInfinity: Bool, hasNaN: Bool, hasNegativeZero: Bool, ieeeNaNs: Bool
    /// The infinity pattern (positive), or nil.
    let infinityPattern: UInt64?
    /// The flags, copied once: the module's own constants are lazily initialised globals.
    let inexact = ExceptionFlags.inexact, inexactOverflow: ExceptionFlags = [.overflow, .inexact]
    let inexactUnderflow: ExceptionFlags = [.underflow, .inexact]

    init(_ format: FloatFormat) {
        precondition(format.precision <= 24, "the oracle's midpoints must be exact Doubles")
        self.format = format
        w = format.exponentBitCount
        f = format.fractionBitCount
        let bias = format.bias
        let patterns = 1 << (w + f)  // positive patterns
        let allOnes = UInt64(patterns - 1)
        switch format.encoding {
        case .ieee:  // ±∞ at the top exponent, NaNs above
            hasInfinity = true; hasNaN = true; hasNegativeZero = true; ieeeNaNs = true
            infinityPattern = UInt64((1 << w) - 1) << UInt64(f)
            largestFiniteIndex = ((1 << w) - 1) << f - 1
        case .finite:  // OCP E4M3: NaN at S.1…1 only
            hasInfinity = false; hasNaN = true; hasNegativeZero = true; ieeeNaNs = false
            infinityPattern = nil
            largestFiniteIndex = patterns - 2
        case .finiteNoNaN:  // OCP MX FP6/FP4: every pattern a number
            hasInfinity = false; hasNaN = false; hasNegativeZero = true; ieeeNaNs = false
            infinityPattern = nil
            largestFiniteIndex = patterns - 1
        case .unsignedZero:  // fnuz: 0x80 the NaN, no −0, no ∞
            hasInfinity = false; hasNaN = true; hasNegativeZero = false; ieeeNaNs = false
            infinityPattern = nil
            largestFiniteIndex = patterns - 1
        case .extended:  // P3109: ±∞ at S.1…1, 0x80 the NaN
            hasInfinity = true; hasNaN = true; hasNegativeZero = false; ieeeNaNs = false
            infinityPattern = allOnes
            largestFiniteIndex = patterns - 2
        }
        var values = [Double](repeating: 0, count: largestFiniteIndex + 2)
        for k in 0...largestFiniteIndex {
            let exponentField = k >> f, fraction = k & ((1 << f) - 1)
            values[k] = exponentField == 0
                ? Double(fraction) * Self.power(1 - bias - f)
                : Double((1 << f) + fraction) * Self.power(exponentField - bias - f)
        }
        // The next pattern with an unbounded exponent: one ulp of the top binade above.
        let topField = largestFiniteIndex >> f
        values[largestFiniteIndex + 1] = values[largestFiniteIndex] + Self.power(topField - bias - f)
        for k in 1..<values.count { precondition(values[k - 1] < values[k]) }
        self.values = values
        leastNormal = Self.power(1 - bias)
        belowLeastNormal = leastNormal - Self.power(1 - bias - (f + 1))
        belowLeastNormalMidpoint = leastNormal - Self.power(1 - bias - (f + 2))
    }

    static func power(_ e: Int) -> Double { Double(sign: .plus, exponent: e, significand: 1) }

    var signBit: UInt64 { 1 << UInt64(w + f) }
    /// The infinity pattern, or a pattern no value has (for samplers' special values).
    var infinityBits: UInt64 { infinityPattern ?? UInt64((1 << w) - 1) << UInt64(f) }

    /// NaN by the encoding's own rule.
    func isNaN(_ bits: UInt64) -> Bool {
        let magnitude = bits & (signBit - 1)
        if !hasNaN { return false }
        if !hasNegativeZero && bits == signBit { return true }
        return magnitude > UInt64(largestFiniteIndex) && magnitude != infinityPattern
    }
    func isInfinite(_ bits: UInt64) -> Bool { infinityPattern.map { bits & (signBit - 1) == $0 } ?? false }
    func isSignalingNaN(_ bits: UInt64) -> Bool {
        ieeeNaNs && isNaN(bits) && bits & (1 << UInt64(f - 1)) == 0
    }
    func isSubnormal(_ bits: UInt64) -> Bool {
        let magnitude = bits & (signBit - 1)
        return magnitude != 0 && magnitude < 1 << UInt64(f)
    }
    /// A result's bits with a sign: zero stays +0 without −0.
    func signed(_ magnitude: UInt64, negative: Bool) -> UInt64 {
        negative && (magnitude != 0 || hasNegativeZero) ? signBit | magnitude : magnitude
    }
    /// The value of a finite pattern (signed zeros included).
    func value(_ bits: UInt64) -> Double {
        let v = values[Int(bits & (signBit - 1))]
        return bits & signBit != 0 ? -v : v
    }

    /// The largest index `i` with `values[i] ≤ x` (x ≥ 0), and whether they are equal.
    func bracket(_ x: OracleValue) -> (index: Int, exact: Bool) {
        // Branch-free binary search: `base` keeps values[base] ≤ x.
        values.withUnsafeBufferPointer { values in
            var base = 0, size = values.count
            while size > 1 {
                let half = size / 2
                base = x.compare(values[base + half]) >= 0 ? base + half : base
                size -= half
            }
            return (base, x.compare(values[base]) == 0)
        }
    }

    /// Whether an overflow in `mode` goes to infinity (or NaN) rather than the largest value.
    static func overflowsAway(_ mode: RoundingMode, negative: Bool) -> Bool {
        switch mode {
        case .nearestEven, .nearestAway, .stochastic: return true
        case .towardZero, .odd: return false
        case .up: return !negative
        case .down: return negative
        }
    }

    /// The result for the magnitude index `index` (possibly the overflow neighbour).
    private func result(index: Int, negative: Bool, inexact: Bool, tiny: Bool,
                        _ env: FloatEnvironment) -> OracleResult {
        if index > largestFiniteIndex {
            if !env.saturates && Self.overflowsAway(env.rounding, negative: negative) {
                if let infinity = infinityPattern {
                    return OracleResult(bits: signed(infinity, negative: negative), flags: inexactOverflow)
                }
                if hasNaN { return OracleResult(bits: signBit | (signBit - 1), flags: inexactOverflow, isNaN: true) }
            }
            return OracleResult(bits: signed(UInt64(largestFiniteIndex), negative: negative), flags: inexactOverflow)
        }
        if tiny && !env.subnormals { return OracleResult(bits: signed(0, negative: negative), flags: inexactUnderflow) }
        let flags = !inexact ? ExceptionFlags() : tiny ? inexactUnderflow : self.inexact
        return OracleResult(bits: signed(UInt64(index), negative: negative), flags: flags)
    }

    /// Whether the magnitude `m` (below the least normal value) is tiny by the environment's rule.
    private func isTiny(_ m: OracleValue, negative: Bool, _ env: FloatEnvironment) -> Bool {
        guard m.compare(leastNormal) < 0 else { return false }
        if env.tininess == .beforeRounding || env.rounding == .stochastic { return true }
        // After rounding to p bits with an unbounded exponent: tiny unless it reaches 2^emin.
        if m.compare(belowLeastNormal) <= 0 { return true }
        let reachesLeastNormal: Bool
        switch env.rounding {
        case .nearestEven, .nearestAway: reachesLeastNormal = m.compare(belowLeastNormalMidpoint) >= 0
        case .towardZero, .odd: reachesLeastNormal = false
        case .up: reachesLeastNormal = !negative
        case .down: reachesLeastNormal = negative
        case .stochastic: reachesLeastNormal = false
        }
        return !reachesLeastNormal
    }

    /// `bracket`, searching outward from `hint` first: fast when successive values are close.
    func bracket(_ x: OracleValue, near hint: Int) -> (index: Int, exact: Bool) {
        values.withUnsafeBufferPointer { values in
            var low = min(max(hint, 0), values.count - 1), high: Int
            if x.compare(values[low]) >= 0 {  // gallop up: values[low] ≤ x
                var step = 1
                high = low + 1
                while high < values.count && x.compare(values[high]) >= 0 {
                    low = high
                    step *= 2
                    high = low + step
                }
                high = min(high, values.count)
            } else {  // gallop down: x < values[high]
                high = low
                var step = 1
                low = max(0, high - 1)
                while low > 0 && x.compare(values[low]) < 0 {
                    high = low
                    step *= 2
                    low = max(0, high - step)
                }
            }
            while high - low > 1 {  // values[low] ≤ x < values[high]
                let middle = (low + high) / 2
                if x.compare(values[middle]) >= 0 { low = middle } else { high = middle }
            }
            return (low, x.compare(values[low]) == 0)
        }
    }

    /// Where a nonzero exact value falls among the format's values.
    struct Location {
        var negative: Bool
        var magnitude: OracleValue
        var index: Int
        var exact: Bool
    }

    func locate(_ x: OracleValue, near hint: Int? = nil) -> Location {
        precondition(!x.isZero)
        let m = x.magnitude
        let (index, exact) = hint.map { bracket(m, near: $0) } ?? bracket(m)
        return Location(negative: x.isNegative, magnitude: m, index: index, exact: exact)
    }

    /// The nonzero exact value `x` rounded by `env` (mode, tininess, flushing, saturation).
    func round(_ x: OracleValue, _ env: FloatEnvironment) -> OracleOutcome { round(locate(x), env) }

    /// A located value rounded by `env`; locate once to round in several modes.
    func round(_ location: Location, _ env: FloatEnvironment) -> OracleOutcome {
        let negative = location.negative, m = location.magnitude, i = location.index
        let tiny = isTiny(m, negative: negative, env)
        if location.exact {
            return OracleOutcome(result(index: i, negative: negative, inexact: false, tiny: tiny, env))
        }
        if i > largestFiniteIndex {  // at or beyond the overflow neighbour: every mode overflows
            return OracleOutcome(result(index: i, negative: negative, inexact: true, tiny: false, env))
        }
        let lower = values[i], upper = values[i + 1]
        let midpoint = m.compare((lower + upper) / 2)
        let chosen: Int
        switch env.rounding {
        case .nearestEven:
            // A tie goes to the neighbour that is an even multiple of the distance between them.
            let lowerEven = (lower / (upper - lower)).truncatingRemainder(dividingBy: 2) == 0
            chosen = midpoint > 0 || (midpoint == 0 && !lowerEven) ? i + 1 : i
        case .nearestAway: chosen = midpoint >= 0 ? i + 1 : i
        case .towardZero: chosen = i
        case .up: chosen = negative ? i : i + 1
        case .down: chosen = negative ? i + 1 : i
        // The neighbour whose bit pattern is odd (one of two adjacent patterns is). With no
        // fraction bits (precision 1) every significand is odd, and SoftFloat's rule (set the
        // significand's last bit) truncates: the lower neighbour, or the least value above zero.
        case .odd: chosen = f == 0 ? (i == 0 ? 1 : i) : (i % 2 == 1 ? i : i + 1)
        case .stochastic:
            let down = result(index: i, negative: negative, inexact: true, tiny: tiny, env)
            let up = result(index: i + 1, negative: negative, inexact: true, tiny: tiny, env)
            let probability = ((m.head - lower) + m.rest) / (upper - lower)
            return OracleOutcome(down: down, up: up, probabilityUp: probability)
        }
        return OracleOutcome(result(index: chosen, negative: negative, inexact: true, tiny: tiny, env),
                             isTie: midpoint == 0)
    }
}
