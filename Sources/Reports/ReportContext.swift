import DataFiles
import Dispatch
import Experiments
import Foundation
import SoftFloat
import Training

/// What the reports share while they are generated: the options, the Fashion-MNIST data
/// (loaded once), the training runs (each run once, then shared), and the progress lines.
///
///     let context = ReportContext(options: options) { line in print(line) }
///     let results = try context.train([TrainingSpec(format: "fp32", seed: 0)])
///
/// Independent runs execute side by side, one thread each, as many at once as
/// `options.threads`; a run alone gets every thread. The bits of a run do not depend on
/// its thread count, so neither do the reports.
public final class ReportContext: @unchecked Sendable {
    public let options: ReportOptions
    private let progressLine: (String) -> Void
    private let lock = NSLock()
    private var loaded: Result<(train: Dataset, test: Dataset), Error>?
    private var splits: [String: TrainingData] = [:]
    private var runs: [String: TrainingResult] = [:]
    /// The report being generated, for progress lines.
    var currentReport = ""
    /// With `report --merge`: the runs come from shard results only; a run that is not
    /// among them is an error rather than an hour of training.
    var trainsRuns = true
    /// Called with each run as it finishes (before the others of its pool), from its thread.
    var finishedRun: (@Sendable (TrainingSpec, TrainingResult) throws -> Void)?

    public init(options: ReportOptions, progress: @escaping (String) -> Void = { _ in }) {
        self.options = options
        self.progressLine = progress
    }

    public var quick: Bool { options.quick }
    public var seed: UInt64 { options.seed }

    /// The folder the data is read from.
    public var dataDirectory: String { FashionMNIST.directory(override: options.dataDirectory) }

    /// Writes one progress line, prefixed with the report's name.
    public func progress(_ message: String) {
        lock.lock()
        defer { lock.unlock() }
        progressLine(currentReport.isEmpty ? message : "[\(currentReport)] \(message)")
    }

    /// Fashion-MNIST, loaded on first use; throws `DatasetError` when it cannot be read.
    public func fashionMNIST() throws -> (train: Dataset, test: Dataset) {
        lock.lock()
        defer { lock.unlock() }
        if loaded == nil {
            let directory = dataDirectory
            loaded = Result { try FashionMNIST.load(from: directory) }
        }
        return try loaded!.get()
    }

    /// Whether the data can be loaded (loads it).
    public var hasData: Bool { (try? fashionMNIST()) != nil }

    /// The data of a run, as `precision-lab train` would split it.
    public func data(for spec: TrainingSpec) throws -> TrainingData {
        let key = "\(spec.data.validationCount)/\(spec.data.trainLimit ?? -1)/\(spec.configuration.seed)"
        let full = try fashionMNIST()
        lock.lock()
        defer { lock.unlock() }
        if let data = splits[key] { return data }
        var data = try TrainingData(splitting: full.train, test: full.test, validation: .heldOut(spec.data.validationCount),
                                    seed: spec.configuration.seed, trainLimit: spec.data.trainLimit)
        if let limit = options.imageLimit {
            data.train = data.train.prefix(limit)
            data.validation = data.validation?.prefix(limit)
            data.test = data.test?.prefix(limit)
        }
        splits[key] = data
        return data
    }

    /// Whether training supports the format `name` (any name of the registry).
    public func canTrain(format name: String) -> Bool { (try? NumberFormat(name: name, accepting: .all)) != nil }

    /// The results of `specs`, in order: runs done before are reused, the others run
    /// side by side.
    ///
    /// Edge cases: throws the first error of a run that cannot be set up or whose data
    /// cannot be loaded; the runs that finished are kept for later calls.
    public func train(_ specs: [TrainingSpec]) throws -> [TrainingResult] {
        try runPending(specs, stopOnError: true)
        lock.lock()
        defer { lock.unlock() }
        return specs.map { runs[$0.key]! }
    }

    /// Runs `specs` ahead of the reports that will ask for them, all in one pool so that
    /// the cores stay busy; a run that fails is left for its report to retry and report.
    public func prefetch(_ specs: [TrainingSpec]) {
        try? runPending(specs, stopOnError: false)
    }

    /// How many distinct runs of `specs` have results, and the sum of their measured seconds.
    func measuredTime(of specs: [TrainingSpec]) -> (runs: Int, seconds: Double) {
        lock.lock()
        defer { lock.unlock() }
        let results = Set(specs.map(\.key)).compactMap { runs[$0] }
        return (results.count, results.reduce(0) { $0 + $1.seconds })
    }

    /// Adds results made elsewhere (by `report --shard`), keyed by `TrainingSpec.key`;
    /// `train` then returns them as if this context had run them.
    func insert(_ results: [String: TrainingResult]) {
        lock.lock()
        defer { lock.unlock() }
        runs.merge(results) { old, _ in old }
    }

    private func runPending(_ specs: [TrainingSpec], stopOnError: Bool) throws {
        var pending: [TrainingSpec] = []
        var seen = Set<String>()
        lock.lock()
        for spec in specs where runs[spec.key] == nil && !seen.contains(spec.key) {
            pending.append(spec)
            seen.insert(spec.key)
        }
        lock.unlock()
        guard !pending.isEmpty else { return }
        guard trainsRuns else {
            throw ReportError("\(Markdown.count(pending.count, "run")) not among the shard results: "
                              + pending.map(\.key).joined(separator: "; "))
        }
        for spec in pending { _ = try data(for: spec) }
        let queue = pending.sorted { $0.estimatedCost > $1.estimatedCost }
        let done = Counter()
        let workers = min(options.threads, queue.count)
        let threadsPerRun = max(1, options.threads / workers)
        let next = Counter()
        let errors = ErrorBox()
        DispatchQueue.concurrentPerform(iterations: workers) { _ in
            while !(stopOnError && errors.hasError), let index = next.take(below: queue.count) {
                do {
                    try self.run(queue[index], threads: threadsPerRun, done: done, of: queue.count)
                } catch {
                    errors.record(error)
                }
            }
        }
        if let error = errors.first { throw error }
    }

    private func run(_ spec: TrainingSpec, threads: Int, done: Counter, of total: Int) throws {
        var configuration = spec.configuration
        configuration.threads = threads
        let data = try data(for: spec)
        var result: TrainingResult
        do {
            result = try TrainingRun.train(format: try NumberFormat(name: spec.format, accepting: .all), path: .automatic,
                                           configuration: configuration, policy: spec.policy, data: data)
        } catch let error as TrainingSetupError {
            throw ReportError("cannot train \(spec.label): \(error.message)")
        } catch let error as FormatNameError {
            throw ReportError("cannot train \(spec.label): \(error)")
        }
        if let seconds = options.fixedSeconds {
            result.seconds = seconds
            for i in result.epochs.indices { result.epochs[i].seconds = seconds }
        }
        try finishedRun?(spec, result)
        let accuracy = result.testAccuracy.map { String(format: "%.2f%%", $0 * 100) } ?? "-"
        let count = (done.take(below: total) ?? total - 1) + 1
        progress("run \(count)/\(total), \(spec.label): \(Markdown.count(result.epochs.count, "epoch")) in \(String(format: "%.1f", result.seconds)) s, "
                 + "test accuracy \(accuracy)")
        lock.lock()
        runs[spec.key] = result
        lock.unlock()
    }
}

/// A failure while generating a report, in one line.
public struct ReportError: Error, CustomStringConvertible, Equatable {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// A shared counter handing out work items to threads.
private final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var value = 0

    func take(below limit: Int) -> Int? {
        lock.lock()
        defer { lock.unlock() }
        guard value < limit else { return nil }
        value += 1
        return value - 1
    }
}

/// The first error thrown by any of several threads.
private final class ErrorBox: @unchecked Sendable {
    private let lock = NSLock()
    private var error: Error?

    var hasError: Bool { lock.lock(); defer { lock.unlock() }; return error != nil }
    var first: Error? { lock.lock(); defer { lock.unlock() }; return error }

    func record(_ e: Error) {
        lock.lock()
        defer { lock.unlock() }
        if error == nil { error = e }
    }
}
