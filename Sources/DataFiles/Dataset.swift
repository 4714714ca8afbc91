/// Labelled examples for classification: `count` feature vectors of `dimension` values,
/// each with a label in `0..<classes`.
///
///     let blobs = Dataset(reals: [0, 0, 1, 1], labels: [0, 1], dimension: 2, classes: 2)
///     let (training, validation) = images.split(validationCount: 5000, seed: 0)
///
/// Features are kept as they were read: bytes with a divisor (images: pixel / 255, the
/// quotient rounded once to the training format), or real numbers (rounded once).
///
/// Edge cases: `init` traps on inconsistent sizes (a programming error, not bad input;
/// file readers check their input before building a dataset).
public struct Dataset: Sendable {
    /// How feature values are stored.
    public enum Features: Sendable {
        /// `byte / divisor`, row-major.
        case bytes([UInt8], divisor: Double)
        /// Real values, row-major.
        case reals([Double])
    }

    public let count: Int
    public let dimension: Int
    public let classes: Int
    public let labels: [UInt8]
    public let features: Features

    public init(bytes: [UInt8], divisor: Double, labels: [UInt8], dimension: Int, classes: Int) {
        precondition(bytes.count == labels.count * dimension, "feature count must be labels × dimension")
        self.init(features: .bytes(bytes, divisor: divisor), labels: labels, dimension: dimension, classes: classes)
    }

    public init(reals: [Double], labels: [UInt8], dimension: Int, classes: Int) {
        precondition(reals.count == labels.count * dimension, "feature count must be labels × dimension")
        self.init(features: .reals(reals), labels: labels, dimension: dimension, classes: classes)
    }

    init(features: Features, labels: [UInt8], dimension: Int, classes: Int) {
        precondition(dimension > 0 && classes > 1, "need a dimension and at least two classes")
        precondition(labels.allSatisfy { Int($0) < classes }, "labels must be below the class count")
        self.count = labels.count
        self.dimension = dimension
        self.classes = classes
        self.labels = labels
        self.features = features
    }

    /// Feature `k` of example `i` as a real number (exact for reals, the exact quotient
    /// rounded to `Double` for bytes).
    public func feature(_ i: Int, _ k: Int) -> Double {
        switch features {
        case let .bytes(bytes, divisor): return Double(bytes[i * dimension + k]) / divisor
        case let .reals(values): return values[i * dimension + k]
        }
    }

    /// The examples at `indices`, in that order.
    public func subset(_ indices: [Int]) -> Dataset {
        let d = dimension
        let features: Features
        switch self.features {
        case let .bytes(bytes, divisor):
            var picked: [UInt8] = []
            picked.reserveCapacity(indices.count * d)
            for i in indices { picked += bytes[i * d..<(i + 1) * d] }
            features = .bytes(picked, divisor: divisor)
        case let .reals(values):
            var picked: [Double] = []
            picked.reserveCapacity(indices.count * d)
            for i in indices { picked += values[i * d..<(i + 1) * d] }
            features = .reals(picked)
        }
        return Dataset(features: features, labels: indices.map { labels[$0] }, dimension: d, classes: classes)
    }

    /// The first `n` examples (all of them when `n >= count`).
    public func prefix(_ n: Int) -> Dataset {
        n >= count ? self : subset(Array(0..<n))
    }
}
