import DataFiles
import SoftFloat
import TrainingArithmetic

extension Dataset {
    /// A seeded random split: `validationCount` examples held out, the rest for training,
    /// each part in the original order.
    ///
    ///     let (training, validation) = fashion.train.split(validationCount: 5000, seed: 0)
    ///
    /// Edge cases: `validationCount` 0 gives an empty validation set.
    public func split(validationCount: Int, seed: UInt64) -> (training: Dataset, validation: Dataset) {
        precondition((0..<count).contains(validationCount), "validation must leave training examples")
        var order = Array(0..<count)
        var random = SplitMix64.stream(seed: seed, purpose: TrainingStream.validationSplit, step: 0, element: 0)
        random.shuffle(&order)
        let held = order[..<validationCount].sorted()
        let kept = order[validationCount...].sorted()
        return (subset(kept), subset(held))
    }
}
