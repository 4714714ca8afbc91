import SoftFloat

/// The passage between the training format and the format one part of a step computes in
/// (the dot products under an accumulation format, the update under master weights): that
/// part's arithmetic, and the conversions either way.
///
///     let bf16 = FastArithmetic<Float>(format: .bf16)!
///     let accumulation = ConvertingBridge(work: bf16, wide: FastArithmetic<Float>(format: .fp32)!)
///     let z = accumulation.narrow(sum, &env)     // the fp32 sum rounded once to bf16
///     let pure = IdentityBridge(bf16)            // no such format: nothing is converted
///
/// The trainer is written once against this protocol. A part that computes in the training
/// format itself goes through `IdentityBridge`, whose conversions return their argument
/// and whose buffers are the training format's own, so that once the trainer is
/// specialised the part costs what it would cost written without the bridge.
///
/// Edge cases: a conversion rounds by the environment's rounding mode (stochastic
/// rounding draws from `env.random`); the identity converts nothing and draws nothing.
/// Buffers are converted to nearest-even.
public protocol ArithmeticBridge: Sendable {
    /// The training format's arithmetic.
    associatedtype Work: ScalarArithmetic
    /// The arithmetic of the part (normally a wider format).
    associatedtype Wide: ScalarArithmetic

    var work: Work { get }
    var wide: Wide { get }
    /// Whether the part computes in the training format itself, so that nothing is converted.
    static var isIdentity: Bool { get }

    /// `x` in the wide format.
    func widen(_ x: Work.Scalar, _ env: inout FloatEnvironment) -> Wide.Scalar
    /// `x` rounded to the training format.
    func narrow(_ x: Wide.Scalar, _ env: inout FloatEnvironment) -> Work.Scalar

    /// `y[i] ← widen(x[i])` for `i` in `0..<count`, in order, in one environment.
    ///
    /// Edge cases: `x` and `y` may be the same memory (the identity's buffers are shared).
    func widen(_ x: UnsafePointer<Work.Scalar>, into y: UnsafeMutablePointer<Wide.Scalar>, count: Int,
               _ env: inout FloatEnvironment)
    /// `y[i] ← narrow(x[i])` for `i` in `0..<count`, in order, in one environment.
    ///
    /// Edge cases: as for `widen(_:into:count:_:)`.
    func narrow(_ x: UnsafePointer<Wide.Scalar>, into y: UnsafeMutablePointer<Work.Scalar>, count: Int,
                _ env: inout FloatEnvironment)

    /// The values of `buffer` in the wide format: a new buffer, or `buffer` itself when
    /// the formats are one.
    func widen(_ buffer: WorkBuffer<Work.Scalar>) -> WorkBuffer<Wide.Scalar>
    /// The values of `buffer` rounded to the training format: a new buffer, or `buffer`
    /// itself when the formats are one.
    func narrow(_ buffer: WorkBuffer<Wide.Scalar>) -> WorkBuffer<Work.Scalar>
}

extension ArithmeticBridge {
    @inlinable
    public func widen(_ x: UnsafePointer<Work.Scalar>, into y: UnsafeMutablePointer<Wide.Scalar>, count: Int,
                      _ env: inout FloatEnvironment) {
        for i in 0..<count { y[i] = widen(x[i], &env) }
    }

    @inlinable
    public func narrow(_ x: UnsafePointer<Wide.Scalar>, into y: UnsafeMutablePointer<Work.Scalar>, count: Int,
                       _ env: inout FloatEnvironment) {
        for i in 0..<count { y[i] = narrow(x[i], &env) }
    }
}
