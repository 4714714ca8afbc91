import DataFiles
import Experiments
import Foundation
import SoftFloat
import Training

/// Exercise 3: train for many epochs. Does validation accuracy keep rising, or fall after
/// a peak? What do early stopping and weight decay change?
///
/// Trains softmax regression for 50 epochs in fp32 and in 16-bit formats with a held-out
/// validation split, records train and validation loss and accuracy per epoch, finds the
/// validation peak and the fall after it, and measures early stopping (patience on the
/// validation loss) and weight decay in fp32.
public struct EpochsReport: LabReport {
    public static let name = "epochs"
    public static let title = "Exercise 3: many epochs — overfitting, early stopping, weight decay"
    public static let needsData = true

    public init() {}

    struct Plan {
        var epochs: Int
        var formats: [String]
        var patience: Int
        var weightDecays: [Double]
        var data: DataBudget
    }

    static func plan(_ context: ReportContext) -> Plan {
        context.quick
            ? Plan(epochs: 2, formats: ["fp32", "bf16"], patience: 1, weightDecays: [1e-3],
                   data: .quick)
            : Plan(epochs: 50, formats: ["fp32", "bf16", "fp16"], patience: 5, weightDecays: [1e-4, 1e-3],
                   data: .full)
    }

    /// The long runs per format, then early stopping, then each weight decay.
    public static func plannedRuns(_ context: ReportContext) -> [TrainingSpec] {
        let plan = Self.plan(context)
        func spec(_ format: String) -> TrainingSpec {
            TrainingSpec(format: format, seed: context.seed, epochs: plan.epochs,
                         data: plan.data)
        }
        var stopping = spec("fp32")
        stopping.configuration.patience = plan.patience
        let decays = plan.weightDecays.map { decay -> TrainingSpec in
            var s = spec("fp32")
            s.configuration.weightDecay = decay
            return s
        }
        return plan.formats.map(spec) + [stopping] + decays
    }

    public func make(_ context: ReportContext) throws -> ReportDocument {
        let plan = Self.plan(context)
        let runs = Self.plannedRuns(context)
        let base = Array(runs[0..<plan.formats.count])
        let stopping = runs[plan.formats.count]
        let decays = Array(runs[(plan.formats.count + 1)...])
        context.progress("\(Markdown.count(runs.count, "run")) of up to \(Markdown.count(plan.epochs, "epoch"))")
        let results = try context.train(runs)
        let long = Array(results[0..<base.count])
        let stopped = results[base.count]
        let decayed = Array(results[(base.count + 1)...])
        let fp32 = long[0]

        var report = ReportWriter(name: Self.name, title: Self.title)
        let answer = answerText(long: long, formats: plan.formats, stopped: stopped, patience: plan.patience,
                                decayed: decayed, decays: plan.weightDecays)
        let commands: [String] = (base + [stopping] + decays).map { "`\($0.command)`" }
        let runsLine: String = "Runs: " + commands.joined(separator: "; ") + "."
        report.provenance(context, data: ReportWriter.dataDescription(context, plan.data), extra: [runsLine],
                          results: results)
        report.answer(answer)

        report.document.heading("Loss and accuracy per epoch")
        report.document.paragraph("Softmax regression, minibatch SGD with batch 256 and learning rate 0.1, "
                                  + "\(plan.epochs) epochs, every operation rounded to the format. Training figures "
                                  + "are averages over each epoch's minibatches as they were trained; validation "
                                  + "figures come from a full pass over the held-out images after each epoch.")
        var lossPlot = SVGPlot(title: "Loss per epoch", xAxis: PlotAxis("epoch"), yAxis: PlotAxis("cross-entropy loss"))
        var accuracyPlot = SVGPlot(title: "Accuracy per epoch", xAxis: PlotAxis("epoch"), yAxis: PlotAxis("accuracy (%)"))
        for (k, (format, r)) in zip(plan.formats, long).enumerated() {
            let color = PlotPalette.color(k)
            lossPlot.series.append(PlotSeries("\(format) train", x: r.epochNumbers, y: r.trainLosses, color: color))
            lossPlot.series.append(PlotSeries("\(format) validation", x: r.epochNumbers, y: r.validationLosses,
                                              color: color, dashed: true))
            accuracyPlot.series.append(PlotSeries("\(format) train", x: r.epochNumbers, y: r.trainAccuracies,
                                                  color: color))
            accuracyPlot.series.append(PlotSeries("\(format) validation", x: r.epochNumbers,
                                                  y: r.validationAccuracies, color: color, dashed: true))
        }
        if let peak = fp32.peakValidation {
            accuracyPlot.referenceLines.append(PlotReferenceLine(x: Double(peak.epoch),
                                                                 label: "fp32 validation peak (epoch \(peak.epoch))"))
        }
        lossPlot.caption = "Solid: training loss (mean over the epoch's minibatches); dashed: validation loss. "
            + "Seed \(context.seed)."
        accuracyPlot.caption = "Solid: training accuracy; dashed: validation accuracy on the held-out images."
        report.figure("loss", svg: lossPlot.render(), alt: "training and validation loss per epoch")
        report.figure("accuracy", svg: accuracyPlot.render(), alt: "training and validation accuracy per epoch")
        var differencePlot = SVGPlot(title: "Validation accuracy minus fp32's, per epoch", xAxis: PlotAxis("epoch"),
                                     yAxis: PlotAxis("difference (points)"))
        for (k, (format, r)) in zip(plan.formats, long).enumerated().dropFirst() {
            let n = min(r.epochs.count, fp32.epochs.count)
            differencePlot.series.append(PlotSeries(format, x: Array(r.epochNumbers.prefix(n)),
                                                    y: (0..<n).map { r.validationAccuracies[$0] - fp32.validationAccuracies[$0] },
                                                    color: PlotPalette.color(k)))
        }
        differencePlot.referenceLines = [PlotReferenceLine(y: 0, label: "fp32")]
        differencePlot.caption = "Where the curves of the figure above lie on each other: each format's validation "
            + "accuracy minus fp32's at the same epoch, in percentage points; one accuracy on "
            + "\(Markdown.integer(fp32.validationCount)) images has a 95% binomial interval of about ±"
            + Markdown.fixed(Spread.binomialHalfWidth95(fp32.finalValidationAccuracy ?? 0.85,
                                                        images: fp32.validationCount) * 100, 1) + " points."
        report.figure("accuracy-difference", svg: differencePlot.render(), alt: "validation accuracy minus fp32's")

        var rows: [[String]] = []
        for (format, r) in zip(plan.formats, long) {
            rows.append(runRow(format, r))
        }
        report.document.table(runHeader, rows, alignments: [.left] + Array(repeating: .right, count: runHeader.count - 1))
        report.document.paragraph("Fall after the peak: validation accuracy at the peak minus at the last epoch. "
                                  + "Swallowed: weight updates lr·g ≠ 0 that left the weight unchanged, as a share "
                                  + "of all parameter updates.")

        report.document.heading("Early stopping")
        var esText = "With `--patience \(plan.patience)` (stop when the validation loss has not improved for "
            + "\(plan.patience) epoch\(plan.patience == 1 ? "" : "s"), keep the best epoch's parameters), fp32 "
        if let best = stopped.bestEpoch {
            esText += stopped.stoppedEarly
                ? "stopped after epoch \(stopped.epochs.count) and kept epoch \(best)"
                : "ran all \(stopped.epochs.count) epochs and kept epoch \(best)"
        } else {
            esText += "ran \(stopped.epochs.count) epochs"
        }
        esText += ": test accuracy \(Markdown.percent(stopped.testAccuracy, 2)), against "
            + "\(Markdown.percent(fp32.testAccuracy, 2)) after all \(fp32.epochs.count) epochs without it, in "
            + "\(stopped.totalSteps) steps instead of \(fp32.totalSteps)."
        report.document.paragraph(esText)

        report.document.heading("Weight decay")
        var wdPlot = SVGPlot(title: "fp32 validation accuracy with weight decay", xAxis: PlotAxis("epoch"),
                             yAxis: PlotAxis("validation accuracy (%)"))
        wdPlot.series.append(PlotSeries("λ = 0", x: fp32.epochNumbers, y: fp32.validationAccuracies))
        var wdRows = [runRow("λ = 0", fp32)]
        for (decay, r) in zip(plan.weightDecays, decayed) {
            wdPlot.series.append(PlotSeries("λ = \(TrainingSpec.number(decay))", x: r.epochNumbers,
                                            y: r.validationAccuracies))
            wdRows.append(runRow("λ = \(TrainingSpec.number(decay))", r))
        }
        wdPlot.caption = "Weight decay adds λ·w to each weight's gradient (the bias is not decayed)."
        report.figure("weight-decay", svg: wdPlot.render(), alt: "validation accuracy with weight decay")
        report.document.table(runHeader, wdRows, alignments: [.left] + Array(repeating: .right, count: runHeader.count - 1))
        return report.finish(answer: answer)
    }

    let runHeader = ["run", "peak valid. acc (epoch)", "last valid. acc", "fall after peak", "lowest valid. loss (epoch)",
                     "last valid. loss", "last train acc", "test acc", "swallowed", "time"]

    func runRow(_ name: String, _ r: TrainingResult) -> [String] {
        let peak = r.peakValidation, low = r.lowestValidationLoss
        let fall = peak.flatMap { p in r.finalValidationAccuracy.map { p.accuracy - $0 } }
        return [name,
                peak.map { "\(Markdown.percent($0.accuracy, 2)) (\($0.epoch))" } ?? "–",
                Markdown.percent(r.finalValidationAccuracy, 2),
                fall.map { Markdown.fixed($0 * 100, 2) + " pp" } ?? "–",
                low.map { "\(Markdown.fixed($0.loss, 4)) (\($0.epoch))" } ?? "–",
                Markdown.fixed(r.epochs.last?.validationLoss, 4),
                Markdown.percent(r.epochs.last?.trainAccuracy, 2),
                Markdown.percent(r.testAccuracy, 2),
                Markdown.percent(r.swallowedShare, 2),
                Markdown.duration(r.seconds)]
    }

    func answerText(long: [TrainingResult], formats: [String], stopped: TrainingResult, patience: Int,
                    decayed: [TrainingResult], decays: [Double]) -> String {
        let fp32 = long[0]
        var parts: [String] = []
        if let peak = fp32.peakValidation, let last = fp32.finalValidationAccuracy {
            let images = fp32.validationCount
            let fall = Spread.singleRunDifference(peak.accuracy, last, images: images, what: "validation images")
            var s = "In fp32 the validation accuracy peaks at \(Markdown.percent(peak.accuracy, 2)) in epoch "
                + "\(peak.epoch) of \(fp32.epochs.count) and ends at \(Markdown.percent(last, 2)): the fall, "
                + "\(fall.text)"
            if let noise = Self.epochNoise(fp32) {
                s += "; from one epoch to the next the validation accuracy moves by \(Markdown.fixed(noise * 100, 2)) "
                    + "points (standard deviation of the changes over the second half), and the highest of "
                    + "\(fp32.epochs.count) noisy values lies above the last by selection alone"
            }
            s += fall.differs == true ? "." : ". So there is no measurable overfitting in accuracy."
            if let gap = Self.gaps(fp32) {
                s += " The gap between training and validation accuracy goes from \(Markdown.points(gap.early, 2)) "
                    + "(epoch \(gap.earlyEpoch)) to \(Markdown.points(gap.last, 2)) (epoch \(fp32.epochs.count))"
            }
            if let low = fp32.lowestValidationLoss, let lastLoss = fp32.epochs.last?.validationLoss {
                s += low.epoch < fp32.epochs.count
                    ? "; the validation loss is lowest at epoch \(low.epoch) (\(Markdown.fixed(low.loss, 4))) and ends "
                        + "at \(Markdown.fixed(lastLoss, 4))"
                    : "; the validation loss is still falling at the last epoch"
            }
            parts.append(s + ".")
        }
        var others: [String] = []
        for (format, r) in zip(formats, long).dropFirst() {
            guard let peak = r.peakValidation, let last = r.finalValidationAccuracy else {
                others.append("\(format) never produced a finite validation accuracy")
                continue
            }
            let fall = Spread.singleRunDifference(peak.accuracy, last, images: r.validationCount,
                                                  what: "validation images")
            var s = "\(format) peaks at \(Markdown.percent(peak.accuracy, 2)) (epoch \(peak.epoch)) and ends at "
                + "\(Markdown.percent(last, 2)) (\(fall.differs == true ? "a measurable fall" : "no measurable fall"))"
            let trainAtPeak = r.epochs[peak.epoch - 1].trainAccuracy, trainLast = r.epochs.last!.trainAccuracy
            let trainChange = Spread.singleRunDifference(trainLast, trainAtPeak, images: r.trainCount,
                                                         what: "training images")
            s += "; its training accuracy changes by \(Markdown.points(trainLast - trainAtPeak, 2)) from that epoch to "
                + "the last, with \(Markdown.percent(r.swallowedShare, 1)) of its updates swallowed"
            if trainChange.differs != true && r.swallowedShare >= 0.2 {
                s += " — a model that no longer learns the training set either: a plateau of swallowed updates, "
                    + "not overfitting"
            }
            others.append(s)
        }
        if !others.isEmpty { parts.append(others.joined(separator: "; ") + ".") }
        let testImages = fp32.testCount
        var es = "Early stopping (patience \(patience)) "
        if let best = stopped.bestEpoch {
            es += stopped.stoppedEarly ? "stops after epoch \(stopped.epochs.count), keeping epoch \(best), "
                : "never triggers and keeps epoch \(best), "
        }
        let esDifference = Spread.singleRunDifference(stopped.testAccuracy, fp32.testAccuracy, images: testImages,
                                                      what: "test images")
        es += "for a test accuracy of \(Markdown.percent(stopped.testAccuracy, 2)) against "
            + "\(Markdown.percent(fp32.testAccuracy, 2)) after all \(fp32.epochs.count) epochs: \(esDifference.text)"
        parts.append(es + ".")
        var wd: [String] = []
        for (decay, r) in zip(decays, decayed) {
            let d = Spread.singleRunDifference(r.testAccuracy, fp32.testAccuracy, images: testImages,
                                               what: "test images")
            wd.append("λ = \(TrainingSpec.number(decay)) gives \(Markdown.percent(r.testAccuracy, 2)) test accuracy, "
                      + (d.differs == true ? (d.text.hasPrefix("+") ? "a measurable improvement" : "measurably worse")
                         : "no improvement") + " (\(Markdown.points((r.testAccuracy ?? .nan) - (fp32.testAccuracy ?? .nan), 2)))")
        }
        if !wd.isEmpty {
            parts.append("Weight decay against none: " + wd.joined(separator: "; ") + " — within the 95% binomial "
                         + "interval of one test accuracy unless said otherwise.")
        }
        return parts.joined(separator: " ")
    }

    /// The standard deviation of the changes of validation accuracy between neighbouring
    /// epochs over the second half of the run (nil with fewer than 4 epochs).
    static func epochNoise(_ r: TrainingResult) -> Double? {
        let v = r.epochs.compactMap(\.validationAccuracy)
        guard v.count >= 4 else { return nil }
        let half = Array(v[(v.count / 2)...])
        let changes = zip(half.dropFirst(), half).map { $0 - $1 }
        return Spread(values: changes).standardDeviation
    }

    /// Training minus validation accuracy at epoch 10 (or the first) and at the last.
    static func gaps(_ r: TrainingResult) -> (earlyEpoch: Int, early: Double, last: Double)? {
        guard let last = r.epochs.last, let lastValidation = last.validationAccuracy, r.epochs.count >= 2 else {
            return nil
        }
        let early = r.epochs[min(9, r.epochs.count - 2)]
        guard let earlyValidation = early.validationAccuracy else { return nil }
        return (early.epoch, early.trainAccuracy - earlyValidation, last.trainAccuracy - lastValidation)
    }
}
