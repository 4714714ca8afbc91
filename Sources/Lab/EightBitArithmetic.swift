import SoftFloat

/// The trainer's arithmetic for any 8-bit format with its own operations (`lns8`, the
/// linear INT8 formats): one generic conformance that forwards to the format, so each
/// operation is the format's own, bit for bit.
///
///     let lns8 = EightBitArithmetic(format: LogFormat.lns8)
///     var env = FloatEnvironment(rounding: .stochastic, seed: 1)
///     let x = lns8.multiply(lns8.one, lns8.fromDouble(0.3, &env), &env)   // exact: codes add
///
/// Conversions: into the format, the default (`fromDouble` of the source's exact `Double`)
/// is a single correct rounding for every binary source. Out of `lns8` into a binary
/// format, the trainer goes through `toDouble`, the nearest `Double` of 2^(L/2^F): for
/// every code and F, no binary number of 24 bits or fewer (fp32 and narrower) nor any
/// midpoint between two lies between that `Double` and the exact value, so the conversion
/// stays a single correct rounding in every mode (a test checks every code); into fp64 it
/// is the nearest value. A conversion from the same format is the identity.
///
/// Edge cases: nothing is infinite; values at the largest magnitude count as saturations
/// (`isSaturated`). `one` is 1 rounded to nearest (0 or 2 for an INT8 scale of 2).
///
/// - Parameters:
///   - format: the 8-bit format.
public struct EightBitArithmetic<Format: EightBitFormat>: ScalarArithmetic {
    public typealias Scalar = UInt8
    public let format: Format
    public let zero: UInt8
    public let one: UInt8

    public init(format: Format) {
        self.format = format
        zero = format.zeroCode
        var env = FloatEnvironment()
        one = format.fromDouble(1, &env)
    }

    public var name: String { format.name }

    @inlinable
    public func fromDouble(_ x: Double, _ env: inout FloatEnvironment) -> UInt8 { format.fromDouble(x, &env) }
    @inlinable public func toDouble(_ x: UInt8) -> Double { format.toDouble(x) }

    @inlinable
    public func add(_ a: UInt8, _ b: UInt8, _ env: inout FloatEnvironment) -> UInt8 { format.add(a, b, &env) }
    @inlinable
    public func subtract(_ a: UInt8, _ b: UInt8, _ env: inout FloatEnvironment) -> UInt8 {
        format.subtract(a, b, &env)
    }
    @inlinable
    public func multiply(_ a: UInt8, _ b: UInt8, _ env: inout FloatEnvironment) -> UInt8 {
        format.multiply(a, b, &env)
    }
    @inlinable
    public func divide(_ a: UInt8, _ b: UInt8, _ env: inout FloatEnvironment) -> UInt8 { format.divide(a, b, &env) }
    @inlinable
    public func exp(_ x: UInt8, _ env: inout FloatEnvironment) -> UInt8 { format.exp(x, &env) }
    @inlinable
    public func log(_ x: UInt8, _ env: inout FloatEnvironment) -> UInt8 { format.log(x, &env) }

    @inlinable public func isLess(_ a: UInt8, _ b: UInt8) -> Bool { format.isLess(a, b) }
    @inlinable public func isNaN(_ x: UInt8) -> Bool { format.isNaN(x) }
    @inlinable public func isInfinite(_ x: UInt8) -> Bool { false }
    @inlinable public func isZero(_ x: UInt8) -> Bool { format.isZero(x) }
    @inlinable public func isSaturated(_ x: UInt8) -> Bool { format.isSaturated(x) }

    @inlinable
    public func convert<Source: ScalarArithmetic>(_ x: Source.Scalar, from source: Source,
                                                  _ env: inout FloatEnvironment) -> UInt8 {
        if let same = source as? Self, same.format == format { return unsafeBitCast(x, to: UInt8.self) }
        return fromDouble(source.toDouble(x), &env)
    }
}
