import SoftFloat

/// The bridge of a part of the step that computes in the training format itself: every
/// conversion returns its argument, every buffer is shared.
///
///     let pure = IdentityBridge(FastArithmetic<Float>(format: .bf16)!)
///     pure.widen(logits) === logits      // true: the same buffer
///
/// Edge cases: converts nothing, so it rounds nothing and draws no random bits.
public struct IdentityBridge<Work: ScalarArithmetic>: ArithmeticBridge {
    public let work: Work

    public init(_ work: Work) {
        self.work = work
    }

    @inlinable public var wide: Work { work }
    @inlinable public static var isIdentity: Bool { true }

    @inlinable @inline(__always)
    public func widen(_ x: Work.Scalar, _ env: inout FloatEnvironment) -> Work.Scalar { x }

    @inlinable @inline(__always)
    public func narrow(_ x: Work.Scalar, _ env: inout FloatEnvironment) -> Work.Scalar { x }

    /// Copies only when `x` and `y` are not the same memory.
    @inlinable @inline(__always)
    public func widen(_ x: UnsafePointer<Work.Scalar>, into y: UnsafeMutablePointer<Work.Scalar>, count: Int,
                      _ env: inout FloatEnvironment) {
        if x != UnsafePointer(y) { y.update(from: x, count: count) }
    }

    /// Copies only when `x` and `y` are not the same memory.
    @inlinable @inline(__always)
    public func narrow(_ x: UnsafePointer<Work.Scalar>, into y: UnsafeMutablePointer<Work.Scalar>, count: Int,
                       _ env: inout FloatEnvironment) {
        widen(x, into: y, count: count, &env)
    }

    @inlinable
    public func widen(_ buffer: WorkBuffer<Work.Scalar>) -> WorkBuffer<Work.Scalar> { buffer }

    @inlinable
    public func narrow(_ buffer: WorkBuffer<Work.Scalar>) -> WorkBuffer<Work.Scalar> { buffer }
}
