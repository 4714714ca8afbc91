import Foundation
@testable import Reports
import Testing
import Training

/// What the reports' figures show: the zoom on the formats near FP32 in formats.md, and
/// every format of int8-range.md's table in its steps figure.
@Suite("report figures")
struct ReportFigureTests {
    /// A cell of the formats report with these test accuracies, one run per seed.
    static func cell(_ format: String, _ policy: String, _ accuracies: [Double]) -> FormatsReport.Cell {
        let results = accuracies.map { a -> TrainingResult in
            var r = ReportVerdictTests.run([a])
            r.testAccuracy = a
            return r
        }
        return FormatsReport.Cell(format: format, policy: policy, specs: [], results: results)
    }

    @Test("the zoom on the formats near FP32: differences in points, Welch's interval as the error bar")
    func nearFP32() throws {
        let plan = FormatsReport.Plan(formats: ["fp32", "bf16", "fp8-e5m2"], policies: FormatsReport.policies,
                                      seeds: [0, 1, 2], epochs: 10, data: .quick)
        let cells = [Self.cell("fp32", "pure", [0.83, 0.84, 0.85]),
                     Self.cell("bf16", "pure", [0.82, 0.83, 0.84]),
                     Self.cell("bf16", "FP32 master weights", [0.835, 0.84, 0.845]),
                     Self.cell("fp8-e5m2", "pure", [0.10, 0.11, 0.12]),
                     Self.cell("fp8-e5m2", "FP32 master weights", [0.82, 0.83, 0.84])]
        let near = try #require(FormatsReport.nearFP32Chart(cells: cells, plan: plan))
        // fp8-e5m2's pure mean is 73 points below FP32's: left out, with all its policies.
        #expect(near.formats == ["fp32", "bf16"])
        #expect(near.chart.rows == ["fp32", "bf16"])
        #expect(near.chart.series.map(\.name) == ["pure", "FP32 master weights"])
        let pure = near.chart.series[0]
        // bf16 pure minus FP32 pure's mean 0.84, in points.
        let bf16 = pure.values[1]
        #expect(bf16.count == 3)
        for (value, expected) in zip(bf16, [-2.0, -1.0, 0.0]) { #expect(abs(value - expected) < 1e-9) }
        // Welch by hand: both sd 0.01, n = 3, se = √(2 · 0.0001/3) = 0.0081650, df = 4, t = 2.776:
        // −0.01 ± 0.022666, i.e. −3.2666 to 1.2666 points.
        let lower = try #require(pure.lower?[1] ?? nil), upper = try #require(pure.upper?[1] ?? nil)
        #expect(abs(lower - -3.2666) < 1e-3 && abs(upper - 1.2666) < 1e-3, "\(lower) \(upper)")
        // FP32 against itself: centred on 0.
        let own = (try #require(pure.lower?[0] ?? nil), try #require(pure.upper?[0] ?? nil))
        #expect(abs(own.0 + own.1) < 1e-12 && own.1 > 0)
        // Master weights has no fp32 cell: nothing drawn in that row.
        #expect(near.chart.series[1].values[0].isEmpty && near.chart.series[1].lower?[0] == nil)

        let svg = near.chart.render()
        #expect(XMLCheck.parse(svg).error == nil)
        let bars = XMLCheck.parse(svg).nodes.filter { $0.attributes["class"] == "error-bar" }
        #expect(bars.count == 3)   // fp32 pure, bf16 pure, bf16 master weights
        #expect(svg.contains("difference from FP32 pure (percentage points)"))
    }

    @Test("without an FP32 pure cell there is no zoom")
    func nearFP32WithoutReference() {
        let plan = FormatsReport.Plan(formats: ["bf16"], policies: FormatsReport.policies, seeds: [0], epochs: 1,
                                      data: .quick)
        #expect(FormatsReport.nearFP32Chart(cells: [Self.cell("bf16", "pure", [0.8])], plan: plan) == nil)
    }

    @Test("int8-range's steps figure draws every format its encodings table lists")
    func stepsFigure() throws {
        let ranges = Int8RangeReport.ranges()
        let series = Int8RangeReport.stepSeries(ranges)
        #expect(series.map(\.name) == ranges.map(\.name))
        #expect(Set(ranges.map(\.name)).isSuperset(of: ["int8", "int8s-s4", "lns8-f0", "lns8-f5", "lns8-f6",
                                                          "fp8-e4m3", "fp8-e5m2"]))
        for (s, r) in zip(series, ranges) {
            #expect(s.points.count >= 2, "\(s.name)")
            // Each series spans its format's range and its steps are the relative steps there.
            #expect(s.points.first?.x == r.leastNonzero, "\(s.name)")
            #expect(s.points.map(\.y).max() == r.largestRelativeStep, "\(s.name)")
        }
        let svg = Int8RangeReport().stepPlot(ranges: ranges)
        #expect(XMLCheck.parse(svg).error == nil)
        for r in ranges { #expect(svg.contains(">\(r.name)<"), "the legend names \(r.name)") }
    }
}
