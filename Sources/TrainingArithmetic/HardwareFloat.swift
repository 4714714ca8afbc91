import SoftFloat

/// A floating-point type the processor computes in (`Float`, `Double`), described well
/// enough for bit manipulation: its raw bits and the `FloatFormat` it implements.
///
///     let bits = Float(1.5).bitPattern           // 0x3FC0_0000
///     Float.format == .fp32                      // true
///
/// Edge cases: the hardware is assumed to round to nearest-even with gradual underflow
/// (no flush-to-zero), which is the default state of Swift programs.
public protocol HardwareFloat: BinaryFloatingPoint, SIMDScalar, Codable, BitwiseCopyable, Sendable {
    /// The unsigned integer holding the raw bits.
    associatedtype Bits: FixedWidthInteger & UnsignedInteger & Sendable
    /// The signed integer of the same width, the lane type of bit manipulation on vectors.
    associatedtype SignedBits: FixedWidthInteger & SignedInteger & SIMDScalar & Sendable
    init(bitPattern: Bits)
    var bitPattern: Bits { get }
    /// The binary format the hardware type implements.
    static var format: FloatFormat { get }
}

extension Float: HardwareFloat {
    public typealias SignedBits = Int32
    public static var format: FloatFormat { .fp32 }
}

extension Double: HardwareFloat {
    public typealias SignedBits = Int64
    public static var format: FloatFormat { .fp64 }
}
