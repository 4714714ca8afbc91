import Foundation

/// The Fashion-MNIST data set: 60,000 training and 10,000 test images of 28 × 28 grey
/// pixels in ten classes of clothing, read from the four IDX files Zalando publishes.
///
///     let directory = FashionMNIST.directory(override: nil)   // --data, $PRECISION_LAB_DATA, or the default
///     let data = try FashionMNIST.load(from: directory)
///     data.train.count    // 60000
///
/// Each file is looked for gzip-compressed (`train-images-idx3-ubyte.gz`) and then plain.
/// Pixels become `byte / 255`.
///
/// Edge cases: a missing, truncated or corrupt file, images that are not 28 × 28, a label
/// count that differs from the image count, or a label above 9 throw one `DatasetError`
/// naming the file, what is wrong, and how to get the data.
public enum FashionMNIST {
    /// Where Debian's `dataset-fashion-mnist` installs the files.
    public static let defaultDirectory = "/usr/share/datasets/fashion-mnist"
    /// The environment variable that overrides the default directory.
    public static let environmentVariable = "PRECISION_LAB_DATA"
    /// How to get the data, appended to every loading error.
    public static let installHint =
        "install it with `apt-get install dataset-fashion-mnist`, or point --data DIR or "
        + "\(environmentVariable) at a folder holding the four IDX files"

    public static let classNames = [
        "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
        "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot",
    ]
    public static let side = 28
    public static let fileNames = (trainImages: "train-images-idx3-ubyte", trainLabels: "train-labels-idx1-ubyte",
                                   testImages: "t10k-images-idx3-ubyte", testLabels: "t10k-labels-idx1-ubyte")

    /// The directory to read: `override` (from `--data`), else the environment variable,
    /// else the default.
    public static func directory(override: String?,
                                 environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if let override, !override.isEmpty { return override }
        if let fromEnvironment = environment[environmentVariable], !fromEnvironment.isEmpty { return fromEnvironment }
        return defaultDirectory
    }

    /// Reads the training and test sets from `directory`.
    public static func load(from directory: String) throws -> (train: Dataset, test: Dataset) {
        let train = try loadPair(directory, images: fileNames.trainImages, labels: fileNames.trainLabels)
        let test = try loadPair(directory, images: fileNames.testImages, labels: fileNames.testLabels)
        return (train, test)
    }

    /// The path of `name` in `directory`: the `.gz` file if it exists, else the plain one
    /// if that exists, else the `.gz` path (whose absence the reader then reports).
    public static func path(of name: String, in directory: String) -> String {
        let base = directory.hasSuffix("/") ? directory + name : directory + "/" + name
        let manager = FileManager.default
        if !manager.fileExists(atPath: base + ".gz") && manager.fileExists(atPath: base) { return base }
        return base + ".gz"
    }

    static func loadPair(_ directory: String, images imageName: String, labels labelName: String) throws -> Dataset {
        let imagePath = path(of: imageName, in: directory)
        let labelPath = path(of: labelName, in: directory)
        let images = try read(imagePath)
        let labels = try read(labelPath)
        guard images.dimensions.count == 3, images.dimensions[1] == side, images.dimensions[2] == side else {
            throw DatasetError(path: imagePath, problem: "dimensions \(images.dimensions) are not N×28×28 images",
                               hint: installHint)
        }
        guard labels.dimensions.count == 1 else {
            throw DatasetError(path: labelPath, problem: "dimensions \(labels.dimensions) are not a list of labels",
                               hint: installHint)
        }
        guard labels.dimensions[0] == images.dimensions[0] else {
            throw DatasetError(path: labelPath,
                               problem: "\(labels.dimensions[0]) labels for \(images.dimensions[0]) images",
                               hint: installHint)
        }
        if let bad = labels.bytes.firstIndex(where: { $0 >= classNames.count }) {
            throw DatasetError(path: labelPath, problem: "label \(labels.bytes[bad]) of image \(bad) is not a class 0...9",
                               hint: installHint)
        }
        return Dataset(bytes: images.bytes, divisor: 255, labels: labels.bytes,
                       dimension: side * side, classes: classNames.count)
    }

    static func read(_ path: String) throws -> IDXFile {
        do {
            return try IDXFile(path: path)
        } catch let error as FileError {
            throw DatasetError(path: error.path, problem: error.problem, hint: installHint)
        }
    }
}

/// A data set that could not be loaded: the file, what is wrong, how to get the data.
public struct DatasetError: Error, Equatable, CustomStringConvertible {
    public let path: String
    public let problem: String
    public let hint: String
    public init(path: String, problem: String, hint: String) {
        self.path = path
        self.problem = problem
        self.hint = hint
    }
    /// One line: `cannot load <path>: <problem>; <hint>`.
    public var description: String { "cannot load \(path): \(problem); \(hint)" }
}
