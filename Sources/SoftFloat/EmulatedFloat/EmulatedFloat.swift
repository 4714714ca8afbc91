/// A floating-point value of any `FloatFormat`, computed bit-exactly in software, that
/// conforms to `BinaryFloatingPoint` and so runs generic Swift numeric code.
///
///     let x: BFloat16 = 0.1
///     let y = x * 3 + 1               // every operator rounds to nearest, ties to even
///     print(y, Float(y))              // 1.3 1.296875
///
///     var env = FloatEnvironment(rounding: .towardZero)
///     let z = x.divided(by: 3, &env)  // explicit mode, flags in env.flags
///
/// The operators round to nearest, ties to even, with subnormals, and drop the
/// exception flags, as `Float16`'s do. The functions that take a `FloatEnvironment`
/// (`adding`, `subtracting`, `multiplied`, `divided`, `squareRoot`, `addingProduct`,
/// `remainder`, `rounded`, and the converting initialisers) use its rounding mode and
/// options and raise its flags.
///
/// Edge cases: float literals arrive as `Double` (`_ExpressibleByBuiltinFloatLiteral` is
/// not public API), so a literal is rounded twice: to binary64 by the compiler, then to
/// the format. The result differs from the correctly rounded one only for a literal
/// within 2^-53 relative of a midpoint of the narrower format (`1.00390625000000001` as a
/// `BFloat16` becomes 1.0, not 1.0078125); `BFloat16("1.00390625000000001")` parses the
/// text exactly. In `FloatE4M3` (no infinities) `infinity` is NaN and overflow gives NaN.
///
/// - Parameters:
///   - Format: the static format: `BF16Format`, `FP32Format`, or one of your own.
public struct EmulatedFloat<Format: StaticFloatFormat>: Sendable {
    /// The value's bits, right-aligned: sign, biased exponent, fraction.
    public var bitPattern: Format.BitPattern

    @inlinable
    public init(bitPattern: Format.BitPattern) {
        self.bitPattern = bitPattern
    }

    /// A value from a right-aligned bit pattern in a `UInt64`, as `FloatFormat` returns them.
    @inlinable
    public init(bits: UInt64) {
        self.bitPattern = Format.BitPattern(truncatingIfNeeded: bits)
    }

    /// The bit pattern widened to `UInt64`, as `FloatFormat`'s operations take it.
    @inlinable
    public var bits: UInt64 { UInt64(truncatingIfNeeded: bitPattern) }

    /// The format's description, which the arithmetic runs on.
    @inlinable
    public static var format: FloatFormat { Format.format }
}

/// A floating-point type whose values are `FloatFormat` bit patterns: lets generic code
/// reach the format and the bits of any `EmulatedFloat`.
///
///     func widen<T: EmulatedBinaryFloatingPoint>(_ x: T) -> Double {
///         T.format.toDouble(x.bits)
///     }
///
/// Edge cases: `init(bits:)` expects the bits above the format's width to be zero.
///
/// - Parameters:
///   - format: the format the arithmetic runs on.
///   - bits: the value's bit pattern, right-aligned in a `UInt64`.
public protocol EmulatedBinaryFloatingPoint: BinaryFloatingPoint {
    static var format: FloatFormat { get }
    var bits: UInt64 { get }
    init(bits: UInt64)
}

extension EmulatedFloat: EmulatedBinaryFloatingPoint {}

/// bfloat16: 8 exponent bits and 8 bits of precision, the range of `Float`.
public typealias BFloat16 = EmulatedFloat<BF16Format>
/// NVIDIA TensorFloat-32: 8 exponent bits and 11 bits of precision, stored in a `UInt32`.
public typealias TensorFloat32 = EmulatedFloat<TF32Format>
/// IEEE binary16 in software: bit-for-bit what `Float16` computes.
public typealias SoftFloat16 = EmulatedFloat<FP16Format>
/// IEEE binary32 in software: bit-for-bit what `Float` computes.
public typealias SoftFloat32 = EmulatedFloat<FP32Format>
/// IEEE binary64 in software: bit-for-bit what `Double` computes.
public typealias SoftFloat64 = EmulatedFloat<FP64Format>
/// OCP FP8 E5M2.
public typealias FloatE5M2 = EmulatedFloat<FP8E5M2Format>
/// OCP FP8 E4M3: no infinities, largest finite 448.
public typealias FloatE4M3 = EmulatedFloat<FP8E4M3Format>
