import DataFiles
import SoftFloat
import TrainingArithmetic

/// The purposes that seeded random streams are derived for (`SplitMix64.stream`): each
/// purpose draws from its own sequence, so adding draws to one never shifts another.
public enum TrainingStream {
    /// The validation split of the training images.
    public static let validationSplit: UInt64 = 1
    /// The initial weights.
    public static let initialization: UInt64 = 2
    /// The order of examples in each epoch.
    public static let shuffle: UInt64 = 3
    /// Stochastic rounding in the forward pass and loss of one training example.
    public static let forward: UInt64 = 4
    /// Stochastic rounding in the backward pass and update of one row of weights.
    public static let backward: UInt64 = 5
    /// Stochastic rounding while evaluating one example.
    public static let evaluation: UInt64 = 6
    /// Stochastic rounding of the training data itself.
    public static let data: UInt64 = 7
}
