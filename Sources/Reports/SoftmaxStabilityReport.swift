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
        /// The exact loss for t by that formula, in extended precision.
        var exact: @Sendable (Double) -> Double
    }

    /// `log(1 + 9e^−t)` in `Float80` where there is one (x86), else in `Double`, rounded to `Double`.
    static func logOnePlusNineExpMinus(_ t: Double) -> Double {
        #if arch(x86_64) && !os(Windows)
        let x = Float80(t)
        return Double(Foundation.log1p(9 * Foundation.exp(-x)))
        #else
        return Foundation.log1p(9 * Foundation.exp(-t))
        #endif
    }

    /// `t + log(1 + 9e^−t)`, the sum in extended precision where there is one, rounded to `Double`.
    static func tPlusLogOnePlusNineExpMinus(_ t: Double) -> Double {
        #if arch(x86_64) && !os(Windows)
        let x = Float80(t)
        return Double(x + Foundation.log1p(9 * Foundation.exp(-x)))
        #else
        return t + Foundation.log1p(9 * Foundation.exp(-t))
        #endif
    }

    static let scenarios: [Scenario] = [
        Scenario(name: "one logit t, nine 0; label: the large one", logits: { t in [t] + Array(repeating: 0, count: 9) },
                 label: 0, exactLoss: "log(1 + 9e^−t) ≈ 0", exact: { logOnePlusNineExpMinus($0) }),
        Scenario(name: "one logit t, nine 0; label: another class", logits: { t in [t] + Array(repeating: 0, count: 9) },
                 label: 1, exactLoss: "t + log(1 + 9e^−t) ≈ t", exact: { tPlusLogOnePlusNineExpMinus($0) }),
        Scenario(name: "all ten logits −t", logits: { t in Array(repeating: -t, count: 10) },
                 label: 0, exactLoss: "ln 10", exact: { _ in Foundation.log(10.0) }),
        Scenario(name: "one logit 0, nine −t; label: one of the −t", logits: { t in [0] + Array(repeating: -t, count: 9) },
                 label: 1, exactLoss: "t + log(1 + 9e^−t) ≈ t", exact: { tPlusLogOnePlusNineExpMinus($0) }),
    ]

    static let formats: [FloatFormat] = [.fp64, .fp32, .tf32, .bf16, .fp16, .fp8E5M2, .fp8E4M3]

    /// The first failure of the naive loss for one format and scenario.
    struct Failure {
        /// The least t at which the naive loss is not finite (nil: never, up to the largest value).
        var t: Double?
        var previous: Double?
        /// `t` and `previous` in the format's shortest decimal.
        var tText = "", previousText = ""
        /// At `previous` (t just below): the exact loss, the naive one and the fused one.
        var exactBefore: Double?
        var naiveBefore: Double?
        var fusedBefore: Double?
        var naiveAt: Double?
        var fusedAt: Double?
        var reason: String?
        /// Whether the fused loss was finite at every t probed (the failure point and the largest value).
        var fusedFinite: Bool

        /// |naive − exact| / exact just below the least failing t.
        var naiveErrorBefore: Double? { SoftmaxStabilityReport.relativeError(naiveBefore, exactBefore) }
        /// |fused − exact| / exact just below the least failing t.
        var fusedErrorBefore: Double? { SoftmaxStabilityReport.relativeError(fusedBefore, exactBefore) }
    }

    /// |value − exact| / |exact|; nil when either is missing or the exact value is 0.
    static func relativeError(_ value: Double?, _ exact: Double?) -> Double? {
        guard let value, let exact, exact != 0, value.isFinite else { return nil }
        return abs(value - exact) / abs(exact)
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
                           exactBefore: scenario.exact(previous),
                           naiveBefore: loss(a, .naive, logits: scenario.logits(previous), label: scenario.label).0,
                           fusedBefore: loss(a, .logSumExp, logits: scenario.logits(previous), label: scenario.label).0,
                           naiveAt: at.0, fusedAt: fused, reason: at.1,
                           fusedFinite: fused.isFinite && fusedAtTop.isFinite)
        }
        return Failure(t: nil, previous: nil, exactBefore: nil, naiveBefore: nil, fusedBefore: nil, naiveAt: nil,
                       fusedAt: nil, reason: nil, fusedFinite: fusedAtTop.isFinite)
    }

    /// What a run's final parameters do to the test images: how many parameters are NaN
    /// and how many images get a NaN logit, computed in `Double` from the parameters
    /// (`z_j = b_j + Σ x_k w_kj` over the nonzero pixels; a NaN parameter makes every logit
    /// it enters NaN in any format).
    struct UndefinedPredictions: Equatable {
        var nanParameters: Int
        var parameters: Int
        var imagesWithNaNLogit: Int
        var images: Int
    }

    static func undefinedPredictions(weights: [Double], bias: [Double], test: Dataset) -> UndefinedPredictions {
        let c = bias.count, d = test.dimension
        let nanParameters = weights.filter(\.isNaN).count + bias.filter(\.isNaN).count
        var images = 0
        if c > 0 && weights.count == d * c {
            var z = [Double](repeating: 0, count: c)
            for i in 0..<test.count {
                for j in 0..<c { z[j] = bias[j] }
                for k in 0..<d {
                    let x = test.feature(i, k)
                    if x == 0 { continue }
                    for j in 0..<c { z[j] += x * weights[k * c + j] }
                }
                if z.contains(where: \.isNaN) { images += 1 }
            }
        }
        return UndefinedPredictions(nanParameters: nanParameters, parameters: weights.count + bias.count,
                                    imagesWithNaNLogit: images, images: test.count)
    }

    /// How a run whose parameters went NaN scores its test accuracy, in a sentence, from
    /// the measurement.
    static func accuracyExplanation(format: String, result: TrainingResult, _ u: UndefinedPredictions) -> String {
        let correct = Int(((result.testAccuracy ?? 0) * Double(u.images)).rounded())
        var text = "\(format)'s naive run: after its first failure (step \(result.firstNonFinite?.step ?? 0)) the NaN "
            + "entered the gradients and the update, and at the end of training "
            + "\(Markdown.integer(u.nanParameters)) of its \(Markdown.integer(u.parameters)) parameters (weights and "
            + "bias) are NaN, so \(Markdown.integer(u.imagesWithNaNLogit)) of the \(Markdown.integer(u.images)) test "
            + "images get a NaN logit (computed from the final parameters). The accuracy counts an image as right "
            + "only when the predicted class equals the label, and the trainer predicts no class at all for logits "
            + "with a NaN (`SoftmaxRegression.predictedClass` returns nil: NaN is neither larger nor smaller than "
            + "anything, so there is no largest logit); such an image counts as wrong."
        text += " Hence \(Markdown.integer(correct)) of \(Markdown.integer(u.images)) right, "
            + "\(Markdown.percent(result.testAccuracy, 2)) test accuracy"
        if u.imagesWithNaNLogit == u.images {
            text += ", below the 10% of guessing: the figure measures no model, only that none is left."
        } else {
            text += "."
        }
        return text
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

        // A naive run that failed: what its final parameters do to the test images.
        var undefined: [UndefinedPredictions?] = training.map { _ in nil }
        if training.contains(where: { $0.naive.firstNonFinite != nil }) {
            let test = try context.fashionMNIST().test
            for (k, run) in training.enumerated() where run.naive.firstNonFinite != nil {
                undefined[k] = Self.undefinedPredictions(weights: run.naive.weights, bias: run.naive.bias, test: test)
            }
        }

        var report = ReportWriter(name: Self.name, title: Self.title)
        let answer = answerText(failures: failures, training: training, undefined: undefined)
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
        report.document.paragraph("""
            Each table compares the two forms at the same t: first at the largest t of the format below the least \
            failing one ("t just below", where the naive loss is still finite) against the exact loss, computed \
            from the pattern's formula in extended precision (x86's Float80) and rounded to Double; then at the \
            least failing t itself, where the naive loss is ∞ or NaN and the reason is traced operation by \
            operation. Relative error: |loss − exact| / exact.
            """)
        for (k, scenario) in Self.scenarios.enumerated() {
            report.document.heading("Logits: \(scenario.name) (exact loss \(scenario.exactLoss))", level: 3)
            let table = Self.failureTable(failures.map { $0[k] })
            report.document.table(table.header, table.rows, alignments: table.alignments)
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
            for (run, u) in zip(training, undefined) where u != nil {
                report.document.paragraph(Self.accuracyExplanation(format: run.format, result: run.naive, u!))
            }
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

    /// A loss just below the failure, to enough digits to show its error.
    static func lossText(_ x: Double?) -> String { Markdown.significant(x, 7) }

    /// A relative error as a percentage to two significant digits ("0.65%", "1.1e-14%", "0").
    static func errorText(_ e: Double?) -> String {
        guard let e else { return "–" }
        return e == 0 ? "0" : Markdown.significant(e * 100, 2) + "%"
    }

    /// The table of one logit pattern: a row per format, the losses at t just below the
    /// least failing t (exact, naive, fused, and the two relative errors), then the least
    /// failing t and what happens there.
    static func failureTable(_ failures: [Failure])
        -> (header: [String], rows: [[String]], alignments: [Markdown.Alignment]) {
        let header = ["format", "t just below", "exact loss there", "naive loss there", "naive rel. error there",
                      "fused loss there", "fused rel. error there", "least failing t", "naive loss at it",
                      "fused loss at it", "why the naive loss fails at it"]
        var rows: [[String]] = []
        for (format, r) in zip(formats, failures) {
            guard r.t != nil else {
                rows.append([format.name, "–", "–", "–", "–", "–", "–",
                             "never (up to \(Markdown.significant(format.toDouble(format.maxFiniteMagnitude), 4)))",
                             "–", r.fusedFinite ? "finite" : "not finite", "–"])
                continue
            }
            rows.append([format.name, r.previousText, lossText(r.exactBefore), lossText(r.naiveBefore),
                         errorText(r.naiveErrorBefore), lossText(r.fusedBefore), errorText(r.fusedErrorBefore),
                         r.tText, Markdown.significant(r.naiveAt, 4),
                         Markdown.significant(r.fusedAt, 4) + (r.fusedFinite ? "" : " (fails at the largest t)"),
                         r.reason ?? "–"])
        }
        return (header, rows, [.left] + Array(repeating: .right, count: 9) + [.left])
    }

    /// The sentence on how far off the naive loss already is just below its failure, per
    /// format, from the tables' values: its largest relative error over the patterns where it
    /// is further off than the fused loss (grouped by that pattern), and the patterns where
    /// the two forms give the same value.
    static func errorBeforeFailureText(_ failures: [[Failure]]) -> String? {
        var worst: [(pattern: Int, entries: [String])] = []
        var neverWorse: [String] = []
        for (f, format) in formats.enumerated() {
            var best: (pattern: Int, error: Double)?
            for (k, r) in failures[f].enumerated() {
                guard let naive = r.naiveErrorBefore, let fused = r.fusedErrorBefore, naive > fused else { continue }
                if best == nil || naive > best!.error { best = (k, naive) }
            }
            guard let best else {
                if failures[f].contains(where: { $0.naiveErrorBefore != nil }) { neverWorse.append(format.name) }
                continue
            }
            let fused = failures[f][best.pattern].fusedErrorBefore
            let entry = "\(format.name) \(errorText(best.error)) (fused \(errorText(fused)))"
            if let g = worst.firstIndex(where: { $0.pattern == best.pattern }) {
                worst[g].entries.append(entry)
            } else {
                worst.append((best.pattern, [entry]))
            }
        }
        guard !worst.isEmpty || !neverWorse.isEmpty else { return nil }
        var text = "Just below the least failing t the naive loss is already off: its largest relative error there "
            + "against the exact loss, over the patterns where it is further off than the fused loss at the same t, is "
        text += worst.map { group in
            "for logits “\(scenarios[group.pattern].name)”: \(group.entries.joined(separator: ", "))"
        }.joined(separator: "; ")
        if !neverWorse.isEmpty {
            text += (worst.isEmpty ? "" : "; ") + "in \(neverWorse.joined(separator: ", ")) the naive loss is nowhere "
                + "further off than the fused one"
        }
        text += "."
        // Patterns where both forms give the same, wrong, value in every format that fails.
        for (k, scenario) in scenarios.enumerated() {
            let rows = failures.map { $0[k] }.filter { $0.t != nil }
            guard !rows.isEmpty, rows.allSatisfy({ $0.naiveBefore == $0.fusedBefore }),
                  let errors = Optional(rows.compactMap(\.naiveErrorBefore)), errors.count == rows.count,
                  let least = errors.min(), let largest = errors.max(), largest > 0 else { continue }
            let range = least == largest ? errorText(least) : "\(errorText(least)) to \(errorText(largest))"
            text += " For logits “\(scenario.name)”, the two forms give the same value just below the failure in every "
                + "format that fails, off by \(range) from the exact loss \(scenario.exactLoss): an error both "
                + "forms share, not the naive form's."
        }
        return text
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

    func answerText(failures: [[Failure]], training: [(format: String, fused: TrainingResult, naive: TrainingResult)],
                    undefined: [UndefinedPredictions?] = []) -> String {
        var parts: [String] = []
        var overflow: [String] = []
        for (f, format) in Self.formats.enumerated() {
            if failures[f][1].t != nil { overflow.append("\(format.name) \(failures[f][1].tText)") }
        }
        let finite = Self.formats.enumerated().filter { f, format in !format.hasInfinity && failures[f][1].t != nil }
            .map { $0.element.name }
        parts.append("The naive loss fails exactly where exp leaves the format's range: once the largest logit "
                     + "exceeds ln(largest value), exp overflows (\(overflow.joined(separator: ", "))), and the loss "
                     + "becomes NaN (∞/∞) or ∞ (−log 0)"
                     + (finite.isEmpty ? "." : "; in \(finite.joined(separator: ", ")), which "
                        + "\(finite.count == 1 ? "has" : "have") no ∞, exp overflows to NaN and the loss is NaN."))
        var underflow: [String] = []
        for (f, format) in Self.formats.enumerated() {
            if failures[f][2].t != nil { underflow.append("\(format.name) \(failures[f][2].tText)") }
        }
        if !underflow.isEmpty {
            parts.append("When every logit is very negative, every exp underflows to 0 and softmax divides 0 by 0 "
                         + "(least failing t for logits all −t: \(underflow.joined(separator: ", "))).")
        }
        if let errors = Self.errorBeforeFailureText(failures) { parts.append(errors) }
        let fusedOK = failures.allSatisfy { $0.allSatisfy(\.fusedFinite) }
        parts.append(fusedOK
            ? "The fused log-sum-exp form stays finite for every one of these logits in every format, up to the "
                + "largest value each can hold."
            : "The fused form fails too in some case (see the tables).")
        if !training.isEmpty {
            var t: [String] = []
            for (k, run) in training.enumerated() {
                if let e = run.naive.firstNonFinite {
                    let nan = (k < undefined.count ? undefined[k] : nil).map {
                        ": \(Markdown.integer($0.imagesWithNaNLogit)) of the \(Markdown.integer($0.images)) test images "
                            + "end with a NaN logit, and an image with a NaN logit counts as wrong"
                    } ?? ""
                    t.append("\(run.format) first fails at step \(e.step) (\(Markdown.percent(run.naive.testAccuracy, 1)) "
                             + "test accuracy, against \(Markdown.percent(run.fused.testAccuracy, 1)) fused\(nan))")
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
