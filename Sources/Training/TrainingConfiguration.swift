import Foundation
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
    /// How the learning rate changes from epoch to epoch.
    public var schedule: LearningRateSchedule = .constant
    /// Whether each epoch visits the training images in a new random order (false: in the
    /// data's order every epoch).
    public var shuffles = true
    /// The mean loss of each of the first this many minibatches is kept
    /// (`TrainingResult.stepLosses`).
    public var recordedSteps = 0

    /// The learning rate of epoch `epoch` (1-based) under `schedule`.
    public func learningRate(epoch: Int) -> Double {
        schedule.factor(epoch: epoch, of: epochs) * learningRate
    }

    /// The order in which epoch `epoch` visits `count` training images: a shuffle drawn
    /// from the seed and the epoch, or the data's order without shuffling.
    public func order(epoch: Int, count: Int) -> [Int] {
        var order = Array(0..<count)
        if shuffles {
            var shuffler = SplitMix64.stream(seed: seed, purpose: TrainingStream.shuffle,
                                             step: UInt64(epoch), element: 0)
            shuffler.shuffle(&order)
        }
        return order
    }

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

/// The learning rate over the epochs: constant, divided by 10 at half and again at three
/// quarters of the epochs (step), or a half cosine from the full rate towards 0 (cosine).
///
///     LearningRateSchedule.step.factor(epoch: 6, of: 10)     // 0.1 (epochs 6-7), then 0.01 (8-10)
///     LearningRateSchedule.cosine.factor(epoch: 1, of: 10)   // 1, then (1 + cos(pi (e-1)/E)) / 2
///
/// The rate is set at the start of each epoch and rounded to the update's format then.
public enum LearningRateSchedule: String, Sendable, CaseIterable {
    case constant, step, cosine

    /// The factor on the base rate in epoch `epoch` (1-based) of `epochs`.
    public func factor(epoch: Int, of epochs: Int) -> Double {
        switch self {
        case .constant:
            return 1
        case .step:
            let done = epoch - 1
            return done >= (3 * epochs) / 4 ? 0.01 : done >= epochs / 2 ? 0.1 : 1
        case .cosine:
            guard epochs > 0 else { return 1 }
            return (1 + cos(Double.pi * Double(epoch - 1) / Double(epochs))) / 2
        }
    }
}
