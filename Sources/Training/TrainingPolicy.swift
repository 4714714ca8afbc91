import DataFiles
import SoftFloat
import TrainingArithmetic

/// Where training departs from doing every operation in the training format: the fixes
/// that mixed-precision practice applies, each one optional. The default is "pure":
/// every scalar operation of the forward pass, the loss, the backward pass and the update
/// is rounded to the training format with the rounding mode.
///
///     var policy = TrainingPolicy()                 // pure, nearest-even
///     policy.accumulation = .fp32                   // dot products like a tensor core
///     policy.masterWeights = .fp32                  // weights and update in fp32
///     policy.name                                   // "accumulate fp32, master weights fp32"
///
/// - `accumulation`: each dot product (a logit, a weight gradient, the bias gradient)
///   forms its products and sums in this format; the result is rounded once to the
///   training format (the bias is added before that rounding).
/// - `masterWeights`: weights live in this format; each step the forward and backward
///   passes use them rounded to the training format, and the update
///   `w ← w − lr·g` runs in this format.
/// - `rounding`: the rounding mode of every operation (stochastic included).
/// - `stochasticUpdate`: the update alone rounds stochastically.
/// - `lossScale`: the loss is multiplied by this factor before the backward pass and the
///   gradients divided by it before the update (static loss scaling, for fp16).
public struct TrainingPolicy: Sendable, Equatable {
    public var accumulation: FloatFormat?
    public var masterWeights: FloatFormat?
    public var rounding: RoundingMode
    public var stochasticUpdate: Bool
    public var lossScale: Double?

    public init(accumulation: FloatFormat? = nil, masterWeights: FloatFormat? = nil,
                rounding: RoundingMode = .nearestEven, stochasticUpdate: Bool = false,
                lossScale: Double? = nil) {
        self.accumulation = accumulation
        self.masterWeights = masterWeights
        self.rounding = rounding
        self.stochasticUpdate = stochasticUpdate
        self.lossScale = lossScale
    }

    /// The rounding mode of the weight update.
    public var updateRounding: RoundingMode { stochasticUpdate ? .stochastic : rounding }

    /// A short description: `pure`, or the departures joined by commas.
    public var name: String {
        var parts: [String] = []
        if let accumulation { parts.append("accumulate \(accumulation.name)") }
        if let masterWeights { parts.append("master weights \(masterWeights.name)") }
        if rounding != .nearestEven { parts.append("rounding \(rounding.rawValue)") }
        if stochasticUpdate { parts.append("stochastic update") }
        if let lossScale { parts.append("loss scale \(Self.format(lossScale))") }
        return parts.isEmpty ? "pure" : parts.joined(separator: ", ")
    }

    static func format(_ x: Double) -> String {
        x == x.rounded() && abs(x) < 1e15 ? String(Int64(x)) : String(x)
    }
}
