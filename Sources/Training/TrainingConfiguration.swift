import DataFiles
import SoftFloat
import TrainingArithmetic

/// The hyperparameters of a training run.
///
///     var configuration = TrainingConfiguration()   // 10 epochs, lr 0.1, batch 256, seed 0
///     configuration.threads = 1
public struct TrainingConfiguration: Sendable, Equatable {
    public var epochs: Int
    public var learningRate: Double
    public var batchSize: Int
    public var seed: UInt64
    /// Worker threads, 1 to `maximumThreads`; results do not depend on it.
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

    /// The most worker threads a run accepts (more than the cores only adds switching).
    public static let maximumThreads = 256

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
