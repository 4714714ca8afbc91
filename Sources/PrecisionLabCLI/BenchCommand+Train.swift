import Benchmarks
import CPUSupport
import DataFiles
import Experiments
import Foundation
import Reports
import SoftFloat
import Training
import TrainingArithmetic

/// `bench train`: seconds per epoch of each training configuration.
extension BenchCommand {
    /// The configurations the options select, the hardware fp32 reference first (it is
    /// measured even when not selected, since every ratio is taken to it).
    var selectedTrainingCases: (reference: Benchmark.TrainingCase, cases: [Benchmark.TrainingCase]) {
        let all = Benchmark.trainingCases
        var cases = all.filter { configNames?.contains($0.name) ?? true }
        if let formatNames { cases = cases.filter { formatNames.contains($0.format.name) } }
        return (all[0], cases)
    }

    func runTrain(_ io: CommandIO) throws -> JSONValue {
        let loaded = try FashionMNIST.loadForCommand(override: dataDirectory)
        let configuration = TrainingConfiguration(epochs: epochs, threads: threads)
        let data = try TrainingData(splitting: loaded.train, test: loaded.test, validation: .heldOut(5000),
                                    seed: configuration.seed, trainLimit: trainLimit)
        let train = data.train, validationCount = data.validation?.count ?? 0

        let peak = Benchmark.peakOperationsPerSecond(seconds: 0.3)
        let useful = Benchmark.usefulOperationsPerEpoch(train: train.count, evaluated: validationCount,
                                                        inputs: train.dimension, classes: train.classes,
                                                        batchSize: configuration.batchSize)
        io.out("bench train: Fashion-MNIST, \(train.count) training images, \(validationCount) validation "
               + "images evaluated every epoch,")
        io.out("batch \(configuration.batchSize), lr \(configuration.learningRate), \(epochs) epoch"
               + "\(epochs == 1 ? "" : "s") per configuration (fastest epoch shown), \(threads) thread"
               + "\(threads == 1 ? "" : "s")")
        io.out("peak: multiply-add loop on SIMD8<Float> (code for \(CPUSupport.buildTarget)), \(Self.figure(peak / 1e9, digits: 1)) GFLOP/s per core, "
               + "\(Self.figure(peak * Double(threads) / 1e9, digits: 1)) on \(threads)")
        io.out("useful work per epoch: \(Self.figure(useful / 1e9, digits: 2)) GFLOP (dense multiply-adds of "
               + "forward, backward, update, validation)")
        io.out("")
        let header = Self.trainLine(["config", "s/epoch", "/fp32", "% peak", "test acc", "arithmetic"])
        io.out(header)

        let (referenceCase, cases) = selectedTrainingCases
        var rows: [Benchmark.TrainingRate] = []
        var reference: Benchmark.TrainingRate?
        for trainingCase in [referenceCase] + cases where trainingCase != referenceCase || reference == nil {
            if io.isInteractive { io.progress("\r\u{1B}[Kbench train \(trainingCase.name) ...") }
            let row = Benchmark.measureTraining(trainingCase, configuration: configuration, data: data)
            if io.isInteractive { io.progress(ProgressBar.clear) }
            if reference == nil { reference = row }
            if trainingCase == referenceCase && !cases.contains(referenceCase) { continue }
            rows.append(row)
            let fp32 = reference?.secondsPerEpoch ?? .nan
            if let unavailable = row.unavailable {
                io.out(Self.trainLine([trainingCase.name, "-", "-", "-", "-", "not available: \(unavailable)"]))
            } else {
                let fraction = useful / row.secondsPerEpoch / (peak * Double(threads))
                io.out(Self.trainLine([
                    trainingCase.name, Self.figure(row.secondsPerEpoch, digits: 3),
                    Self.figure(row.secondsPerEpoch / fp32, digits: 2), Self.figure(100 * fraction, digits: 1),
                    row.testAccuracy.map { Self.figure(100 * $0, digits: 2) + "%" } ?? "-",
                    row.arithmetic ?? "-",
                ]))
            }
        }
        let fp32 = reference?.secondsPerEpoch ?? .nan
        printBreakdown(rows, reference: reference, io)
        return .object([
            ("part", .string("train")),
            ("epochs", .int(epochs)),
            ("threads", .int(threads)),
            ("trainCount", .int(train.count)),
            ("validationCount", .int(validationCount)),
            ("peakGflopsPerCore", .number(peak / 1e9)),
            ("usefulGflopPerEpoch", .number(useful / 1e9)),
            ("fp32SecondsPerEpoch", .number(fp32)),
            ("measurements", .array(rows.map { row in
                .object([
                    ("config", .string(row.trainingCase.name)),
                    ("format", .string(row.trainingCase.format.name)),
                    ("policy", .string(row.trainingCase.policy.name)),
                    ("arithmetic", row.arithmetic.map { .string($0) } ?? .null),
                    ("secondsPerEpoch", row.unavailable == nil ? .number(row.secondsPerEpoch) : .null),
                    ("overFP32", row.unavailable == nil ? .number(row.secondsPerEpoch / fp32) : .null),
                    ("fractionOfPeak", row.unavailable == nil
                        ? .number(useful / row.secondsPerEpoch / (peak * Double(threads))) : .null),
                    ("testAccuracy", row.testAccuracy.map { .number($0) } ?? .null),
                    ("phaseSecondsPerEpoch", row.unavailable == nil
                        ? .object(PhaseTimes.Phase.allCases.map { ($0.rawValue, .number(row.phasesPerEpoch[$0])) })
                        : .null),
                    ("unavailable", row.unavailable.map { .string($0) } ?? .null),
                ])
            })),
        ])
    }

    /// Where each configuration's time goes: the phases the trainer measured, per epoch,
    /// and two costs found by difference — the rounding (the step's phases against hardware
    /// fp32's) and stochastic rounding's random bits (against the same format rounded
    /// toward zero, which runs the same kernels without drawing bits).
    func printBreakdown(_ rows: [Benchmark.TrainingRate], reference: Benchmark.TrainingRate?, _ io: CommandIO) {
        let measured = rows.filter { $0.unavailable == nil }
        guard !measured.isEmpty else { return }
        func step(_ r: Benchmark.TrainingRate) -> Double { r.phasesPerEpoch.total - r.phasesPerEpoch[.evaluation] }
        let fp32Step = reference.map(step)
        io.out("")
        io.out("where the time goes, seconds per epoch (mean over the epochs; the phases measured, rounding and "
               + "random bits by difference):")
        let phases = PhaseTimes.Phase.allCases
        let columns = ["config"] + phases.map(\.rawValue) + ["other", "rounding", "random bits"]
        io.out(Self.breakdownLine(columns))
        for row in measured {
            let name = row.trainingCase.name
            var fields = [name] + phases.map { row.phasesPerEpoch[$0] > 0 ? Self.figure(row.phasesPerEpoch[$0], digits: 3) : "-" }
            fields.append(Self.figure(max(0, row.meanSecondsPerEpoch - row.phasesPerEpoch.total), digits: 3))
            let isReference = row.trainingCase == reference?.trainingCase
            fields.append(isReference ? "-" : fp32Step.map { Self.signedFigure(step(row) - $0) } ?? "-")
            var bits = "-"
            if row.trainingCase.policy.rounding == .stochastic, let plus = name.firstIndex(of: "+"),
               let twin = measured.first(where: { $0.trainingCase.name == String(name[..<plus]) + "+toward-zero" }) {
                bits = Self.signedFigure(step(row) - step(twin))
            }
            fields.append(bits)
            io.out(Self.breakdownLine(fields))
        }
        io.out("rounding: the step's phases minus hardware fp32's; random bits: a stochastic configuration's "
               + "step minus the same format's toward-zero step")
    }

    static func signedFigure(_ x: Double) -> String {
        (x >= 0 ? "+" : "−") + figure(abs(x), digits: 3)
    }

    /// A row of the breakdown: the name in 18 columns, each figure right-aligned in 13,
    /// with at least two spaces between columns.
    static func breakdownLine(_ fields: [String]) -> String {
        var text = fields[0] + String(repeating: " ", count: max(2, 18 - fields[0].count))
        for field in fields.dropFirst() {
            text += String(repeating: " ", count: max(2, 13 - field.count)) + field
        }
        return text
    }

    /// A row of the `bench train` table, in fixed columns.
    static func trainLine(_ fields: [String]) -> String {
        let widths = [18, 8, 7, 7, 9]
        var text = ""
        for (column, field) in fields.enumerated() {
            if column < widths.count {
                let pad = String(repeating: " ", count: max(0, widths[column] - field.count))
                text += column == 0 ? field + pad : pad + field
                text += "  "
            } else {
                text += field
            }
        }
        while text.last == " " { text.removeLast() }
        return text
    }
}
