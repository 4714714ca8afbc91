/// The arithmetic of one number format on its encoded values: every operation rounds its
/// result to the format by the environment's rounding mode.
///
///     func square<A: RoundedArithmetic>(_ a: A, _ x: Double) -> Double {
///         var env = FloatEnvironment()
///         let v = a.fromDouble(x, &env)
///         return a.toDouble(a.multiply(v, v, &env))
///     }
///     square(LogFormat.lns8, 1.1)   // 2^(2/4) = 1.414...: 1.1 rounds to 2^(1/4), and codes add
///
/// The 8-bit formats conform themselves (`EightBitFormat`); the trainer's arithmetics
/// (`ScalarArithmetic`) refine it with constants, bulk kernels and conversions.
///
/// Edge cases: an implementation may raise exception flags in the environment or not (the
/// trainer counts numerical events from values, never from flags). Stochastic rounding
/// draws from `env.random`, so the same environment seed gives the same bits.
public protocol RoundedArithmetic: Sendable {
    /// How one value of the format is stored.
    associatedtype Scalar: BitwiseCopyable & Sendable & Equatable

    /// The format's name, as the command line spells it.
    var name: String { get }

    /// `x` rounded to the format by the environment's rounding mode.
    func fromDouble(_ x: Double, _ env: inout FloatEnvironment) -> Scalar
    /// The value of `x` (exact for binary formats; for `lns8`, the nearest `Double`).
    func toDouble(_ x: Scalar) -> Double

    func add(_ a: Scalar, _ b: Scalar, _ env: inout FloatEnvironment) -> Scalar
    func subtract(_ a: Scalar, _ b: Scalar, _ env: inout FloatEnvironment) -> Scalar
    func multiply(_ a: Scalar, _ b: Scalar, _ env: inout FloatEnvironment) -> Scalar
    func divide(_ a: Scalar, _ b: Scalar, _ env: inout FloatEnvironment) -> Scalar
    /// e^x, rounded to the format.
    func exp(_ x: Scalar, _ env: inout FloatEnvironment) -> Scalar
    /// ln x, rounded to the format.
    func log(_ x: Scalar, _ env: inout FloatEnvironment) -> Scalar

    /// `a < b` by value (false when either is NaN; raises nothing).
    func isLess(_ a: Scalar, _ b: Scalar) -> Bool
    /// Whether `x` is a NaN (formats without NaN: never).
    func isNaN(_ x: Scalar) -> Bool
    func isZero(_ x: Scalar) -> Bool
    /// Whether `x` is where the format saturates (its largest magnitude) in a format that
    /// saturates instead of overflowing to infinity; false for binary formats.
    func isSaturated(_ x: Scalar) -> Bool
}
