import SoftFloat

/// The bridge of a part of the step that computes in a format of its own (an accumulation
/// or master-weight format): values are rounded with `ScalarArithmetic.convert` each way.
///
///     let bf16 = FastArithmetic<Float>(format: .bf16)!
///     let master = ConvertingBridge(work: bf16, wide: SoftArithmetic(format: .fp32))
///     let w = master.narrow(masterWeight, &env)    // the fp32 weight rounded to bf16
///
/// Edge cases: widening is exact when the wide format holds the training format's values
/// (it then still follows the environment, as `convert` does).
public struct ConvertingBridge<Work: ScalarArithmetic, Wide: ScalarArithmetic>: ArithmeticBridge {
    public let work: Work
    public let wide: Wide

    public init(work: Work, wide: Wide) {
        self.work = work
        self.wide = wide
    }

    @inlinable public static var isIdentity: Bool { false }

    @inlinable @inline(__always)
    public func widen(_ x: Work.Scalar, _ env: inout FloatEnvironment) -> Wide.Scalar {
        wide.convert(x, from: work, &env)
    }

    @inlinable @inline(__always)
    public func narrow(_ x: Wide.Scalar, _ env: inout FloatEnvironment) -> Work.Scalar {
        work.convert(x, from: wide, &env)
    }

    @inlinable
    public func widen(_ buffer: WorkBuffer<Work.Scalar>) -> WorkBuffer<Wide.Scalar> {
        Self.converted(buffer, widen)
    }

    @inlinable
    public func narrow(_ buffer: WorkBuffer<Wide.Scalar>) -> WorkBuffer<Work.Scalar> {
        Self.converted(buffer, narrow)
    }

    /// A new buffer of `buffer`'s values converted one by one, to nearest-even.
    @inlinable
    static func converted<From, To>(_ buffer: WorkBuffer<From>,
                                    _ convert: (From, inout FloatEnvironment) -> To) -> WorkBuffer<To> {
        var env = FloatEnvironment()
        return WorkBuffer(count: buffer.count) { p in
            for i in 0..<buffer.count { (p + i).initialize(to: convert(buffer[i], &env)) }
        }
    }
}
