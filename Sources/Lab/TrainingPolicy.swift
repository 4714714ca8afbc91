import SoftFloat

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

/// How the loss is computed from the logits.
public enum LossFunction: String, Sendable, CaseIterable {
    /// `log Σ exp(z − max z) − (z_y − max z)`: no overflow, no log of zero.
    case logSumExp = "logsumexp"
    /// `−log(exp(z_y) / Σ exp(z))`, softmax first and then the log, as a textbook writes
    /// it: overflows and underflows where the logits leave `exp`'s range.
    case naive

    public init?(name: String) {
        switch name.lowercased() {
        case "logsumexp", "log-sum-exp", "lse", "stable": self = .logSumExp
        case "naive": self = .naive
        default: return nil
        }
    }
}

/// The hyperparameters of a training run.
///
///     var configuration = TrainingConfiguration()   // 10 epochs, lr 0.1, batch 256, seed 0
///     configuration.threads = 1
public struct TrainingConfiguration: Sendable, Equatable {
    public var epochs: Int
    public var learningRate: Double
    public var batchSize: Int
    public var seed: UInt64
    /// Worker threads; results do not depend on it.
    public var threads: Int
    public var loss: LossFunction
    /// L2 penalty on the weights (not the bias): `g ← g + λ·w` before the update.
    public var weightDecay: Double
    /// Stop when the validation loss has not improved for this many epochs, and keep the
    /// best epoch's parameters (nil: never stop early).
    public var patience: Int?
    /// The standard deviation of the initial weights.
    public var initialStandardDeviation: Double
    /// Skip the products of zero features (bit-identical wherever it is used; off only to
    /// prove that).
    public var skipsZeroFeatures: Bool

    public init(epochs: Int = 10, learningRate: Double = 0.1, batchSize: Int = 256, seed: UInt64 = 0,
                threads: Int = 1, loss: LossFunction = .logSumExp, weightDecay: Double = 0,
                patience: Int? = nil, initialStandardDeviation: Double = 0.01,
                skipsZeroFeatures: Bool = true) {
        self.epochs = epochs
        self.learningRate = learningRate
        self.batchSize = batchSize
        self.seed = seed
        self.threads = threads
        self.loss = loss
        self.weightDecay = weightDecay
        self.patience = patience
        self.initialStandardDeviation = initialStandardDeviation
        self.skipsZeroFeatures = skipsZeroFeatures
    }
}
