import Benchmarks
import DataFiles
import Experiments
import Reports
import SoftFloat
import Training
import TrainingArithmetic

extension FashionMNIST {
    /// The training and test sets for a command: from `override`, or the default folder.
    ///
    ///     let loaded = try FashionMNIST.loadForCommand(override: dataDirectory)
    ///
    /// Edge cases: a missing, truncated or corrupt file becomes a `RuntimeError` (exit
    /// status 1) with the dataset's one-line message, which names the file and the package.
    static func loadForCommand(override: String?) throws -> (train: Dataset, test: Dataset) {
        do {
            return try load(from: directory(override: override))
        } catch let error as DatasetError {
            throw RuntimeError(error.description)
        }
    }
}
