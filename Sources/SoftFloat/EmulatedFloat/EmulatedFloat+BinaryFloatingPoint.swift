extension EmulatedFloat: BinaryFloatingPoint {
    public typealias RawSignificand = Format.BitPattern
    public typealias RawExponent = UInt
    public typealias Exponent = Int
    public typealias Magnitude = Self
    public typealias Stride = Self
    public typealias IntegerLiteralType = Int64
    /// Float literals are `Double`s: see the type's note on double rounding.
    public typealias FloatLiteralType = Double

    // MARK: Layout

    @inlinable public static var exponentBitCount: Int { format.exponentBitCount }
    @inlinable public static var significandBitCount: Int { format.fractionBitCount }

    @inlinable
    public var exponentBitPattern: UInt {
        UInt((bits >> UInt64(Self.format.fractionBitCount)) & Self.format.exponentFieldMask)
    }

    @inlinable
    public var significandBitPattern: RawSignificand {
        RawSignificand(truncatingIfNeeded: bits & Self.format.fractionMask)
    }

    @inlinable
    public init(sign: FloatingPointSign, exponentBitPattern: UInt, significandBitPattern: RawSignificand) {
        let format = Self.format
        let signBits: UInt64 = sign == .minus ? format.signMask : 0
        let exponentBits = (UInt64(exponentBitPattern) & format.exponentFieldMask) << UInt64(format.fractionBitCount)
        self.init(bits: signBits | exponentBits | (UInt64(significandBitPattern) & format.fractionMask))
    }

    // MARK: Constants

    @inlinable public static var radix: Int { 2 }
    @inlinable public static var zero: Self { Self(bits: 0) }

    /// A positive quiet NaN.
    @inlinable
    public static var nan: Self {
        Self(bits: format.nan(negative: false, signaling: false, payload: 0))
    }

    /// A positive signaling NaN; the quiet NaN in formats that have no signaling one.
    @inlinable
    public static var signalingNaN: Self {
        guard format.encoding.hasIEEENaNs && format.fractionBitCount >= 2 else { return nan }
        return Self(bits: format.infinityMagnitude | format.quietBit >> 1)
    }

    /// Positive infinity; NaN in a format without infinities (`FloatE4M3`).
    @inlinable public static var infinity: Self { Self(bits: format.infinity) }
    @inlinable public static var greatestFiniteMagnitude: Self { Self(bits: format.maxFiniteMagnitude) }
    @inlinable public static var leastNormalMagnitude: Self { Self(bits: format.leastNormalMagnitude) }
    @inlinable public static var leastNonzeroMagnitude: Self { Self(bits: format.leastNonzeroMagnitude) }

    /// 2^-f, the distance from 1 to the next larger value.
    @inlinable
    public static var ulpOfOne: Self {
        var env = FloatEnvironment()
        return Self(bits: format.roundPack(negative: false, exponent: -format.fractionBitCount,
                                           significand: 1 << 62, &env))
    }

    /// π rounded toward zero, as the standard library's types round it.
    @inlinable
    public static var pi: Self {
        var env = FloatEnvironment(rounding: .towardZero)
        // Double.pi is π truncated to 53 bits; truncating again truncates π.
        return Self(bits: format.convert(Double.pi.bitPattern, from: .fp64, &env))
    }

    // MARK: Anatomy

    @inlinable
    public var sign: FloatingPointSign { Self.format.isNegative(bits) ? .minus : .plus }

    @inlinable
    public var magnitude: Self { Self(bits: bits & Self.format.magnitudeMask) }

    @inlinable
    public init(signOf sign: Self, magnitudeOf magnitude: Self) {
        let format = Self.format
        self.init(bits: (sign.bits & format.signMask) | (magnitude.bits & format.magnitudeMask))
    }

    /// The exponent of the value, as if normalised: `Int.min` for zeros, `Int.max` for
    /// infinities and NaNs.
    @inlinable
    public var exponent: Int {
        let format = Self.format
        if !format.isFinite(bits) { return .max }
        if format.isZero(bits) { return .min }
        return format.unpack(bits).exponent
    }

    /// The significand in [1, 2); NaNs are returned as they are, zeros and infinities
    /// become positive.
    @inlinable
    public var significand: Self {
        let format = Self.format
        if format.isNaN(bits) { return self }
        if format.isZero(bits) || format.isInfinite(bits) { return Self(bits: bits & format.magnitudeMask) }
        let fraction = (format.unpack(bits).significand >> UInt64(62 - format.fractionBitCount)) & format.fractionMask
        return Self(bits: format.one | fraction)
    }

    /// `(-1)^sign × significand × 2^exponent`, with one rounding (to nearest, ties to even).
    ///
    /// Edge cases: a `.minus` sign negates `significand` (so a negative significand comes
    /// out positive); NaN, infinite and zero significands pass through.
    @inlinable
    public init(sign: FloatingPointSign, exponent: Int, significand: Self) {
        let format = Self.format
        let flipped = sign == .minus ? format.negate(significand.bits) : significand.bits
        if !format.isFinite(flipped) || format.isZero(flipped) {
            self.init(bits: flipped)
            return
        }
        let u = format.unpack(flipped)
        let scale = Swift.max(-(1 << 20), Swift.min(1 << 20, exponent))
        var env = FloatEnvironment()
        self.init(bits: format.roundPack(negative: u.negative, exponent: u.exponent + scale,
                                         significand: u.significand, &env))
    }

    /// The distance to the next value of larger magnitude (positive; NaN for NaN and ∞).
    @inlinable
    public var ulp: Self {
        let format = Self.format
        if !format.isFinite(bits) { return .nan }
        let biased = Int(exponentBitPattern)
        let f = format.fractionBitCount
        if biased <= 1 { return .leastNonzeroMagnitude }  // zero, subnormals, least binade
        if biased > f { return Self(bits: UInt64(biased - f) << UInt64(f)) }
        return Self(bits: 1 << UInt64(biased - 1))  // a subnormal power of two
    }

    /// The power of two at the bottom of the value's binade, with the value's sign.
    @inlinable
    public var binade: Self {
        let format = Self.format
        if !format.isFinite(bits) { return .nan }
        if exponentBitPattern != 0 { return Self(bits: bits & ~format.fractionMask) }
        let fraction = bits & format.fractionMask
        if fraction == 0 { return self }
        return Self(bits: (bits & format.signMask) | 1 << UInt64(63 - fraction.leadingZeroBitCount))
    }

    /// The number of fraction bits the value uses: 0 for powers of two, −1 for zeros,
    /// infinities and NaNs.
    @inlinable
    public var significandWidth: Int {
        let format = Self.format
        let fraction = bits & format.fractionMask
        if format.isNormal(bits) {
            return fraction == 0 ? 0 : format.fractionBitCount - fraction.trailingZeroBitCount
        }
        if format.isSubnormal(bits) {
            return 63 - fraction.leadingZeroBitCount - fraction.trailingZeroBitCount
        }
        return -1
    }

    /// The least value greater than this one.
    ///
    /// Edge cases: `−leastNonzeroMagnitude.nextUp` is `−0`; zeros step to
    /// `leastNonzeroMagnitude`; the largest finite value steps to infinity (to NaN in
    /// `FloatE4M3`); NaNs come back quieted.
    @inlinable
    public var nextUp: Self {
        var env = FloatEnvironment()
        return Self(bits: Self.format.nextUp(bits, &env))
    }

    // MARK: Classification

    @inlinable public var isNormal: Bool { Self.format.isNormal(bits) }
    @inlinable public var isFinite: Bool { Self.format.isFinite(bits) }
    @inlinable public var isZero: Bool { Self.format.isZero(bits) }
    @inlinable public var isSubnormal: Bool { Self.format.isSubnormal(bits) }
    @inlinable public var isInfinite: Bool { Self.format.isInfinite(bits) }
    @inlinable public var isNaN: Bool { Self.format.isNaN(bits) }
    @inlinable public var isSignalingNaN: Bool { Self.format.isSignalingNaN(bits) }
    @inlinable public var isCanonical: Bool { true }
    @inlinable public var floatingPointClass: FloatingPointClassification { Self.format.classify(bits) }

    // MARK: Comparison predicates (IEEE: NaN unordered, −0 == +0)

    @inlinable
    public func isEqual(to other: Self) -> Bool {
        var env = FloatEnvironment()
        return Self.format.isEqual(bits, other.bits, &env)
    }

    @inlinable
    public func isLess(than other: Self) -> Bool {
        var env = FloatEnvironment()
        return Self.format.isLess(bits, other.bits, signaling: false, &env)
    }

    @inlinable
    public func isLessThanOrEqualTo(_ other: Self) -> Bool {
        var env = FloatEnvironment()
        return Self.format.isLessOrEqual(bits, other.bits, signaling: false, &env)
    }

    /// IEEE 754 `totalOrder`: −NaN < −∞ < … < −0 < +0 < … < +∞ < +NaN.
    @inlinable
    public func isTotallyOrdered(belowOrEqualTo other: Self) -> Bool {
        Self.format.totalOrderKey(bits) <= Self.format.totalOrderKey(other.bits)
    }

    // MARK: Strideable

    @inlinable public func distance(to other: Self) -> Self { other - self }
    @inlinable public func advanced(by amount: Self) -> Self { self + amount }
}

extension EmulatedFloat: Comparable, Hashable {
    @inlinable public static func == (lhs: Self, rhs: Self) -> Bool { lhs.isEqual(to: rhs) }
    @inlinable public static func < (lhs: Self, rhs: Self) -> Bool { lhs.isLess(than: rhs) }
    @inlinable public static func <= (lhs: Self, rhs: Self) -> Bool { lhs.isLessThanOrEqualTo(rhs) }
    @inlinable public static func > (lhs: Self, rhs: Self) -> Bool { rhs.isLess(than: lhs) }
    @inlinable public static func >= (lhs: Self, rhs: Self) -> Bool { rhs.isLessThanOrEqualTo(lhs) }

    /// Hashes the bit pattern, with both zeros hashed alike since they compare equal.
    @inlinable
    public func hash(into hasher: inout Hasher) {
        hasher.combine(isZero ? 0 : bits)
    }
}
