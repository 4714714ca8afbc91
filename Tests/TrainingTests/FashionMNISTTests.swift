import Foundation
import Testing
import DataFiles
import SoftFloat
import Training

/// The real Fashion-MNIST files (Debian's `dataset-fashion-mnist`; CI installs it). Skipped,
/// with a message, where the folder is absent.
@Suite("Fashion-MNIST (real data)")
struct FashionMNISTTests {
    static let directory = FashionMNIST.directory(override: nil)
    static let available = FileManager.default.fileExists(
        atPath: FashionMNIST.path(of: FashionMNIST.fileNames.trainImages, in: directory))
    static let skipMessage: Comment = "Fashion-MNIST is not installed (apt-get install dataset-fashion-mnist)"

    @Test(.enabled(if: available, skipMessage))
    func loadsTheRealFiles() throws {
        let data = try FashionMNIST.load(from: Self.directory)
        #expect(data.train.count == 60_000 && data.test.count == 10_000)
        // The classes are balanced: 6,000 training and 1,000 test images each.
        for (set, each) in [(data.train, 6000), (data.test, 1000)] {
            var counts = [Int](repeating: 0, count: 10)
            for label in set.labels { counts[Int(label)] += 1 }
            #expect(counts == [Int](repeating: each, count: 10))
        }
        let pixels = (0..<784).map { data.train.feature(0, $0) }
        #expect(pixels.min() == 0 && pixels.max()! <= 1 && pixels.max()! > 0.5)
    }

    /// Two epochs on 20,000 images: far above chance (10%) in fp32 and bf16, on two threads.
    @Test(.enabled(if: available, skipMessage), arguments: ["fp32", "bf16"])
    func shortRunLearns(format: String) throws {
        let loaded = try FashionMNIST.load(from: Self.directory)
        let (train, validation) = loaded.train.split(validationCount: 5000, seed: 0)
        let data = TrainingData(train: train.prefix(20_000), validation: validation, test: loaded.test)
        let configuration = TrainingConfiguration(epochs: 2, threads: 2)
        let result = try TrainingRun.train(format: try NumberFormat(name: format), path: .automatic,
                                           configuration: configuration, policy: TrainingPolicy(), data: data)
        #expect(try #require(result.testAccuracy) > 0.72)
        #expect(try #require(result.epochs.last?.validationAccuracy) > 0.72)
        #expect(result.epochs[1].trainLoss < result.epochs[0].trainLoss)
        #expect(result.firstNonFinite == nil)
    }
}
