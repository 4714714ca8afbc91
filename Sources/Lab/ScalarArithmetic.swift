import SoftFloat

/// The arithmetic of one number format, as the trainer uses it: every operation rounds
/// its result to the format and reports exceptions in the environment.
///
/// Binary formats conform through the integer soft-float path and through the fast
/// hardware-then-round path; the 8-bit logarithmic format conforms with its own
/// arithmetic. The trainer is written once against this protocol and specialised per
/// conforming type.
public protocol ScalarArithmetic: Sendable {
    /// How one value of the format is stored.
    associatedtype Scalar: BitwiseCopyable & Sendable & Equatable

    /// The format's name, as the command line spells it.
    var name: String { get }
    var zero: Scalar { get }
    var one: Scalar { get }

    /// `x` rounded to the format by the environment's rounding mode.
    func fromDouble(_ x: Double, _ env: inout FloatEnvironment) -> Scalar
    /// The exact value of `x`.
    func toDouble(_ x: Scalar) -> Double

    func add(_ a: Scalar, _ b: Scalar, _ env: inout FloatEnvironment) -> Scalar
    func subtract(_ a: Scalar, _ b: Scalar, _ env: inout FloatEnvironment) -> Scalar
    func multiply(_ a: Scalar, _ b: Scalar, _ env: inout FloatEnvironment) -> Scalar
    func divide(_ a: Scalar, _ b: Scalar, _ env: inout FloatEnvironment) -> Scalar
    /// e^x, rounded to the format.
    func exp(_ x: Scalar, _ env: inout FloatEnvironment) -> Scalar
    /// ln x, rounded to the format.
    func log(_ x: Scalar, _ env: inout FloatEnvironment) -> Scalar

    /// `a < b` (false when either is NaN; raises nothing).
    func isLess(_ a: Scalar, _ b: Scalar) -> Bool
    func isNaN(_ x: Scalar) -> Bool
    func isInfinite(_ x: Scalar) -> Bool
    func isZero(_ x: Scalar) -> Bool
}
