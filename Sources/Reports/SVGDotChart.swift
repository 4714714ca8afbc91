import Foundation

/// A dot chart: one row per category (a number format), and in each row one dot per
/// series (a policy) at its value on a shared horizontal axis, with a whisker from the
/// least to the largest of repeated measurements.
///
///     var chart = SVGDotChart(title: "Test accuracy", axis: PlotAxis("test accuracy (%)"))
///     chart.rows = ["fp32", "bf16"]
///     chart.series = [.init(name: "pure", values: [[82.9, 83.0, 82.8], [82.1, 82.3]])]
///     let svg = chart.render()
///
/// Each series has its own Okabe–Ito colour and marker shape (`PlotPalette`). Given
/// `lower`/`upper`, a row's interval is drawn as a thin error bar with end caps over the
/// thick min–max whisker.
///
/// Edge cases: a row without values for a series draws nothing for it; non-finite values
/// are left out (a row whose runs all diverged shows "no finite value").
public struct SVGDotChart: Sendable {
    public struct Series: Sendable {
        public var name: String
        /// Per row, the measurements (e.g. one per seed).
        public var values: [[Double]]
        public var color: String?
        /// An explicit marker; nil: the palette's marker for the series' index.
        public var marker: PlotMarker? = nil
        /// Per row, the lower and upper end of an interval around the mean (e.g. 95 %),
        /// drawn as an error bar with caps; nil (or a non-finite end) draws none.
        public var lower: [Double?]? = nil
        public var upper: [Double?]? = nil

        public init(name: String, values: [[Double]], color: String? = nil, marker: PlotMarker? = nil,
                    lower: [Double?]? = nil, upper: [Double?]? = nil) {
            self.name = name
            self.values = values
            self.color = color
            self.marker = marker
            self.lower = lower
            self.upper = upper
        }

        /// The interval of row `r` in transformed coordinates, when both ends are drawable.
        func interval(_ r: Int, on axis: PlotAxis) -> (lower: Double, upper: Double)? {
            guard let lower, let upper, r < lower.count, r < upper.count,
                  let lo = lower[r].flatMap(axis.transform), let hi = upper[r].flatMap(axis.transform) else { return nil }
            return (min(lo, hi), max(lo, hi))
        }
    }

    public var title: String
    public var axis: PlotAxis
    public var rows: [String] = []
    public var series: [Series] = []
    public var caption: String?
    public var referenceLines: [PlotReferenceLine] = []
    public var width = 760.0

    public func render() -> String {
        var all: [Double] = []
        for s in series {
            for (r, row) in s.values.enumerated() {
                all += row.compactMap(axis.transform)
                if let band = s.interval(r, on: axis) { all += [band.lower, band.upper] }
            }
        }
        for line in referenceLines { if let t = axis.transform(line.value) { all.append(t) } }
        let layout = AxisLayout(axis: axis, dataLower: all.min(), dataUpper: all.max())

        let nameWidth = min(200, (rows.map { SVGWriter.estimatedWidth($0, size: 12) }.max() ?? 40) + 16)
        let legendWidth = min(220, (series.map { SVGWriter.estimatedWidth($0.name, size: 11) }.max() ?? 0) + 40)
        let markers = series.indices.map { series[$0].marker ?? PlotPalette.marker($0) }
        let captionLines = caption.map { SVGPlot.wrap($0, width: width - 40, size: 11) } ?? []
        let left = nameWidth + 8, right = legendWidth + 16, top = 44.0
        let lane = 11.0
        // Rows tall enough for a lane per series, and together for the legend.
        let rowHeight = max(24, lane * Double(series.count) + 10,
                            (16 * Double(series.count) + 4) / Double(max(1, rows.count)))
        let plotWidth = max(60, width - left - right), plotHeight = rowHeight * Double(max(1, rows.count))
        let height = top + plotHeight + 50 + Double(captionLines.count) * 15 + 6
        func px(_ t: Double) -> Double { left + layout.fraction(t) * plotWidth }

        var svg = SVGWriter(width: width, height: height)
        svg.plotFrame(title: title, left: left, top: top, width: plotWidth, height: plotHeight)
        svg.horizontalAxisTicks(layout.ticks.map { (px($0.position), $0.label) }, top: top, height: plotHeight)
        svg.text(axis.label, x: left + plotWidth / 2, y: top + plotHeight + 38, anchor: "middle", size: 12)
        for line in referenceLines where line.orientation == .vertical {
            guard let t = axis.transform(line.value) else { continue }
            let x = px(t)
            svg.line(x1: x, y1: top, x2: x, y2: top + plotHeight, stroke: line.color, dash: "6 4")
            // Above the plot, turned leftwards where it would run into the legend.
            let fits = x + 4 + SVGWriter.estimatedWidth(line.label, size: 10) <= left + plotWidth
            svg.text(line.label, x: fits ? x + 4 : x - 4, y: top - 4, anchor: fits ? "start" : "end", size: 10,
                     fill: line.color)
        }
        for (r, name) in rows.enumerated() {
            let y0 = top + Double(r) * rowHeight
            if r > 0 { svg.line(x1: left, y1: y0, x2: left + plotWidth, y2: y0, stroke: "#f0f0f0") }
            svg.text(name, x: left - 8, y: y0 + rowHeight / 2 + 4, anchor: "end", size: 12)
            var drew = false
            for (k, s) in series.enumerated() where r < s.values.count {
                let values = s.values[r].compactMap(axis.transform)
                guard !values.isEmpty else { continue }
                drew = true
                let color = s.color ?? PlotPalette.color(k)
                let y = y0 + (rowHeight - lane * Double(series.count)) / 2 + lane * (Double(k) + 0.5)
                let mean = values.reduce(0, +) / Double(values.count)
                if values.count > 1, let lo = values.min(), let hi = values.max() {
                    svg.raw("<line x1=\"\(SVGText.number(px(lo)))\" y1=\"\(SVGText.number(y))\" "
                            + "x2=\"\(SVGText.number(px(hi)))\" y2=\"\(SVGText.number(y))\" stroke=\"\(color)\" "
                            + "stroke-width=\"2\" clip-path=\"url(#plot-area)\"/>")
                }
                if let band = s.interval(r, on: axis) {
                    let (a, b) = (px(band.lower), px(band.upper))
                    svg.raw("<path class=\"error-bar\" d=\"M\(SVGText.number(a)),\(SVGText.number(y))H\(SVGText.number(b))"
                            + "M\(SVGText.number(a)),\(SVGText.number(y - 3.5))V\(SVGText.number(y + 3.5))"
                            + "M\(SVGText.number(b)),\(SVGText.number(y - 3.5))V\(SVGText.number(y + 3.5))\" "
                            + "fill=\"none\" stroke=\"\(color)\" stroke-width=\"1\" clip-path=\"url(#plot-area)\"/>")
                }
                let x = px(mean)
                if x >= left - 0.5 && x <= left + plotWidth + 0.5 {
                    svg.marker(markers[k], x: x, y: y, size: 8, color: color)
                }
            }
            if !drew && !series.isEmpty {
                svg.text("no finite value", x: left + 6, y: y0 + rowHeight / 2 + 4, size: 10, fill: "#888888")
            }
        }
        let x0 = width - legendWidth - 4
        var y = top + 10
        svg.raw("<g class=\"legend\">")
        for (k, s) in series.enumerated() {
            svg.marker(markers[k], x: x0 + 8, y: y - 4, size: 8, color: s.color ?? PlotPalette.color(k))
            svg.text(s.name, x: x0 + 20, y: y, size: 11)
            y += 16
        }
        svg.raw("</g>")
        var cy = top + plotHeight + 58
        for line in captionLines {
            svg.text(line, x: 20, y: cy, size: 11, fill: "#444444")
            cy += 15
        }
        return svg.finish(title: title)
    }
}
