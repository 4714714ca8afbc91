import Foundation
import Testing
@testable import Reports

@Suite("SVG plots")
struct SVGPlotTests {
    @Test("a line plot with several series, NaN, infinity and awkward text is well-formed XML")
    func linePlotParses() {
        var plot = SVGPlot(title: "Loss <train> & \"validation\" 'quotes'", xAxis: PlotAxis("epoch"),
                           yAxis: PlotAxis("loss", scale: .log10))
        plot.series = [
            PlotSeries("fp32 & co", x: [1, 2, 3, 4], y: [2.3, 0.8, 0.6, 0.5], markers: true),
            PlotSeries("fp16 <diverges>", x: [1, 2, 3, 4], y: [2.3, .infinity, .nan, 0.7], dashed: true),
            PlotSeries("zeros on a log axis", x: [1, 2], y: [0, -1]),
            PlotSeries(name: "empty", points: []),
        ]
        plot.referenceLines = [PlotReferenceLine(y: 0.7, label: "a < b"), PlotReferenceLine(x: 2, label: "peak")]
        plot.caption = "A caption long enough to wrap onto a second line of text, with <angle> brackets & ampersands "
            + "that must be escaped so the document stays well-formed XML in a browser."
        let svg = plot.render()
        let parsed = XMLCheck.parse(svg)
        #expect(parsed.error == nil, "\(parsed.error ?? "")")
        #expect(parsed.elements.first == "svg")
        #expect(parsed.elements.contains("polyline"))
        // The legend names and the title come back as text, unescaped.
        let text = parsed.texts.joined()
        #expect(text.contains("fp16 <diverges>"))
        #expect(text.contains("Loss <train> & \"validation\" 'quotes'"))
        // The non-finite values of the second series leave a marker.
        #expect(text.contains("×"))
    }

    @Test("a plot with no drawable point still renders and says so")
    func emptyPlot() {
        let plot = SVGPlot(title: "nothing", xAxis: PlotAxis("x"), yAxis: PlotAxis("y"),
                           series: [PlotSeries("all NaN", x: [1, 2], y: [.nan, .nan])])
        let parsed = XMLCheck.parse(plot.render())
        #expect(parsed.error == nil)
        #expect(parsed.texts.joined().contains("no finite data"))
    }

    @Test("range and dot charts are well-formed XML")
    func chartsParse() {
        var chart = SVGRangeChart(title: "ranges & <formats>", axisLabel: "magnitude")
        chart.rows = [.init(name: "fp16", leastSubnormal: 0x1p-24, leastNormal: 0x1p-14, largest: 65504),
                      .init(name: "int8", leastSubnormal: nil, leastNormal: 1, largest: 255, note: "2.4 decades")]
        chart.markers = [(1, "1")]
        #expect(XMLCheck.parse(chart.render()).error == nil)
        var dots = SVGDotChart(title: "accuracy", axis: PlotAxis("%"), rows: ["fp32", "bf16 <x>"])
        dots.series = [.init(name: "pure", values: [[82.9, 83.1], [.nan]]), .init(name: "master & co", values: [[83], []])]
        dots.referenceLines = [PlotReferenceLine(x: 83.7, label: "book (cited)")]
        let parsed = XMLCheck.parse(dots.render())
        #expect(parsed.error == nil)
        #expect(parsed.texts.joined().contains("no finite value"))
    }

    @Test("linear ticks are 1, 2 or 5 times a power of ten and cover the data", arguments: [
        (0.0, 1.0), (0.37, 0.91), (-3.2, 47.0), (1e-7, 3e-7), (12_000.0, 980_000.0), (5.0, 5.0),
    ])
    func linearTicks(lower: Double, upper: Double) {
        let layout = AxisLayout(axis: PlotAxis("x"), dataLower: lower, dataUpper: upper)
        #expect(layout.lower <= lower && layout.upper >= upper)
        #expect(layout.ticks.count >= 2 && layout.ticks.count <= 12)
        let positions = layout.ticks.map(\.position)
        let step = positions[1] - positions[0]
        let mantissa = step / pow(10, floor(log10(step)))
        #expect([1.0, 2.0, 5.0].contains { abs($0 - mantissa) < 1e-6 })
        for (a, b) in zip(positions, positions.dropFirst()) { #expect(abs((b - a) - step) < step * 1e-6) }
        for p in positions { #expect(p >= layout.lower - step * 1e-6 && p <= layout.upper + step * 1e-6) }
        // Labels are distinct numbers.
        #expect(Set(layout.ticks.map(\.label)).count == layout.ticks.count)
    }

    @Test("log ticks fall on powers of ten (or 1, 2, 5 within few decades)")
    func logTicks() {
        let wide = AxisLayout(axis: PlotAxis("x", scale: .log10), dataLower: -7.3, dataUpper: 4.2)
        #expect(wide.lower == -8 && wide.upper == 5)
        #expect(wide.ticks.allSatisfy { $0.position == $0.position.rounded() })
        let narrow = AxisLayout(axis: PlotAxis("x", scale: .log10), dataLower: log10(0.3), dataUpper: log10(2.5))
        let values = narrow.ticks.map { pow(10, $0.position) }
        #expect(values.contains { abs($0 - 0.5) < 1e-9 } && values.contains { abs($0 - 2) < 1e-9 })
        #expect(narrow.ticks.map(\.label).contains("0.5"))
    }

    @Test("escaping leaves plain text alone and makes markup inert")
    func escaping() {
        #expect(SVGText.escape("plain") == "plain")
        #expect(SVGText.escape("a<b>&\"'") == "a&lt;b&gt;&amp;&quot;&apos;")
        #expect(SVGText.escape("bell\u{07}") == "bell")
        #expect(SVGText.number(12.345) == "12.35" && SVGText.number(-0.001) == "0" && SVGText.number(3) == "3")
    }
}
