import DataFiles
import Experiments
import Foundation
import SoftFloat
import Training
import TrainingArithmetic

/// The seed's point about numerical stability: cross-entropy computed naively (softmax,
/// then log) against the fused log-sum-exp form, in each format — where the naive one
/// first gives inf or NaN, on synthetic logits and in training.
public struct SoftmaxStabilityReport: LabReport {
    public static let name = "softmax-stability"
    public static let title = "Softmax then log, or log-sum-exp: where the naive loss first fails, per format"
    public static let needsData = false

    public init() {}

    /// Logits that push one side of the computation to the edge of the format's range.
    struct Scenario: Sendable {
        var name: String
        /// The logits for a magnitude t, and the label.
        var logits: @Sendable (Double) -> [Double]
        var label: Int
        /// The exact loss for t, as a formula's name.
        var exactLoss: String
    }

    static let scenarios: [Scenario] = [
        Scenario(name: "one logit t, nine 0; label: the large one", logits: { t in [t] + Array(repeating: 0, count: 9) },
                 label: 0, exactLoss: "log(1 + 9e^−t) ≈ 0"),
        Scenario(name: "one logit t, nine 0; label: another class", logits: { t in [t] + Array(repeating: 0, count: 9) },
                 label: 1, exactLoss: "t + log(1 + 9e^−t) ≈ t"),
        Scenario(name: "all ten logits −t", logits: { t in Array(repeating: -t, count: 10) },
                 label: 0, exactLoss: "ln 10"),
        Scenario(name: "one logit 0, nine −t; label: one of the −t", logits: { t in [0] + Array(repeating: -t, count: 9) },
                 label: 1, exactLoss: "t + log(1 + 9e^−t) ≈ t"),
    ]

    static let formats: [FloatFormat] = [.fp64, .fp32, .tf32, .bf16, .fp16, .fp8E5M2, .fp8E4M3]

    /// The first failure of the naive loss for one format and scenario.
    struct Failure {
        /// The least t at which the naive loss is not finite (nil: never, up to the largest value).
        var t: Double?
        var previous: Double?
        /// `t` and `previous` in the format's shortest decimal.
        var tText = "", previousText = ""
        var naiveBefore: Double?
        var naiveAt: Double?
        var fusedAt: Double?
        var reason: String?
        /// Whether the fused loss was finite at every t probed (the failure point and the largest value).
        var fusedFinite: Bool
    }

    static func loss(_ a: SoftArithmetic, _ kind: LossFunction, logits: [Double], label: Int) -> (Double, String?) {
        let model = SoftmaxRegression(inputs: 1, classes: logits.count)
        var env = FloatEnvironment()
        let z = logits.map { a.fromDouble($0, &env) }
        var p = [UInt64](repeating: 0, count: logits.count)
        var events = NumericalEvents()
        let start = FloatEnvironment()
        var work = start
        let l = z.withUnsafeBufferPointer { zp in
            p.withUnsafeMutableBufferPointer { pp in
                model.crossEntropy(a, kind, logits: zp.baseAddress!, label: label, probabilities: pp.baseAddress!,
                                   &work, &events)
            }
        }
        let value = a.toDouble(l)
        let reason = value.isFinite ? nil : model.explainNonFiniteLoss(a, kind, logits: z, label: label, start)
        return (value, reason)
    }

    static func firstFailure(_ format: FloatFormat, _ scenario: Scenario) -> Failure {
        let a = SoftArithmetic(format: format)
        func naive(_ bits: UInt64) -> Double {
            loss(a, .naive, logits: scenario.logits(format.toDouble(bits)), label: scenario.label).0
        }
        let top = format.maxFiniteMagnitude
        let fusedAtTop = loss(a, .logSumExp, logits: scenario.logits(format.toDouble(top)), label: scenario.label).0
        if !naive(top).isFinite {
            // Binary search over the positive values, in bit order = value order.
            var lo: UInt64 = 0, hi = top   // naive(lo) finite, naive(hi) not
            while hi - lo > 1 {
                let mid = lo + (hi - lo) / 2
                if naive(mid).isFinite { lo = mid } else { hi = mid }
            }
            let t = format.toDouble(hi), previous = format.toDouble(lo)
            let at = loss(a, .naive, logits: scenario.logits(t), label: scenario.label)
            let fused = loss(a, .logSumExp, logits: scenario.logits(t), label: scenario.label).0
            return Failure(t: t, previous: previous, tText: format.shortestDescription(hi),
                           previousText: format.shortestDescription(lo),
                           naiveBefore: loss(a, .naive, logits: scenario.logits(previous), label: scenario.label).0,
                           naiveAt: at.0, fusedAt: fused, reason: at.1,
                           fusedFinite: fused.isFinite && fusedAtTop.isFinite)
        }
        return Failure(t: nil, previous: nil, naiveBefore: nil, naiveAt: nil, fusedAt: nil, reason: nil,
                       fusedFinite: fusedAtTop.isFinite)
    }

    struct Plan {
        var formats: [String]
        var epochs: Int
        var data: DataBudget
    }

    static func plan(_ context: ReportContext) -> Plan {
        context.quick
            ? Plan(formats: ["fp32", "fp16"], epochs: 1, data: .quick)
            : Plan(formats: ["fp32", "bf16", "fp16", "fp8-e5m2", "fp8-e4m3"], epochs: 10, data: .full)
    }

    /// For each format, the fused run and the naive one.
    public static func plannedRuns(_ context: ReportContext) -> [TrainingSpec] {
        let plan = Self.plan(context)
        var specs: [TrainingSpec] = []
        for format in plan.formats {
            let fused = TrainingSpec(format: format, seed: context.seed, epochs: plan.epochs,
                                     data: plan.data)
            var naive = fused
            naive.configuration.loss = .naive
            specs += [fused, naive]
        }
        return specs
    }

    public func make(_ context: ReportContext) throws -> ReportDocument {
        context.progress("first failures: \(Self.formats.count) formats × \(Self.scenarios.count) logit patterns")
        let failures = Self.formats.map { f in Self.scenarios.map { Self.firstFailure(f, $0) } }

        // Training with each loss, when the data is there.
        let plan = Self.plan(context)
        var training: [(format: String, fused: TrainingResult, naive: TrainingResult)] = []
        var specs: [TrainingSpec] = []
        if context.hasData {
            specs = Self.plannedRuns(context)
            context.progress("\(specs.count) training runs")
            let results = try context.train(specs)
            for (k, format) in plan.formats.enumerated() {
                training.append((format, results[2 * k], results[2 * k + 1]))
            }
        }

        var report = ReportWriter(name: Self.name, title: Self.title)
        let answer = answerText(failures: failures, training: training)
        report.provenance(context,
                          data: context.hasData ? ReportWriter.dataDescription(context, plan.data) : nil,
                          extra: ["Logit sweeps: the loss of each logit pattern evaluated with the soft-float path, "
                                  + "every operation rounded to nearest-even; the least failing t found by binary "
                                  + "search over the format's positive values."]
                            + (specs.isEmpty ? [] : ["Training runs: `\(specs[0].command)` and the same with "
                                                     + "`--loss naive`, for each format."]))
        report.answer(answer)

        report.document.heading("The two ways to compute cross-entropy")
        report.document.paragraph("""
            **Naive** (softmax, then log): e_j = exp(z_j), s = Σ e_j, p_j = e_j / s, loss = −log p_y. \
            **Fused** (log-sum-exp): m = max z, e_j = exp(z_j − m), loss = log Σ e_j − (z_y − m). \
            Mathematically equal; in a format, exp(z_j) overflows once z_j passes ln(largest value) and \
            underflows to zero once z_j falls below ln(least value), while the fused form only ever takes exp of \
            numbers ≤ 0 and never takes the log of a probability that underflowed.
            """)

        report.document.heading("Where the naive loss first fails, per format")
        for (k, scenario) in Self.scenarios.enumerated() {
            report.document.heading("Logits: \(scenario.name) (exact loss \(scenario.exactLoss))", level: 3)
            var rows: [[String]] = []
            for (f, format) in Self.formats.enumerated() {
                let r = failures[f][k]
                guard r.t != nil else {
                    rows.append([format.name, "never (up to \(Markdown.significant(format.toDouble(format.maxFiniteMagnitude), 4)))",
                                 "–", "–", "–", r.fusedFinite ? "finite" : "not finite", "–"])
                    continue
                }
                rows.append([format.name, r.tText, r.previousText,
                             Markdown.significant(r.naiveBefore, 4), Markdown.significant(r.naiveAt, 4),
                             Markdown.significant(r.fusedAt, 4) + (r.fusedFinite ? "" : " (fails at the largest t)"),
                             r.reason ?? "–"])
            }
            report.document.table(["format", "least failing t", "t just below", "naive loss there", "naive loss at t",
                                   "fused loss at t", "why the naive loss fails"], rows,
                                  alignments: [.left, .right, .right, .right, .right, .right, .left])
        }
        report.figure("sweep", svg: sweepPlot(), alt: "naive and fused loss against the logit gap")

        report.document.heading("In training")
        if training.isEmpty {
            report.document.paragraph("The Fashion-MNIST data was not found at `\(context.dataDirectory)`; the training "
                                      + "comparison needs it.")
        } else {
            var rows: [[String]] = []
            for run in training {
                rows.append([run.format, Markdown.percent(run.fused.testAccuracy, 2),
                             run.fused.firstNonFinite?.description ?? "none",
                             Markdown.percent(run.naive.testAccuracy, 2),
                             run.naive.firstNonFinite?.description ?? "none",
                             Markdown.integer(run.naive.totalEvents.overflows),
                             Markdown.integer(run.naive.totalEvents.nans)])
            }
            report.document.table(["format", "fused: test acc", "fused: first inf/NaN", "naive: test acc",
                                   "naive: first inf/NaN", "naive: overflows", "naive: NaNs"], rows,
                                  alignments: [.left, .right, .left, .right, .left, .right, .right])
            var plot = SVGPlot(title: "Training loss: fused against naive cross-entropy", xAxis: PlotAxis("epoch"),
                               yAxis: PlotAxis("training loss", scale: .log10))
            for (k, run) in training.enumerated() {
                let color = PlotPalette.color(k)
                plot.series.append(PlotSeries("\(run.format) fused", x: run.fused.epochNumbers, y: run.fused.trainLosses,
                                              color: color, markers: run.fused.epochs.count < 4))
                plot.series.append(PlotSeries("\(run.format) naive", x: run.naive.epochNumbers, y: run.naive.trainLosses,
                                              color: color, dashed: true, markers: run.naive.epochs.count < 4))
            }
            plot.caption = "Mean training loss per epoch; an epoch whose mean is infinite or NaN leaves a gap, marked ×."
            report.figure("training", svg: plot.render(), alt: "training loss, fused and naive")
        }
        return report.finish(answer: answer)
    }

    func sweepPlot() -> String {
        let scenario = Self.scenarios[1]
        var plot = SVGPlot(title: "Cross-entropy of a confident wrong prediction, against the logit gap t",
                           xAxis: PlotAxis("logit gap t", scale: .log10), yAxis: PlotAxis("loss", scale: .log10))
        let grid = (0...120).map { Foundation.pow(10, Double($0) / 40) }   // 1 … 1000
        func series(_ format: FloatFormat, _ kind: LossFunction) -> [(x: Double, y: Double)] {
            let a = SoftArithmetic(format: format)
            let top = format.toDouble(format.maxFiniteMagnitude)
            var points: [(x: Double, y: Double)] = []
            var env = FloatEnvironment()
            for g in grid where g <= top {
                let t = format.toDouble(format.fromDouble(g, &env))
                points.append((t, Self.loss(a, kind, logits: scenario.logits(t), label: scenario.label).0))
            }
            return points
        }
        plot.series.append(PlotSeries(name: "fused, fp32", points: series(.fp32, .logSumExp), color: "#222222"))
        for (k, format) in [FloatFormat.fp32, .bf16, .fp16, .fp8E5M2, .fp8E4M3].enumerated() {
            plot.series.append(PlotSeries(name: "naive, \(format.name)", points: series(format, .naive),
                                          color: PlotPalette.color(k), dashed: true))
        }
        plot.caption = "Logits: one class at t, nine at 0, the label on one of the nine: the exact loss is about t. "
            + "Each naive curve ends where exp(t) overflows the format (× marks the first non-finite loss); the "
            + "fused loss follows t for every t the format holds."
        return plot.render()
    }

    func answerText(failures: [[Failure]], training: [(format: String, fused: TrainingResult, naive: TrainingResult)])
        -> String {
        var parts: [String] = []
        var overflow: [String] = []
        for (f, format) in Self.formats.enumerated() {
            if failures[f][1].t != nil { overflow.append("\(format.name) \(failures[f][1].tText)") }
        }
        parts.append("The naive loss fails exactly where exp leaves the format's range: once the largest logit "
                     + "exceeds ln(largest value), exp overflows (\(overflow.joined(separator: ", "))), and the loss "
                     + "becomes NaN (∞/∞) or ∞ (−log 0).")
        var underflow: [String] = []
        for (f, format) in Self.formats.enumerated() {
            if failures[f][2].t != nil { underflow.append("\(format.name) \(failures[f][2].tText)") }
        }
        if !underflow.isEmpty {
            parts.append("When every logit is very negative, every exp underflows to 0 and softmax divides 0 by 0 "
                         + "(least failing t for logits all −t: \(underflow.joined(separator: ", "))).")
        }
        let fusedOK = failures.allSatisfy { $0.allSatisfy(\.fusedFinite) }
        parts.append(fusedOK
            ? "The fused log-sum-exp form stays finite for every one of these logits in every format, up to the "
                + "largest value each can hold."
            : "The fused form fails too in some case (see the tables).")
        if !training.isEmpty {
            var t: [String] = []
            for run in training {
                if let e = run.naive.firstNonFinite {
                    t.append("\(run.format) first fails at step \(e.step) (\(Markdown.percent(run.naive.testAccuracy, 1)) "
                             + "test accuracy, against \(Markdown.percent(run.fused.testAccuracy, 1)) fused)")
                } else {
                    t.append("\(run.format) never fails (\(Markdown.percent(run.naive.testAccuracy, 1)) against "
                             + "\(Markdown.percent(run.fused.testAccuracy, 1)) fused)")
                }
            }
            let epochs = training[0].fused.epochs.count
            parts.append("In training (\(epochs) epoch\(epochs == 1 ? "" : "s"), lr 0.1), the naive loss: "
                         + t.joined(separator: "; ") + ".")
        }
        return parts.joined(separator: " ")
    }
}
