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

    public static let fp64 = FloatFormat(exponentBitCount: 11, fractionBitCount: 52)
    public static let fp32 = FloatFormat(exponentBitCount: 8, fractionBitCount: 23)
    /// NVIDIA TensorFloat-32, modelled with IEEE semantics and gradual underflow.
    public static let tf32 = FloatFormat(exponentBitCount: 8, fractionBitCount: 10)
    public static let bf16 = FloatFormat(exponentBitCount: 8, fractionBitCount: 7)
    public static let fp16 = FloatFormat(exponentBitCount: 5, fractionBitCount: 10)
    public static let fp8E5M2 = FloatFormat(exponentBitCount: 5, fractionBitCount: 2)
    /// OCP FP8 E4M3: no infinities, one NaN per sign, largest finite 448.
    public static let fp8E4M3 = FloatFormat(exponentBitCount: 4, fractionBitCount: 3, hasInfinity: false)

    /// The formats that have names of their own, in the order tables list them.
    public static let named: [FloatFormat] = [.fp64, .fp32, .tf32, .bf16, .fp16, .fp8E5M2, .fp8E4M3]
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

    /// The format's name: `fp32`, `bf16`, `fp8-e4m3`, ... or `eXmY` for other widths.
    public var name: String {
        switch (exponentBitCount, fractionBitCount, hasInfinity) {
        case (11, 52, true): return "fp64"
        case (8, 23, true): return "fp32"
        case (8, 10, true): return "tf32"
        case (8, 7, true): return "bf16"
        case (5, 10, true): return "fp16"
        case (5, 2, true): return "fp8-e5m2"
        case (4, 3, false): return "fp8-e4m3"
        case (let w, let f, true): return "e\(w)m\(f)"
        case (let w, let f, false): return "e\(w)m\(f)fn"
        }
    }
}

extension FloatFormat: CustomStringConvertible {
    public var description: String { name }
}

/// Why a format name was not understood.
public struct FormatNameError: Error, CustomStringConvertible, Equatable {
    public let name: String
    public init(name: String) { self.name = name }
    public var description: String {
        "unknown format '\(name)' (expected fp64, fp32, tf32, bf16, fp16, fp8-e5m2, fp8-e4m3, "
            + "or eXmY with 2 <= X <= 11 and 1 <= Y <= 52)"
    }
}

extension FloatFormat {
    /// Parses a format name: a named format, `e4m3`/`e5m2` (the FP8 formats), or `eXmY`
    /// (IEEE-style, any width), optionally suffixed `fn` for the E4M3-style finite encoding.
    public init(name: String) throws {
        let key = name.lowercased()
        switch key {
        case "fp64", "f64", "binary64", "double": self = .fp64; return
        case "fp32", "f32", "binary32", "float": self = .fp32; return
        case "tf32": self = .tf32; return
        case "bf16", "bfloat16": self = .bf16; return
        case "fp16", "f16", "binary16", "half": self = .fp16; return
        case "fp8-e5m2", "e5m2", "fp8e5m2": self = .fp8E5M2; return
        case "fp8-e4m3", "e4m3", "fp8e4m3", "e4m3fn": self = .fp8E4M3; return
        default: break
        }
        var body = Substring(key)
        var finite = false
        if body.hasSuffix("fn") { finite = true; body = body.dropLast(2) }
        guard body.first == "e", let m = body.firstIndex(of: "m"),
              let w = Int(body[body.index(after: body.startIndex)..<m]),
              let f = Int(body[body.index(after: m)...]),
              (2...11).contains(w), (1...52).contains(f),
              !finite || f >= 2
        else { throw FormatNameError(name: name) }
        self.init(exponentBitCount: w, fractionBitCount: f, hasInfinity: !finite)
    }
}
