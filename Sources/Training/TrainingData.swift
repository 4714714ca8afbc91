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

extension TrainingData {
    /// The examples a run validates on after each epoch.
    public enum Validation: Equatable, Sendable {
        /// This many training examples held out, chosen by the seed (0: no validation).
        case heldOut(Int)
        /// The test set, as the book does (reported as such).
        case test
    }

    /// The data of a run as `precision-lab train` makes it from a training and a test set:
    /// the validation examples held out of the training set by the seed (or the test set),
    /// then the first `trainLimit` of the rest to train on.
    ///
    ///     let fashion = try FashionMNIST.load(from: FashionMNIST.directory(override: nil))
    ///     let data = try TrainingData(splitting: fashion.train, test: fashion.test,
    ///                                 validation: .heldOut(5000), seed: 0)
    ///     data.train.count     // 55000
    ///
    /// Edge cases: throws `TrainingSetupError` when the held-out count leaves no training
    /// examples; the split is `Dataset.split`, so the same seed holds out the same examples.
    public init(splitting train: Dataset, test: Dataset, validation: Validation, seed: UInt64,
                trainLimit: Int? = nil) throws {
        var train = train
        var validationSet: Dataset?
        switch validation {
        case .test:
            validationSet = test
        case let .heldOut(count):
            guard count < train.count else {
                throw TrainingSetupError("--validation \(count) leaves no training images (there are \(train.count))")
            }
            if count > 0 {
                let parts = train.split(validationCount: count, seed: seed)
                train = parts.training
                validationSet = parts.validation
            }
        }
        if let trainLimit { train = train.prefix(trainLimit) }
        self.init(train: train, validation: validationSet, test: test, validationIsTest: validation == .test)
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
