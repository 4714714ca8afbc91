import Foundation
import Lab
import SoftFloat

/// `precision-lab train`: softmax regression on Fashion-MNIST in one number format.
///
///     precision-lab train --format bf16 --epochs 10 --json bf16.json
///
/// Edge cases: an unknown format or a malformed option is a usage error (exit 64); missing
/// or damaged data is a failure (exit 1) whose one line names the file and how to install
/// the data.
public struct TrainCommand: Command {
    public static let name = "train"
    public static let abstract = "Train softmax regression on Fashion-MNIST in a number format"
    public static let usage = """
        usage: precision-lab train [--format F] [options]

        Trains softmax regression (784 -> 10, cross-entropy, minibatch SGD) on Fashion-MNIST
        with every arithmetic operation rounded to one number format, and prints per epoch
        the training and validation loss and accuracy, the time, and the numerical events
        (overflows, underflows to zero, NaNs, updates swallowed by rounding); then the test
        accuracy. The same seed gives the same bits, whatever the number of threads.

        options:
          --format F             fp64, fp32, tf32, bf16, fp16, fp8-e5m2, fp8-e4m3 or eXmY (default fp32);
                                 lns8, lns8-fN (8-bit logarithmic), int8, int8s, int8-sN (linear INT8)
          --epochs N             epochs (default 10)
          --lr X                 learning rate (default 0.1)
          --batch N              minibatch size (default 256)
          --seed N               seed of the initial weights, the validation split, the shuffles and
                                 stochastic rounding (default 0)
          --threads N            worker threads (default: all cores)
          --data DIR             folder with the four IDX files (default: $PRECISION_LAB_DATA, else
                                 /usr/share/datasets/fashion-mnist, which
                                 `apt-get install dataset-fashion-mnist` fills)
          --validation N|test    hold out N training images for validation (default 5000; 0: none),
                                 or validate on the test set as the book does
          --train-limit N        train on the first N training images only (quick runs)
          --loss logsumexp|naive cross-entropy from the logits with log-sum-exp (default), or
                                 softmax then log, to see it fail
          --accumulate F         accumulate dot products in format F (e.g. fp32, like tensor cores)
          --master-weights F     keep the weights in format F and update them there
          --rounding MODE        rounding of every operation: nearest-even (default), nearest-away,
                                 toward-zero, up, down, stochastic
          --stochastic-update    round the weight update stochastically (the rest as --rounding)
          --loss-scale S         multiply the loss by S before the backward pass, divide the gradients
                                 by S before the update (fp16)
          --weight-decay L       L2 penalty on the weights (default 0)
          --patience N           stop when the validation loss has not improved for N epochs, and keep
                                 the best epoch's parameters
          --arithmetic PATH      automatic (default: hardware with exact rounding where that is exact),
                                 fast, or soft (integer soft-float)
          --json FILE            write every figure as JSON (keys include "epochs" and "test_accuracy")
        """

    var formatName = "fp32"
    var configuration = TrainingConfiguration(threads: ProcessInfo.processInfo.activeProcessorCount)
    var policy = TrainingPolicy()
    var path = ArithmeticPath.automatic
    var dataDirectory: String?
    var validation: TrainingData.Validation = .heldOut(5000)
    var trainLimit: Int?
    var jsonPath: String?

    public init(arguments: inout Arguments) throws {
        func positive(_ text: String) -> Int? { Int(text).flatMap { $0 > 0 ? $0 : nil } }
        func format(_ option: String) throws -> FloatFormat? {
            guard let name = try arguments.option(option) else { return nil }
            do { return try FloatFormat(name: name) } catch { throw UsageError("\(option): \(error)") }
        }
        if let name = try arguments.option("--format") {
            formatName = name
            do { _ = try TrainingRun.trainingFormat(named: name) } catch let error as TrainingSetupError {
                throw UsageError(error.message)
            }
        }
        if let n = try arguments.option("--epochs", as: "a number of epochs (0 or more)", { Int($0).flatMap { $0 >= 0 ? $0 : nil } }) {
            configuration.epochs = n
        }
        if let x = try arguments.option("--lr", as: "a finite number", { Double($0).flatMap { $0.isFinite ? $0 : nil } }) {
            configuration.learningRate = x
        }
        if let n = try arguments.option("--batch", as: "a positive integer", positive) { configuration.batchSize = n }
        if let n = try arguments.option("--seed", as: "an integer from 0 to 2^64-1", { UInt64($0) }) {
            configuration.seed = n
        }
        if let n = try arguments.option("--threads", as: "a positive integer", positive) { configuration.threads = n }
        dataDirectory = try arguments.option("--data")
        if let text = try arguments.option("--validation") {
            if text == "test" {
                validation = .test
            } else if let n = Int(text), n >= 0 {
                validation = .heldOut(n)
            } else {
                throw UsageError("invalid value '\(text)' for --validation: expected a count or 'test'")
            }
        }
        trainLimit = try arguments.option("--train-limit", as: "a positive integer", positive)
        if let loss = try arguments.option("--loss", as: "logsumexp or naive", { LossFunction(name: $0) }) {
            configuration.loss = loss
        }
        policy.accumulation = try format("--accumulate")
        policy.masterWeights = try format("--master-weights")
        if let mode = try arguments.option("--rounding", as: "nearest-even, nearest-away, toward-zero, up, down or stochastic", {
            RoundingMode(name: $0) ?? RoundingMode(name: $0.replacingOccurrences(of: "-", with: ""))
        }) {
            policy.rounding = mode
        }
        policy.stochasticUpdate = arguments.flag("--stochastic-update")
        policy.lossScale = try arguments.option("--loss-scale", as: "a positive number", {
            Double($0).flatMap { $0 > 0 && $0.isFinite ? $0 : nil }
        })
        if let decay = try arguments.option("--weight-decay", as: "a number 0 or more", {
            Double($0).flatMap { $0 >= 0 && $0.isFinite ? $0 : nil }
        }) {
            configuration.weightDecay = decay
        }
        configuration.patience = try arguments.option("--patience", as: "a positive integer", positive)
        if let p = try arguments.option("--arithmetic", as: "automatic, fast or soft", { ArithmeticPath(rawValue: $0) }) {
            path = p
        }
        jsonPath = try arguments.option("--json")
    }

    public func validate() throws {
        if configuration.patience != nil && validation == .heldOut(0) {
            throw UsageError("--patience needs validation data (--validation N with N > 0, or test)")
        }
    }

    public func run(_ io: CommandIO) throws -> ExitCode {
        let loaded = try FashionMNIST.loadForCommand(override: dataDirectory)
        let data: TrainingData
        do {
            data = try TrainingData(splitting: loaded.train, test: loaded.test, validation: validation,
                                    seed: configuration.seed, trainLimit: trainLimit)
        } catch let error as TrainingSetupError {
            throw UsageError(error.message)
        }

        io.out("training softmax regression on Fashion-MNIST in \(formatName), policy: \(policy.name), "
               + "loss: \(configuration.loss.rawValue)")
        let validationText: String
        switch validation {
        case .test: validationText = "validation on the \(data.test?.count ?? 0) test images"
        case .heldOut(0): validationText = "no validation"
        case .heldOut: validationText = "\(data.validation?.count ?? 0) held out for validation (seed \(configuration.seed))"
        }
        io.out("\(data.train.count) training images, \(validationText), \(data.test?.count ?? 0) test images; "
               + "\(configuration.epochs) epochs, batch \(configuration.batchSize), lr \(configuration.learningRate), "
               + "seed \(configuration.seed), \(configuration.threads) thread\(configuration.threads == 1 ? "" : "s")")
        let table = EpochTable(showsSaturations: EightBitFormats.named(formatName) != nil)
        var headerPrinted = false
        let observer = TrainingObserver(
            step: { epoch, done, total in
                guard io.isInteractive, done % 4 == 0 || done == total else { return }
                io.progress(ProgressBar.line(label: "epoch \(epoch)/\(configuration.epochs)", done: done, total: total))
            },
            epochFinished: { record in
                if io.isInteractive { io.progress(ProgressBar.clear) }
                if !headerPrinted {
                    io.out(table.header)
                    headerPrinted = true
                }
                io.out(table.row(record))
            })
        let result: TrainingResult
        do {
            result = try TrainingRun.train(formatName: formatName, path: path, configuration: configuration,
                                           policy: policy, data: data, observer: observer)
        } catch let error as TrainingSetupError {
            throw UsageError(error.message)
        }
        io.out("arithmetic: \(result.arithmetic)")
        if result.setupEvents.total > 0 {
            io.out("rounding the data and initial weights to \(result.format): \(result.setupEvents)")
        }
        if let event = result.firstNonFinite {
            io.out("first inf/NaN: \(event.description)")
        }
        if let best = result.bestEpoch, configuration.patience != nil {
            io.out(result.stoppedEarly ? "early stopping: stopped after epoch \(result.epochs.count), kept epoch \(best)"
                   : "early stopping: kept epoch \(best)")
        }
        if let accuracy = result.testAccuracy {
            io.out("test accuracy: \(EpochTable.percent(accuracy)) (test loss \(EpochTable.number(result.testLoss))); "
                   + "\(result.epochs.count) epochs in \(String(format: "%.1f", result.seconds)) s")
        }
        if let jsonPath {
            do {
                try (result.json.text() + "\n").write(toFile: jsonPath, atomically: true, encoding: .utf8)
            } catch {
                throw RuntimeError("cannot write \(jsonPath): \(error.localizedDescription)")
            }
        }
        return .success
    }
}

/// The per-epoch table of `train`; formats that saturate (`lns8`, INT8) get a column of
/// saturations.
struct EpochTable {
    var showsSaturations = false

    var header: String {
        "epoch  train loss  train acc  valid loss  valid acc    time  overflows  underflows   NaNs  swallowed"
            + (showsSaturations ? "  saturated" : "")
    }

    func row(_ r: EpochRecord) -> String {
        func pad(_ s: String, _ width: Int) -> String { String(repeating: " ", count: max(0, width - s.count)) + s }
        return pad(String(r.epoch), 5) + pad(Self.number(r.trainLoss), 12) + pad(Self.percent(r.trainAccuracy), 11)
            + pad(Self.number(r.validationLoss), 12) + pad(r.validationAccuracy.map(Self.percent) ?? "-", 11)
            + pad(String(format: "%.1fs", r.seconds), 8) + pad(String(r.events.overflows), 11)
            + pad(String(r.events.underflowsToZero), 12) + pad(String(r.events.nans), 7)
            + pad(String(r.events.swallowedUpdates), 11)
            + (showsSaturations ? pad(String(r.events.saturations), 11) : "")
    }

    static func number(_ x: Double?) -> String {
        guard let x else { return "-" }
        return x.isFinite ? String(format: "%.4f", x) : String(x)
    }

    static func percent(_ x: Double) -> String {
        x.isFinite ? String(format: "%.2f%%", 100 * x) : String(x)
    }
}

/// A one-line progress bar drawn with carriage returns.
enum ProgressBar {
    static let clear = "\r\u{1B}[K"

    static func line(label: String, done: Int, total: Int, width: Int = 30) -> String {
        let filled = total > 0 ? width * done / total : width
        return "\r\(label) [" + String(repeating: "#", count: filled) + String(repeating: " ", count: width - filled)
            + "] \(done)/\(total)"
    }
}
