/// A floating-point format fixed at compile time: the type parameter of `EmulatedFloat`.
///
///     enum E6M9: StaticFloatFormat {
///         typealias BitPattern = UInt16
///         static var format: FloatFormat { FloatFormat(exponentBitCount: 6, fractionBitCount: 9) }
///     }
///     typealias Float16Wide = EmulatedFloat<E6M9>
///
/// Edge cases: `BitPattern` must hold `format.bitWidth` bits. Returning a literal
/// `FloatFormat(...)` (or one of the `@inlinable` constants `FloatFormat.bf16`, ..., which
/// are literals) from an `@inlinable` `format` lets the compiler fold every mask and shift
/// of the arithmetic into constants. The formats below are the registry's named binary
/// formats, by their constants.
///
/// - Parameters:
///   - BitPattern: the unsigned integer that stores one value, right-aligned.
///   - format: the format's exponent and fraction widths and its encoding.
public protocol StaticFloatFormat: Sendable {
    associatedtype BitPattern: FixedWidthInteger & UnsignedInteger & Sendable
    static var format: FloatFormat { get }
}

/// bfloat16: 8 exponent bits, 7 fraction bits.
public enum BF16Format: StaticFloatFormat {
    public typealias BitPattern = UInt16
    @inlinable public static var format: FloatFormat { .bf16 }
}

/// NVIDIA TensorFloat-32: 8 exponent bits, 10 fraction bits, stored in 32 bits (19 used);
/// modelled with IEEE semantics and gradual underflow.
public enum TF32Format: StaticFloatFormat {
    public typealias BitPattern = UInt32
    @inlinable public static var format: FloatFormat { .tf32 }
}

/// IEEE 754 binary16.
public enum FP16Format: StaticFloatFormat {
    public typealias BitPattern = UInt16
    @inlinable public static var format: FloatFormat { .fp16 }
}

/// IEEE 754 binary32.
public enum FP32Format: StaticFloatFormat {
    public typealias BitPattern = UInt32
    @inlinable public static var format: FloatFormat { .fp32 }
}

/// IEEE 754 binary64.
public enum FP64Format: StaticFloatFormat {
    public typealias BitPattern = UInt64
    @inlinable public static var format: FloatFormat { .fp64 }
}

/// OCP FP8 E5M2: IEEE-like, with infinities and NaNs.
public enum FP8E5M2Format: StaticFloatFormat {
    public typealias BitPattern = UInt8
    @inlinable public static var format: FloatFormat { .fp8E5M2 }
}

/// OCP FP8 E4M3: no infinities, one NaN per sign (S.1111.111), largest finite 448.
public enum FP8E4M3Format: StaticFloatFormat {
    public typealias BitPattern = UInt8
    @inlinable public static var format: FloatFormat { .fp8E4M3 }
}
