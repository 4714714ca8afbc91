import Benchmarks
import DataFiles
import Experiments
import Foundation
import Reports
import SoftFloat
import Training
import TrainingArithmetic

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
    public static let help = CommandHelp(
        usage: [[.option(format.spec), .text("[options]")]],
        discussion: """
            Trains softmax regression (784 -> 10, cross-entropy, minibatch SGD) on Fashion-MNIST
            with every arithmetic operation rounded to one number format, and prints per epoch
            the training and validation loss and accuracy, the time, and the numerical events
            (overflows, underflows to zero, NaNs, updates swallowed by rounding); then the test
            accuracy. The same seed gives the same bits, whatever the number of threads.
            """,
        optionColumn: 25)

    static let format = CommandOption<TrainCommand>.value("--format", "F", help: """
        fp64, fp32, tf32, bf16, fp16, fp8-e5m2, fp8-e4m3 or eXmY (default fp32);
        ml_dtypes' types (float8_e4m3fnuz, float4_e2m1fn, ... or fp8-e4m3fnuz,
        fp4-e2m1, ...) and P3109's binary8p1 ... binary8p7 (the soft path);
        lns8, lns8-fN (8-bit logarithmic), int8, int8s, int8-sN (linear INT8);
        scaled (the products' operands quantised, the rest in --rest):
        mxfp8-e4m3, mxfp8-e5m2, mxfp6-e2m3, mxfp6-e3m2, mxfp4-e2m1, mxint8,
        nvfp4, tensor-int8, tensor-int8-pow2, tensor-fp8-e4m3, tensor-fp8-e5m2
        """, OptionValue("a format") { name in
            do { return (try NumberFormat(name: name, accepting: .all), name) } catch { throw UsageError("\(error)") }
        }) { $0.format = $1.0; $0.formatName = $1.1 }

    /// A format of the policy (`--accumulate`, `--master-weights`).
    static let policyFormat = OptionValue<FloatFormat>("a format", naming: { name, option in
        do { return try FloatFormat(name: name) } catch { throw UsageError("\(option): \(error)") }
    })

    public static let options: [CommandOption<TrainCommand>] = [
        format,
        .value("--epochs", "N", help: "epochs, 0 to 100000", default: "10",
               .integer(in: 0...OptionValue<Int>.maximumEpochs, "a number of epochs from 0 to 100000")) {
            $0.configuration.epochs = $1
        },
        .value("--lr", "X", help: "learning rate", default: "0.1",
               OptionValue("a finite number") { Double($0).flatMap { $0.isFinite ? $0 : nil } }) {
            $0.configuration.learningRate = $1
        },
        .value("--lr-schedule", "S", help: """
            constant (default); step: lr/10 after half the epochs and lr/100
            after three quarters; cosine: lr (1 + cos(pi (e-1)/E)) / 2 in epoch e
            """, OptionValue("constant, step or cosine") { LearningRateSchedule(rawValue: $0) }) {
            $0.configuration.schedule = $1
        },
        .value("--batch", "N", help: "minibatch size, at most the training set", default: "256",
               .positiveInteger) {
            $0.configuration.batchSize = $1
            $0.batchIsGiven = true
        },
        .value("--seed", "N", help: """
            seed of the initial weights, the validation split, the shuffles and
            stochastic rounding
            """, default: "0", .seed) { $0.configuration.seed = $1 },
        .flag("--no-shuffle", help: "visit the training images in the same order every epoch") {
            $0.configuration.shuffles = false
        },
        .value("--step-losses", "N", help: "keep the mean loss of each of the first N minibatches (in --json)",
               .positiveInteger) { $0.configuration.recordedSteps = $1 },
        .value("--threads", "N", help: "worker threads, 1 to 256 (default: all cores)", .threads) {
            $0.configuration.threads = $1
        },
        .value("--data", "DIR", help: """
            folder with the four IDX files (default: $PRECISION_LAB_DATA, else
            /usr/share/datasets/fashion-mnist, which
            `apt-get install dataset-fashion-mnist` fills)
            """, .text) { $0.dataDirectory = $1 },
        .value("--validation", "N|test", help: """
            hold out N training images for validation (default 5000; 0: none),
            or validate on the test set as the book does
            """, OptionValue("a count or 'test'") { text -> TrainingData.Validation? in
                text == "test" ? .test : Int(text).flatMap { $0 >= 0 ? .heldOut($0) : nil }
            }) { $0.validation = $1 },
        .value("--train-limit", "N", help: "train on the first N training images only (quick runs)",
               .positiveInteger) { $0.trainLimit = $1 },
        .value("--loss", "logsumexp|naive", help: """
            cross-entropy from the logits with log-sum-exp (default), or
            softmax then log, to see it fail
            """, OptionValue("logsumexp or naive") { LossFunction(name: $0) }) { $0.configuration.loss = $1 },
        .value("--accumulate", "F", help: "accumulate dot products in format F (e.g. fp32, like tensor cores)",
               policyFormat) { $0.policy.accumulation = $1 },
        .value("--master-weights", "F", help: "keep the weights in format F and update them there", policyFormat) {
            $0.policy.masterWeights = $1
        },
        .value("--rounding", "MODE", help: """
            rounding of every operation: nearest-even (default), nearest-away,
            toward-zero, up, down, odd (truncate, then set the last bit if
            inexact), stochastic
            """, OptionValue("nearest-even, nearest-away, toward-zero, up, down, odd or stochastic") {
                RoundingMode(name: $0) ?? RoundingMode(name: $0.replacingOccurrences(of: "-", with: ""))
            }) { $0.policy.rounding = $1 },
        .flag("--stochastic-update", help: "round the weight update stochastically (the rest as --rounding)") {
            $0.policy.stochasticUpdate = true
        },
        .value("--loss-scale", "S", help: """
            multiply the loss by S before the backward pass, divide the gradients
            by S before the update (fp16)
            """, OptionValue("a positive number") { Double($0).flatMap { $0 > 0 && $0.isFinite ? $0 : nil } }) {
            $0.policy.lossScale = $1
        },
        .value("--weight-decay", "L", help: "L2 penalty on the weights", default: "0",
               OptionValue("a number 0 or more") { Double($0).flatMap { $0 >= 0 && $0.isFinite ? $0 : nil } }) {
            $0.configuration.weightDecay = $1
        },
        .value("--patience", "N", help: """
            stop when the validation loss has not improved for N epochs, and keep
            the best epoch's parameters
            """, .positiveInteger) { $0.configuration.patience = $1 },
        .value("--rest", "F", help: """
            scaled formats: softmax, loss and step in format F (default fp32)
            """, policyFormat) { $0.rest = $1 },
        .value("--scale-rule", "RULE", help: """
            MX formats: the shared scale, floor (the specification's, default),
            ceiling (never clips) or nearest
            """, OptionValue("floor, ceiling or nearest") { ScaleRule(name: $0) }) { $0.scaleRule = $1 },
        .value("--amax-history", "N", help: """
            per-tensor formats: delayed scaling, each operand scaled by the largest
            amax of its last N steps (default: current scaling)
            """, .positiveInteger) { $0.amaxHistory = $1 },
        .value("--arithmetic", "PATH", help: """
            automatic (default: hardware with exact rounding where that is exact),
            fast, or soft (integer soft-float)
            """, OptionValue("automatic, fast or soft") { ArithmeticPath(rawValue: $0) }) { $0.path = $1 },
        .value("--json", "FILE", help: "write every figure as JSON (keys include \"epochs\" and \"test_accuracy\")",
               .text) { $0.jsonPath = $1 },
    ]

    var format: NumberFormat = .binary(.fp32)
    /// The format as the command line spelled it, for the first line of output.
    var formatName = "fp32"
    var configuration = TrainingConfiguration(threads: OptionValue<Int>.defaultThreads)
    var policy = TrainingPolicy()
    var path = ArithmeticPath.automatic
    var dataDirectory: String?
    var validation: TrainingData.Validation = .heldOut(5000)
    var trainLimit: Int?
    var jsonPath: String?
    /// Whether `--batch` was given (the default is not checked against the training set).
    var batchIsGiven = false
    /// The scaled recipes' options.
    var rest: FloatFormat?
    var scaleRule: ScaleRule?
    var amaxHistory: Int?

    /// The recipe of a scaled format (nil for an elementwise one).
    var recipe: ScaledRecipe? {
        guard case let .scaled(scaled) = format else { return nil }
        return ScaledRecipe(name: format.name, format: scaled, scaleRule: scaleRule ?? .floor, rest: rest ?? .fp32,
                            accumulation: policy.accumulation ?? .fp32, amaxHistory: amaxHistory)
    }

    public init() {}

    public func validate() throws {
        if case .scaled = format {
            if case .mx = recipe!.format {} else if scaleRule != nil {
                throw UsageError("--scale-rule applies to the MX formats, not to \(format.name)")
            }
            if path != .automatic {
                throw UsageError("--arithmetic does not apply to \(format.name): a scaled recipe picks its paths")
            }
        } else {
            for (given, option) in [(rest != nil, "--rest"), (scaleRule != nil, "--scale-rule"),
                                    (amaxHistory != nil, "--amax-history")] where given {
                throw UsageError("\(option) applies to the scaled formats (mxfp4-e2m1, nvfp4, tensor-int8, ...), "
                                 + "not to \(format.name)")
            }
        }
        if configuration.patience != nil && validation == .heldOut(0) {
            throw UsageError("--patience needs validation data (--validation N with N > 0, or test)")
        }
        if let jsonPath { try OutputPreflight.checkFile(jsonPath, option: "--json") }
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
        // The default batch is the whole set when the set is smaller; a batch asked for must fit.
        if batchIsGiven, configuration.batchSize > data.train.count {
            throw UsageError("--batch \(configuration.batchSize) is larger than the training set "
                             + "(\(data.train.count) images)")
        }

        io.out("training softmax regression on Fashion-MNIST in \(formatName), policy: \(policy.name), "
               + "loss: \(configuration.loss.rawValue)")
        let validationText: String
        switch validation {
        case .test: validationText = "validation on the \(data.test?.count ?? 0) test images"
        case .heldOut(0): validationText = "no validation"
        case .heldOut: validationText = "\(data.validation?.count ?? 0) held out for validation (seed \(configuration.seed))"
        }
        if let recipe { io.out("recipe: " + recipe.description) }
        io.out("\(data.train.count) training images, \(validationText), \(data.test?.count ?? 0) test images; "
               + "\(configuration.epochs) epochs, batch \(configuration.batchSize), lr \(configuration.learningRate)"
               + (configuration.schedule == .constant ? "" : " (\(configuration.schedule.rawValue) schedule)")
               + (configuration.shuffles ? ", " : ", no shuffling, ")
               + "seed \(configuration.seed), \(configuration.threads) thread\(configuration.threads == 1 ? "" : "s")")
        let table = EpochTable(showsSaturations: format.eightBitFormat != nil)
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
                if let scaling = record.scaling { io.out("       scaling: " + EpochTable.scaling(scaling)) }
            })
        let result: TrainingResult
        do {
            if let recipe {
                var recipePolicy = policy
                recipePolicy.accumulation = nil
                result = try TrainingRun.train(recipe: recipe, configuration: configuration, policy: recipePolicy,
                                               data: data, observer: observer)
            } else {
                result = try TrainingRun.train(format: format, path: path, configuration: configuration,
                                               policy: policy, data: data, observer: observer)
            }
        } catch let error as TrainingSetupError {
            throw UsageError(error.message)
        }
        io.out("arithmetic: \(result.arithmetic)")
        if result.setupEvents.total > 0 {
            io.out("rounding the data, initial weights and constants to \(result.format): \(result.setupEvents)")
        }
        if let events = result.masterSetupEvents, events.total > 0, let master = policy.masterWeights {
            io.out("rounding the initial weights and the update's constants to \(master.name) (master weights): "
                   + "\(events)")
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
        if let jsonPath { try io.write(result.json, toFile: jsonPath) }
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

    /// One epoch's line under `header`, each figure right-aligned in its column.
    ///
    /// Edge cases: a figure wider than its column (a count of ten or more digits) keeps one
    /// space before it, so no two figures run together; losses beyond ±10^6 are written in
    /// scientific notation (`number`), so they fit.
    func row(_ r: EpochRecord) -> String {
        func pad(_ s: String, _ width: Int) -> String { String(repeating: " ", count: max(1, width - s.count)) + s }
        return String(repeating: " ", count: max(0, 5 - String(r.epoch).count)) + String(r.epoch) + pad(Self.number(r.trainLoss), 12) + pad(Self.percent(r.trainAccuracy), 11)
            + pad(Self.number(r.validationLoss), 12) + pad(r.validationAccuracy.map(Self.percent) ?? "-", 11)
            + pad(String(format: "%.1fs", r.seconds), 8) + pad(String(r.events.overflows), 11)
            + pad(String(r.events.underflowsToZero), 12) + pad(String(r.events.nans), 7)
            + pad(String(r.events.swallowedUpdates), 11)
            + (showsSaturations ? pad(String(r.events.saturations), 11) : "")
    }

    /// A loss: 4 decimals, or for a magnitude of 10^6 or more (or a nonzero one below
    /// 10^-4) 4 decimals in scientific notation, `1.1493e+21`; at most 11 characters.
    static func number(_ x: Double?) -> String {
        guard let x else { return "-" }
        guard x.isFinite else { return String(x) }
        let magnitude = abs(x)
        return magnitude >= 1e6 || (magnitude != 0 && magnitude < 1e-4) ? String(format: "%.4e", x)
            : String(format: "%.4f", x)
    }

    /// A scaled epoch's events: `clipped 12 (0.001%), flushed to zero ...` over its elements.
    static func scaling(_ e: ScalingEvents) -> String {
        func share(_ n: Int) -> String {
            "\(n)" + (e.elements > 0 && n > 0 ? String(format: " (%.3g%%)", 100 * Double(n) / Double(e.elements)) : "")
        }
        return "clipped \(share(e[.clipped])), flushed to zero \(share(e[.flushedToZero])) of \(e.elements) elements; "
            + "zero blocks \(e[.zeroBlocks]), scale overflows \(e[.scaleOverflows]), "
            + "scale underflows \(e[.scaleUnderflows]) of \(e.blocks) blocks"
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
