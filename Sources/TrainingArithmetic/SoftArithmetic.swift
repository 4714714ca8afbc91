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

    /// `body`'s result; every operation takes one index of the stochastic bits.
    @inlinable @inline(__always)
    func counted(_ env: inout FloatEnvironment, _ body: (inout FloatEnvironment) -> UInt64) -> UInt64 {
        defer { env.random.advance() }
        return body(&env)
    }

    @inlinable public var zero: UInt64 { format.zero }
    @inlinable public var one: UInt64 { format.one }

    @inlinable public func fromDouble(_ x: Double, _ env: inout FloatEnvironment) -> UInt64 {
        counted(&env) { format.fromDouble(x, &$0) }
    }
    @inlinable public func toDouble(_ x: UInt64) -> Double { format.toDouble(x) }

    @inlinable public func add(_ a: UInt64, _ b: UInt64, _ env: inout FloatEnvironment) -> UInt64 {
        counted(&env) { format.add(a, b, &$0) }
    }
    @inlinable public func subtract(_ a: UInt64, _ b: UInt64, _ env: inout FloatEnvironment) -> UInt64 {
        counted(&env) { format.subtract(a, b, &$0) }
    }
    @inlinable public func multiply(_ a: UInt64, _ b: UInt64, _ env: inout FloatEnvironment) -> UInt64 {
        counted(&env) { format.multiply(a, b, &$0) }
    }
    @inlinable public func divide(_ a: UInt64, _ b: UInt64, _ env: inout FloatEnvironment) -> UInt64 {
        counted(&env) { format.divide(a, b, &$0) }
    }
    @inlinable public func exp(_ x: UInt64, _ env: inout FloatEnvironment) -> UInt64 {
        counted(&env) { format.exp(x, &$0) }
    }
    @inlinable public func log(_ x: UInt64, _ env: inout FloatEnvironment) -> UInt64 {
        counted(&env) { format.log(x, &$0) }
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
