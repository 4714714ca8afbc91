import DataFiles
import SoftFloat
import TrainingArithmetic

/// The data of a training run.
public struct TrainingData: Sendable {
    public var train: Dataset
    /// Held-out examples evaluated after each epoch (nil: none).
    public var validation: Dataset?
    /// Evaluated once at the end (nil: none).
    public var test: Dataset?
    /// The validation set is the test set (the book's choice); reported as such.
    public var validationIsTest: Bool

    public init(train: Dataset, validation: Dataset?, test: Dataset?, validationIsTest: Bool = false) {
        self.train = train
        self.validation = validation
        self.test = test
        self.validationIsTest = validationIsTest
    }
}

/// Callbacks of a training run, called on the thread that runs `train`.
public struct TrainingObserver {
    /// After each step: epoch (1-based), steps done in the epoch, steps in the epoch.
    public var step: ((Int, Int, Int) -> Void)?
    /// After each epoch.
    public var epochFinished: ((EpochRecord) -> Void)?

    public init(step: ((Int, Int, Int) -> Void)? = nil, epochFinished: ((EpochRecord) -> Void)? = nil) {
        self.step = step
        self.epochFinished = epochFinished
    }
}
