import Foundation
import Testing
@testable import Reports

/// The drawn elements of a parsed SVG whose `class` starts with `prefix`.
private func nodes(_ svg: String, classPrefix prefix: String) -> [(name: String, attributes: [String: String])] {
    XMLCheck.parse(svg).nodes.filter { $0.attributes["class"]?.hasPrefix(prefix) == true }
}

/// How many markers come before the legend (data) and inside it.
private func markerCounts(_ svg: String) -> (data: Int, legend: Int) {
    let all = XMLCheck.parse(svg).nodes
    let legend = all.firstIndex { $0.attributes["class"] == "legend" } ?? all.count
    func isMarker(_ n: (name: String, attributes: [String: String])) -> Bool {
        n.attributes["class"]?.hasPrefix("marker-") == true
    }
    return (all[..<legend].filter(isMarker).count, all[legend...].filter(isMarker).count)
}

@Suite("SVG styles: palette, dashes, markers, bands")
struct SVGStyleTests {
    @Test("automatic colours are Okabe–Ito in the issue's order")
    func okabeIto() {
        let expected = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#000000", "#F0E442"]
        #expect((0..<8).map(PlotPalette.color) == expected)
        #expect(PlotPalette.color(8) == expected[0])
    }

    @Test("series of different colours differ in marker; of the same colour, in dash", arguments: [0, 1, 5, 7, 13])
    func greyscaleSafe(i: Int) {
        for j in 0..<32 where j != i {
            let a = PlotPalette.style(i), b = PlotPalette.style(j)
            #expect(a != b, "series \(i) and \(j) look alike")
            if a.color != b.color { #expect(a.marker != b.marker, "\(i) and \(j) differ only in colour") }
            if a.color == b.color { #expect(a.dash != b.dash, "\(i) and \(j) share colour and dash") }
        }
    }

    @Test("two series get different colours, dashes and marker shapes, and the legend shows each marker")
    func twoSeries() {
        var plot = SVGPlot(title: "t", xAxis: PlotAxis("x"), yAxis: PlotAxis("y"))
        plot.series = [PlotSeries("a", x: [1, 2, 3], y: [1, 2, 3]), PlotSeries("b", x: [1, 2, 3], y: [3, 2, 1])]
        let svg = plot.render()
        let parsed = XMLCheck.parse(svg)
        #expect(parsed.error == nil, "\(parsed.error ?? "")")
        let lines = parsed.nodes.filter { $0.name == "polyline" }
        #expect(lines.count == 2)
        #expect(Set(lines.compactMap { $0.attributes["stroke"] }).count == 2)
        #expect(lines[0].attributes["stroke-dasharray"] != lines[1].attributes["stroke-dasharray"])
        let markers = nodes(svg, classPrefix: "marker-")
        let colours = Set(lines.compactMap { $0.attributes["stroke"] })
        var shapes: [String: Set<String>] = [:]
        for m in markers { shapes[m.attributes["fill"] ?? m.attributes["stroke"] ?? "", default: []].insert(m.attributes["class"]!) }
        #expect(Set(shapes.keys) == colours)
        #expect(shapes.values.allSatisfy { $0.count == 1 })
        #expect(Set(shapes.values.flatMap { $0 }).count == 2)
        // Three data markers per series, one per series in the legend.
        #expect(markerCounts(svg) == (6, 2))
    }

    @Test("a marker on the frame is drawn whole; one beyond fixed bounds is left out")
    func markersAtEdges() {
        var plot = SVGPlot(title: "t", xAxis: PlotAxis("x", lower: 0, upper: 2), yAxis: PlotAxis("y"))
        plot.series = [PlotSeries("a", x: [0, 1, 3], y: [1, 2, 3])]
        let svg = plot.render()
        #expect(markerCounts(svg) == (2, 1))
        #expect(nodes(svg, classPrefix: "marker-").allSatisfy { $0.attributes["clip-path"] == nil })
    }

    @Test("× marks of series that turn non-finite at the same x are stacked, not drawn over each other")
    func stackedNonFiniteMarks() {
        var plot = SVGPlot(title: "t", xAxis: PlotAxis("x"), yAxis: PlotAxis("y"))
        plot.series = (0..<3).map { PlotSeries("s\($0)", x: [1, 2, 3], y: [1, Double($0), .nan]) }
        let svg = plot.render()
        let lines = svg.components(separatedBy: "\n").filter { $0.hasSuffix(">×</text>") }
        #expect(lines.count == 3)
        let positions = lines.map { line -> String in
            let start = line.range(of: " y=\"")!.upperBound
            return String(line[start...].prefix { $0 != "\"" })
        }
        #expect(Set(positions).count == 3)   // the same x, three heights
    }

    @Test("explicit colours and dashes are kept")
    func explicitStyle() {
        var plot = SVGPlot(title: "t", xAxis: PlotAxis("x"), yAxis: PlotAxis("y"))
        plot.series = [PlotSeries("train", x: [1, 2], y: [1, 2], color: "#123456"),
                       PlotSeries("validation", x: [1, 2], y: [2, 3], color: "#123456", dashed: true),
                       PlotSeries(name: "custom", points: [(1, 1), (2, 1)], dash: "1 4")]
        let lines = XMLCheck.parse(plot.render()).nodes.filter { $0.name == "polyline" }
        #expect(lines.map { $0.attributes["stroke"] } == ["#123456", "#123456", PlotPalette.color(2)])
        #expect(lines.map { $0.attributes["stroke-dasharray"] } == [nil, PlotPalette.dashes[1], "1 4"])
    }

    @Test("a dense line gets at most a dozen markers, spread on screen, not where its neighbour's are")
    func sparseMarkers() {
        let line = (0..<200).map { (Double($0) * 5, 0.0) }
        let a = SVGPlot.markerIndices(line, every: false, series: 0)
        let b = SVGPlot.markerIndices(line, every: false, series: 1)
        #expect(a.count <= PlotPalette.maxMarkers && a.count >= PlotPalette.maxMarkers - 1)
        #expect(Set(a).isDisjoint(with: b))
        #expect(a == a.sorted() && a.allSatisfy { line.indices.contains($0) })
        // Points crowded at one end (as on a log axis) do not crowd the markers: no two
        // markers closer than half the even spacing.
        let crowded = (0..<200).map { (log(Double($0 + 1)) * 100, 0.0) }
        let c = SVGPlot.markerIndices(crowded, every: false, series: 0)
        let spacing = crowded[199].0 / Double(PlotPalette.maxMarkers)
        for (p, q) in zip(c, c.dropFirst()) { #expect(crowded[q].0 - crowded[p].0 > spacing / 2) }
        #expect(SVGPlot.markerIndices(line, every: true, series: 0).count == 200)
        #expect(SVGPlot.markerIndices(Array(line.prefix(5)), every: false, series: 3) == [0, 1, 2, 3, 4])
        #expect(SVGPlot.markerIndices([], every: false, series: 0).isEmpty)
        // A short dense line: markers at least the minimum spacing apart, but at least one.
        let short = (0..<100).map { (Double($0) * 0.5, 0.0) }
        let s = SVGPlot.markerIndices(short, every: false, series: 0, minimumSpacing: 30)
        #expect(s.count == 2 && s.count < SVGPlot.markerIndices(line, every: false, series: 0).count)
        #expect(SVGPlot.markerIndices(Array(short.prefix(20)), every: false, series: 0, minimumSpacing: 30).count == 1)
    }

    @Test("bounds draw a band under the line, covering the bounds, split where they are missing")
    func bands() {
        var plot = SVGPlot(title: "t", xAxis: PlotAxis("x"), yAxis: PlotAxis("y"))
        plot.series = [PlotSeries("with band", x: [1, 2, 3, 4, 5, 6], y: [1, 2, 3, 4, 5, 6],
                                  lower: [0.5, 1.5, 2.5, .nan, 4.5, 5.5], upper: [1.5, 2.5, 3.5, 4.5, 5.5, 9]),
                       PlotSeries("none", x: [1, 2], y: [1, 2])]
        let svg = plot.render()
        let parsed = XMLCheck.parse(svg)
        #expect(parsed.error == nil)
        let bands = nodes(svg, classPrefix: "band")
        #expect(bands.count == 2)   // points 1–3 and 5–6
        #expect(bands.allSatisfy { $0.attributes["fill"] == PlotPalette.color(0) })
        // The band comes before (under) the lines.
        let firstBand = parsed.nodes.firstIndex { $0.attributes["class"] == "band" }!
        let firstLine = parsed.nodes.firstIndex { $0.name == "polyline" }!
        #expect(firstBand < firstLine)
        // The y axis reaches the upper bound 9 (beyond every y).
        #expect(parsed.texts.contains("9") || parsed.texts.contains("10"))
        // No bounds: no band.
        var plain = plot
        plain.series[0].lower = nil
        #expect(nodes(plain.render(), classPrefix: "band").isEmpty)
    }

    @Test("dot charts: a marker shape per series, legend markers, error bars when bounds are given")
    func dotChart() {
        var chart = SVGDotChart(title: "accuracy", axis: PlotAxis("%"), rows: ["fp32", "bf16"])
        chart.series = [.init(name: "pure", values: [[82.9, 83.1], [81]], lower: [82.5, nil], upper: [83.5, nil]),
                        .init(name: "master", values: [[83], [82]])]
        let svg = chart.render()
        #expect(XMLCheck.parse(svg).error == nil)
        let markers = nodes(svg, classPrefix: "marker-")
        #expect(markers.count == 6)   // 4 dots and 2 in the legend
        #expect(Set(markers.map { $0.attributes["class"]! }).count == 2)
        #expect(markerCounts(svg) == (4, 2))
        let bars = nodes(svg, classPrefix: "error-bar")
        #expect(bars.count == 1)
        #expect(bars.first?.attributes["stroke"] == PlotPalette.color(0))
    }

    @Test("every marker shape is well-formed markup", arguments: PlotMarker.allCases)
    func markerMarkup(shape: PlotMarker) {
        let markup = SVGText.marker(shape: shape, x: 10, y: 10, size: 7, color: "#0072B2", clipPath: "plot-area")
        let parsed = XMLCheck.parse("<svg xmlns=\"http://www.w3.org/2000/svg\">\(markup)</svg>")
        #expect(parsed.error == nil)
        #expect(parsed.nodes.last?.attributes["class"] == "marker-\(shape.rawValue)")
        #expect(parsed.nodes.last?.attributes["clip-path"] == "url(#plot-area)")
    }
}
