/// A real number known to lie in a ball: a signed fixed-point value of any precision,
/// and a rigorous bound on its distance to the quantity it stands for.
///
///     let third = WideFixedPoint(1, fractionWords: 2).divided(by: 3)
///     // value ⌊2^128 / 3⌋ × 2^-128, error 1 unit in the last place
///
/// The value is `(-1)^negative × words × 2^(−64 × fractionWords)`: little-endian 64-bit
/// words, the last of which holds the integer part. `error` is measured in units of the
/// last place (ulps, 2^(−64 × fractionWords)) and every operation updates it from the
/// errors of its operands plus its own truncation, with the bound itself computed in
/// `Double` and nudged upward past every rounding. So whatever a chain of operations
/// computes, the exact result of the same chain on exact operands lies within `error`
/// ulps of `value`: the correctness of the elementary functions rests on this invariant,
/// not on a separate hand-written error analysis.
///
/// Edge cases: integer parts must stay below 2^64 (the elementary kernels never come near);
/// operands of a binary operation must have the same number of fraction words.
///
/// - Parameters:
///   - negative: the sign (a zero value may carry either).
///   - words: the magnitude, `fractionWords + 1` words, least significant first.
///   - error: the radius of the ball in ulps.
@usableFromInline
struct WideFixedPoint: Sendable {
    @usableFromInline var negative: Bool
    @usableFromInline var words: [UInt64]
    @usableFromInline var error: Double

    @usableFromInline
    init(negative: Bool, words: [UInt64], error: Double) {
        self.negative = negative
        self.words = words
        self.error = error
    }

    /// The exact integer `n`.
    @usableFromInline
    init(_ n: Int, fractionWords: Int) {
        var words = [UInt64](repeating: 0, count: fractionWords + 1)
        words[fractionWords] = UInt64(n.magnitude)
        self.init(negative: n < 0, words: words, error: 0)
    }

    /// `±significand × 2^exponent`, truncated toward zero (error 1 ulp) when it has bits
    /// below the last place.
    @usableFromInline
    init(significand: UInt64, exponent: Int, negative: Bool, fractionWords: Int) {
        var words = [UInt64](repeating: 0, count: fractionWords + 1)
        var error = 0.0
        let position = exponent + 64 * fractionWords  // where bit 0 of `significand` lands
        if position >= 0 {
            let word = position / 64, shift = position % 64
            precondition(word < words.count, "integer part too large")
            words[word] = significand << UInt64(shift)
            let spill = shift == 0 ? 0 : significand >> UInt64(64 - shift)
            if spill != 0 {
                precondition(word + 1 < words.count, "integer part too large")
                words[word + 1] = spill
            }
        } else {
            let drop = -position
            if drop < 64 {
                words[0] = significand >> UInt64(drop)
                if significand & ((1 << UInt64(drop)) - 1) != 0 { error = 1 }
            } else if significand != 0 {
                error = 1
            }
        }
        self.init(negative: negative, words: words, error: error)
    }

    @usableFromInline var fractionWords: Int { words.count - 1 }

    /// Whether the value (not the ball) is zero.
    var isZero: Bool { words.allSatisfy { $0 == 0 } }

    /// An upper bound on |value| (the center of the ball, not its edge).
    var magnitudeBound: Double {
        let f = fractionWords
        let integer = Double(words[f]).nextUp  // rounds up even past 2^53
        return (integer + Double((words[f - 1] >> 11) &+ 1) * 0x1p-53).nextUp
    }

    /// The value rounded to the nearest `Double`.
    var approximation: Double {
        guard !isZero else { return negative ? -0.0 : 0.0 }
        let top = Self.top63(words, fractionWords: fractionWords)
        let significand = Double(top.significand | (top.inexact ? 1 : 0))  // correctly rounded
        return Double(sign: negative ? .minus : .plus, exponent: top.exponent - 62, significand: significand)
    }

    /// 2^n as a `Double` (exact for the ranges used here).
    static func power2(_ n: Int) -> Double { Double(sign: .plus, exponent: n, significand: 1) }
}

// MARK: - Arithmetic on balls

extension WideFixedPoint {
    @usableFromInline
    static func + (a: WideFixedPoint, b: WideFixedPoint) -> WideFixedPoint {
        var r = a
        r.add(b)
        return r
    }

    @usableFromInline
    static func - (a: WideFixedPoint, b: WideFixedPoint) -> WideFixedPoint {
        var r = a
        r.add(b, negated: true)
        return r
    }

    static prefix func - (a: WideFixedPoint) -> WideFixedPoint {
        WideFixedPoint(negative: !a.negative, words: a.words, error: a.error)
    }

    @usableFromInline
    static func * (a: WideFixedPoint, b: WideFixedPoint) -> WideFixedPoint {
        var r = a
        r.multiply(by: b)
        return r
    }

    /// Adds `b` (or subtracts it): exact on the values, so the errors add.
    @usableFromInline
    mutating func add(_ b: WideFixedPoint, negated: Bool = false) {
        precondition(words.count == b.words.count, "operands of different precisions")
        error = (error + b.error).nextUp
        let bNegative = b.negative != negated
        if negative == bNegative {
            let carry = words.withUnsafeMutableBufferPointer { a in
                b.words.withUnsafeBufferPointer { Self.addInPlace(a, $0) }
            }
            precondition(!carry, "integer part too large")
        } else if Self.compareMagnitudes(words, b.words) >= 0 {
            words.withUnsafeMutableBufferPointer { a in
                b.words.withUnsafeBufferPointer { Self.subtractInPlace(a, $0, reversed: false) }
            }
        } else {
            words.withUnsafeMutableBufferPointer { a in
                b.words.withUnsafeBufferPointer { Self.subtractInPlace(a, $0, reversed: true) }
            }
            negative = bNegative
        }
    }

    /// Multiplies by `b`, truncating to the common precision.
    ///
    /// With â = a + α and b̂ = b + β, |âb̂ − ab| ≤ |â||β| + |b̂||α| + |α||β|; the product of
    /// two errors in ulps is at most `ea × eb × 2^-64` ulps since there is at least one
    /// fraction word; truncation adds one ulp.
    @usableFromInline
    mutating func multiply(by b: WideFixedPoint) {
        precondition(words.count == b.words.count, "operands of different precisions")
        // Five roundings to nearest, each within 2^-53 relative: 2^-48 more covers them.
        error = ((magnitudeBound * b.error + b.magnitudeBound * error
                  + error * b.error * 0x1p-64 + 1) * (1 + 0x1p-48)).nextUp
        negative = negative != b.negative
        let n = words.count, f = n - 1
        withUnsafeTemporaryAllocation(of: UInt64.self, capacity: 2 * n) { p in
            p.initialize(repeating: 0)
            words.withUnsafeBufferPointer { x in
                b.words.withUnsafeBufferPointer { y in
                    for i in 0..<n where x[i] != 0 {
                        var carry: UInt64 = 0
                        let xi = x[i]
                        for j in 0..<n {
                            let (high, low) = xi.multipliedFullWidth(by: y[j])
                            let (s1, o1) = low.addingReportingOverflow(p[i + j])
                            let (s2, o2) = s1.addingReportingOverflow(carry)
                            p[i + j] = s2
                            carry = high &+ (o1 ? 1 : 0) &+ (o2 ? 1 : 0)
                        }
                        p[i + n] = carry
                    }
                }
            }
            precondition(p[2 * n - 1] == 0, "integer part too large")
            words.withUnsafeMutableBufferPointer { w in
                for i in 0..<n { w[i] = p[f + i] }
            }
        }
    }

    /// Multiplies by a small integer: exact, so the error scales.
    @usableFromInline
    mutating func multiply(byInteger k: Int) {
        let m = UInt64(k.magnitude)
        var carry: UInt64 = 0
        words.withUnsafeMutableBufferPointer { w in
            for i in w.indices {
                let (high, low) = w[i].multipliedFullWidth(by: m)
                let (s, o) = low.addingReportingOverflow(carry)
                w[i] = s
                carry = high &+ (o ? 1 : 0)
            }
        }
        precondition(carry == 0, "integer part too large")
        negative = negative != (k < 0)
        error = (error * Double(m)).nextUp
    }

    /// Divides by a positive integer, truncating: error / d + 1.
    @usableFromInline
    mutating func divide(by d: UInt64) {
        words.withUnsafeMutableBufferPointer { w in
            var remainder: UInt64 = 0
            if d < 1 << 32 {
                // Two native 64-by-64 divisions per word, on 32-bit halves.
                for i in stride(from: w.count - 1, through: 0, by: -1) {
                    let high = remainder << 32 | w[i] >> 32
                    let q1 = high / d
                    let low = (high - q1 * d) << 32 | w[i] & 0xFFFF_FFFF
                    let q2 = low / d
                    remainder = low - q2 * d
                    w[i] = q1 << 32 | q2
                }
            } else {
                for i in stride(from: w.count - 1, through: 0, by: -1) {
                    (w[i], remainder) = d.dividingFullWidth((high: remainder, low: w[i]))
                }
            }
        }
        error = ((error / Double(d).nextDown).nextUp + 1).nextUp  // Double(d) may round up
    }

    /// Divides by 2^s, truncating: error / 2^s + 1.
    mutating func shiftRight(_ s: Int) {
        precondition(s >= 0)
        let wordShift = s / 64, bitShift = UInt64(s % 64)
        words.withUnsafeMutableBufferPointer { w in
            let n = w.count
            for i in 0..<n {
                let source = i + wordShift
                var value: UInt64 = 0
                if source < n {
                    value = w[source] >> bitShift
                    if bitShift != 0 && source + 1 < n { value |= w[source + 1] << (64 - bitShift) }
                }
                w[i] = value
            }
        }
        error = ((error * Self.power2(-s)).nextUp + 1).nextUp
    }

    /// Becomes a copy of `other`, reusing this value's storage.
    mutating func assign(_ other: WideFixedPoint) {
        precondition(words.count == other.words.count, "operands of different precisions")
        negative = other.negative
        error = other.error
        words.withUnsafeMutableBufferPointer { w in
            other.words.withUnsafeBufferPointer { o in
                for i in w.indices { w[i] = o[i] }
            }
        }
    }

    func multiplied(by k: Int) -> WideFixedPoint {
        var r = self
        r.multiply(byInteger: k)
        return r
    }

    func divided(by d: UInt64) -> WideFixedPoint {
        var r = self
        r.divide(by: d)
        return r
    }

    func shiftedRight(_ s: Int) -> WideFixedPoint {
        var r = self
        r.shiftRight(s)
        return r
    }
}

// MARK: - Magnitudes (little-endian word arrays of equal length)

extension WideFixedPoint {
    static func compareMagnitudes(_ a: [UInt64], _ b: [UInt64]) -> Int {
        for i in stride(from: a.count - 1, through: 0, by: -1) where a[i] != b[i] {
            return a[i] < b[i] ? -1 : 1
        }
        return 0
    }

    /// a += b over equal lengths; returns the carry out.
    static func addInPlace(_ a: UnsafeMutableBufferPointer<UInt64>, _ b: UnsafeBufferPointer<UInt64>) -> Bool {
        var carry = false
        for i in a.indices {
            let (s1, o1) = a[i].addingReportingOverflow(b[i])
            let (s2, o2) = s1.addingReportingOverflow(carry ? 1 : 0)
            a[i] = s2
            carry = o1 || o2
        }
        return carry
    }

    /// a −= b (a ≥ b), or a = b − a when `reversed` (b ≥ a).
    static func subtractInPlace(_ a: UnsafeMutableBufferPointer<UInt64>, _ b: UnsafeBufferPointer<UInt64>,
                                reversed: Bool) {
        var borrow = false
        for i in a.indices {
            let (x, y) = reversed ? (b[i], a[i]) : (a[i], b[i])
            let (d1, o1) = x.subtractingReportingOverflow(y)
            let (d2, o2) = d1.subtractingReportingOverflow(borrow ? 1 : 0)
            a[i] = d2
            borrow = o1 || o2
        }
    }

    /// a ± a small integer; nil when subtracting would go below zero.
    static func offsetMagnitude(_ a: [UInt64], by amount: UInt64, subtract: Bool) -> [UInt64]? {
        var out = a
        var carry = amount
        for i in out.indices where carry != 0 {
            if subtract {
                let (d, o) = out[i].subtractingReportingOverflow(carry)
                out[i] = d
                carry = o ? 1 : 0
            } else {
                let (s, o) = out[i].addingReportingOverflow(carry)
                out[i] = s
                carry = o ? 1 : 0
            }
        }
        return carry == 0 ? out : nil
    }
}

// MARK: - Reading the ball

extension WideFixedPoint {
    /// A magnitude as the rounding routine takes it: `significand × 2^(exponent − 62)`
    /// with the leading one at bit 62.
    @usableFromInline
    typealias Bound = (exponent: Int, significand: UInt64)

    /// Strict bounds on the magnitude of the exact quantity, as 63-bit significands:
    /// the lower one truncated, the upper one rounded up. Nil when the ball reaches zero
    /// (its sign is then unknown) or is too wide to say anything.
    @usableFromInline
    func magnitudeBounds() -> (low: Bound, high: Bound)? {
        guard error < 0x1p60 else { return nil }
        let radius = UInt64(error.rounded(.up)) + 1  // strict
        guard let low = Self.offsetMagnitude(words, by: radius, subtract: true),
              low.contains(where: { $0 != 0 }),
              let high = Self.offsetMagnitude(words, by: radius, subtract: false)
        else { return nil }
        return (Self.top63(low, fractionWords: fractionWords, roundingUp: false),
                Self.top63(high, fractionWords: fractionWords, roundingUp: true))
    }

    /// The leading 63 bits of a nonzero magnitude, truncated or rounded up.
    static func top63(_ w: [UInt64], fractionWords: Int, roundingUp: Bool) -> Bound {
        var top = top63(w, fractionWords: fractionWords)
        if roundingUp && top.inexact {
            top.significand += 1
            if top.significand == 1 << 63 { top.significand = 1 << 62; top.exponent += 1 }
        }
        return (top.exponent, top.significand)
    }

    /// The leading 63 bits of a nonzero magnitude, truncated, and whether bits were lost.
    static func top63(_ w: [UInt64], fractionWords: Int)
        -> (exponent: Int, significand: UInt64, inexact: Bool) {
        var top = w.count - 1
        while w[top] == 0 { top -= 1 }
        let leading = 64 * top + 63 - w[top].leadingZeroBitCount  // bit index of the leading one
        let start = leading - 62  // bit index of the significand's bit 0
        if start <= 0 {
            return (leading - 64 * fractionWords, bits(w, from: 0) << UInt64(-start), false)
        }
        let word = start / 64, bit = start % 64
        var inexact = bit != 0 && w[word] & ((1 << UInt64(bit)) - 1) != 0
        if !inexact { inexact = w[..<word].contains { $0 != 0 } }
        return (leading - 64 * fractionWords, bits(w, from: start) & ((1 << 63) - 1), inexact)
    }

    /// 64 bits of `w` starting at bit `start` (zeros beyond the end).
    static func bits(_ w: [UInt64], from start: Int) -> UInt64 {
        let word = start / 64, bit = UInt64(start % 64)
        var result = word < w.count ? w[word] >> bit : 0
        if bit != 0 && word + 1 < w.count { result |= w[word + 1] << (64 - bit) }
        return result
    }
}
