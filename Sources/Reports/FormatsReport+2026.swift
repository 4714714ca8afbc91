import DataFiles
import Experiments
import Foundation
import SoftFloat
import Training

/// The formats of 2026 in the seed's experiment: the scaled formats trained with their
/// recipe (`ScaledRecipe`: the products' operands quantised along the reduction axis,
/// FP32 sums and master weights, the rest in FP32), the elementwise types of 2026 pure.
extension FormatsReport {
    struct Plan2026 {
        var scaled: [String]
        /// The elementwise formats, fp32 first (their reference at the same budget).
        var elementwise: [String]
        var seeds: [UInt64]
        var epochs: Int
        var data: DataBudget
        /// The elementwise formats run on the soft-float path: a shorter budget.
        var elementwiseEpochs: Int
        var elementwiseData: DataBudget
    }

    /// The elementwise types of 2026 that train pure beside the scaled recipes.
    static let elementwise2026 = ["fp8-e4m3fnuz", "fp8-e5m2fnuz", "fp6-e2m3", "fp4-e2m1", "binary8p3", "binary8p4"]

    static func plan2026(_ context: ReportContext) -> Plan2026 {
        let s = context.seed
        if context.quick {
            return Plan2026(scaled: ["mxfp8-e4m3", "nvfp4"], elementwise: [], seeds: [s], epochs: 1, data: .quick,
                            elementwiseEpochs: 1, elementwiseData: .quick)
        }
        let scaled = ["mxfp8-e4m3", "mxfp8-e5m2", "mxfp6-e2m3", "mxfp6-e3m2", "mxfp4-e2m1", "mxint8", "nvfp4",
                      "tensor-int8", "tensor-int8-pow2", "tensor-fp8-e4m3", "tensor-fp8-e5m2"]
        return Plan2026(scaled: scaled.filter(context.canTrain),
                        elementwise: ["fp32"] + elementwise2026.filter(context.canTrain),
                        seeds: (0..<5).map { s &+ $0 }, epochs: 10, data: .full,
                        elementwiseEpochs: 2, elementwiseData: DataBudget(validationCount: 5000, trainLimit: 10_000))
    }

    static func cells2026(_ plan: Plan2026) -> [Cell] {
        plan.scaled.map { format in
            Cell(format: format, policy: "recipe", specs: plan.seeds.map {
                TrainingSpec(format: format, seed: $0, epochs: plan.epochs, data: plan.data)
            })
        } + plan.elementwise.map { format in
            Cell(format: format, policy: "pure", specs: plan.seeds.map {
                TrainingSpec(format: format, seed: $0, epochs: plan.elementwiseEpochs, data: plan.elementwiseData)
            })
        }
    }

    /// The scaled events of a run, summed over its epochs.
    static func scaling(_ r: TrainingResult) -> ScalingEvents {
        var total = ScalingEvents()
        for e in r.epochs { if let s = e.scaling { total += s } }
        return total
    }

    func section2026(_ report: inout ReportWriter, cells: [Cell], plan: Plan2026, fp32: Cell?,
                     fp32Seconds: Double?) {
        guard !cells.isEmpty else { return }
        report.document.heading("The formats of 2026")
        report.document.paragraph("""
            The scaled formats train as the published MX and NVFP4 recipes train: the two operands of each \
            matrix product are quantised along its reduction axis (for the logits, the images and the weights \
            along the 784 features; for the weight gradient, the logit gradients and the images along the \
            batch), the products of their values are exact and summed in FP32, the softmax, the loss and the \
            step are FP32, and the weights are FP32 master weights (`precision-lab train --format F`, \
            defaults). MX scales by the specification's rule (`floor`); the per-tensor formats use current \
            scaling. \(Markdown.count(plan.seeds.count, "seed")), \(Markdown.count(plan.epochs, "epoch")) each, \
            the full training set. \
            The difference to FP32 (pure) comes with Welch's 95% interval over the seeds; "differs" means \
            the interval excludes zero, "not shown" that it does not (with \(plan.seeds.count) seeds only a \
            gap of a few tenths of a point can show).
            """)
        let scaled = cells.filter { $0.policy == "recipe" }
        let elementwise = cells.filter { $0.policy == "pure" }
        table2026(&report, scaled, reference: fp32, fp32Seconds: fp32Seconds)
        report.document.paragraph("""
            Clipped: elements whose magnitude over their scale exceeded the largest element (clamped to it); \
            flushed to 0: nonzero values that became zero; both as shares of every value quantised in training \
            (four operands a step). Zero blocks: blocks (or tensors) of zeros, as a share of all blocks; \
            Fashion-MNIST's blank borders make many. Times are per run with runs side by side, against \
            fp32's mean in the same process.
            """)
        if let reference = elementwise.first(where: { $0.format == "fp32" }), elementwise.count > 1 {
            report.document.heading("The elementwise types of 2026, pure", level: 3)
            report.document.paragraph("""
                Every operation in the format, as in the first table. These types run on the soft-float path \
                (their encodings have no hardware fast path here), so they train on a shorter budget: \
                \(Markdown.count(plan.elementwiseEpochs, "epoch")) on the first \
                \(Markdown.integer(plan.elementwiseData.trainedCount)) training images, \
                \(Markdown.count(plan.seeds.count, "seed")), against fp32 on the same budget.
                """)
            table2026(&report, elementwise.filter { $0.format != "fp32" }, reference: reference,
                      fp32Seconds: Spread(values: reference.results.map(\.seconds)).mean)
        }
    }

    func table2026(_ report: inout ReportWriter, _ cells: [Cell], reference fp32: Cell?, fp32Seconds: Double?) {
        let reference = fp32.map { Spread(values: $0.results.map { $0.testAccuracy ?? .nan }) }
        var rows: [[String]] = []
        for cell in cells {
            let accuracies = Spread(values: cell.results.map { $0.testAccuracy ?? .nan })
            let difference = reference.map { Spread.differenceText(accuracies, $0) }
            let totals = cell.results.map(Self.scaling)
            func share(_ part: (ScalingEvents) -> Int, _ whole: (ScalingEvents) -> Int) -> String {
                let w = totals.map(whole).reduce(0, +)
                return w == 0 ? "–" : Markdown.percent(Double(totals.map(part).reduce(0, +)) / Double(w), 3)
            }
            let seconds = Spread(values: cell.results.map(\.seconds)).mean ?? .nan
            let interval = accuracies.meanInterval95
            rows.append([
                cell.format, cell.policy == "recipe" ? (cell.results.first.map(Self.scalingWords) ?? "–") : "pure",
                accuracies.percentText,
                interval.map { "\(Markdown.percent($0.lower, 2))–\(Markdown.percent($0.upper, 2))" } ?? "–",
                difference?.text ?? "–",
                difference?.differs.map { $0 ? "differs" : "not shown" } ?? "–",
                share({ $0[.clipped] }, \.elements), share({ $0[.flushedToZero] }, \.elements),
                share({ $0[.zeroBlocks] }, \.blocks),
                cell.results.compactMap(\.firstNonFinite).first.map { "step \($0.step): \($0.reason)" } ?? "–",
                Markdown.duration(seconds), fp32Seconds.map { Markdown.fixed(seconds / $0, 1) + "×" } ?? "–",
            ])
        }
        report.document.table(["format", "trained as", "test acc (mean ± sd)", "95% interval", "vs FP32 (95%)",
                               "difference", "clipped", "flushed to 0", "zero blocks", "first inf/NaN", "time/run",
                               "vs fp32"], rows,
                              alignments: [.left, .left] + Array(repeating: .right, count: 8) + [.right, .right])
    }

    /// How a scaled run was trained, from its recipe line (`ScaledRecipe.scaling`).
    static func scalingWords(_ r: TrainingResult) -> String {
        guard let recipe = r.recipe, let start = recipe.range(of: "reduction axis, "),
              let end = recipe.range(of: "; products") else { return "recipe" }
        return String(recipe[start.upperBound..<end.lowerBound])
    }

    func answer2026(cells: [Cell], fp32: Cell?) -> String? {
        let cells = cells.filter { $0.policy == "recipe" }
        guard let fp32, !cells.isEmpty else { return nil }
        let reference = Spread(values: fp32.results.map { $0.testAccuracy ?? .nan })
        var below: [String] = [], notShown: [String] = [], above: [String] = []
        for cell in cells {
            let s = Spread(values: cell.results.map { $0.testAccuracy ?? .nan })
            let (text, differs) = Spread.differenceText(s, reference)
            let entry = "\(cell.format) \(Markdown.percent(s.mean, 1)) (\(text))"
            if differs == true, let m = s.mean, let r = reference.mean {
                if m < r { below.append(entry) } else { above.append(entry) }
            } else {
                notShown.append(entry)
            }
        }
        var parts = ["The scaled formats of 2026, trained with their recipes, against FP32 pure (Welch's 95% "
                     + "interval of the difference over the seeds):"]
        if !notShown.isEmpty { parts.append("no difference shown for " + notShown.joined(separator: ", ") + ";") }
        if !below.isEmpty { parts.append("below FP32: " + below.joined(separator: ", ") + ";") }
        if !above.isEmpty { parts.append("above FP32: " + above.joined(separator: ", ") + ";") }
        var text = parts.joined(separator: " ")
        if text.hasSuffix(";") { text.removeLast() }
        return text + "."
    }
}
