import DataFiles
import Experiments
import Foundation
import SoftFloat
import Training

/// Exercise 1: for which arguments does `exp` neither overflow nor underflow, in every
/// format? The exact thresholds from the exp-range engine, the representable arguments
/// either side with `exp` evaluated there, how the thresholds move with the rounding mode
/// and with subnormals flushed, the book's rule of thumb checked, and each format's
/// dynamic range.
public struct ExpRangeReport: LabReport {
    public static let name = "exp-range"
    public static let title = "Exercise 1: the exact range of exp in every format"
    public static let needsData = false

    public init() {}

    /// The formats of the table: the binary ones, then INT8 and lns8.
    static var formats: [NumberFormat] { ExpRange.defaultFormats }

    /// Formats whose thresholds are shown under every rounding mode.
    static let modeFormats: [NumberFormat] = [.binary(.fp32), .binary(.bf16), .binary(.fp16), .binary(.fp8E4M3)]
    static let modes: [RoundingMode] = [.nearestEven, .nearestAway, .towardZero, .up, .down]

    public func make(_ context: ReportContext) throws -> ReportDocument {
        context.progress("thresholds for \(Self.formats.map(\.name).joined(separator: ", "))")
        let table = ExpRange.table(formats: Self.formats, ExpRangeOptions())
        var byMode: [(String, ExpRangeTable)] = []
        for mode in Self.modes.dropFirst() {
            byMode.append(("rounding \(mode.rawValue)",
                           ExpRange.table(formats: Self.modeFormats, ExpRangeOptions(rounding: mode))))
        }
        byMode.append(("subnormals flushed",
                       ExpRange.table(formats: Self.modeFormats, ExpRangeOptions(subnormals: false))))

        var report = ReportWriter(name: Self.name, title: Self.title)
        let answer = answerText(table)
        report.provenance(context, data: nil, extra: [
            "Thresholds: the real x where exp(x) changes behaviour, from correctly rounded logarithms of each "
                + "format's bounds, to \(ExpRangeThreshold.significantDigits) significant digits; bounds: the "
                + "representable arguments either side, found by bisection with the format's correctly rounded "
                + "`exp`. The same table prints with `precision-lab exp-range`.",
        ])
        report.answer(answer)

        report.document.heading("Where exp is finite, nonzero and normal")
        report.document.paragraph("For arguments x in a format, rounding to nearest-even with subnormals: exp(x) "
                                  + "**overflows** above the overflow threshold, is **subnormal** below the normal "
                                  + "threshold and **rounds to zero** at or below the zero threshold.")
        let rows = table.rows.map { row -> [String] in
            let zero = row.entry(.zero), normal = row.entry(.normal), overflow = row.entry(.overflow)
            return [row.format, zero?.threshold?.decimal ?? "never", normal?.threshold?.decimal ?? "–",
                    overflow?.threshold?.decimal ?? "never",
                    "[\(zero?.bound.argument ?? "?"), \(overflow?.bound.argument ?? "?")]"]
        }
        report.document.table(["format", "zero: exp(x) = 0 for x ≤", "normal: subnormal below",
                               "overflow: above", "representable x with finite nonzero exp"], rows,
                              alignments: [.left, .right, .right, .right, .left])
        report.document.paragraph(ExpRangeRenderer.ruleOfThumbSentence(table.ruleOfThumb)
                                  + " (The book's [−90, 90] is cited; the rest is measured.)")

        var argumentChart = SVGRangeChart(title: "Arguments x for which exp(x) is finite and nonzero",
                                          axisLabel: "x", rows: [],
                                          caption: "Each bar runs from the zero threshold to the overflow threshold; "
                                            + "the light part is where exp(x) is subnormal. Nearest-even rounding.")
        argumentChart.scale = .linear
        argumentChart.keyLabels = (normal: "exp(x) normal", subnormal: "exp(x) subnormal")
        argumentChart.markers = [(0, "0")]
        // fp64's interval is seven times wider than fp32's and would flatten the others.
        if let fp64 = table.rows.first(where: { $0.format == "fp64" }),
           let zero = fp64.entry(.zero)?.threshold?.value, let top = fp64.entry(.overflow)?.threshold?.value {
            argumentChart.caption! += " fp64 (\(Markdown.significant(zero, 4)) to \(Markdown.significant(top, 4))) is "
                + "left out so that the narrow formats show."
        }
        for row in table.rows where row.format != "fp64" {
            guard let zero = row.entry(.zero)?.threshold?.value, let top = row.entry(.overflow)?.threshold?.value
            else { continue }
            let normal = row.entry(.normal)?.threshold?.value
            argumentChart.rows.append(.init(name: row.format, leastSubnormal: normal == nil ? nil : zero,
                                            leastNormal: normal ?? zero, largest: top,
                                            note: "[\(Markdown.significant(zero, 4)), \(Markdown.significant(top, 4))]"))
        }
        report.figure("arguments", svg: argumentChart.render(), alt: "the arguments where exp is finite, per format")

        report.document.heading("The table that proves itself")
        report.document.paragraph("For each threshold, the representable argument nearest it on the safe side "
                                  + "(bound) and the next one outward, as decimal and bits, with the emulated exp "
                                  + "at both: the event happens at the second and not at the first.")
        var detail: [[String]] = []
        for row in table.rows {
            for e in row.entries {
                detail.append([row.format, e.event.rawValue, e.threshold?.decimal ?? "never",
                               e.threshold?.definition ?? "–", "\(e.bound.argument) (\(e.bound.argumentBits))",
                               Self.result(e.bound),
                               e.neighbour.map { "\($0.argument) (\($0.argumentBits))" } ?? "none",
                               e.neighbour.map(Self.result) ?? "–"])
            }
        }
        report.document.table(["format", "event", "threshold", "defined as", "bound x (bits)", "exp(bound)",
                               "next x (bits)", "exp(next)"], detail)

        report.document.heading("Under other rounding modes, and with subnormals flushed")
        var modeRows: [[String]] = []
        for name in Self.modeFormats.map(\.name) {
            guard let base = table.rows.first(where: { $0.format == name }) else { continue }
            modeRows.append([name, "nearest-even (above)", Self.cell(base, .zero), Self.cell(base, .overflow)])
            for (label, t) in byMode {
                guard let row = t.rows.first(where: { $0.format == name }) else { continue }
                modeRows.append([name, label, Self.cell(row, .zero), Self.cell(row, .overflow)])
            }
        }
        report.document.table(["format", "options", "zero threshold (bound)", "overflow threshold (bound)"], modeRows)

        report.document.heading("Dynamic range")
        let ranges = FloatFormat.named.map(FormatRange.init)
            + [FormatRange(LinearInt8Format.int8), FormatRange(LogFormat.lns8)]
        report.document.table(["format", "least positive", "least normal", "largest", "decades"], ranges.map { r in
            [r.name, Markdown.significant(r.leastNonzero, 4), Markdown.significant(r.leastNormal, 4),
             Markdown.significant(r.largest, 6), Markdown.fixed(r.decades, 1)]
        }, alignments: [.left, .right, .right, .right, .right])
        var chart = SVGRangeChart(title: "Dynamic range of each format", axisLabel: "magnitude (log scale)",
                                  rows: ranges.map(\.chartRow),
                                  caption: "From the least positive value to the largest; the light part holds the "
                                    + "subnormal numbers. INT8 is 1…255; lns8 is 2^(L/4) for L in −63…63.")
        chart.markers = [(1, "1")]
        report.figure("dynamic-range", svg: chart.render(), alt: "dynamic range of each format")
        return report.finish(answer: answer)
    }

    static func result(_ s: ExpRangeSample) -> String {
        s.flags.isEmpty ? s.result : "\(s.result) (\(s.flags.joined(separator: ", ")))"
    }

    static func cell(_ row: ExpRangeRow, _ event: ExpRangeEvent) -> String {
        guard let e = row.entry(event) else { return "–" }
        return "\(e.threshold.map { Markdown.significant($0.value, 10) } ?? "never") (\(e.bound.argument))"
    }

    func answerText(_ table: ExpRangeTable) -> String {
        var intervals: [String] = []
        for row in table.rows {
            guard let zero = row.entry(.zero), let overflow = row.entry(.overflow) else { continue }
            let low = zero.threshold.map { Markdown.significant($0.value, 6) } ?? "−∞"
            let high = overflow.threshold.map { Markdown.significant($0.value, 6) } ?? "∞"
            intervals.append("\(row.format) [\(zero.bound.argument), \(overflow.bound.argument)] (\(low), \(high)]")
        }
        var text = "exp(x) is finite and nonzero for the arguments the format holds in [least, largest], and "
            + "for real x in (lower, upper]: " + intervals.joined(separator: ", ")
            + " (real thresholds rounded here to 6 digits; the report gives "
            + "\(ExpRangeThreshold.significantDigits)). A format without negative values, such as int8, has no "
            + "negative argument at all: its least argument is 0."
        if let fp32 = table.rows.first(where: { $0.format == "fp32" }), let normal = fp32.entry(.normal)?.threshold {
            text += " In fp32, exp(x) is subnormal — precision lost — already below "
                + "\(Markdown.significant(normal.value, 6))."
        }
        text += " " + ExpRangeRenderer.ruleOfThumbSentence(table.ruleOfThumb) + " ([−90, 90] is the book's rule, cited.)"
        return text
    }
}
