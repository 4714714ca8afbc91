import SoftFloat

/// The arithmetic of any binary format through the integer soft-float path: the
/// reference every other path is checked against.
///
///     let fp8 = SoftArithmetic(format: .fp8E4M3)
///     var env = FloatEnvironment(rounding: .stochastic, seed: 7)
///     let x = fp8.add(fp8.one, fp8.fromDouble(0.01, &env), &env)   // 1 or 1.125
///
/// Edge cases: works for every format, rounding mode and environment option, and raises
/// exception flags; values are the format's bit patterns. Each operation advances
/// `env.random` by one.
///
/// - Parameters:
///   - format: the binary format.
public struct SoftArithmetic: ScalarArithmetic, Equatable {
    public typealias Scalar = UInt64
    public let format: FloatFormat

    public init(format: FloatFormat) { self.format = format }

    public var name: String { format.name }
    @inlinable public var zero: UInt64 { format.zero }
    @inlinable public var one: UInt64 { format.one }

    @inlinable
    public func fromDouble(_ x: Double, _ env: inout FloatEnvironment) -> UInt64 {
        defer { env.random.advance() }
        return format.fromDouble(x, &env)
    }
    @inlinable public func toDouble(_ x: UInt64) -> Double { format.toDouble(x) }

    @inlinable
    public func add(_ a: UInt64, _ b: UInt64, _ env: inout FloatEnvironment) -> UInt64 {
        defer { env.random.advance() }
        return format.add(a, b, &env)
    }
    @inlinable
    public func subtract(_ a: UInt64, _ b: UInt64, _ env: inout FloatEnvironment) -> UInt64 {
        defer { env.random.advance() }
        return format.subtract(a, b, &env)
    }
    @inlinable
    public func multiply(_ a: UInt64, _ b: UInt64, _ env: inout FloatEnvironment) -> UInt64 {
        defer { env.random.advance() }
        return format.multiply(a, b, &env)
    }
    @inlinable
    public func divide(_ a: UInt64, _ b: UInt64, _ env: inout FloatEnvironment) -> UInt64 {
        defer { env.random.advance() }
        return format.divide(a, b, &env)
    }
    @inlinable
    public func exp(_ x: UInt64, _ env: inout FloatEnvironment) -> UInt64 {
        defer { env.random.advance() }
        return format.exp(x, &env)
    }
    @inlinable
    public func log(_ x: UInt64, _ env: inout FloatEnvironment) -> UInt64 {
        defer { env.random.advance() }
        return format.log(x, &env)
    }

    @inlinable
    public func isLess(_ a: UInt64, _ b: UInt64) -> Bool {
        var env = FloatEnvironment()
        return format.isLess(a, b, signaling: false, &env)
    }
    @inlinable public func isNaN(_ x: UInt64) -> Bool { format.isNaN(x) }
    @inlinable public func isInfinite(_ x: UInt64) -> Bool { format.isInfinite(x) }
    @inlinable public func isZero(_ x: UInt64) -> Bool { format.isZero(x) }
}
