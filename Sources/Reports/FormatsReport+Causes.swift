import Foundation
import Training

/// Why the 8-bit formats fall to chance, read off the table's own runs: which policy lifts
/// them, what the events do, and what loss scaling changes and does not.
extension FormatsReport {
    /// The mean over a cell's seeds of a run's figure.
    static func mean(_ cell: Cell, _ f: (TrainingResult) -> Double) -> Double {
        Spread(values: cell.results.map(f)).mean ?? .nan
    }

    static func accuracy(_ cell: Cell) -> Double { mean(cell) { $0.testAccuracy ?? .nan } }
    static func underflows(_ cell: Cell) -> Double { mean(cell) { Double($0.totalEvents.underflowsToZero) } }
    static func swallowed(_ cell: Cell) -> Double { mean(cell, \.swallowedShare) }

    /// "209×" for the ratio of the larger count to the smaller, "–" when either is zero or missing.
    static func ratio(_ a: Double, _ b: Double) -> String {
        guard a > 0, b > 0, a.isFinite, b.isFinite else { return "–" }
        return Markdown.significant(max(a, b) / min(a, b), 3) + "×"
    }

    func causesSection(_ report: inout ReportWriter, cells: [Cell]) {
        func cell(_ f: String, _ p: String) -> Cell? { cells.first { $0.format == f && $0.policy == p } }
        func accuracyText(_ c: Cell) -> String { Markdown.percent(Self.accuracy(c), 2) }
        var paragraphs: [String] = []
        for format in ["fp8-e5m2", "fp8-e4m3", "lns8"] {
            guard let pure = cell(format, "pure"), let accumulation = cell(format, "FP32 accumulation"),
                  let master = cell(format, "FP32 master weights") else { continue }
            let accumulationGain = Self.accuracy(accumulation) - Self.accuracy(pure)
            let masterGain = Self.accuracy(master) - Self.accuracy(pure)
            var s = "**\(format).** Pure: \(accuracyText(pure)). Summing the products in FP32 lifts it to "
                + "\(accuracyText(accumulation)) (\(Markdown.points(accumulationGain, 1))); keeping the weights in "
                + "FP32 only to \(accuracyText(master)) (\(Markdown.points(masterGain, 1)))"
            s += accumulationGain > masterGain
                ? ", so the sums, more than the weights, lose what the model needs. "
                : ", so the weights, more than the sums, lose what the model needs. "
            s += "With FP32 sums the underflows to zero fall from \(Markdown.integer(Int(Self.underflows(pure).rounded()))) "
                + "to \(Markdown.integer(Int(Self.underflows(accumulation).rounded()))) a run "
                + "(\(Self.ratio(Self.underflows(pure), Self.underflows(accumulation))) fewer), while "
                + "\(Markdown.percent(Self.swallowed(accumulation), 1)) of the updates are still swallowed by the "
                + "weights in \(format) (pure \(Markdown.percent(Self.swallowed(pure), 1))). Neither repair alone "
                + "reaches FP32's accuracy; the two together are not among these runs."
            if let scaled = cell(format, "loss scaling") {
                let difference = Spread.differenceText(Spread(values: scaled.results.map { $0.testAccuracy ?? .nan }),
                                                       Spread(values: pure.results.map { $0.testAccuracy ?? .nan }))
                let scale = scaled.specs.first?.policy.lossScale.map(TrainingSpec.number) ?? "?"
                s += " Loss scaling (×\(scale)) gives \(accuracyText(scaled)), \(difference.text) against pure"
                    + (difference.differs == true ? "" : " (no measurable difference)")
                    + ", while the underflows to zero go from \(Markdown.integer(Int(Self.underflows(pure).rounded()))) "
                    + "to \(Markdown.integer(Int(Self.underflows(scaled).rounded()))) "
                    + "(" + (Self.underflows(scaled) < Self.underflows(pure)
                        ? Self.ratio(Self.underflows(pure), Self.underflows(scaled)) + " fewer"
                        : Self.ratio(Self.underflows(scaled), Self.underflows(pure)) + " as many")
                    + ") and the swallowed updates from "
                    + "\(Markdown.percent(Self.swallowed(pure), 2)) to \(Markdown.percent(Self.swallowed(scaled), 2)): "
                    + "the scale acts on the gradients, but the step is divided by it again before it meets a weight "
                    + "in \(format)"
                    + (abs(Self.swallowed(scaled) - Self.swallowed(pure)) < 0.01
                        ? ", so the weights take no more steps than before."
                        : difference.differs == true ? "."
                        : "; the share of swallowed updates changes, the accuracy does not.")
                    + " (The events are counted per run, not per operation site, so this report does not say which "
                    + "operation the remaining underflows come from.)"
            }
            paragraphs.append(s)
        }
        guard !paragraphs.isEmpty else { return }
        report.document.heading("Why the 8-bit formats fall to chance")
        report.document.paragraph("""
            Each figure below is the mean over the seeds of the table above. Chance is 10% (ten classes). \
            An update is swallowed when lr·g ≠ 0 leaves the weight unchanged: the step is below half a unit in \
            the last place of the weight.
            """)
        for p in paragraphs { report.document.paragraph(p) }
    }
}
