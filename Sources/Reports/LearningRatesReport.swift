import DataFiles
import Experiments
import Foundation
import SoftFloat
import Training

/// Exercise 4: what happens as the learning rate grows or shrinks, in fp32 and in the
/// 16-bit formats? Which rate works best, when does training diverge or stall, and how
/// does the best rate move with the format?
public struct LearningRatesReport: LabReport {
    public static let name = "learning-rates"
    public static let title = "Exercise 4: the learning rate — best, diverging, stalling, per format"
    public static let needsData = true

    public init() {}

    struct Plan {
        var rates: [Double]
        var formats: [String]
        var epochs: Int
        var data: DataBudget
    }

    static func plan(_ context: ReportContext) -> Plan {
        context.quick
            ? Plan(rates: [0.01, 0.1, 1], formats: ["fp32", "bf16"], epochs: 1, data: .quick)
            : Plan(rates: [0.003, 0.01, 0.03, 0.1, 0.3, 1, 3], formats: ["fp32", "bf16", "fp16"], epochs: 10,
                   data: .full)
    }

    /// How a run went.
    enum Verdict: String {
        case best, good, slow, stalled, unstable, diverged
    }

    /// Every format with every rate, format by format.
    public static func plannedRuns(_ context: ReportContext) -> [TrainingSpec] {
        let plan = Self.plan(context)
        var specs: [TrainingSpec] = []
        for format in plan.formats {
            for rate in plan.rates {
                specs.append(TrainingSpec(format: format, seed: context.seed, epochs: plan.epochs, learningRate: rate,
                                          data: plan.data))
            }
        }
        return specs
    }

    public func make(_ context: ReportContext) throws -> ReportDocument {
        let plan = Self.plan(context)
        let specs = Self.plannedRuns(context)
        context.progress("\(Markdown.count(specs.count, "run")) of \(Markdown.count(plan.epochs, "epoch"))")
        let results = try context.train(specs)
        var grid: [[TrainingResult]] = []
        for (f, _) in plan.formats.enumerated() {
            grid.append(Array(results[(f * plan.rates.count)..<((f + 1) * plan.rates.count)]))
        }
        let verdicts = grid.map { Self.verdicts($0) }

        var report = ReportWriter(name: Self.name, title: Self.title)
        let answer = answerText(plan: plan, grid: grid, verdicts: verdicts)
        report.provenance(context, data: ReportWriter.dataDescription(context, plan.data),
                          extra: ["Runs: `\(specs[0].command)` with `--lr` set to each rate and `--format` to each "
                                  + "format (\(specs.count) runs)."])
        report.answer(answer)

        report.document.heading("Training loss per epoch, one plot per format")
        for (f, format) in plan.formats.enumerated() {
            var plot = SVGPlot(title: "\(format): training loss for each learning rate", xAxis: PlotAxis("epoch"),
                               yAxis: PlotAxis("training loss (log scale)", scale: .log10))
            for (k, r) in grid[f].enumerated() {
                plot.series.append(PlotSeries("lr \(TrainingSpec.number(plan.rates[k]))", x: r.epochNumbers,
                                              y: r.trainLosses, markers: r.epochs.count < 4))
            }
            plot.referenceLines = [PlotReferenceLine(y: Foundation.log(10.0), label: "ln 10: a uniform guess")]
            plot.caption = "Mean training loss of each epoch, \(format), batch 256, seed \(context.seed). "
                + "A × on the top edge marks where a run's loss became infinite or NaN."
            report.figure("loss-\(format)", svg: plot.render(), alt: "\(format) training loss per learning rate")
        }

        var summary = SVGPlot(title: "Final validation accuracy against the learning rate",
                              xAxis: PlotAxis("learning rate", scale: .log10), yAxis: PlotAxis("validation accuracy (%)"))
        for (f, format) in plan.formats.enumerated() {
            summary.series.append(PlotSeries(format, x: plan.rates,
                                             y: grid[f].map { ($0.finalValidationAccuracy ?? .nan) * 100 },
                                             markers: true))
        }
        summary.caption = "After \(plan.epochs) epoch\(plan.epochs == 1 ? "" : "s"); a gap means the accuracy was "
            + "not finite."
        report.figure("summary", svg: summary.render(), alt: "final validation accuracy against learning rate")

        report.document.heading("Every run")
        var rows: [[String]] = []
        for (f, format) in plan.formats.enumerated() {
            for (k, r) in grid[f].enumerated() {
                rows.append([format, TrainingSpec.number(plan.rates[k]), Markdown.fixed(r.epochs.first?.trainLoss, 4),
                             Markdown.fixed(r.finalTrainLoss, 4), Markdown.fixed(r.epochs.last?.validationLoss, 4),
                             Markdown.percent(r.finalValidationAccuracy, 2), Markdown.percent(r.testAccuracy, 2),
                             Markdown.percent(r.swallowedShare, 2),
                             r.firstNonFinite.map { "step \($0.step)" } ?? "–", verdicts[f][k].rawValue])
            }
        }
        report.document.table(["format", "lr", "epoch 1 loss", "last loss", "last valid. loss", "last valid. acc",
                               "test acc", "swallowed", "first inf/NaN", "verdict"], rows,
                              alignments: [.left] + Array(repeating: .right, count: 8) + [.left])
        report.document.paragraph("""
            Verdicts, from the numbers: **diverged** — a loss became infinite or NaN; **unstable** — the last \
            epoch's mean training loss is above ln 10, worse than guessing uniformly (the steps overshoot); **stalled** — at least half of all weight updates were \
            swallowed (lr·g below half an ulp of the weight); **slow** — last validation accuracy more than 3 points \
            below the format's best; **best** — the highest last validation accuracy of the format; **good** — the rest.
            """)
        return report.finish(answer: answer)
    }

    static func verdicts(_ runs: [TrainingResult]) -> [Verdict] {
        let accuracies = runs.map { $0.finalValidationAccuracy ?? -1 }
        let bestIndex = accuracies.indices.max { accuracies[$0] < accuracies[$1] }
        let best = bestIndex.map { accuracies[$0] } ?? 0
        return runs.enumerated().map { k, r in
            if r.wentNonFinite || !(r.finalTrainLoss?.isFinite ?? false) { return .diverged }
            if let loss = r.finalTrainLoss, loss > Foundation.log(10.0) { return .unstable }
            if r.swallowedShare >= 0.5 { return .stalled }
            if k == bestIndex { return .best }
            if accuracies[k] < best - 0.03 { return .slow }
            return .good
        }
    }

    func answerText(plan: Plan, grid: [[TrainingResult]], verdicts: [[Verdict]]) -> String {
        var parts: [String] = []
        var bestRates: [String: Double] = [:]
        for (f, format) in plan.formats.enumerated() {
            let runs = grid[f]
            guard let b = verdicts[f].firstIndex(of: .best) else {
                parts.append("In \(format) no rate trained to a finite accuracy.")
                continue
            }
            bestRates[format] = plan.rates[b]
            var s = "In \(format) the best rate is \(TrainingSpec.number(plan.rates[b])) "
                + "(\(Markdown.percent(runs[b].finalValidationAccuracy, 2)) validation accuracy after \(plan.epochs) "
                + "epoch\(plan.epochs == 1 ? "" : "s"))"
            let diverged = verdicts[f].indices.filter { verdicts[f][$0] == .diverged }.map { plan.rates[$0] }
            let unstable = verdicts[f].indices.filter { verdicts[f][$0] == .unstable }
            let stalled = verdicts[f].indices.filter { verdicts[f][$0] == .stalled }
            let slow = verdicts[f].indices.filter { verdicts[f][$0] == .slow }.map { plan.rates[$0] }
            var notes: [String] = []
            if !diverged.isEmpty {
                notes.append("diverges at lr \(diverged.map(TrainingSpec.number).joined(separator: ", "))")
            }
            if !unstable.isEmpty {
                notes.append("is unstable at lr " + unstable.map {
                    "\(TrainingSpec.number(plan.rates[$0])) (last training loss "
                        + "\(Markdown.fixed(runs[$0].finalTrainLoss, 2)) > ln 10, yet "
                        + "\(Markdown.percent(runs[$0].finalValidationAccuracy, 1)) validation accuracy)"
                }.joined(separator: ", "))
            }
            if !stalled.isEmpty {
                notes.append("stalls at lr " + stalled.map {
                    "\(TrainingSpec.number(plan.rates[$0])) (\(Markdown.percent(runs[$0].swallowedShare, 0)) of updates swallowed)"
                }.joined(separator: ", "))
            }
            if !slow.isEmpty { notes.append("falls behind at lr \(slow.map(TrainingSpec.number).joined(separator: ", "))") }
            if let large = plan.rates.indices.last, verdicts[f][large] != .diverged, verdicts[f][large] != .unstable {
                notes.append("even lr \(TrainingSpec.number(plan.rates[large])) stays finite "
                             + "(last loss \(Markdown.fixed(runs[large].finalTrainLoss, 3)))")
            }
            if !notes.isEmpty { s += "; it " + notes.joined(separator: "; ") }
            parts.append(s + ".")
        }
        if let reference = bestRates[plan.formats[0]] {
            let moved = plan.formats.dropFirst().filter { bestRates[$0] != nil && bestRates[$0] != reference }
            parts.append(moved.isEmpty
                ? "The best rate does not move with the format on this grid: every format does best at "
                    + "\(TrainingSpec.number(reference))."
                : "The best rate moves with the format: " + moved.map {
                    "\($0) \(TrainingSpec.number(bestRates[$0]!))"
                }.joined(separator: ", ") + " against \(plan.formats[0])'s \(TrainingSpec.number(reference)).")
        }
        return parts.joined(separator: " ")
    }
}
