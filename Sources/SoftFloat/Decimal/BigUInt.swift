/// An unsigned integer of any size: just the arithmetic exact decimal conversion needs.
///
///     var n = BigUInt(5)
///     n.multiply(by: 1 << 63)                  // 5 × 2^63
///     let (q, r) = n.quotientAndRemainder(dividingBy: BigUInt(3))  // q fits 64 bits
///
/// Edge cases: zero has no limbs; subtraction and the 64-bit-quotient division have
/// preconditions (no negative results, a quotient below 2^64).
struct BigUInt: Comparable, Sendable, CustomStringConvertible {
    /// Little-endian 64-bit limbs, without high zero limbs.
    private(set) var limbs: [UInt64]

    init() { limbs = [] }

    init(_ value: UInt64) { limbs = value == 0 ? [] : [value] }

    var isZero: Bool { limbs.isEmpty }

    /// The number of significant bits: 0 for zero, 1 for one.
    var bitWidth: Int {
        guard let top = limbs.last else { return 0 }
        return limbs.count * 64 - top.leadingZeroBitCount
    }

    /// The limb at `index`, zero beyond the top.
    func limb(_ index: Int) -> UInt64 { index < limbs.count ? limbs[index] : 0 }

    private mutating func normalize() {
        while limbs.last == 0 { limbs.removeLast() }
    }

    // MARK: Arithmetic with a small operand

    mutating func multiply(by factor: UInt64) {
        if factor == 0 { limbs = []; return }
        var carry: UInt64 = 0
        for i in limbs.indices {
            let (high, low) = limbs[i].multipliedFullWidth(by: factor)
            let (sum, overflow) = low.addingReportingOverflow(carry)
            limbs[i] = sum
            carry = high &+ (overflow ? 1 : 0)
        }
        if carry != 0 { limbs.append(carry) }
    }

    mutating func add(_ addend: UInt64) {
        var carry = addend
        var i = 0
        while carry != 0 {
            if i == limbs.count { limbs.append(carry); return }
            let (sum, overflow) = limbs[i].addingReportingOverflow(carry)
            limbs[i] = sum
            carry = overflow ? 1 : 0
            i += 1
        }
    }

    /// Divides in place by a nonzero small divisor and returns the remainder.
    @discardableResult
    mutating func divide(by divisor: UInt64) -> UInt64 {
        precondition(divisor != 0, "division by zero")
        var remainder: UInt64 = 0
        for i in limbs.indices.reversed() {
            let (q, r) = divisor.dividingFullWidth((high: remainder, low: limbs[i]))
            limbs[i] = q
            remainder = r
        }
        normalize()
        return remainder
    }

    // MARK: Arithmetic with a big operand

    /// `self − other`, which must not be negative.
    mutating func subtract(_ other: BigUInt) {
        precondition(other <= self, "BigUInt subtraction would be negative")
        var borrow: UInt64 = 0
        for i in limbs.indices {
            let (d1, o1) = limbs[i].subtractingReportingOverflow(other.limb(i))
            let (d2, o2) = d1.subtractingReportingOverflow(borrow)
            limbs[i] = d2
            borrow = (o1 ? 1 : 0) + (o2 ? 1 : 0)
        }
        normalize()
    }

    static func - (a: BigUInt, b: BigUInt) -> BigUInt {
        var result = a
        result.subtract(b)
        return result
    }

    static func * (a: BigUInt, b: BigUInt) -> BigUInt {
        if a.isZero || b.isZero { return BigUInt() }
        var product = [UInt64](repeating: 0, count: a.limbs.count + b.limbs.count)
        for i in a.limbs.indices {
            var carry: UInt64 = 0
            for j in b.limbs.indices {
                let (high, low) = a.limbs[i].multipliedFullWidth(by: b.limbs[j])
                let (s1, o1) = low.addingReportingOverflow(product[i + j])
                let (s2, o2) = s1.addingReportingOverflow(carry)
                product[i + j] = s2
                carry = high &+ (o1 ? 1 : 0) &+ (o2 ? 1 : 0)  // cannot overflow
            }
            product[i + b.limbs.count] = carry
        }
        var result = BigUInt()
        result.limbs = product
        result.normalize()
        return result
    }

    static func << (value: BigUInt, count: Int) -> BigUInt {
        precondition(count >= 0, "negative shift")
        if value.isZero || count == 0 { return value }
        let whole = count / 64, bits = count % 64
        var limbs = [UInt64](repeating: 0, count: whole)
        limbs.reserveCapacity(whole + value.limbs.count + 1)
        if bits == 0 {
            limbs.append(contentsOf: value.limbs)
        } else {
            var carry: UInt64 = 0
            for limb in value.limbs {
                limbs.append(limb << UInt64(bits) | carry)
                carry = limb >> UInt64(64 - bits)
            }
            if carry != 0 { limbs.append(carry) }
        }
        var result = BigUInt()
        result.limbs = limbs
        return result
    }

    static func >> (value: BigUInt, count: Int) -> BigUInt {
        precondition(count >= 0, "negative shift")
        let whole = count / 64, bits = count % 64
        if whole >= value.limbs.count { return BigUInt() }
        var limbs = [UInt64]()
        limbs.reserveCapacity(value.limbs.count - whole)
        for i in whole..<value.limbs.count {
            let low = value.limbs[i] >> UInt64(bits)
            let high = bits == 0 ? 0 : value.limb(i + 1) << UInt64(64 - bits)
            limbs.append(low | high)
        }
        var result = BigUInt()
        result.limbs = limbs
        result.normalize()
        return result
    }

    /// The quotient and remainder of a division whose quotient is below 2^64.
    ///
    /// Knuth's algorithm D for a single quotient digit: estimate it from the leading
    /// limbs of the normalised operands, then correct it (at most twice).
    func quotientAndRemainder(dividingBy divisor: BigUInt) -> (quotient: UInt64, remainder: BigUInt) {
        precondition(!divisor.isZero, "division by zero")
        if self < divisor { return (0, self) }
        let shift = divisor.limbs[divisor.limbs.count - 1].leadingZeroBitCount
        let d = divisor << shift, n = self << shift
        let k = d.limbs.count - 1
        precondition(n.limbs.count <= k + 2 && n.limb(k + 1) <= d.limbs[k], "quotient exceeds 64 bits")
        let top = d.limbs[k]
        var q: UInt64 = n.limb(k + 1) >= top
            ? .max : top.dividingFullWidth((high: n.limb(k + 1), low: n.limb(k))).quotient
        var product = d
        product.multiply(by: q)
        while product > n {
            product.subtract(d)
            q -= 1
        }
        var remainder = n
        remainder.subtract(product)
        return (q, remainder >> shift)
    }

    /// 5^exponent.
    static func powerOfFive(_ exponent: Int) -> BigUInt {
        var result = BigUInt(1)
        var left = exponent
        while left >= 27 {  // 5^27 is the largest power of five below 2^64
            result.multiply(by: 7_450_580_596_923_828_125)
            left -= 27
        }
        var small: UInt64 = 1
        for _ in 0..<left { small *= 5 }
        result.multiply(by: small)
        return result
    }

    // MARK: Comparison and text

    static func < (a: BigUInt, b: BigUInt) -> Bool {
        if a.limbs.count != b.limbs.count { return a.limbs.count < b.limbs.count }
        for i in a.limbs.indices.reversed() where a.limbs[i] != b.limbs[i] {
            return a.limbs[i] < b.limbs[i]
        }
        return false
    }

    /// The decimal digits, without leading zeros ("0" for zero).
    var description: String {
        if isZero { return "0" }
        var chunks: [UInt64] = []  // base 10^19, least significant first
        var rest = self
        while !rest.isZero { chunks.append(rest.divide(by: 10_000_000_000_000_000_000)) }
        var text = String(chunks[chunks.count - 1])
        for chunk in chunks.dropLast().reversed() {
            let digits = String(chunk)
            text += String(repeating: "0", count: 19 - digits.count) + digits
        }
        return text
    }
}
