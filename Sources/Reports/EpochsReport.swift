import DataFiles
import Experiments
import Foundation
import SoftFloat
import Training

/// Exercise 3: train for many epochs. Does validation accuracy keep rising, or fall after
/// a while; why; and what do the usual fixes change?
///
/// Trains softmax regression for 50 epochs in fp32 over several seeds, and in 16-bit
/// formats, with a held-out validation split. The mechanism is measured, not assumed: the
/// validation accuracy and loss at fixed epochs (paired over seeds), the gap between
/// training and validation accuracy, and the epoch-to-epoch noise of a constant rate, with
/// and without shuffling. Each fix (early stopping, weight decay, a decayed rate, a larger
/// batch) is run with the same seeds and judged by its paired 95% interval against the
/// constant-rate run.
public struct EpochsReport: LabReport {
    public static let name = "epochs"
    public static let title = "Exercise 3: many epochs — overfitting or noise, and the fixes measured"
    public static let needsData = true

    public init() {}

    /// One fp32 configuration that differs from the seed's run in one setting.
    struct Variant {
        var name: String
        /// What it changes, for the tables.
        var change: String
        var apply: (inout TrainingConfiguration) -> Void
        /// A fix judged against the constant rate (the rest are the mechanism's controls).
        var isFix = true
    }

    struct Plan {
        var epochs: Int
        /// The seeds of every fp32 configuration.
        var seeds: [UInt64]
        /// The other formats and their seeds.
        var formats: [String]
        var formatSeeds: [UInt64]
        var patience: Int
        var weightDecays: [Double]
        var largeBatch: Int
        var data: DataBudget
        /// The epochs the tables compare at (fixed in advance, so no epoch is chosen by the data).
        var checkpoints: [Int]

        var variants: [Variant] {
            var list = [Variant(name: "constant rate", change: "the seed's run: lr 0.1 every epoch",
                                apply: { _ in }, isFix: false),
                        Variant(name: "no shuffling", change: "the same order of images every epoch",
                                apply: { $0.shuffles = false }, isFix: false),
                        Variant(name: "early stopping", change: "patience \(patience) on the validation loss",
                                apply: { [patience] in $0.patience = patience })]
            for decay in weightDecays {
                list.append(Variant(name: "weight decay \(TrainingSpec.number(decay))",
                                    change: "λ = \(TrainingSpec.number(decay)) on the weights",
                                    apply: { $0.weightDecay = decay }))
            }
            list.append(Variant(name: "step decay", change: "lr/10 after half the epochs, lr/100 after three quarters",
                                apply: { $0.schedule = .step }))
            list.append(Variant(name: "cosine decay", change: "lr (1 + cos(π(e−1)/E)) / 2 in epoch e",
                                apply: { $0.schedule = .cosine }))
            list.append(Variant(name: "batch \(largeBatch)", change: "\(largeBatch) images a step, lr 0.1",
                                apply: { [largeBatch] in $0.batchSize = largeBatch }))
            return list
        }
    }

    static func plan(_ context: ReportContext) -> Plan {
        let s = context.seed
        return context.quick
            ? Plan(epochs: 4, seeds: [s, s &+ 1], formats: ["bf16"], formatSeeds: [s], patience: 1,
                   weightDecays: [1e-3], largeBatch: 512, data: .quick, checkpoints: [1, 2, 4])
            : Plan(epochs: 50, seeds: (0..<5).map { s &+ $0 }, formats: ["bf16", "fp16"], formatSeeds: (0..<5).map { s &+ $0 },
                   patience: 5, weightDecays: [1e-4, 1e-3], largeBatch: 1024, data: .full, checkpoints: [10, 25, 50])
    }

    /// Every fp32 variant over the seeds, variant by variant; then each other format over its seeds.
    public static func plannedRuns(_ context: ReportContext) -> [TrainingSpec] {
        let plan = Self.plan(context)
        var specs: [TrainingSpec] = []
        for variant in plan.variants {
            for seed in plan.seeds {
                var spec = TrainingSpec(format: "fp32", seed: seed, epochs: plan.epochs, data: plan.data)
                variant.apply(&spec.configuration)
                specs.append(spec)
            }
        }
        for format in plan.formats {
            for seed in plan.formatSeeds {
                specs.append(TrainingSpec(format: format, seed: seed, epochs: plan.epochs, data: plan.data))
            }
        }
        return specs
    }

    public func make(_ context: ReportContext) throws -> ReportDocument {
        let plan = Self.plan(context)
        let specs = Self.plannedRuns(context)
        context.progress("\(Markdown.count(specs.count, "run")) of up to \(Markdown.count(plan.epochs, "epoch"))")
        let results = try context.train(specs)
        let variants = plan.variants
        let n = plan.seeds.count
        let byVariant = variants.indices.map { Array(results[($0 * n)..<(($0 + 1) * n)]) }
        let offset = variants.count * n, m = plan.formatSeeds.count
        let byFormat = plan.formats.indices.map { Array(results[(offset + $0 * m)..<(offset + ($0 + 1) * m)]) }
        let constant = byVariant[0]

        var report = ReportWriter(name: Self.name, title: Self.title)
        let answer = answerText(plan: plan, byVariant: byVariant, byFormat: byFormat)
        let runsLine = "Runs: `\(specs[0].command)` with `--seed` \(plan.seeds.map(String.init).joined(separator: ", ")), "
            + "and the same with each change of the table of fixes (`--no-shuffle`, `--patience \(plan.patience)`, "
            + plan.weightDecays.map { "`--weight-decay \(TrainingSpec.number($0))`" }.joined(separator: ", ")
            + ", `--lr-schedule step`, `--lr-schedule cosine`, `--batch \(plan.largeBatch)`); "
            + plan.formats.map { "`--format \($0)`" }.joined(separator: " and ")
            + " with `--seed` \(plan.formatSeeds.map(String.init).joined(separator: ", ")) (\(specs.count) runs)."
        report.provenance(context, data: ReportWriter.dataDescription(context, plan.data), extra: [runsLine],
                          results: results)
        report.answer(answer)

        report.document.heading("Loss and accuracy per epoch")
        report.document.paragraph("Softmax regression, minibatch SGD with batch 256 and learning rate 0.1, "
                                  + "\(plan.epochs) epochs, every operation rounded to the format. Training figures "
                                  + "are averages over each epoch's minibatches as they were trained; validation "
                                  + "figures come from a full pass over the held-out images after each epoch. "
                                  + "Lines are means over the seeds; shaded bands, the 95% t interval of the mean.")
        let groups: [(String, [TrainingResult])] = [("fp32", constant)] + zip(plan.formats, byFormat).map { ($0, $1) }
        var lossPlot = SVGPlot(title: "Loss per epoch", xAxis: PlotAxis("epoch"), yAxis: PlotAxis("cross-entropy loss"))
        var accuracyPlot = SVGPlot(title: "Accuracy per epoch", xAxis: PlotAxis("epoch"), yAxis: PlotAxis("accuracy (%)"))
        for (k, (format, runs)) in groups.enumerated() {
            let color = PlotPalette.color(k)
            lossPlot.series.append(EpochCurve(runs) { $0.trainLoss }.series("\(format) train", color: color))
            lossPlot.series.append(EpochCurve(runs) { $0.validationLoss }.series("\(format) validation", color: color,
                                                                                  dashed: true))
            accuracyPlot.series.append(EpochCurve(runs, scale: 100) { $0.trainAccuracy }.series("\(format) train",
                                                                                                 color: color))
            accuracyPlot.series.append(EpochCurve(runs, scale: 100) { $0.validationAccuracy }
                .series("\(format) validation", color: color, dashed: true))
        }
        let seedsText = "fp32 over seeds \(plan.seeds.map(String.init).joined(separator: ", "))"
            + (plan.formats.isEmpty ? "" : ", the others over \(plan.formatSeeds.map(String.init).joined(separator: ", "))")
        lossPlot.caption = "Solid: training loss (mean over the epoch's minibatches); dashed: validation loss; "
            + seedsText + "."
        accuracyPlot.caption = "Solid: training accuracy; dashed: validation accuracy on the held-out images; "
            + seedsText + "."
        report.figure("loss", svg: lossPlot.render(), alt: "training and validation loss per epoch")
        report.figure("accuracy", svg: accuracyPlot.render(), alt: "training and validation accuracy per epoch")

        var differencePlot = SVGPlot(title: "Validation accuracy minus fp32's, per epoch", xAxis: PlotAxis("epoch"),
                                     yAxis: PlotAxis("difference (points)"))
        let fp32Curve = EpochCurve(constant, scale: 100) { $0.validationAccuracy }
        for (k, (format, runs)) in groups.enumerated().dropFirst() {
            let curve = EpochCurve(runs, scale: 100) { $0.validationAccuracy }
            let count = min(curve.mean.count, fp32Curve.mean.count)
            differencePlot.series.append(PlotSeries(format, x: Array(curve.epochs.prefix(count)),
                                                    y: (0..<count).map { curve.mean[$0] - fp32Curve.mean[$0] },
                                                    color: PlotPalette.color(k)))
        }
        differencePlot.referenceLines = [PlotReferenceLine(y: 0, label: "fp32")]
        differencePlot.caption = "Where the curves above lie on each other: each format's mean validation accuracy "
            + "minus fp32's at the same epoch, in percentage points."
        report.figure("accuracy-difference", svg: differencePlot.render(), alt: "validation accuracy minus fp32's")

        report.document.heading("Overfitting, measured at fixed epochs")
        report.document.paragraph("""
            The peak of a noisy curve lies above its end by selection alone, so the comparison is made at epochs \
            fixed in advance (\(plan.checkpoints.map(String.init).joined(separator: ", "))): the mean over the \
            seeds with its 95% t interval, and the change between two epochs seed by seed (paired: each seed has \
            its own validation split and initial weights). A change is “measurable” when its interval excludes 0.
            """)
        report.document.table(checkpointHeader(plan), groups.map { checkpointRow($0.0, $0.1, plan) },
                              alignments: [.left] + Array(repeating: .right, count: checkpointHeader(plan).count - 1))
        report.document.paragraph("""
            Gap: training accuracy (the mean over the epoch's minibatches) minus validation accuracy. \
            Epoch noise: the standard deviation of the change in validation accuracy from one epoch to the next \
            over the last quarter of the epochs, the mean over the seeds. Swallowed: weight updates lr·g ≠ 0 \
            that left the weight unchanged, as a share of all parameter updates.
            """)

        report.document.heading("The mechanism and the fixes")
        report.document.paragraph("""
            Every configuration below is fp32 with the seeds \(plan.seeds.map(String.init).joined(separator: ", ")) \
            and differs from the seed's run (constant rate 0.1, batch 256, shuffled every epoch) in one setting. \
            The difference to the constant rate is paired over the seeds, with its 95% t interval; \
            “better” or “worse” only where that interval excludes 0.
            """)
        let constantTest = constant.map { $0.testAccuracy ?? .nan }
        var fixRows: [[String]] = []
        for (variant, runs) in zip(variants, byVariant) {
            let test = runs.map { $0.testAccuracy ?? .nan }
            let difference = Spread.pairedText(test, constantTest)
            let verdict = variant.name == variants[0].name ? "–" : Self.verdict(difference.differs, difference.text)
            fixRows.append([variant.name, variant.change, Spread(values: test).percentInterval,
                            variant.name == variants[0].name ? "–" : difference.text, verdict,
                            Self.meanText(runs.map { Self.gap($0, at: plan.epochs) }, percent: true),
                            Self.meanText(runs.map { Self.epochNoise($0) }, percent: true),
                            Self.meanText(runs.map { $0.epochs.last?.validationLoss }, percent: false),
                            Markdown.fixed(Spread(values: runs.map { Double($0.totalSteps) }).mean, 0)])
        }
        report.document.table(["configuration", "change", "test acc (95%)", "vs constant rate (paired)", "verdict",
                               "gap, last epoch", "epoch noise", "last valid. loss", "steps"], fixRows,
                              alignments: [.left, .left, .right, .right, .left, .right, .right, .right, .right])
        report.document.paragraph("""
            Early stopping keeps the parameters of the epoch with the lowest validation loss and tests those. \
            The test accuracy is on the 10,000 test images; the gap, the noise and the validation loss are \
            defined as in the table above, at the last epoch trained.
            """)

        var fixPlot = SVGPlot(title: "fp32 validation accuracy: the constant rate and the fixes", xAxis: PlotAxis("epoch"),
                              yAxis: PlotAxis("validation accuracy (%)"))
        for (k, (variant, runs)) in zip(variants, byVariant).enumerated() where variant.name != "early stopping" {
            fixPlot.series.append(EpochCurve(runs, scale: 100) { $0.validationAccuracy }
                .series(variant.name, band: k == 0))
        }
        fixPlot.caption = "Means over the seeds; the band is the constant rate's 95% t interval. Early stopping "
            + "follows the constant rate until it stops, so it is not drawn."
        report.figure("fixes", svg: fixPlot.render(), alt: "validation accuracy per epoch for each fix")
        var gapPlot = SVGPlot(title: "fp32 training minus validation accuracy", xAxis: PlotAxis("epoch"),
                              yAxis: PlotAxis("gap (points)"))
        for (k, (variant, runs)) in zip(variants, byVariant).enumerated() where variant.name != "early stopping" {
            gapPlot.series.append(EpochCurve(runs, scale: 100) { r in
                r.validationAccuracy.map { r.trainAccuracy - $0 }
            }.series(variant.name, band: k == 0))
        }
        gapPlot.referenceLines = [PlotReferenceLine(y: 0, label: "no gap")]
        gapPlot.caption = "Training accuracy (mean over each epoch's minibatches) minus validation accuracy, means "
            + "over the seeds; the band is the constant rate's 95% t interval."
        report.figure("gap", svg: gapPlot.render(), alt: "gap between training and validation accuracy per epoch")
        return report.finish(answer: answer)
    }

    func checkpointHeader(_ plan: Plan) -> [String] {
        let first = plan.checkpoints.first ?? 1, last = plan.checkpoints.last ?? plan.epochs
        return ["format", "seeds"] + plan.checkpoints.map { "valid. acc, epoch \($0)" }
            + ["change \(first)→\(last)", "valid. loss, epoch \(first)", "epoch \(last)", "change (loss)",
               "gap, epoch \(first)", "gap, epoch \(last)", "epoch noise", "train acc change \(plan.checkpoints.dropLast().last ?? first)→\(last)",
               "swallowed"]
    }

    func checkpointRow(_ format: String, _ runs: [TrainingResult], _ plan: Plan) -> [String] {
        let first = plan.checkpoints.first ?? 1, last = plan.checkpoints.last ?? plan.epochs
        let middle = plan.checkpoints.dropLast().last ?? first
        func accuracies(_ e: Int) -> [Double] { runs.map { Self.value($0, e) { $0.validationAccuracy } } }
        func losses(_ e: Int) -> [Double] { runs.map { Self.value($0, e) { $0.validationLoss } } }
        func train(_ e: Int) -> [Double] { runs.map { Self.value($0, e) { $0.trainAccuracy } } }
        let lossChange = Spread.paired(losses(last), losses(first))
        return [format, String(runs.count)] + plan.checkpoints.map { Spread(values: accuracies($0)).percentInterval }
            + [Spread.pairedText(accuracies(last), accuracies(first)).text,
               Markdown.fixed(Spread(values: losses(first)).mean, 4), Markdown.fixed(Spread(values: losses(last)).mean, 4),
               lossChange.map { Self.signed($0.mean, 4) + " (" + Self.signed($0.lower, 4) + " to "
                   + Self.signed($0.upper, 4) + ")" } ?? "–",
               Self.meanText(runs.map { Self.gap($0, at: first) }, percent: true),
               Self.meanText(runs.map { Self.gap($0, at: last) }, percent: true),
               Self.meanText(runs.map { Self.epochNoise($0) }, percent: true),
               Spread.pairedText(train(last), train(middle)).text,
               Markdown.percent(Spread(values: runs.map(\.swallowedShare)).mean, 1)]
    }

    /// "better", "worse" or "no measurable difference" from a paired comparison.
    static func verdict(_ differs: Bool?, _ text: String) -> String {
        guard let differs else { return "–" }
        return differs ? (text.hasPrefix("+") ? "better" : "worse") : "no measurable difference"
    }

    /// A figure of epoch `epoch` (1-based), NaN where the run has none.
    static func value(_ r: TrainingResult, _ epoch: Int, _ f: (EpochRecord) -> Double?) -> Double {
        epoch >= 1 && epoch <= r.epochs.count ? f(r.epochs[epoch - 1]) ?? .nan : .nan
    }

    /// Training minus validation accuracy at `epoch` (the last epoch trained when the run stopped before).
    static func gap(_ r: TrainingResult, at epoch: Int) -> Double? {
        guard let record = r.epochs.count >= epoch ? r.epochs[epoch - 1] : r.epochs.last,
              let v = record.validationAccuracy else { return nil }
        return record.trainAccuracy - v
    }

    /// "1.23 ± 0.10" (points, for fractions) or "0.4242 ± 0.0010": the mean over the runs and
    /// the half-width of its 95% t interval.
    static func meanText(_ values: [Double?], percent: Bool) -> String {
        let spread = Spread(values: values.map { $0 ?? .nan })
        guard let m = spread.mean else { return "–" }
        let scale = percent ? 100.0 : 1, decimals = percent ? 2 : 4
        let half = spread.halfWidth95
        return Spread.minus(Markdown.fixed(m * scale, decimals))
            + (half > 0 ? " ± " + Markdown.fixed(half * scale, decimals) : "")
    }

    /// A signed number with `decimals` decimals and a true minus sign.
    static func signed(_ x: Double, _ decimals: Int) -> String {
        let text = Markdown.fixed(abs(x), decimals)
        return (x < 0 && text != Markdown.fixed(0, decimals) ? "−" : "+") + text
    }

    func answerText(plan: Plan, byVariant: [[TrainingResult]], byFormat: [[TrainingResult]]) -> String {
        let constant = byVariant[0], variants = plan.variants
        let first = plan.checkpoints.first ?? 1, last = plan.checkpoints.last ?? plan.epochs
        func accuracies(_ runs: [TrainingResult], _ e: Int) -> [Double] {
            runs.map { Self.value($0, e) { $0.validationAccuracy } }
        }
        func losses(_ runs: [TrainingResult], _ e: Int) -> [Double] { runs.map { Self.value($0, e) { $0.validationLoss } } }
        var parts: [String] = []

        let change = Spread.pairedText(accuracies(constant, last), accuracies(constant, first))
        let lossChange = Spread.paired(losses(constant, last), losses(constant, first))
        var s = "In fp32 (\(constant.count) seeds, constant rate 0.1) the validation accuracy is "
            + "\(Spread(values: accuracies(constant, first)).percentInterval) after epoch \(first) and "
            + "\(Spread(values: accuracies(constant, last)).percentInterval) after epoch \(last): a change of \(change.text), "
            + (change.differs == true ? (change.text.hasPrefix("+") ? "a measurable rise" : "a measurable fall")
                : "no measurable change")
        if let lossChange {
            let differs = lossChange.lower > 0 || lossChange.upper < 0
            s += "; the validation loss changes by \(Self.signed(lossChange.mean, 4)) (95% interval "
                + "\(Self.signed(lossChange.lower, 4)) to \(Self.signed(lossChange.upper, 4)))"
                + (differs ? (lossChange.mean > 0 ? ", a measurable rise" : ", a measurable fall") : ", no measurable change")
        }
        let gapFirst = constant.map { Self.gap($0, at: first) }, gapLast = constant.map { Self.gap($0, at: last) }
        let gapChange = Spread.pairedText(gapLast.map { $0 ?? .nan }, gapFirst.map { $0 ?? .nan })
        s += ". The gap between training and validation accuracy goes from \(Self.meanText(gapFirst, percent: true)) "
            + "points (epoch \(first)) to \(Self.meanText(gapLast, percent: true)) (epoch \(last)), a change of "
            + gapChange.text + (gapChange.differs == true ? "" : ", no measurable change")
        let noise = Spread(values: constant.map { Self.epochNoise($0) ?? .nan }).mean
        if let noise {
            s += "; from one epoch to the next the validation accuracy moves by "
                + "\(Markdown.fixed(noise * 100, 2)) points (standard deviation over the last quarter)"
        }
        parts.append(s + ".")
        if change.differs != true || change.text.hasPrefix("+"), let lossChange, lossChange.upper < 0, let noise {
            var why = "So in \(Markdown.count(last, "epoch")) there is no overfitting to measure: validation accuracy "
                + "does not fall and validation loss still falls. What one seed's curve shows as a fall after its peak "
                + "is the epoch-to-epoch noise of SGD at a constant rate (\(Markdown.fixed(noise * 100, 2)) points)"
            if let cosine = variants.firstIndex(where: { $0.name == "cosine decay" }),
               let calm = Spread(values: byVariant[cosine].map { Self.epochNoise($0) ?? .nan }).mean {
                why += ", which a decayed rate removes (\(Markdown.fixed(calm * 100, 2)) points with cosine decay)"
            }
            parts.append(why + ".")
        }

        let constantTest = constant.map { $0.testAccuracy ?? .nan }
        var better: [String] = [], worse: [String] = [], same: [String] = []
        for (variant, runs) in zip(variants, byVariant).dropFirst() {
            let d = Spread.pairedText(runs.map { $0.testAccuracy ?? .nan }, constantTest)
            let item = "\(variant.name) \(d.text)"
            switch Self.verdict(d.differs, d.text) {
            case "better": better.append(item)
            case "worse": worse.append(item)
            default: same.append(item)
            }
        }
        var fixes = "Against the constant rate's test accuracy \(Spread(values: constantTest).percentInterval), "
            + "paired over the same seeds: "
        var clauses: [String] = []
        if !better.isEmpty { clauses.append("better — " + better.joined(separator: "; ")) }
        if !worse.isEmpty { clauses.append("worse — " + worse.joined(separator: "; ")) }
        if !same.isEmpty { clauses.append("no measurable difference — " + same.joined(separator: "; ")) }
        fixes += clauses.joined(separator: "; ") + "."
        let comparisons = variants.count - 1
        fixes += " (\(comparisons) comparisons at 95% each: about one in twenty clears its interval by chance, so a "
            + "single narrow \u{201C}better\u{201D} or \u{201C}worse\u{201D} is weak evidence.)"
        parts.append(fixes)

        var others: [String] = []
        for (format, runs) in zip(plan.formats, byFormat) {
            let d = Spread.pairedText(accuracies(runs, last), accuracies(runs, first))
            let middle = plan.checkpoints.dropLast().last ?? first
            let train = Spread.pairedText(runs.map { Self.value($0, last) { $0.trainAccuracy } },
                                          runs.map { Self.value($0, middle) { $0.trainAccuracy } })
            let swallowed = Spread(values: runs.map(\.swallowedShare)).mean ?? .nan
            var t = "\(format) (\(runs.count) seed\(runs.count == 1 ? "" : "s")): validation accuracy "
                + "\(Spread(values: accuracies(runs, last)).percentInterval) after epoch \(last), a change of \(d.text) "
                + "since epoch \(first); its training accuracy changes by \(train.text) from epoch \(middle) to \(last), "
                + "with \(Markdown.percent(swallowed, 1)) of its updates swallowed"
            if train.differs != true && swallowed >= 0.2 {
                t += " — it no longer learns the training set either: a plateau of swallowed updates, not overfitting"
            }
            others.append(t)
        }
        if !others.isEmpty { parts.append(others.joined(separator: "; ") + ".") }
        return parts.joined(separator: " ")
    }

    /// The standard deviation of the changes of validation accuracy between neighbouring
    /// epochs over the last quarter of the run (nil with fewer than 4 epochs).
    static func epochNoise(_ r: TrainingResult) -> Double? {
        let v = r.epochs.compactMap(\.validationAccuracy)
        guard v.count >= 4 else { return nil }
        let tail = Array(v[(3 * v.count / 4 - 1)...])
        let changes = zip(tail.dropFirst(), tail).map { $0 - $1 }
        return Spread(values: changes).standardDeviation
    }
}
