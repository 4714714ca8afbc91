import Foundation

/// The linear 8-bit integer format of the exercise: a code `q` stands for `q × scale`.
///
///     let int8 = LinearInt8Format.int8        // unsigned, 0…255, scale 1
///     var env = FloatEnvironment()
///     int8.multiply(int8.fromDouble(20, &env), int8.fromDouble(20, &env), &env)  // 255, overflow
///
/// Unsigned (`int8`): codes 0…255, so the nonzero values are 1…255 — the range the
/// exercise gives INT8. Signed (`int8s`): codes −127…127 (two's complement, −128
/// unused), for quantities with a sign; `scale` sets where the 255 steps lie.
///
/// Edge cases: there is no infinity or NaN; results beyond the range saturate (overflow,
/// inexact), invalid operations (0 ÷ 0, log of a non-positive value) give 0 with invalid.
///
/// - Parameters:
///   - signed: whether codes are −127…127 (true) or 0…255 (false).
///   - scale: the value of one step, a power of two or any positive number.
public struct LinearInt8Format: Hashable, Sendable {
    public let signed: Bool
    public let scale: Double

    public init(signed: Bool, scale: Double = 1) {
        precondition(scale > 0 && scale.isFinite, "scale must be positive")
        self.signed = signed
        self.scale = scale
    }

    /// The exercise's INT8: 0…255 in steps of 1.
    public static let int8 = LinearInt8Format(signed: false)

    /// `int8`, `int8s`, with `-sN` for a scale 2^−N: the registry's name.
    public var name: String { NumberFormat.linear(self).name }

    /// Parses `int8`, `int8s` and `int8-sN` / `int8s-sN` (scale 2^−N): the registry
    /// restricted to linear formats.
    ///
    ///     LinearInt8Format(name: "int8s-s4")   // signed, scale 1/16
    ///
    /// Edge cases: nil for any other name (`int8-x`); `NumberFormat(name:)` says why.
    public init?(name: String) {
        guard case let .linear(format)? = try? NumberFormat(name: name, accepting: .linear) else { return nil }
        self = format
    }

    @inlinable public var maxCode: Int { signed ? 127 : 255 }
    @inlinable public var minCode: Int { signed ? -127 : 0 }

    /// The integer a code stands for.
    @inlinable public func integer(_ x: UInt8) -> Int { signed ? Int(Int8(bitPattern: x)) : Int(x) }
    @inlinable public func code(_ q: Int) -> UInt8 { UInt8(truncatingIfNeeded: q) }
    public func toDouble(_ x: UInt8) -> Double { Double(integer(x)) * scale }

    /// Every code in order of value.
    public var orderedCodes: [UInt8] { (minCode...maxCode).map(code) }

    /// `value` (in units of `scale`) rounded to an integer code by the environment's mode,
    /// saturating at the ends of the range. The format's one rounding routine.
    public func round(units value: Double, _ env: inout FloatEnvironment) -> UInt8 {
        if value.isNaN { env.flags.insert(.invalid); return code(0) }
        let lower = value.rounded(.down)
        let fraction = value - lower
        var q: Double = lower
        if fraction != 0 {
            env.flags.insert(.inexact)
            let up: Bool
            switch env.rounding {
            case .nearestEven:
                up = fraction > 0.5 || (fraction == 0.5 && lower.truncatingRemainder(dividingBy: 2) != 0)
            case .nearestAway: up = fraction > 0.5 || (fraction == 0.5 && value > 0)
            case .towardZero: up = value < 0
            case .up: up = true
            case .down: up = false
            case .odd: up = lower.truncatingRemainder(dividingBy: 2) == 0  // the odd integer
            case .stochastic: up = Double(env.random.draw) * 0x1p-13 < fraction
            }
            q = lower + (up ? 1 : 0)
        }
        if q > Double(maxCode) { env.flags.formUnion([.overflow, .inexact]); return code(maxCode) }
        if q < Double(minCode) {
            env.flags.formUnion(signed ? [.overflow, .inexact] : [.underflow, .inexact])
            return code(minCode)
        }
        if q == 0 && value != 0 { env.flags.insert(.underflow) }
        return code(Int(q))
    }

    public func fromDouble(_ x: Double, _ env: inout FloatEnvironment) -> UInt8 { round(units: x / scale, &env) }

    /// `a + b`: exact unless it saturates.
    public func add(_ a: UInt8, _ b: UInt8, _ env: inout FloatEnvironment) -> UInt8 {
        round(units: Double(integer(a) + integer(b)), &env)
    }
    public func subtract(_ a: UInt8, _ b: UInt8, _ env: inout FloatEnvironment) -> UInt8 {
        round(units: Double(integer(a) - integer(b)), &env)
    }
    /// `a × b`: the exact product `qa qb scale²`, rounded to a multiple of `scale`.
    public func multiply(_ a: UInt8, _ b: UInt8, _ env: inout FloatEnvironment) -> UInt8 {
        round(units: Double(integer(a) * integer(b)) * scale, &env)
    }
    /// `a ÷ b`. Edge cases: `x ÷ 0` saturates with divide-by-zero; `0 ÷ 0` is invalid.
    public func divide(_ a: UInt8, _ b: UInt8, _ env: inout FloatEnvironment) -> UInt8 {
        let qa = integer(a), qb = integer(b)
        if qb == 0 {
            if qa == 0 { env.flags.insert(.invalid); return code(0) }
            env.flags.insert(.divideByZero)
            return code(qa > 0 ? maxCode : minCode)
        }
        // qa / (qb scale) is a ratio of integers: exact enough in Double to round correctly
        // except at exact ties, which Double represents exactly.
        return round(units: Double(qa) / (Double(qb) * scale), &env)
    }
    /// e^x rounded to a multiple of `scale`.
    public func exp(_ x: UInt8, _ env: inout FloatEnvironment) -> UInt8 {
        round(units: Foundation.exp(toDouble(x)) / scale, &env)
    }
    /// ln x rounded. Edge cases: ln 0 saturates low with divide-by-zero; ln of a negative is invalid.
    public func log(_ x: UInt8, _ env: inout FloatEnvironment) -> UInt8 {
        let q = integer(x)
        if q == 0 { env.flags.insert(.divideByZero); return code(minCode) }
        if q < 0 { env.flags.insert(.invalid); return code(0) }
        return round(units: Foundation.log(toDouble(x)) / scale, &env)
    }
    public func isLess(_ a: UInt8, _ b: UInt8) -> Bool { integer(a) < integer(b) }
}
