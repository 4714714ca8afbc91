/// OCP MX's shared scale, ml_dtypes' `float8_e8m0fnu`: an unsigned power of two
/// 2^(code − 127) for codes 0…254 (2^-127 … 2^127), NaN at 0xFF, no zero, no sign.
///
///     var env = FloatEnvironment()
///     E8M0.encode(FloatFormat.fp32.fromDouble(1.5), from: .fp32, &env)   // 0x80: 2, a tie goes up
///     E8M0.value(0x7F)                                                    // 1.0
///
/// Rounding is `roundPack`'s, in every mode: the codes are the positive values of a
/// one-bit-precision format (`FloatFormat.e8m0Values`: 8 exponent bits, no fraction, bias
/// 128), whose biased exponent is the code plus one. With one bit of precision a tie rounds
/// to the even significand, the larger power of two, as ml_dtypes rounds (1.5 → 2).
///
/// Edge cases, as ml_dtypes converts: zero, negative values, infinities and NaN give NaN
/// (0xFF; invalid for every input but NaN, a value the format cannot hold); a value that
/// rounds above 2^127 gives NaN with overflow (2^127 when the environment saturates);
/// anything that rounds below 2^-127 gives 2^-127 (code 0) with underflow, since there is
/// no zero.
public enum E8M0 {
    /// The NaN code.
    public static let nan: UInt8 = 0xFF

    /// The positive values of this format are the scales: code c is the pattern c + 1.
    @inlinable public static var values: FloatFormat { .e8m0Values }

    /// `x` (a value of `format`) rounded to a power of two by the environment's mode.
    public static func encode(_ x: UInt64, from format: FloatFormat, _ env: inout FloatEnvironment) -> UInt8 {
        if format.isNaN(x) {
            if format.isSignalingNaN(x) { env.flags.insert(.invalid) }
            return nan
        }
        if format.isInfinite(x) || format.isZero(x) || format.isNegative(x) {
            env.flags.insert(.invalid)
            return nan
        }
        var rounding = env
        let bits = values.convert(x, from: format, &rounding)
        env.random = rounding.random
        env.flags.formUnion(rounding.flags)
        if rounding.flags.contains(.overflow) && !env.saturates { return nan }
        if bits == 0 {  // below 2^-127: the least scale, since there is no zero
            env.flags.formUnion([.underflow, .inexact])
            return 0
        }
        return UInt8(truncatingIfNeeded: bits - 1)
    }

    /// The value of a code as the bit pattern of `values` (for arithmetic in that format),
    /// nil for NaN.
    public static func bits(_ code: UInt8) -> UInt64? {
        code == nan ? nil : UInt64(code) + 1
    }

    /// The value of a code, 2^(code − 127), or NaN.
    public static func value(_ code: UInt8) -> Double {
        code == nan ? .nan : Double(sign: .plus, exponent: Int(code) - 127, significand: 1)
    }
}

extension FloatFormat {
    /// The values of E8M0 as a format of one bit of precision: 8 exponent bits, no fraction,
    /// bias 128, no NaN; its positive normal values are 2^-127 … 2^127 (see `E8M0`).
    @inlinable public static var e8m0Values: FloatFormat {
        FloatFormat(exponentBitCount: 8, fractionBitCount: 0, encoding: .finiteNoNaN, bias: 128)
    }
}
