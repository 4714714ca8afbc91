import DataFiles
import Experiments
import Foundation
import SoftFloat
import Training

/// Exercise 4: what happens as the learning rate grows or shrinks, in fp32 and in the
/// 16-bit formats? Which rate works best, and for which budget of epochs; what the first
/// steps look like; when training diverges; how the best rate moves with the format.
///
/// Every rate runs over several seeds. A rate is best after a budget when it ties with the
/// rate of the highest mean validation accuracy: the paired 95% t interval of their
/// difference over the seeds includes 0 (with one seed, when its accuracy lies within the
/// 95% binomial interval of the top one). Rates whose training loss is above ln 10 then
/// (unstable) or that went non-finite are not candidates.
public struct LearningRatesReport: LabReport {
    public static let name = "learning-rates"
    public static let title = "Exercise 4: the learning rate — best per budget, the first steps, diverging, per format"
    public static let needsData = true

    public init() {}

    /// One format's runs: its seeds and its epochs.
    struct FormatPlan {
        var format: String
        var seeds: [UInt64]
        var epochs: Int
    }

    struct Plan {
        var rates: [Double]
        var formats: [FormatPlan]
        var data: DataBudget
        /// The budgets (epochs) the best rate is found for: the first k epochs of a run are
        /// the run of k epochs (the rate is constant and each epoch's shuffle its own).
        var budgets: [Int]
        /// The minibatches whose loss each run keeps.
        var steps: Int
    }

    static func plan(_ context: ReportContext) -> Plan {
        let s = context.seed
        return context.quick
            ? Plan(rates: [0.01, 0.1, 1, 1000], formats: [FormatPlan(format: "fp32", seeds: [s, s &+ 1], epochs: 2),
                                                    FormatPlan(format: "bf16", seeds: [s], epochs: 1)],
                   data: .quick, budgets: [1, 2], steps: 16)
            : Plan(rates: [0.003, 0.01, 0.03, 0.1, 0.3, 1, 3, 10, 30, 100, 1000],
                   formats: [FormatPlan(format: "fp32", seeds: (0..<5).map { s &+ $0 }, epochs: 30),
                             FormatPlan(format: "bf16", seeds: (0..<5).map { s &+ $0 }, epochs: 10),
                             FormatPlan(format: "fp16", seeds: (0..<5).map { s &+ $0 }, epochs: 10)],
                   data: .full, budgets: [1, 3, 10, 30], steps: 300)
    }

    /// How a rate went, over its seeds.
    enum Verdict: String {
        case best, behind, unstable, diverged
    }

    /// Every format with every rate and seed: format by format, rate by rate, seed by seed.
    public static func plannedRuns(_ context: ReportContext) -> [TrainingSpec] {
        let plan = Self.plan(context)
        var specs: [TrainingSpec] = []
        for format in plan.formats {
            for rate in plan.rates {
                for seed in format.seeds {
                    var spec = TrainingSpec(format: format.format, seed: seed, epochs: format.epochs,
                                            learningRate: rate, data: plan.data)
                    spec.configuration.recordedSteps = plan.steps
                    specs.append(spec)
                }
            }
        }
        return specs
    }

    public func make(_ context: ReportContext) throws -> ReportDocument {
        let plan = Self.plan(context)
        let specs = Self.plannedRuns(context)
        context.progress("\(Markdown.count(specs.count, "run")) of up to "
                         + Markdown.count(plan.formats.map(\.epochs).max() ?? 0, "epoch"))
        let results = try context.train(specs)
        // grid[f][k]: format f, rate k, one result per seed.
        var grid: [[[TrainingResult]]] = []
        var offset = 0
        for format in plan.formats {
            grid.append(plan.rates.map { _ in
                defer { offset += format.seeds.count }
                return Array(results[offset..<(offset + format.seeds.count)])
            })
        }
        let verdicts = grid.map { Self.verdicts($0) }

        var report = ReportWriter(name: Self.name, title: Self.title)
        let answer = answerText(plan: plan, grid: grid, verdicts: verdicts)
        let formatsText = plan.formats.map {
            "`--format \($0.format)` for \(Markdown.count($0.epochs, "epoch")) with `--seed` "
                + $0.seeds.map(String.init).joined(separator: ", ")
        }.joined(separator: "; ")
        report.provenance(context, data: ReportWriter.dataDescription(context, plan.data),
                          extra: ["Runs: `\(specs[0].command)` with `--lr` set to each rate, and \(formatsText) "
                                  + "(\(specs.count) runs)."], results: results)
        report.answer(answer)

        report.document.heading("The best rate for each budget")
        var budgetRows: [[String]] = []
        for (f, format) in plan.formats.enumerated() {
            for budget in plan.budgets where budget <= format.epochs {
                let best = Self.bestRates(grid[f], after: budget)
                let excluded = plan.rates.indices.filter { Self.isCandidate(grid[f][$0], after: budget) == false }
                budgetRows.append([format.format, Markdown.count(budget, "epoch"),
                                   best.map { TrainingSpec.number(plan.rates[$0]) }.joined(separator: ", "),
                                   best.map { Spread(values: Self.accuracies(grid[f][$0], after: budget)).percentInterval }
                                       .joined(separator: "; "),
                                   excluded.isEmpty ? "–" : excluded.map { TrainingSpec.number(plan.rates[$0]) }
                                       .joined(separator: ", ")])
            }
        }
        report.document.table(["format", "budget", "best rates (tied)", "their validation accuracy (95%)",
                               "not candidates (loss > ln 10 or ∞/NaN)"],
                              budgetRows, alignments: [.left, .right, .left, .left, .left])
        report.document.paragraph("""
            A budget of k epochs is read off each run after its k-th epoch: with a constant rate and each epoch's \
            shuffle drawn from (seed, epoch), the first k epochs of a longer run are exactly the run of k epochs. \
            Best rates: the rate with the highest mean validation accuracy, and every rate whose paired difference \
            to it over the seeds has a 95% t interval that includes 0 (one seed: whose accuracy lies within the 95% \
            binomial interval of the highest). Rates whose mean training loss in that epoch is above ln 10 — worse \
            than a uniform guess — or whose loss became infinite or NaN are not candidates, however their \
            accuracy reads.
            """)
        if let f = plan.formats.indices.max(by: { plan.formats[$0].epochs < plan.formats[$1].epochs }) {
            var budgetPlot = SVGPlot(title: "\(plan.formats[f].format): validation accuracy against the rate, per budget",
                                     xAxis: PlotAxis("learning rate", scale: .log10),
                                     yAxis: PlotAxis("validation accuracy (%)"))
            for budget in plan.budgets where budget <= plan.formats[f].epochs {
                let spreads = grid[f].map { Spread(values: Self.accuracies($0, after: budget)) }
                budgetPlot.series.append(PlotSeries("after \(Markdown.count(budget, "epoch"))", x: plan.rates,
                                                    y: spreads.map { ($0.mean ?? .nan) * 100 }, markers: true,
                                                    lower: spreads.map { ($0.meanInterval95?.lower ?? .nan) * 100 },
                                                    upper: spreads.map { ($0.meanInterval95?.upper ?? .nan) * 100 }))
            }
            budgetPlot.caption = "Mean over \(Markdown.count(plan.formats[f].seeds.count, "seed")), band: the 95% t "
                + "interval of the mean; runs that went non-finite by then are left out."
            report.figure("budgets", svg: budgetPlot.render(), alt: "validation accuracy against the rate per budget")
        }

        report.document.heading("The first steps")
        report.document.paragraph("""
            The mean loss of each of the first \(plan.steps) minibatches (256 images each), the mean over the seeds, \
            one plot per format: how fast each rate descends, and whether its steps overshoot — a loss that rises \
            above the uniform guess ln 10 after the first step.
            """)
        var stepRows: [[String]] = []
        let stepColumns = [1, 10, 100].filter { $0 < plan.steps }
        for (f, format) in plan.formats.enumerated() {
            var plot = SVGPlot(title: "\(format.format): loss of each of the first \(plan.steps) steps",
                               xAxis: PlotAxis("step"), yAxis: PlotAxis("minibatch loss (log scale)", scale: .log10))
            for (k, runs) in grid[f].enumerated() {
                let curve = Self.stepCurve(runs)
                plot.series.append(PlotSeries("lr \(TrainingSpec.number(plan.rates[k]))",
                                              x: curve.indices.map { Double($0 + 1) }, y: curve))
                let finite = curve.filter(\.isFinite)
                let above = curve.dropFirst().filter { !$0.isFinite || $0 > Foundation.log(10.0) }.count
                stepRows.append([format.format, TrainingSpec.number(plan.rates[k])]
                                + stepColumns.map { Markdown.fixed(Self.value(curve, $0), 4) } + [
                                 Markdown.fixed(curve.last, 4),
                                 Markdown.significant(finite.max(), 4),
                                 "\(above) of \(max(curve.count - 1, 0))"])
            }
            plot.referenceLines = [PlotReferenceLine(y: Foundation.log(10.0), label: "ln 10: a uniform guess")]
            plot.caption = "Mean over \(Markdown.count(format.seeds.count, "seed")) of each minibatch's mean loss, "
                + "\(format.format), batch 256; a line stops where a loss became infinite or NaN."
            report.figure("steps-\(format.format)", svg: plot.render(), alt: "\(format.format) loss of the first steps")
        }
        report.document.table(["format", "lr"] + stepColumns.map { "step \($0)" } + ["last step kept",
                               "largest", "steps above ln 10"], stepRows,
                              alignments: [.left] + Array(repeating: .right, count: stepColumns.count + 4))
        report.document.paragraph("Last step kept: step \(plan.steps), or the last step of a run that had fewer. "
                                  + "Largest: the highest mean loss of any of these steps. A “–” is a step the run "
                                  + "did not reach or a loss that was not finite.")

        report.document.heading("Training loss per epoch, one plot per format")
        for (f, format) in plan.formats.enumerated() {
            var plot = SVGPlot(title: "\(format.format): training loss for each learning rate", xAxis: PlotAxis("epoch"),
                               yAxis: PlotAxis("training loss (log scale)", scale: .log10))
            for (k, runs) in grid[f].enumerated() {
                let curve = EpochCurve(runs) { $0.trainLoss }
                plot.series.append(PlotSeries("lr \(TrainingSpec.number(plan.rates[k]))", x: curve.epochs,
                                              y: curve.mean, markers: curve.epochs.count < 4))
            }
            plot.referenceLines = [PlotReferenceLine(y: Foundation.log(10.0), label: "ln 10: a uniform guess")]
            plot.caption = "Mean training loss of each epoch, the mean over the seeds, \(format.format), batch 256. "
                + "A × on the top edge marks where a run's loss became infinite or NaN."
            report.figure("loss-\(format.format)", svg: plot.render(), alt: "\(format.format) training loss per learning rate")
        }

        var summary = SVGPlot(title: "Final validation accuracy against the learning rate",
                              xAxis: PlotAxis("learning rate", scale: .log10), yAxis: PlotAxis("validation accuracy (%)"))
        // An interval's ends cut to the accuracies that exist; a NaN (no interval) stays a gap.
        func clipped(_ percent: Double) -> Double { percent.isNaN ? percent : Swift.min(100, Swift.max(0, percent)) }
        for (f, format) in plan.formats.enumerated() {
            let spreads = grid[f].map { Spread(values: $0.map { $0.finalValidationAccuracy ?? .nan }) }
            summary.series.append(PlotSeries("\(format.format), \(Markdown.count(format.epochs, "epoch"))", x: plan.rates,
                                             y: spreads.map { ($0.mean ?? .nan) * 100 }, markers: true,
                                             lower: spreads.map { clipped(($0.meanInterval95?.lower ?? .nan) * 100) },
                                             upper: spreads.map { clipped(($0.meanInterval95?.upper ?? .nan) * 100) }))
        }
        summary.caption = "After each format's last epoch, the mean over its seeds with the 95% t interval, cut at "
            + "0% and 100% where the seeds spread that wide; a gap means the accuracy was not finite."
        report.figure("summary", svg: summary.render(), alt: "final validation accuracy against learning rate")

        report.document.heading("Every rate")
        var rows: [[String]] = []
        for (f, format) in plan.formats.enumerated() {
            for (k, runs) in grid[f].enumerated() {
                let nonFinite = runs.filter(\.wentNonFinite)
                let firstStep = nonFinite.compactMap { $0.firstNonFinite?.step }.min()
                rows.append([format.format, TrainingSpec.number(plan.rates[k]), String(runs.count),
                             Markdown.fixed(Spread(values: runs.map { $0.epochs.first?.trainLoss ?? .nan }).mean, 4),
                             Markdown.fixed(Spread(values: runs.map { $0.finalTrainLoss ?? .nan }).mean, 4),
                             Self.lossTrend(runs),
                             Markdown.fixed(Spread(values: runs.map { $0.epochs.last?.validationLoss ?? .nan }).mean, 4),
                             Spread(values: runs.map { $0.finalValidationAccuracy ?? .nan }).percentInterval,
                             Markdown.percent(Spread(values: runs.map { $0.testAccuracy ?? .nan }).mean, 2),
                             Markdown.percent(Spread(values: runs.map(\.swallowedShare)).mean, 2),
                             nonFinite.isEmpty ? "–" : "\(nonFinite.count) of \(runs.count), from step \(firstStep.map(String.init) ?? "?")",
                             verdicts[f][k].rawValue])
            }
        }
        report.document.table(["format", "lr", "seeds", "epoch 1 loss", "last loss", "last epoch's loss",
                               "last valid. loss", "last valid. acc (95%)", "test acc", "swallowed", "went ∞/NaN",
                               "verdict"], rows,
                              alignments: [.left] + Array(repeating: .right, count: 10) + [.left])
        report.document.paragraph("""
            Means over the seeds. Verdicts, from the numbers: **diverged** — a loss became infinite or NaN in at \
            least one seed; **unstable** — the last epoch's mean training loss is above ln 10, worse than guessing \
            uniformly; **best** — tied with the highest mean validation accuracy after the format's last epoch \
            (the rule above); **behind** — measurably below it. “Last epoch's loss”: whether the mean training \
            loss of the last epoch was below the one before (falling) in every seed, in none (not falling), or in \
            some. “Swallowed”: the share of weight updates that left the weight unchanged (lr·g below half an ulp \
            of the weight).
            """)
        return report.finish(answer: answer)
    }

    /// The seeds' validation accuracies after `epoch` epochs (NaN where a run has none, is not
    /// finite, or went non-finite by then).
    static func accuracies(_ runs: [TrainingResult], after epoch: Int) -> [Double] {
        runs.map { run in
            guard epoch >= 1, epoch <= run.epochs.count, let a = run.epochs[epoch - 1].validationAccuracy,
                  a.isFinite, !run.went(nonFiniteBy: epoch) else { return .nan }
            return a
        }
    }

    /// Whether a rate competes after `epoch` epochs: every seed finite and trained that far,
    /// and the mean training loss of that epoch at most ln 10.
    static func isCandidate(_ runs: [TrainingResult], after epoch: Int) -> Bool {
        guard !runs.isEmpty, !accuracies(runs, after: epoch).contains(where: { !$0.isFinite }) else { return false }
        let loss = Spread(values: runs.map { $0.epochs[epoch - 1].trainLoss }).mean ?? .infinity
        return loss <= Foundation.log(10.0)
    }

    /// The indices of the rates tied for best after `epoch` epochs (see the type's rule).
    static func bestRates(_ grid: [[TrainingResult]], after epoch: Int) -> [Int] {
        let (candidates, means) = ranking(grid, after: epoch)
        guard let top = candidates.max(by: { means[$0] < means[$1] }) else { return [] }
        let topAccuracies = accuracies(grid[top], after: epoch)
        if grid[top].count < 2 {
            let half = Spread.binomialHalfWidth95(means[top], images: grid[top].first?.validationCount ?? 0)
            return candidates.filter { means[$0] >= means[top] - half }
        }
        return candidates.filter { k in
            k == top || (Spread.paired(topAccuracies, accuracies(grid[k], after: epoch)).map { $0.lower <= 0 } ?? false)
        }
    }

    /// The candidate rate with the highest mean validation accuracy after `epoch` epochs.
    static func topRate(_ grid: [[TrainingResult]], after epoch: Int) -> Int? {
        let (candidates, means) = ranking(grid, after: epoch)
        return candidates.max { means[$0] < means[$1] }
    }

    /// The candidate rates after `epoch` epochs and every rate's mean validation accuracy
    /// (−1 where it has none).
    static func ranking(_ grid: [[TrainingResult]], after epoch: Int) -> (candidates: [Int], means: [Double]) {
        (grid.indices.filter { isCandidate(grid[$0], after: epoch) },
         grid.map { Spread(values: accuracies($0, after: epoch)).mean ?? -1 })
    }

    /// "falling" when the last epoch's mean training loss is below the one before in every
    /// run, "not falling" in none, "falling in k of n" otherwise.
    static func lossTrend(_ runs: [TrainingResult]) -> String {
        let trends: [Bool] = runs.compactMap { run in
            guard run.epochs.count >= 2 else { return nil }
            let last = run.epochs[run.epochs.count - 1].trainLoss, before = run.epochs[run.epochs.count - 2].trainLoss
            guard last.isFinite, before.isFinite else { return nil }
            return last < before
        }
        guard trends.count == runs.count, !trends.isEmpty else { return "–" }
        let falling = trends.filter { $0 }.count
        return falling == trends.count ? "falling" : falling == 0 ? "not falling" : "falling in \(falling) of \(trends.count)"
    }

    static func verdicts(_ grid: [[TrainingResult]]) -> [Verdict] {
        let epochs = grid.flatMap { $0.map(\.epochs.count) }.max() ?? 0
        let best = Set(bestRates(grid, after: epochs))
        return grid.enumerated().map { k, runs in
            if runs.contains(where: { $0.wentNonFinite || !($0.finalTrainLoss?.isFinite ?? false) }) { return .diverged }
            if let loss = Spread(values: runs.map { $0.finalTrainLoss ?? .nan }).mean, loss > Foundation.log(10.0) {
                return .unstable
            }
            return best.contains(k) ? .best : .behind
        }
    }

    /// The mean over the runs of each recorded step's loss, up to the fewest steps any run
    /// kept; NaN from the first step a run's loss was not finite.
    static func stepCurve(_ runs: [TrainingResult]) -> [Double] {
        let count = runs.map(\.stepLosses.count).min() ?? 0
        return (0..<count).map { i in
            let values = runs.map { $0.stepLosses[i] }
            return values.allSatisfy(\.isFinite) ? values.reduce(0, +) / Double(values.count) : .nan
        }
    }

    /// The `step`-th value (1-based) of a curve, nil past its end.
    static func value(_ curve: [Double], _ step: Int) -> Double? {
        step >= 1 && step <= curve.count ? curve[step - 1] : nil
    }

    func answerText(plan: Plan, grid: [[[TrainingResult]]], verdicts: [[Verdict]]) -> String {
        var parts: [String] = []
        var bestSets: [String: Set<Double>] = [:]
        // The formats are compared after the epochs they all ran.
        let common = plan.formats.map(\.epochs).min() ?? 1
        func rates(_ indices: [Int]) -> String { indices.map { TrainingSpec.number(plan.rates[$0]) }.joined(separator: ", ") }
        for (f, format) in plan.formats.enumerated() {
            let runs = grid[f], epochs = format.epochs
            let best = Self.bestRates(runs, after: epochs)
            let means = runs.map { Spread(values: Self.accuracies($0, after: epochs)).mean ?? -1 }
            guard let top = best.max(by: { means[$0] < means[$1] }) else {
                parts.append("In \(format.format) no rate trained to a finite accuracy.")
                continue
            }
            bestSets[format.format] = Set(Self.bestRates(runs, after: common).map { plan.rates[$0] })
            let seeds = Markdown.count(format.seeds.count, "seed")
            var s = "In \(format.format) (\(seeds)), after \(Markdown.count(epochs, "epoch")), "
            let accuracy = { (k: Int) in Spread(values: Self.accuracies(runs[k], after: epochs)).percentInterval }
            s += best.count == 1
                ? "the best rate is \(rates(best)) (\(accuracy(top)) validation accuracy; every other rate measurably below)"
                : "rates \(rates(best)) tie for best (" + best.map(accuracy).joined(separator: "; ")
                    + " validation accuracy: no measurable difference)"
            let behind = verdicts[f].indices.filter { verdicts[f][$0] == .behind }
            let low = behind.filter { plan.rates[$0] < plan.rates[top] }
            if !low.isEmpty {
                s += "; smaller rates fall behind (lr \(rates(low)): "
                    + low.map { Spread.pairedText(Self.accuracies(runs[$0], after: epochs),
                                                  Self.accuracies(runs[top], after: epochs)).text }
                        .joined(separator: ", ")
                    + ", the last epoch's loss " + low.map { Self.lossTrend(runs[$0]) }.joined(separator: ", ")
                    + ", with " + low.map { Markdown.percent(Spread(values: runs[$0].map(\.swallowedShare)).mean, 0) }
                        .joined(separator: ", ")
                    + " of updates swallowed)"
            }
            let high = behind.filter { plan.rates[$0] > plan.rates[top] }
            if !high.isEmpty {
                s += "; larger rates fall behind (lr \(rates(high)): "
                    + high.map { Spread.pairedText(Self.accuracies(runs[$0], after: epochs),
                                                   Self.accuracies(runs[top], after: epochs)).text }
                        .joined(separator: ", ") + ")"
            }
            let unstable = verdicts[f].indices.filter { verdicts[f][$0] == .unstable }
            if !unstable.isEmpty {
                s += "; the loss ends above ln 10 at lr " + unstable.map { k in
                    "\(TrainingSpec.number(plan.rates[k])) (\(Markdown.fixed(Spread(values: runs[k].map { $0.finalTrainLoss ?? .nan }).mean, 2)))"
                }.joined(separator: ", ")
            }
            if let first = verdicts[f].firstIndex(of: .diverged) {
                let failed = runs[first].filter(\.wentNonFinite)
                s += "; it diverges (a loss becomes ∞ or NaN) from lr \(TrainingSpec.number(plan.rates[first])), in "
                    + "\(failed.count) of \(runs[first].count) seeds"
                    + (failed.compactMap { $0.firstNonFinite?.step }.min().map { ", first at step \($0)" } ?? "")
                if first > 0 { s += " (lr \(TrainingSpec.number(plan.rates[first - 1])) stays finite)" }
            } else if let last = plan.rates.last {
                s += "; no rate up to \(TrainingSpec.number(last)) diverges"
            }
            let budgets = plan.budgets.filter { $0 < epochs }
            if let shortest = budgets.first {
                s += ". The best rates by budget: " + (budgets + [epochs]).map {
                    "\(rates(Self.bestRates(runs, after: $0))) after \(Markdown.count($0, "epoch"))"
                }.joined(separator: ", ")
                let early = Set(Self.bestRates(runs, after: shortest)), late = Set(Self.bestRates(runs, after: epochs))
                if let a = Self.topRate(runs, after: shortest), let b = Self.topRate(runs, after: epochs) {
                    s += early.isDisjoint(with: late)
                        ? "; the best rate moves with the budget: the highest mean is at lr \(TrainingSpec.number(plan.rates[a])) "
                            + "after \(Markdown.count(shortest, "epoch")) and at lr \(TrainingSpec.number(plan.rates[b])) "
                            + "after \(Markdown.count(epochs, "epoch")), with no tie between the two budgets"
                        : "; the budgets share a best rate (the highest mean is at lr \(TrainingSpec.number(plan.rates[a])) "
                            + "after \(Markdown.count(shortest, "epoch")) and at lr \(TrainingSpec.number(plan.rates[b])) "
                            + "after \(Markdown.count(epochs, "epoch")))"
                }
            }
            parts.append(s + ".")
        }
        if let reference = bestSets[plan.formats[0].format] {
            let others = plan.formats.dropFirst().compactMap { f in bestSets[f.format].map { (f.format, $0) } }
            let shared = others.reduce(reference) { $0.intersection($1.1) }
            parts.append(shared.isEmpty
                ? "After \(Markdown.count(common, "epoch")) the formats share no best rate: " + ([(plan.formats[0].format, reference)] + others).map {
                    "\($0.0) \($0.1.sorted().map(TrainingSpec.number).joined(separator: ", "))"
                }.joined(separator: "; ") + "."
                : "After \(Markdown.count(common, "epoch")) every format is at its best (tied) at lr "
                    + shared.sorted().map(TrainingSpec.number).joined(separator: ", ")
                    + "; the best rate does not measurably move with the format.")
        }
        return parts.joined(separator: " ")
    }
}
