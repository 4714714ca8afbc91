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
        report.provenance(context, data: ReportWriter.dataDescription(context, plan.data),
                          extra: ["Runs: " + (base + [stopping] + decays).map { "`\($0.command)`" }
                            .joined(separator: "; ") + "."])
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
            let fall = (peak.accuracy - last) * 100
            let trainFirst = Markdown.percent(fp32.epochs.first?.trainAccuracy, 1)
            let trainLast = Markdown.percent(fp32.epochs.last?.trainAccuracy, 1)
            var s = "In fp32 the validation accuracy peaks at \(Markdown.percent(peak.accuracy, 2)) in epoch "
                + "\(peak.epoch) of \(fp32.epochs.count) and ends at \(Markdown.percent(last, 2))"
            s += fall > 0.005 ? ", \(Markdown.fixed(fall, 2)) points lower" : ", no lower than the peak"
            s += ", while training accuracy climbs from \(trainFirst) to \(trainLast)"
            if let low = fp32.lowestValidationLoss, let lastLoss = fp32.epochs.last?.validationLoss {
                s += low.epoch < fp32.epochs.count
                    ? "; the validation loss is lowest at epoch \(low.epoch) (\(Markdown.fixed(low.loss, 4))) and rises to "
                        + "\(Markdown.fixed(lastLoss, 4)) — mild overfitting of a linear model"
                    : "; the validation loss is still falling at the last epoch"
            }
            parts.append(s + ".")
        }
        var others: [String] = []
        for (format, r) in zip(formats, long).dropFirst() {
            guard let peak = r.peakValidation else {
                others.append("\(format) never produced a finite validation accuracy")
                continue
            }
            others.append("\(format) peaks at \(Markdown.percent(peak.accuracy, 2)) (epoch \(peak.epoch)) and ends at "
                          + "\(Markdown.percent(r.finalValidationAccuracy, 2)), with "
                          + "\(Markdown.percent(r.swallowedShare, 1)) of its updates swallowed")
        }
        if !others.isEmpty { parts.append(others.joined(separator: "; ") + ".") }
        var es = "Early stopping (patience \(patience)) "
        if let best = stopped.bestEpoch {
            es += stopped.stoppedEarly ? "stops after epoch \(stopped.epochs.count), keeping epoch \(best), "
                : "never triggers and keeps epoch \(best), "
        }
        es += "for a test accuracy of \(Markdown.percent(stopped.testAccuracy, 2)) against "
            + "\(Markdown.percent(fp32.testAccuracy, 2)) after all \(fp32.epochs.count) epochs"
        parts.append(es + ".")
        var wd: [String] = []
        for (decay, r) in zip(decays, decayed) {
            wd.append("λ = \(TrainingSpec.number(decay)) gives \(Markdown.percent(r.testAccuracy, 2)) "
                      + "(validation peak \(Markdown.percent(r.peakValidation?.accuracy, 2)), last "
                      + "\(Markdown.percent(r.finalValidationAccuracy, 2)))")
        }
        if !wd.isEmpty { parts.append("Weight decay: " + wd.joined(separator: "; ") + ".") }
        return parts.joined(separator: " ")
    }
}
