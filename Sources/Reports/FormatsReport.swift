import DataFiles
import Experiments
import Foundation
import SoftFloat
import Training

/// The seed's experiment (softmax regression, 10 epochs, lr 0.1, batch 256) in every
/// format and policy, over several seeds: test accuracy and its spread, numerical events,
/// time; beside the book's 83.7% (cited).
public struct FormatsReport: LabReport {
    public static let name = "formats"
    public static let title = "Every format and policy: the seed's experiment, over several seeds"
    public static let needsData = true

    public init() {}

    struct Policy: Sendable {
        var name: String
        var make: @Sendable (String) -> TrainingPolicy?
    }

    struct Plan {
        var formats: [String]
        var policies: [Policy]
        var seeds: [UInt64]
        var epochs: Int
        var data: DataBudget
    }

    /// Loss scales for the formats whose range is narrow.
    static func lossScale(_ format: String) -> Double? {
        switch format {
        case "fp16", "fp8-e5m2": return 1024
        case "fp8-e4m3": return 64
        default: return nil
        }
    }

    static let policies: [Policy] = [
        Policy(name: "pure") { _ in TrainingPolicy() },
        Policy(name: "FP32 accumulation") { f in f == "fp32" ? nil : TrainingPolicy(accumulation: .fp32) },
        Policy(name: "FP32 master weights") { f in f == "fp32" ? nil : TrainingPolicy(masterWeights: .fp32) },
        Policy(name: "stochastic rounding of the update") { f in
            f == "fp32" ? nil : TrainingPolicy(stochasticUpdate: true)
        },
        Policy(name: "loss scaling") { f in lossScale(f).map { TrainingPolicy(lossScale: $0) } },
    ]

    static func plan(_ context: ReportContext) -> Plan {
        let s = context.seed
        if context.quick {
            return Plan(formats: ["fp32", "bf16"], policies: [policies[0], policies[2]], seeds: [s], epochs: 1,
                        data: .quick)
        }
        var formats = ["fp32", "tf32", "bf16", "fp16", "fp8-e5m2", "fp8-e4m3"]
        if context.canTrain(format: "lns8") { formats.append("lns8") }
        return Plan(formats: formats, policies: policies, seeds: (0..<5).map { s &+ $0 }, epochs: 10,
                    data: .full)
    }

    struct Cell {
        var format: String
        var policy: String
        var specs: [TrainingSpec]
        var results: [TrainingResult] = []
    }

    static func cells(_ plan: Plan) -> [Cell] {
        var cells: [Cell] = []
        for format in plan.formats {
            for policy in plan.policies {
                guard let p = policy.make(format) else { continue }
                let specs = plan.seeds.map { seed -> TrainingSpec in
                    var spec = TrainingSpec(format: format, seed: seed, epochs: plan.epochs,
                                            data: plan.data)
                    spec.policy = p
                    return spec
                }
                cells.append(Cell(format: format, policy: policy.name, specs: specs))
            }
        }
        return cells
    }

    public static func plannedRuns(_ context: ReportContext) -> [TrainingSpec] {
        cells(plan(context)).flatMap(\.specs) + cells2026(plan2026(context)).flatMap(\.specs)
    }

    public func make(_ context: ReportContext) throws -> ReportDocument {
        let plan = Self.plan(context)
        var cells = Self.cells(plan)
        let plan2026 = Self.plan2026(context)
        var cells2026 = Self.cells2026(plan2026)
        let all = cells.flatMap(\.specs)
        context.progress("\(cells.count) format/policy pairs × \(Markdown.count(plan.seeds.count, "seed")) = \(Markdown.count(all.count, "run")), "
                         + "and \(Markdown.count(cells2026.flatMap(\.specs).count, "run")) of the formats of 2026")
        let results = try context.train(all + cells2026.flatMap(\.specs))
        var offset = 0
        for k in cells.indices {
            cells[k].results = Array(results[offset..<(offset + cells[k].specs.count)])
            offset += cells[k].specs.count
        }
        for k in cells2026.indices {
            cells2026[k].results = Array(results[offset..<(offset + cells2026[k].specs.count)])
            offset += cells2026[k].specs.count
        }
        let fp32Seconds = Spread(values: cells.first { $0.format == "fp32" }?.results.map(\.seconds) ?? []).mean

        var report = ReportWriter(name: Self.name, title: Self.title)
        let fp32Pure = cells.first { $0.format == "fp32" && $0.policy == "pure" }
        let answer = [answerText(cells: cells, plan: plan), answer2026(cells: cells2026, fp32: fp32Pure)]
            .compactMap { $0 }.joined(separator: " ")
        report.provenance(context, data: ReportWriter.dataDescription(context, plan.data),
                          extra: ["Runs: `\(all[0].command)` with `--format`, the policy options and `--seed` "
                                  + "\(plan.seeds.map(String.init).joined(separator: ", ")) varied (\(all.count) runs). "
                                  + "Runs execute \(context.options.threads) at a time, one thread each."],
                          results: results)
        report.answer(answer)

        report.document.heading("Test accuracy")
        var chart = SVGDotChart(title: "Test accuracy after \(plan.epochs) epochs, every format and policy",
                                axis: PlotAxis("test accuracy (%)"), rows: plan.formats)
        for policy in plan.policies {
            let values = plan.formats.map { format in
                cells.first { $0.format == format && $0.policy == policy.name }?.results
                    .map { ($0.testAccuracy ?? .nan) * 100 } ?? []
            }
            chart.series.append(SVGDotChart.Series(name: policy.name, values: values))
        }
        chart.referenceLines = [PlotReferenceLine(x: CitedReference.bookSoftmaxAccuracy * 100,
                                                  label: "book: 83.7% (cited)")]
        chart.caption = "Dot: mean over seeds \(plan.seeds.map(String.init).joined(separator: ", ")); line: least to "
            + "largest. The dashed line is the accuracy the book reports (cited, not measured here)."
        report.figure("accuracy", svg: chart.render(), alt: "test accuracy per format and policy")
        if let near = Self.nearFP32Chart(cells: cells, plan: plan) {
            let others = near.formats.filter { $0 != "fp32" }
            report.document.paragraph("""
                On that axis the formats near FP32 look alike. The next figure zooms on the formats whose pure \
                mean lies within \(Markdown.fixed(Self.nearFP32Points, 0)) points of FP32 pure's \
                (\(others.isEmpty ? "none besides fp32" : others.joined(separator: ", "))) and every policy \
                trained for them: each run's test accuracy minus FP32 pure's mean, in percentage points, with \
                Welch's 95% interval of the difference of the means over the seeds as the error bar; a bar that \
                crosses 0 shows no difference from FP32 at this number of seeds.
                """)
            report.figure("accuracy-near-fp32", svg: near.chart.render(),
                          alt: "difference from FP32 pure in percentage points, formats near FP32")
        }

        var rows: [[String]] = []
        for cell in cells {
            let accuracies = Spread(values: cell.results.map { $0.testAccuracy ?? .nan })
            let events = cell.results.map(\.totalEvents)
            func mean(_ f: (NumericalEvents) -> Int) -> String {
                Markdown.integer(Int((Double(events.map(f).reduce(0, +)) / Double(max(1, events.count))).rounded()))
            }
            let seconds = Spread(values: cell.results.map(\.seconds)).mean ?? .nan
            let nonFinite = cell.results.compactMap(\.firstNonFinite).first
            rows.append([cell.format, cell.policy, accuracies.percentText,
                         accuracies.least.map { "\(Markdown.percent($0, 2))–\(Markdown.percent(accuracies.largest, 2))" } ?? "–",
                         Markdown.points(accuracies.mean.map { $0 - CitedReference.bookSoftmaxAccuracy }, 1),
                         mean(\.overflows), mean(\.underflowsToZero), mean(\.nans),
                         Markdown.percent(Spread(values: cell.results.map(\.swallowedShare)).mean, 2),
                         nonFinite.map { "step \($0.step): \($0.reason)" } ?? "–",
                         Markdown.duration(seconds),
                         fp32Seconds.map { Markdown.fixed(seconds / $0, 1) + "×" } ?? "–"])
        }
        report.document.table(["format", "policy", "test acc (mean ± sd)", "range", "vs book 83.7% (cited)",
                               "overflows", "underflows to 0", "NaNs", "swallowed", "first inf/NaN", "time/run",
                               "vs fp32"], rows,
                              alignments: [.left, .left] + Array(repeating: .right, count: 8) + [.left, .right, .right])
        let lossScales = plan.policies.contains { $0.name == "loss scaling" }
            ? plan.formats.compactMap { f in Self.lossScale(f).map { "\(f) ×\(TrainingSpec.number($0))" } }
                .joined(separator: ", ")
            : ""
        report.document.paragraph("""
            Events are per run, averaged over the seeds and summed over the epochs: overflows (a finite \
            operation giving infinity), underflows to zero (a product, quotient or exponential of nonzero \
            operands giving zero), NaNs, and swallowed updates (lr·g ≠ 0 leaving the weight unchanged; as a \
            share of all parameter updates). Times are wall-clock per run with runs side by side; the ratio is to \
            fp32's mean in the same process. They measure the cost of emulating the format in software on this \
            CPU (fp32 runs on the hardware), not the speed the format would have on hardware built for it.\(lossScales.isEmpty ? "" : " Loss scales: \(lossScales).") \
            Reference *(cited)*: \(CitedReference.bookSource) reports \
            \(Markdown.percent(CitedReference.bookSoftmaxAccuracy, 1)) test accuracy for FP32.
            """)
        if !context.canTrain(format: "lns8") && !context.quick {
            report.document.paragraph("lns8 is not in this table: the trainer cannot run it yet.")
        }

        causesSection(&report, cells: cells)
        section2026(&report, cells: cells2026, plan: plan2026, fp32: fp32Pure, fp32Seconds: fp32Seconds)

        report.document.heading("Validation accuracy per epoch (seed \(plan.seeds[0]), pure)")
        var curves = SVGPlot(title: "Validation accuracy per epoch, pure policy", xAxis: PlotAxis("epoch"),
                             yAxis: PlotAxis("validation accuracy (%)"))
        for cell in cells where cell.policy == "pure" {
            let r = cell.results[0]
            curves.series.append(PlotSeries(cell.format, x: r.epochNumbers, y: r.validationAccuracies,
                                            markers: r.epochs.count < 4))
        }
        curves.caption = "Each format with every operation rounded to it; seed \(plan.seeds[0])."
        report.figure("curves", svg: curves.render(), alt: "validation accuracy per epoch for each format")
        report.document.heading("Arithmetic paths")
        report.document.bullets(cells.filter { $0.policy == "pure" || $0.policy == "FP32 master weights" }.map {
            "\($0.format), \($0.policy): \($0.results[0].arithmetic)"
        })
        return report.finish(answer: answer)
    }

    /// How near FP32 pure a format's pure mean must be (in percentage points) for the
    /// zoomed figure.
    static let nearFP32Points = 5.0

    /// The zoomed dot chart: one row per format whose pure mean lies within
    /// `nearFP32Points` of FP32 pure's (fp32 first), one series per policy; each run's
    /// test accuracy minus FP32 pure's mean in points, the error bar Welch's 95% interval
    /// of the difference of the means. Nil without an FP32 pure cell.
    static func nearFP32Chart(cells: [Cell], plan: Plan) -> (chart: SVGDotChart, formats: [String])? {
        func accuracies(_ c: Cell) -> Spread { Spread(values: c.results.map { $0.testAccuracy ?? .nan }) }
        guard let fp32 = cells.first(where: { $0.format == "fp32" && $0.policy == "pure" }),
              let reference = accuracies(fp32).mean else { return nil }
        let formats = plan.formats.filter { format in
            guard let pure = cells.first(where: { $0.format == format && $0.policy == "pure" }),
                  let m = accuracies(pure).mean else { return false }
            return abs(m - reference) * 100 <= nearFP32Points
        }
        var chart = SVGDotChart(title: "Formats near FP32: test accuracy minus FP32 pure's mean",
                                axis: PlotAxis("difference from FP32 pure (percentage points)"), rows: formats)
        for policy in plan.policies {
            var values: [[Double]] = [], lower: [Double?] = [], upper: [Double?] = []
            for format in formats {
                guard let cell = cells.first(where: { $0.format == format && $0.policy == policy.name }) else {
                    values.append([]); lower.append(nil); upper.append(nil)
                    continue
                }
                values.append(cell.results.map { (($0.testAccuracy ?? .nan) - reference) * 100 })
                let interval = Spread.differenceInterval95(accuracies(cell), accuracies(fp32))
                lower.append(interval.map { $0.lower * 100 })
                upper.append(interval.map { $0.upper * 100 })
            }
            guard values.contains(where: { !$0.isEmpty }) else { continue }
            chart.series.append(SVGDotChart.Series(name: policy.name, values: values, lower: lower, upper: upper))
        }
        // Room on both sides of the dots, bars and the zero line, so none sits on the frame.
        var drawn: [Double] = [0]
        for series in chart.series {
            drawn += series.values.flatMap { $0 }
            drawn += (series.lower ?? []).compactMap { $0 }
            drawn += (series.upper ?? []).compactMap { $0 }
        }
        drawn = drawn.filter(\.isFinite)
        if let lo = drawn.min(), let hi = drawn.max() {
            let pad: Double = max(0.1, (hi - lo) * 0.08)
            chart.axis.lower = lo - pad
            chart.axis.upper = hi + pad
        }
        chart.referenceLines = [PlotReferenceLine(x: 0, label: "FP32 pure: \(Markdown.percent(reference, 2))")]
        chart.caption = "Dot: the mean over seeds \(plan.seeds.map(String.init).joined(separator: ", ")) of test accuracy "
            + "minus FP32 pure's mean; thick line: least to largest seed; thin bar with caps: Welch's 95% interval "
            + "of the difference of the means (none with one seed). FP32 pure's own row shows its seed-to-seed spread. "
            + "Formats whose pure mean lies within \(Markdown.fixed(nearFP32Points, 0)) points of FP32 pure's."
        return (chart, formats)
    }

    func answerText(cells: [Cell], plan: Plan) -> String {
        func cell(_ f: String, _ p: String) -> Cell? { cells.first { $0.format == f && $0.policy == p } }
        func mean(_ c: Cell?) -> Double? { c.flatMap { Spread(values: $0.results.map { $0.testAccuracy ?? .nan }).mean } }
        var parts: [String] = []
        let fp32 = cell("fp32", "pure")
        if let fp32, let m = mean(fp32) {
            let s = Spread(values: fp32.results.map { $0.testAccuracy ?? .nan })
            parts.append("FP32 reaches \(s.percentText) test accuracy over \(fp32.results.count) seed"
                         + "\(fp32.results.count == 1 ? "" : "s") after \(plan.epochs) epoch\(plan.epochs == 1 ? "" : "s") "
                         + "(\(Markdown.points(m - CitedReference.bookSoftmaxAccuracy)) against the book's 83.7%, cited).")
        }
        // A policy "repairs" a format when it beats pure beyond Welch's 95% interval of the
        // difference over the seeds.
        func spread(_ c: Cell) -> Spread { Spread(values: c.results.map { $0.testAccuracy ?? .nan }) }
        var pure: [String] = []
        var repairs: [String] = []
        var unchanged: [String] = []
        for format in plan.formats where format != "fp32" {
            guard let p = cell(format, "pure") else { continue }
            let m = mean(p)
            let nonFinite = p.results.contains(where: \.wentNonFinite)
            pure.append("\(format) \(Markdown.percent(m, 1))" + (nonFinite ? " (inf/NaN)" : ""))
            let fixes = plan.policies.dropFirst().compactMap { policy -> (String, Cell, Double)? in
                guard let c = cell(format, policy.name), let a = mean(c) else { return nil }
                return (policy.name, c, a)
            }
            guard let best = fixes.max(by: { $0.2 < $1.2 }) else { continue }
            let difference = Spread.differenceText(spread(best.1), spread(p))
            if difference.differs == true && best.2 > (m ?? 0) {
                repairs.append("\(format) \(Markdown.percent(best.2, 1)) with \(best.0) (\(difference.text))")
            } else {
                unchanged.append(format)
            }
        }
        if !pure.isEmpty { parts.append("With every operation in the format (pure): " + pure.joined(separator: ", ") + ".") }
        if !repairs.isEmpty {
            parts.append("The best policy, where it beats pure beyond Welch's 95% interval of the difference over the "
                         + "seeds: " + repairs.joined(separator: "; ") + ".")
        }
        if !unchanged.isEmpty {
            parts.append("For \(unchanged.joined(separator: ", ")) no policy does measurably better than pure.")
        }
        return parts.joined(separator: " ")
    }
}
