import DataFiles
import Experiments
import Foundation
import SoftFloat
import Training

/// Exercise 4: what happens as the learning rate grows or shrinks, in fp32 and in the
/// 16-bit formats? Which rate works best, and for which budget of epochs; when does
/// training diverge; how does the best rate move with the format? A rate is best when its
/// accuracy lies within the 95% binomial interval of the top one: ties are reported as ties.
public struct LearningRatesReport: LabReport {
    public static let name = "learning-rates"
    public static let title = "Exercise 4: the learning rate — best per budget, diverging, per format"
    public static let needsData = true

    public init() {}

    struct Plan {
        var rates: [Double]
        var formats: [String]
        var epochs: Int
        var data: DataBudget
        /// The budgets (epochs) the best rate is found for: the first k epochs of a run are
        /// the run of k epochs (the rate is constant and each epoch's shuffle its own).
        var budgets: [Int]
    }

    static func plan(_ context: ReportContext) -> Plan {
        context.quick
            ? Plan(rates: [0.01, 0.1, 1], formats: ["fp32", "bf16"], epochs: 1, data: .quick, budgets: [1])
            : Plan(rates: [0.003, 0.01, 0.03, 0.1, 0.3, 1, 3, 10, 30], formats: ["fp32", "bf16", "fp16"],
                   epochs: 10, data: .full, budgets: [1, 3, 10])
    }

    /// How a run went.
    enum Verdict: String {
        case best, behind, unstable, diverged
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
                                  + "format (\(specs.count) runs)."], results: results)
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

        report.document.heading("The best rate for each budget")
        var budgetRows: [[String]] = []
        for (f, format) in plan.formats.enumerated() {
            for budget in plan.budgets {
                let best = Self.bestRates(grid[f], after: budget)
                let images = grid[f].first?.validationCount ?? 0
                budgetRows.append([format, Markdown.count(budget, "epoch"),
                                   best.map { TrainingSpec.number(plan.rates[$0]) }.joined(separator: ", "),
                                   best.map { Markdown.percent(Self.accuracy(grid[f][$0], after: budget), 2) }
                                       .joined(separator: ", "),
                                   "±" + Markdown.fixed(Self.halfWidth(grid[f], after: budget, images: images) * 100, 2)])
            }
        }
        report.document.table(["format", "budget", "best rates (tied)", "their validation accuracy", "95% interval"],
                              budgetRows, alignments: [.left, .right, .left, .left, .right])
        report.document.paragraph("""
            A budget of k epochs is read off each run after its k-th epoch: with a constant rate and each epoch's \
            shuffle drawn from (seed, epoch), the first k epochs of a longer run are exactly the run of k epochs. \
            Best rates: every rate whose validation accuracy lies within the 95% binomial interval (normal \
            approximation, one accuracy on the validation images) of the highest one; rates within it are \
            tied — this seed's data cannot tell them apart.
            """)

        report.document.heading("Every run")
        var rows: [[String]] = []
        for (f, format) in plan.formats.enumerated() {
            for (k, r) in grid[f].enumerated() {
                rows.append([format, TrainingSpec.number(plan.rates[k]), Markdown.fixed(r.epochs.first?.trainLoss, 4),
                             Markdown.fixed(r.finalTrainLoss, 4), Self.lossTrend(r),
                             Markdown.fixed(r.epochs.last?.validationLoss, 4),
                             Markdown.percent(r.finalValidationAccuracy, 2), Markdown.percent(r.testAccuracy, 2),
                             Markdown.percent(r.swallowedShare, 2),
                             r.firstNonFinite.map { "step \($0.step)" } ?? "–", verdicts[f][k].rawValue])
            }
        }
        report.document.table(["format", "lr", "epoch 1 loss", "last loss", "last epoch's loss", "last valid. loss",
                               "last valid. acc", "test acc", "swallowed", "first inf/NaN", "verdict"], rows,
                              alignments: [.left] + Array(repeating: .right, count: 9) + [.left])
        report.document.paragraph("""
            Verdicts, from the numbers: **diverged** — a loss became infinite or NaN; **unstable** — the last \
            epoch's mean training loss is above ln 10, worse than guessing uniformly; **best** — the last \
            validation accuracy lies within the 95% binomial interval of the format's highest (ties included); \
            **behind** — below that interval. “Last epoch's loss”: whether the mean training loss of the last \
            epoch was still below the one before (falling) or not. “Swallowed”: the share of weight updates \
            that left the weight unchanged (lr·g below half an ulp of the weight).
            """)
        return report.finish(answer: answer)
    }

    /// A run's validation accuracy after `epoch` epochs (−1 where it is missing or not finite).
    static func accuracy(_ run: TrainingResult, after epoch: Int) -> Double {
        guard epoch >= 1, epoch <= run.epochs.count, let a = run.epochs[epoch - 1].validationAccuracy,
              a.isFinite, !run.went(nonFiniteBy: epoch) else { return -1 }
        return a
    }

    /// The 95% binomial half-width around the highest accuracy after `epoch` epochs.
    static func halfWidth(_ runs: [TrainingResult], after epoch: Int, images: Int) -> Double {
        let top = runs.map { accuracy($0, after: epoch) }.max() ?? -1
        return top < 0 ? .infinity : Spread.binomialHalfWidth95(top, images: images)
    }

    /// The indices of the rates tied for best after `epoch` epochs: within the 95% binomial
    /// interval of the highest validation accuracy.
    static func bestRates(_ runs: [TrainingResult], after epoch: Int) -> [Int] {
        let accuracies = runs.map { accuracy($0, after: epoch) }
        guard let top = accuracies.max(), top >= 0 else { return [] }
        let half = Spread.binomialHalfWidth95(top, images: runs.first?.validationCount ?? 0)
        return accuracies.indices.filter { accuracies[$0] >= 0 && accuracies[$0] >= top - half }
    }

    /// "falling" when the last epoch's mean training loss is below the one before, else "not falling".
    static func lossTrend(_ run: TrainingResult) -> String {
        guard run.epochs.count >= 2 else { return "–" }
        let last = run.epochs[run.epochs.count - 1].trainLoss, before = run.epochs[run.epochs.count - 2].trainLoss
        guard last.isFinite, before.isFinite else { return "–" }
        return last < before ? "falling" : "not falling"
    }

    static func verdicts(_ runs: [TrainingResult]) -> [Verdict] {
        let epochs = runs.map(\.epochs.count).max() ?? 0
        let best = Set(bestRates(runs, after: epochs))
        return runs.enumerated().map { k, r in
            if r.wentNonFinite || !(r.finalTrainLoss?.isFinite ?? false) { return .diverged }
            if let loss = r.finalTrainLoss, loss > Foundation.log(10.0) { return .unstable }
            return best.contains(k) ? .best : .behind
        }
    }

    func answerText(plan: Plan, grid: [[TrainingResult]], verdicts: [[Verdict]]) -> String {
        var parts: [String] = []
        var bestSets: [String: Set<Double>] = [:]
        func rates(_ indices: [Int]) -> String { indices.map { TrainingSpec.number(plan.rates[$0]) }.joined(separator: ", ") }
        for (f, format) in plan.formats.enumerated() {
            let runs = grid[f]
            let best = Self.bestRates(runs, after: plan.epochs)
            guard let top = best.max(by: { Self.accuracy(runs[$0], after: plan.epochs)
                    < Self.accuracy(runs[$1], after: plan.epochs) }) else {
                parts.append("In \(format) no rate trained to a finite accuracy.")
                continue
            }
            bestSets[format] = Set(best.map { plan.rates[$0] })
            let half = Self.halfWidth(runs, after: plan.epochs, images: runs[top].validationCount)
            var s = "In \(format), after \(Markdown.count(plan.epochs, "epoch")), "
            s += best.count == 1
                ? "the best rate is \(rates(best)) (\(Markdown.percent(runs[top].finalValidationAccuracy, 2)) validation accuracy"
                    + ", the others more than ±\(Markdown.fixed(half * 100, 2)) points, the 95% binomial interval, below)"
                : "rates \(rates(best)) tie for best (\(best.map { Markdown.percent(runs[$0].finalValidationAccuracy, 2) }.joined(separator: ", ")) "
                    + "validation accuracy, within ±\(Markdown.fixed(half * 100, 2)) points, the 95% binomial interval: "
                    + "no measurable difference)"
            let behind = verdicts[f].indices.filter { verdicts[f][$0] == .behind }
            let low = behind.filter { plan.rates[$0] < plan.rates[top] }
            if !low.isEmpty {
                let falling = low.filter { Self.lossTrend(runs[$0]) == "falling" }
                s += "; smaller rates fall behind (lr \(rates(low)): "
                    + low.map { Markdown.points((runs[$0].finalValidationAccuracy ?? .nan) - (runs[top].finalValidationAccuracy ?? .nan), 2) }
                        .joined(separator: ", ")
                    + (falling.count == low.count ? ", every one with its training loss still falling"
                        : falling.isEmpty ? "" : ", the loss still falling at lr \(rates(falling))")
                    + ", with " + low.map { Markdown.percent(runs[$0].swallowedShare, 0) }.joined(separator: ", ")
                    + " of updates swallowed)"
            }
            let high = behind.filter { plan.rates[$0] > plan.rates[top] }
            if !high.isEmpty { s += "; larger rates fall behind (lr \(rates(high)))" }
            let unstable = verdicts[f].indices.filter { verdicts[f][$0] == .unstable }
            if !unstable.isEmpty {
                s += "; the loss ends above ln 10 at lr " + unstable.map {
                    "\(TrainingSpec.number(plan.rates[$0])) (\(Markdown.fixed(runs[$0].finalTrainLoss, 2)), yet "
                        + "\(Markdown.percent(runs[$0].finalValidationAccuracy, 1)) validation accuracy)"
                }.joined(separator: ", ")
            }
            if let first = verdicts[f].firstIndex(of: .diverged) {
                s += "; it diverges (a loss becomes ∞ or NaN) from lr \(TrainingSpec.number(plan.rates[first]))"
                    + (runs[first].firstNonFinite.map { ", at step \($0.step)" } ?? "")
            } else if let last = plan.rates.last {
                s += "; no rate up to \(TrainingSpec.number(last)) diverges"
            }
            let budgets = plan.budgets.filter { $0 != plan.epochs }
            if !budgets.isEmpty {
                s += ". With a smaller budget the best rates are " + budgets.map {
                    "\(rates(Self.bestRates(runs, after: $0))) after \(Markdown.count($0, "epoch"))"
                }.joined(separator: " and ")
            }
            parts.append(s + ".")
        }
        if let reference = bestSets[plan.formats[0]] {
            let others = plan.formats.dropFirst().compactMap { f in bestSets[f].map { (f, $0) } }
            let shared = others.reduce(reference) { $0.intersection($1.1) }
            parts.append(shared.isEmpty
                ? "The formats share no best rate: " + ([(plan.formats[0], reference)] + others).map {
                    "\($0.0) \($0.1.sorted().map(TrainingSpec.number).joined(separator: ", "))"
                }.joined(separator: "; ") + "."
                : "Every format is at its best (within the interval) at lr "
                    + shared.sorted().map(TrainingSpec.number).joined(separator: ", ")
                    + " on this grid; the best rate does not measurably move with the format.")
        }
        return parts.joined(separator: " ")
    }
}
