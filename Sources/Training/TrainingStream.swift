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
    /// Stochastic rounding of the elements of one operand of a scaled recipe's step
    /// (the element of the stream is the operand).
    public static let scaledOperands: UInt64 = 8
    /// The same in evaluation (the element is the chunk of examples, 0 the weights), and
    /// the rest format's operations of an evaluated example.
    public static let scaledEvaluation: UInt64 = 9
    /// Stochastic rounding in the rest format (loss, softmax, logit gradient) of one example
    /// of a scaled recipe's step.
    public static let scaledRest: UInt64 = 10
    /// Stochastic rounding in the update of one row of weights of a scaled recipe's step.
    public static let scaledUpdate: UInt64 = 11
}
