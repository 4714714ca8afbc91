/// A binary floating-point format: `w` exponent bits and `f` stored fraction bits.
///
/// Every operation of the module is written once, against this description, and
/// works for every format from 2 to 11 exponent bits and 1 to 52 fraction bits.
/// Values are carried as right-aligned bit patterns in a `UInt64`: the sign at
/// bit `w + f`, then the biased exponent, then the fraction.
///
///     let bf16 = FloatFormat.bf16
///     var env = FloatEnvironment()
///     let third = bf16.divide(bf16.one, bf16.fromDouble(3), &env)
///
/// Edge cases: a format with `hasInfinity == false` follows OCP FP8 E4M3: the
/// all-ones exponent holds normal numbers, only sign·1111·111 is NaN, and results
/// that overflow become NaN (or the largest finite value when the environment
/// saturates).
///
/// - Parameters:
///   - exponentBitCount: `w`, from 2 to 11.
///   - fractionBitCount: `f`, from 1 to 52; the precision is `f + 1`.
///   - hasInfinity: IEEE 754 infinities and NaNs (true), or E4M3-style (false).
public struct FloatFormat: Hashable, Sendable {
    public let exponentBitCount: Int
    public let fractionBitCount: Int
    public let hasInfinity: Bool

    @inlinable
    public init(exponentBitCount: Int, fractionBitCount: Int, hasInfinity: Bool = true) {
        precondition((2...11).contains(exponentBitCount), "exponent bits must be 2...11")
        precondition((1...52).contains(fractionBitCount), "fraction bits must be 1...52")
        self.exponentBitCount = exponentBitCount
        self.fractionBitCount = fractionBitCount
        self.hasInfinity = hasInfinity
    }

    // The named formats' widths, written once: the registry's rows (NumberFormat+Table.swift)
    // and the static formats (`BF16Format`, ...) are these constants, which fold in inlined code.
    @inlinable public static var fp64: FloatFormat { FloatFormat(exponentBitCount: 11, fractionBitCount: 52) }
    @inlinable public static var fp32: FloatFormat { FloatFormat(exponentBitCount: 8, fractionBitCount: 23) }
    /// NVIDIA TensorFloat-32, modelled with IEEE semantics and gradual underflow.
    @inlinable public static var tf32: FloatFormat { FloatFormat(exponentBitCount: 8, fractionBitCount: 10) }
    @inlinable public static var bf16: FloatFormat { FloatFormat(exponentBitCount: 8, fractionBitCount: 7) }
    @inlinable public static var fp16: FloatFormat { FloatFormat(exponentBitCount: 5, fractionBitCount: 10) }
    @inlinable public static var fp8E5M2: FloatFormat { FloatFormat(exponentBitCount: 5, fractionBitCount: 2) }
    /// OCP FP8 E4M3: no infinities, one NaN per sign, largest finite 448.
    @inlinable public static var fp8E4M3: FloatFormat {
        FloatFormat(exponentBitCount: 4, fractionBitCount: 3, hasInfinity: false)
    }

    /// The formats that have names of their own, in the order tables list them: the binary
    /// rows of `NumberFormat.namedFormats`.
    public static let named: [FloatFormat] = NumberFormat.namedFormats.compactMap(\.format.floatFormat)
}

// The widths are checked in `init`, so these use wrapping arithmetic and masking shifts:
// they cost a few instructions each and inline into every operation.
extension FloatFormat {
    @inlinable public var precision: Int { fractionBitCount &+ 1 }
    @inlinable public var bitWidth: Int { 1 + exponentBitCount + fractionBitCount }
    @inlinable public var bias: Int { (1 &<< (exponentBitCount &- 1)) &- 1 }
    /// The exponent of the least normal number.
    @inlinable public var minExponent: Int { 1 &- bias }
    /// The exponent of the largest finite number.
    @inlinable public var maxExponent: Int { maxBiasedExponent &- bias }
    @inlinable public var maxBiasedExponent: Int {
        (1 &<< exponentBitCount) &- (hasInfinity ? 2 : 1)
    }
    /// The stored fraction of the largest finite number.
    @inlinable public var maxFiniteFraction: UInt64 {
        hasInfinity ? fractionMask : fractionMask &- 1
    }
    @inlinable public var signMask: UInt64 { 1 &<< UInt64(exponentBitCount &+ fractionBitCount) }
    @inlinable public var fractionMask: UInt64 { (1 &<< UInt64(fractionBitCount)) &- 1 }
    @inlinable public var exponentFieldMask: UInt64 { (1 &<< UInt64(exponentBitCount)) &- 1 }
    @inlinable public var magnitudeMask: UInt64 { signMask &- 1 }
    @inlinable public var quietBit: UInt64 { 1 &<< UInt64(fractionBitCount &- 1) }
    @inlinable public var maxFiniteMagnitude: UInt64 {
        UInt64(truncatingIfNeeded: maxBiasedExponent) &<< UInt64(fractionBitCount) | maxFiniteFraction
    }
    /// The magnitude bits of infinity; `UInt64.max` (no value has it) where the format has none.
    @inlinable public var infinityMagnitude: UInt64 {
        hasInfinity ? exponentFieldMask &<< UInt64(fractionBitCount) : .max
    }

    @inlinable public var zero: UInt64 { 0 }
    @inlinable public var one: UInt64 { UInt64(truncatingIfNeeded: bias) &<< UInt64(fractionBitCount) }
    @inlinable public var leastNonzeroMagnitude: UInt64 { 1 }
    @inlinable public var leastNormalMagnitude: UInt64 { 1 &<< UInt64(fractionBitCount) }
    /// Positive infinity, or the NaN pattern in a format without infinities.
    @inlinable public var infinity: UInt64 { hasInfinity ? infinityMagnitude : magnitudeMask }
    /// The default NaN: sign set, quiet bit set, as x86 SSE produces.
    @inlinable public var defaultNaN: UInt64 {
        hasInfinity ? signMask | infinityMagnitude | quietBit : signMask | magnitudeMask
    }

    /// The format's name: `fp32`, `bf16`, `fp8-e4m3`, ... or `eXmY` (`eXmYfn` without
    /// infinities) for other widths, from the registry's table.
    ///
    /// Edge cases: `e4m3` is the IEEE-style (4, 3) and `e4m3fn` the finite one, which is
    /// `fp8-e4m3`; every name parses back to its format. No name parses to a finite format
    /// with one fraction bit (its NaN S.1…1.1 would leave it unlike OCP FP4 E2M1).
    public var name: String { NumberFormat.binary(self).name }
}

extension FloatFormat: CustomStringConvertible {
    public var description: String { name }
}

extension FloatFormat {
    /// Parses a format name: a named format or an alias (`bfloat16`, `half`, `float8_e4m3fn`), or
    /// `eXmY` (IEEE-style, any width), optionally suffixed `fn` for the E4M3-style finite
    /// encoding: the registry restricted to binary formats.
    ///
    ///     try FloatFormat(name: "e6m9")   // 6 exponent bits, 9 fraction bits
    ///
    /// Edge cases: throws `FormatNameError` listing the binary names, also for a name of
    /// another kind (`lns8`).
    public init(name: String) throws(FormatNameError) {
        guard case let .binary(format) = try NumberFormat(name: name, accepting: .binary) else {
            preconditionFailure("the registry returned a kind it was not asked for")
        }
        self = format
    }
}
