/// How a binary format spends its special bit patterns: infinities, NaNs and the sign of
/// zero. Every operation reads these rules through `FloatFormat`'s properties
/// (`infinity`, `defaultNaN`, `zero(negative:)`, `isNaN`, ...), never by its own test.
///
///     FloatEncoding.ieee          // fp32, bf16, fp8-e5m2, float8_e4m3, float8_e3m4
///     FloatEncoding.finite        // fp8-e4m3 (OCP E4M3, ml_dtypes' float8_e4m3fn)
///     FloatEncoding.finiteNoNaN   // fp6-e2m3, fp6-e3m2, fp4-e2m1 (OCP MX elements)
///     FloatEncoding.unsignedZero  // fp8-e4m3fnuz, fp8-e5m2fnuz, fp8-e4m3b11fnuz
///     FloatEncoding.extended      // binary8p1 ... binary8p7 (IEEE P3109)
///
/// Edge cases, the rules of each encoding:
/// - `ieee`: ±∞ at the top exponent with a zero fraction, NaNs (quiet and signaling, with
///   payloads) above it, ±0; overflow gives ±∞.
/// - `finite`: no infinities; the all-ones exponent holds numbers except S.1…1, one NaN per
///   sign; ±0; overflow gives NaN (the largest finite value when saturating).
/// - `finiteNoNaN`: every pattern is a number; ±0; overflow, ±∞ and divide-by-zero give the
///   largest finite value of the sign; an invalid operation gives +0 (with invalid), and a
///   NaN converted in gives the zero of the opposite sign (with invalid) — ml_dtypes'
///   conversion of a NaN, which makes x86's default NaN (sign set) +0.
/// - `unsignedZero` ("fnuz"): no infinities and no −0; the pattern of −0 (1 0…0) is the one
///   NaN; a result that would be −0 is +0; overflow gives that NaN (or the largest finite).
/// - `extended` (P3109): ±∞ at S.1…1, the one NaN at 1 0…0, no −0.
public enum FloatEncoding: Hashable, Sendable, CaseIterable {
    case ieee
    case finite
    case finiteNoNaN
    case unsignedZero
    case extended

    /// Whether ±∞ are values of the format.
    @inlinable public var hasInfinity: Bool { self == .ieee || self == .extended }
    /// Whether the format has a NaN at all.
    @inlinable public var hasNaN: Bool { self != .finiteNoNaN }
    /// Whether NaNs are IEEE's: many patterns, quiet or signaling, carrying payloads.
    @inlinable public var hasIEEENaNs: Bool { self == .ieee }
    /// Whether −0 is a value (else its pattern is the NaN, or would be: it never arises).
    @inlinable public var hasNegativeZero: Bool { self == .ieee || self == .finite || self == .finiteNoNaN }
    /// Whether the one NaN sits at the pattern of −0 (1 0…0).
    @inlinable public var nanAtNegativeZero: Bool { self == .unsignedZero || self == .extended }
}

/// A binary floating-point format: `w` exponent bits, `f` stored fraction bits, an
/// exponent bias and an encoding of its special values.
///
/// Every operation of the module is written once, against this description, and
/// works for every format from 2 to 11 exponent bits and 1 to 52 fraction bits (down to
/// 1 exponent bit and 0 fraction bits for encodings without IEEE NaNs, as P3109's
/// binary8p7 and binary8p1). Values are carried as
/// right-aligned bit patterns in a `UInt64`: the sign at bit `w + f`, then the biased
/// exponent, then the fraction; a biased exponent of 0 is subnormal (or zero).
///
///     let bf16 = FloatFormat.bf16
///     var env = FloatEnvironment()
///     let third = bf16.divide(bf16.one, bf16.fromDouble(3), &env)
///     let fnuz = FloatFormat(exponentBitCount: 4, fractionBitCount: 3,
///                            encoding: .unsignedZero, bias: 8)   // float8_e4m3fnuz
///
/// Edge cases: a format with `hasInfinity == false` built by
/// `init(exponentBitCount:fractionBitCount:hasInfinity:)` follows OCP FP8 E4M3
/// (`FloatEncoding.finite`); `FloatEncoding` lists the others.
///
/// - Parameters:
///   - exponentBitCount: `w`, from 2 to 11 (1 allowed without IEEE NaNs).
///   - fractionBitCount: `f`, from 1 to 52 (0 allowed without IEEE NaNs); the precision is `f + 1`.
///   - encoding: how infinities, NaNs and zeros are encoded.
///   - bias: the exponent bias; IEEE's `2^(w-1) - 1` unless given.
public struct FloatFormat: Hashable, Sendable {
    public let exponentBitCount: Int
    public let fractionBitCount: Int
    public let encoding: FloatEncoding
    public let bias: Int

    // Derived constants, computed once in `init` because `roundPack` and the classifiers read
    // them on every operation: a switch over `encoding` per read costs about a fifth of the soft
    // path. They follow from the four defining fields above, which alone decide `==` and `hash`.
    /// The magnitude of the largest finite number: below the top exponent in IEEE formats,
    /// below the all-ones pattern where that is NaN or ∞, the all-ones pattern otherwise.
    public let maxFiniteMagnitude: UInt64
    /// The magnitude bits of infinity; `UInt64.max` (no value has it) where the format has none.
    public let infinityMagnitude: UInt64
    /// What an infinite result becomes: positive infinity, or where the format has none,
    /// its NaN (the largest finite value where it has no NaN either).
    public let infinity: UInt64
    /// The default NaN, what an invalid operation gives: sign set, quiet bit set, as x86
    /// SSE produces, in IEEE formats; the format's NaN in the others; +0 without NaNs.
    public let defaultNaN: UInt64
    /// The pattern of the one NaN at −0 (`unsignedZero`, `extended`); `UInt64.max` otherwise.
    public let negativeZeroNaN: UInt64
    /// The biased exponent of the largest finite number.
    public let maxBiasedExponent: Int

    @inlinable
    public init(exponentBitCount: Int, fractionBitCount: Int, encoding: FloatEncoding, bias: Int? = nil) {
        precondition((1...11).contains(exponentBitCount), "exponent bits must be 2...11")
        precondition((0...52).contains(fractionBitCount), "fraction bits must be 1...52")
        precondition((fractionBitCount >= 1 && exponentBitCount >= 2) || !encoding.hasIEEENaNs,
                     "IEEE encodings need 2 exponent bits and a fraction bit")
        self.exponentBitCount = exponentBitCount
        self.fractionBitCount = fractionBitCount
        self.encoding = encoding
        self.bias = bias ?? (1 &<< (exponentBitCount &- 1)) &- 1
        let f = UInt64(fractionBitCount)
        let signMask: UInt64 = 1 &<< UInt64(exponentBitCount &+ fractionBitCount)
        let magnitudeMask = signMask &- 1
        let exponentField: UInt64 = ((1 &<< UInt64(exponentBitCount)) &- 1) &<< f
        let quietBit: UInt64 = 1 &<< (f &- 1)
        switch encoding {
        case .ieee:
            maxFiniteMagnitude = exponentField &- 1
            infinityMagnitude = exponentField
            infinity = exponentField
            defaultNaN = signMask | exponentField | quietBit
        case .finite:
            maxFiniteMagnitude = magnitudeMask &- 1
            infinityMagnitude = .max
            infinity = magnitudeMask
            defaultNaN = signMask | magnitudeMask
        case .extended:
            maxFiniteMagnitude = magnitudeMask &- 1
            infinityMagnitude = magnitudeMask
            infinity = magnitudeMask
            defaultNaN = signMask
        case .unsignedZero:
            maxFiniteMagnitude = magnitudeMask
            infinityMagnitude = .max
            infinity = signMask
            defaultNaN = signMask
        case .finiteNoNaN:
            maxFiniteMagnitude = magnitudeMask
            infinityMagnitude = .max
            infinity = magnitudeMask
            defaultNaN = 0
        }
        negativeZeroNaN = encoding.nanAtNegativeZero ? signMask : .max
        maxBiasedExponent = Int(truncatingIfNeeded: maxFiniteMagnitude &>> f)
    }

    @inlinable
    public static func == (a: FloatFormat, b: FloatFormat) -> Bool {
        a.exponentBitCount == b.exponentBitCount && a.fractionBitCount == b.fractionBitCount
            && a.encoding == b.encoding && a.bias == b.bias
    }

    @inlinable
    public func hash(into hasher: inout Hasher) {
        hasher.combine(exponentBitCount)
        hasher.combine(fractionBitCount)
        hasher.combine(encoding)
        hasher.combine(bias)
    }

    /// An IEEE 754 format (`hasInfinity`) or an OCP E4M3-style finite one, IEEE's bias.
    @inlinable
    public init(exponentBitCount: Int, fractionBitCount: Int, hasInfinity: Bool = true) {
        precondition((1...52).contains(fractionBitCount), "fraction bits must be 1...52")
        self.init(exponentBitCount: exponentBitCount, fractionBitCount: fractionBitCount,
                  encoding: hasInfinity ? .ieee : .finite)
    }

    /// Whether ±∞ are values of the format (IEEE and P3109 extended encodings).
    @inlinable public var hasInfinity: Bool { encoding.hasInfinity }

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
    /// ml_dtypes' float8_e4m3: IEEE-like E4M3 with infinities, largest finite 240.
    @inlinable public static var float8E4M3: FloatFormat { FloatFormat(exponentBitCount: 4, fractionBitCount: 3) }
    /// ml_dtypes' float8_e3m4: IEEE-like, largest finite 15.5.
    @inlinable public static var float8E3M4: FloatFormat { FloatFormat(exponentBitCount: 3, fractionBitCount: 4) }
    /// float8_e4m3fnuz (AMD, Graphcore): no infinities, no −0, the one NaN 0x80, bias 8.
    @inlinable public static var fp8E4M3FNUZ: FloatFormat {
        FloatFormat(exponentBitCount: 4, fractionBitCount: 3, encoding: .unsignedZero, bias: 8)
    }
    /// float8_e5m2fnuz: no infinities, no −0, the one NaN 0x80, bias 16.
    @inlinable public static var fp8E5M2FNUZ: FloatFormat {
        FloatFormat(exponentBitCount: 5, fractionBitCount: 2, encoding: .unsignedZero, bias: 16)
    }
    /// float8_e4m3b11fnuz: E4M3 fnuz with bias 11, largest finite 30.
    @inlinable public static var fp8E4M3B11FNUZ: FloatFormat {
        FloatFormat(exponentBitCount: 4, fractionBitCount: 3, encoding: .unsignedZero, bias: 11)
    }
    /// OCP MX FP6 E2M3 (float6_e2m3fn): no infinities, no NaN, largest finite 7.5.
    @inlinable public static var fp6E2M3: FloatFormat {
        FloatFormat(exponentBitCount: 2, fractionBitCount: 3, encoding: .finiteNoNaN)
    }
    /// OCP MX FP6 E3M2 (float6_e3m2fn): no infinities, no NaN, largest finite 28.
    @inlinable public static var fp6E3M2: FloatFormat {
        FloatFormat(exponentBitCount: 3, fractionBitCount: 2, encoding: .finiteNoNaN)
    }
    /// OCP MX FP4 E2M1 (float4_e2m1fn): no infinities, no NaN, values 0, 0.5, 1, 1.5, 2, 3, 4, 6.
    @inlinable public static var fp4E2M1: FloatFormat {
        FloatFormat(exponentBitCount: 2, fractionBitCount: 1, encoding: .finiteNoNaN)
    }
    /// IEEE P3109 binary8pP (P = 1...7): 8 − P exponent bits, P − 1 fraction bits, bias
    /// 2^(7−P), ±∞ at 0x7F and 0xFF, the one NaN at 0x80, no −0 (the interim report's
    /// signed extended formats).
    @inlinable public static func binary8(precision p: Int) -> FloatFormat {
        precondition((1...7).contains(p), "binary8 precision must be 1...7")
        return FloatFormat(exponentBitCount: 8 - p, fractionBitCount: p - 1, encoding: .extended,
                           bias: 1 << (7 - p))
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
    /// IEEE 754's bias for `w` exponent bits, `2^(w-1) - 1`.
    @inlinable public var ieeeBias: Int { (1 &<< (exponentBitCount &- 1)) &- 1 }
    /// The exponent of the least normal number.
    @inlinable public var minExponent: Int { 1 &- bias }
    /// The exponent of the largest finite number.
    @inlinable public var maxExponent: Int { maxBiasedExponent &- bias }
    /// The stored fraction of the largest finite number.
    @inlinable public var maxFiniteFraction: UInt64 { maxFiniteMagnitude & fractionMask }
    @inlinable public var signMask: UInt64 { 1 &<< UInt64(exponentBitCount &+ fractionBitCount) }
    @inlinable public var fractionMask: UInt64 { (1 &<< UInt64(fractionBitCount)) &- 1 }
    @inlinable public var exponentFieldMask: UInt64 { (1 &<< UInt64(exponentBitCount)) &- 1 }
    @inlinable public var magnitudeMask: UInt64 { signMask &- 1 }
    /// IEEE's quiet bit, the top fraction bit (meaningful where NaNs are IEEE's).
    @inlinable public var quietBit: UInt64 { 1 &<< UInt64(fractionBitCount &- 1) }

    @inlinable public var zero: UInt64 { 0 }
    /// The zero of the given sign: +0 where the format has no −0.
    @inlinable @inline(__always) public func zero(negative: Bool) -> UInt64 {
        negative && encoding.hasNegativeZero ? signMask : 0
    }
    @inlinable public var one: UInt64 { UInt64(truncatingIfNeeded: bias) &<< UInt64(fractionBitCount) }
    @inlinable public var leastNonzeroMagnitude: UInt64 { 1 }
    @inlinable public var leastNormalMagnitude: UInt64 { 1 &<< UInt64(fractionBitCount) }

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
