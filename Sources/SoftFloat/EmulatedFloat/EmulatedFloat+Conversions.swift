// Conversions between emulated values, the standard library's floating-point types and
// integers. Each goes through the bit patterns and one rounding by `roundPack`.

extension EmulatedFloat {
    // MARK: Literals

    @inlinable
    public init(integerLiteral value: Int64) {
        self.init(value)
    }

    /// The literal's `Double` value rounded to the format: see the type's note on double
    /// rounding.
    @inlinable
    public init(floatLiteral value: Double) {
        self.init(value)
    }

    // MARK: From the standard library's floating-point types

    @inlinable
    public init(_ value: Float) {
        var env = FloatEnvironment()
        self.init(bits: Self.format.convert(UInt64(value.bitPattern), from: .fp32, &env))
    }

    @inlinable
    public init(_ value: Double) {
        var env = FloatEnvironment()
        self.init(value, &env)
    }

    /// `value` rounded to the format by `env`, which collects the flags.
    ///
    ///     var env = FloatEnvironment(rounding: .down)
    ///     let x = BFloat16(0.1, &env)  // 0.099609375, inexact
    ///
    /// Edge cases: a NaN keeps its sign and the top of its payload, quieted (invalid if it
    /// was signaling); infinity becomes NaN in `FloatE4M3`.
    ///
    /// - Parameters:
    ///   - value: any `Double`.
    ///   - env: rounding mode, options, and the flags raised.
    @inlinable
    public init(_ value: Double, _ env: inout FloatEnvironment) {
        self.init(bits: Self.format.convert(value.bitPattern, from: .fp64, &env))
    }

    #if !((os(macOS) || targetEnvironment(macCatalyst)) && arch(x86_64))
    @available(macOS 11.0, iOS 14.0, tvOS 14.0, watchOS 7.0, *)
    @inlinable
    public init(_ value: Float16) {
        var env = FloatEnvironment()
        self.init(bits: Self.format.convert(UInt64(value.bitPattern), from: .fp16, &env))
    }
    #endif

    #if !(os(Windows) || os(Android)) && (arch(i386) || arch(x86_64))
    /// `value` rounded to the format: its 64-bit significand goes to `roundPack` with a
    /// sticky bit.
    @inlinable
    public init(_ value: Float80) {
        var env = FloatEnvironment()
        self.init(bits: Self.roundedBits(value, &env))
    }
    #endif

    /// Another emulated format's value, correctly rounded (to nearest, ties to even).
    @inlinable
    public init<Other>(_ value: EmulatedFloat<Other>) {
        var env = FloatEnvironment()
        self.init(value, &env)
    }

    /// Another emulated format's value, rounded by `env`.
    @inlinable
    public init<Other>(_ value: EmulatedFloat<Other>, _ env: inout FloatEnvironment) {
        self.init(bits: Self.format.convert(value.bits, from: Other.format, &env))
    }

    /// Any binary floating-point value, correctly rounded (to nearest, ties to even).
    @inlinable
    public init<Source: BinaryFloatingPoint>(_ value: Source) {
        var env = FloatEnvironment()
        self.init(bits: Self.roundedBits(value, &env))
    }

    /// `value` if the format holds it exactly, else nil (always nil for NaN).
    @inlinable
    public init?<Source: BinaryFloatingPoint>(exactly value: Source) {
        if value.isNaN { return nil }
        var env = FloatEnvironment()
        let bits = Self.roundedBits(value, &env)
        if !env.flags.isEmpty || Self.format.isNaN(bits) { return nil }
        self.init(bits: bits)
    }

    /// The bits of `value` rounded to this format by `env`.
    @inlinable
    static func roundedBits<Source: BinaryFloatingPoint>(_ value: Source,
                                                         _ env: inout FloatEnvironment) -> UInt64 {
        let format = Self.format
        switch value {
        case let v as Double: return format.convert(v.bitPattern, from: .fp64, &env)
        case let v as Float: return format.convert(UInt64(v.bitPattern), from: .fp32, &env)
        case let v as any EmulatedBinaryFloatingPoint: return format.convert(v.bits, from: type(of: v).format, &env)
        default: break
        }
        let negative = value.sign == .minus
        if value.isNaN {
            if value.isSignalingNaN || !format.encoding.hasNaN { env.flags.insert(.invalid) }
            return format.nan(negative: negative, signaling: false, payload: 0)
        }
        if value.isInfinite {
            if !format.hasInfinity && env.saturates { return format.maxFinite(negative: negative) }
            return format.infinity(negative: negative)
        }
        if value.isZero { return format.zero(negative: negative) }
        // value = 1.fraction × 2^exponent, the fraction from the normalised significand;
        // fractions wider than 62 bits (Float80's 63) keep 62 bits and a sticky bit.
        let width = Source.significandBitCount
        let fraction = value.significand.significandBitPattern
        let significand: UInt64
        if width <= 62 {
            significand = (1 << 62) | UInt64(fraction) << UInt64(62 - width)
        } else {
            let dropped = width - 62
            let kept = UInt64(truncatingIfNeeded: fraction >> dropped)
            let sticky: UInt64 = fraction.trailingZeroBitCount < dropped ? 1 : 0
            significand = (1 << 62) | kept | sticky
        }
        let exponent = Int(clamping: value.exponent)
        return format.roundPack(negative: negative, exponent: Swift.max(-(1 << 20), Swift.min(1 << 20, exponent)),
                                significand: significand, &env)
    }

    // MARK: From integers

    @inlinable
    public init(_ value: Int) {
        var env = FloatEnvironment()
        self.init(bits: Self.roundedBits(value, &env))
    }

    /// Any integer, correctly rounded (to nearest, ties to even); beyond the largest
    /// finite value it is infinity (NaN in `FloatE4M3`).
    @inlinable
    public init<Source: BinaryInteger>(_ value: Source) {
        var env = FloatEnvironment()
        self.init(bits: Self.roundedBits(value, &env))
    }

    /// Any integer, rounded by `env`, which collects the flags.
    @inlinable
    public init<Source: BinaryInteger>(_ value: Source, _ env: inout FloatEnvironment) {
        self.init(bits: Self.roundedBits(value, &env))
    }

    /// `value` if the format holds it exactly, else nil.
    @inlinable
    public init?<Source: BinaryInteger>(exactly value: Source) {
        var env = FloatEnvironment()
        let bits = Self.roundedBits(value, &env)
        if !env.flags.isEmpty { return nil }
        self.init(bits: bits)
    }

    /// The bits of an integer of any width rounded to this format by `env`.
    @inlinable
    static func roundedBits<Source: BinaryInteger>(_ value: Source, _ env: inout FloatEnvironment) -> UInt64 {
        let format = Self.format
        if value == 0 { return 0 }
        let negative = value < 0
        let magnitude = value.magnitude
        if let small = UInt64(exactly: magnitude) {
            return format.normalizeRoundPack(negative: negative, exponent: 62, significand: small, &env)
        }
        // Wider than 64 bits: the top 63 bits and a sticky bit.
        var length = 0
        for (index, word) in magnitude.words.enumerated() where word != 0 {
            length = index * UInt.bitWidth + UInt.bitWidth - word.leadingZeroBitCount
        }
        let dropped = length - 63
        let top = UInt64(truncatingIfNeeded: magnitude >> dropped)
        let sticky: UInt64 = magnitude.trailingZeroBitCount < dropped ? 1 : 0
        return format.roundPack(negative: negative, exponent: length - 1, significand: top | sticky, &env)
    }

}

// MARK: To the standard library's types

extension Float {
    /// An emulated value rounded to `Float` (to nearest, ties to even).
    @inlinable
    public init<Format>(_ value: EmulatedFloat<Format>) {
        var env = FloatEnvironment()
        self.init(bitPattern: UInt32(truncatingIfNeeded: FloatFormat.fp32.convert(value.bits, from: Format.format, &env)))
    }
}

extension Double {
    /// An emulated value as a `Double`: exact, since every format here fits in binary64.
    @inlinable
    public init<Format>(_ value: EmulatedFloat<Format>) {
        var env = FloatEnvironment()
        self.init(bitPattern: FloatFormat.fp64.convert(value.bits, from: Format.format, &env))
    }
}

#if !((os(macOS) || targetEnvironment(macCatalyst)) && arch(x86_64))
@available(macOS 11.0, iOS 14.0, tvOS 14.0, watchOS 7.0, *)
extension Float16 {
    /// An emulated value rounded to `Float16` (to nearest, ties to even).
    @inlinable
    public init<Format>(_ value: EmulatedFloat<Format>) {
        var env = FloatEnvironment()
        self.init(bitPattern: UInt16(truncatingIfNeeded: FloatFormat.fp16.convert(value.bits, from: Format.format, &env)))
    }
}
#endif

#if !(os(Windows) || os(Android)) && (arch(i386) || arch(x86_64))
extension Float80 {
    /// An emulated value as a `Float80`: exact, through its exact `Double` value.
    @inlinable
    public init<Format>(_ value: EmulatedFloat<Format>) {
        self.init(Double(value))
    }
}
#endif
