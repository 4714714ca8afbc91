import Foundation

/// A line plot as a self-contained SVG document: several series, a legend, axes with
/// ticks at nice numbers (linear or log10), axis labels, a title and a caption.
///
///     var plot = SVGPlot(title: "Validation accuracy", xAxis: PlotAxis("epoch"), yAxis: PlotAxis("accuracy (%)"))
///     plot.series.append(PlotSeries("fp32", x: [1, 2, 3], y: [78.1, 80.2, 81.0], markers: true))
///     plot.caption = "softmax regression, lr 0.1, batch 256, seed 0"
///     let svg = plot.render()           // "<?xml version=…><svg …>…</svg>"
///
/// Each series is drawn in its own colour, dash pattern and marker shape (`PlotPalette`,
/// unless the series names its own), with markers at its points — at most a dozen,
/// spread along the line, unless `markers` asks for every point — and the same marker on
/// its legend entry. A series with `lower`/`upper` gets a shaded band under the lines.
///
/// Edge cases: NaN and infinite values (and values ≤ 0 on a log axis) leave gaps; where
/// a series turns non-finite, a "×" on the top edge marks it (`marksNonFinite`; several
/// at one x are stacked); lines beyond fixed bounds are clipped to the plot area, and
/// markers outside it are left out. With no drawable point at all the axes run 0…1 and
/// the plot says "no finite data". `height` excludes the caption, which adds a line of
/// height per line of text; a long legend makes the plot taller rather than overlap it.
public struct SVGPlot: Sendable {
    public var title: String
    public var xAxis: PlotAxis
    public var yAxis: PlotAxis
    public var series: [PlotSeries] = []
    public var caption: String?
    public var referenceLines: [PlotReferenceLine] = []
    /// Mark where a series turns NaN or infinite with a "×" on the top edge.
    public var marksNonFinite = true
    public var width = 760.0
    public var height = 440.0

    /// The SVG document.
    public func render() -> String {
        // Data bounds in transformed coordinates.
        var xs: [Double] = [], ys: [Double] = []
        for s in series {
            for (i, p) in s.points.enumerated() {
                if let x = xAxis.transform(p.x), let y = yAxis.transform(p.y) {
                    xs.append(x)
                    ys.append(y)
                    if let band = s.bounds(at: i) {
                        ys += [band.lower, band.upper].compactMap(yAxis.transform)
                    }
                }
            }
        }
        for line in referenceLines {
            switch line.orientation {
            case .horizontal: if let y = yAxis.transform(line.value) { ys.append(y) }
            case .vertical: if let x = xAxis.transform(line.value) { xs.append(x) }
            }
        }
        let xLayout = AxisLayout(axis: xAxis, dataLower: xs.min(), dataUpper: xs.max())
        let yLayout = AxisLayout(axis: yAxis, dataLower: ys.min(), dataUpper: ys.max(), maxTicks: 7)

        // Layout: title on top, legend on the right, caption below.
        let legendNames = series.map(\.name) + (marksNonFinite && hasNonFinite ? ["× turns inf/NaN"] : [])
        let legendWidth = legendNames.isEmpty ? 0
            : min(260, (legendNames.map { SVGWriter.estimatedWidth($0, size: 11) }.max() ?? 0) + 44)
        let captionLines = caption.map { Self.wrap($0, width: width - 40, size: 11) } ?? []
        let left = 78.0, right = 16 + legendWidth, top = 44.0
        let bottom = 56.0
        // Tall enough for the legend, which must not run into the caption.
        let plotWidth = max(50, width - left - right)
        let plotHeight = max(50, height - top - bottom, 16 * Double(legendNames.count) + 4)
        let totalHeight = top + plotHeight + bottom + Double(captionLines.count) * 15 + 4

        func px(_ t: Double) -> Double { left + xLayout.fraction(t) * plotWidth }
        func py(_ t: Double) -> Double { top + (1 - yLayout.fraction(t)) * plotHeight }

        var svg = SVGWriter(width: width, height: totalHeight)
        svg.plotFrame(title: title, left: left, top: top, width: plotWidth, height: plotHeight)
        svg.horizontalAxisTicks(xLayout.ticks.map { (px($0.position), $0.label) }, top: top, height: plotHeight)
        for tick in yLayout.ticks {
            let y = py(tick.position)
            svg.line(x1: left, y1: y, x2: left + plotWidth, y2: y, stroke: "#e6e6e6")
            svg.line(x1: left - 5, y1: y, x2: left, y2: y, stroke: "#888888")
            svg.text(markup: tick.label, x: left - 8, y: y + 4, anchor: "end", size: 11)
        }
        svg.text(xAxis.label, x: left + plotWidth / 2, y: top + plotHeight + 38, anchor: "middle", size: 12)
        svg.text(yAxis.label, x: 18, y: top + plotHeight / 2, anchor: "middle", size: 12, rotate: -90)

        // Reference lines.
        for line in referenceLines {
            switch line.orientation {
            case .horizontal:
                guard let t = yAxis.transform(line.value) else { continue }
                let y = py(t)
                guard y >= top - 0.5 && y <= top + plotHeight + 0.5 else { continue }
                svg.line(x1: left, y1: y, x2: left + plotWidth, y2: y, stroke: line.color, dash: "6 4")
                svg.text(line.label, x: left + plotWidth - 4, y: y - 4, anchor: "end", size: 10, fill: line.color)
            case .vertical:
                guard let t = xAxis.transform(line.value) else { continue }
                let x = px(t)
                guard x >= left - 0.5 && x <= left + plotWidth + 0.5 else { continue }
                svg.line(x1: x, y1: top, x2: x, y2: top + plotHeight, stroke: line.color, dash: "6 4")
                // The label on the side with more room.
                let onRight = x < left + plotWidth / 2
                svg.text(line.label, x: onRight ? x + 4 : x - 4, y: top + 12, anchor: onRight ? "start" : "end",
                         size: 10, fill: line.color)
            }
        }

        // Bands first, under every line.
        let styles = series.indices.map { series[$0].resolvedStyle($0) }
        for (index, s) in series.enumerated() where s.lower != nil && s.upper != nil {
            var run: [(x: Double, lower: Double, upper: Double)] = []
            func flushBand() {
                if run.count > 1 {
                    let outline = run.map { ($0.x, $0.upper) } + run.reversed().map { ($0.x, $0.lower) }
                    svg.polygon(outline, fill: styles[index].color, opacity: 0.18, clipPath: "plot-area",
                                kind: "band")
                } else if let only = run.first {
                    svg.line(x1: only.x, y1: only.lower, x2: only.x, y2: only.upper, stroke: styles[index].color,
                             width: 3)
                }
                run = []
            }
            for (i, p) in s.points.enumerated() {
                if let x = xAxis.transform(p.x), let band = s.bounds(at: i),
                   let lo = yAxis.transform(band.lower), let hi = yAxis.transform(band.upper) {
                    run.append((px(x), py(lo), py(hi)))
                } else {
                    flushBand()
                }
            }
            flushBand()
        }

        // Series: runs of drawable points become polylines, with markers spread along them.
        // Markers are not clipped (one on the frame stays whole); those outside are left out.
        var nonFiniteMarks: [Double] = []
        func inside(_ p: (Double, Double)) -> Bool {
            p.0 >= left - 0.5 && p.0 <= left + plotWidth + 0.5 && p.1 >= top - 0.5 && p.1 <= top + plotHeight + 0.5
        }
        for (index, s) in series.enumerated() {
            let style = styles[index]
            let color = style.color
            var run: [(Double, Double)] = []
            var drawable: [(Double, Double)] = []
            var lone: Set<Int> = []
            var previousDrawable = false
            func flush() {
                if run.count == 1 {
                    lone.insert(drawable.count - 1)
                } else if run.count > 1 {
                    svg.polyline(run, stroke: color, width: 1.8, dash: style.dash, clipPath: "plot-area")
                }
                run = []
            }
            for p in s.points {
                if let x = xAxis.transform(p.x), let y = yAxis.transform(p.y) {
                    run.append((px(x), py(y)))
                    drawable.append((px(x), py(y)))
                    previousDrawable = true
                } else {
                    flush()
                    if marksNonFinite, previousDrawable, !p.y.isFinite, let x = xAxis.transform(p.x) {
                        // Stacked downwards where another series' × already sits.
                        let at = px(x)
                        let level = nonFiniteMarks.filter { abs($0 - at) < 9 }.count
                        nonFiniteMarks.append(at)
                        svg.text("×", x: at, y: top + 12 + 13 * Double(level), anchor: "middle", size: 14,
                                 weight: "bold", fill: color)
                    }
                    previousDrawable = false
                }
            }
            flush()
            let marked = lone.union(Self.markerIndices(drawable, every: s.markers, series: index))
            for k in marked.sorted() where inside(drawable[k]) {
                svg.marker(style.marker, x: drawable[k].0, y: drawable[k].1, size: 7, color: color)
            }
        }
        if xs.isEmpty {
            svg.text("no finite data", x: left + plotWidth / 2, y: top + plotHeight / 2, anchor: "middle",
                     size: 13, fill: "#888888")
        }

        // Legend.
        if !legendNames.isEmpty {
            svg.raw("<g class=\"legend\">")
            let x0 = width - legendWidth - 4
            var y = top + 10
            for (index, s) in series.enumerated() {
                let style = styles[index]
                if s.lower != nil && s.upper != nil {
                    svg.rect(x: x0, y: y - 9, width: 26, height: 10, fill: style.color, opacity: 0.18)
                }
                svg.line(x1: x0, y1: y - 4, x2: x0 + 26, y2: y - 4, stroke: style.color, width: 2, dash: style.dash)
                svg.marker(style.marker, x: x0 + 13, y: y - 4, size: 7, color: style.color)
                svg.text(s.name, x: x0 + 32, y: y, size: 11)
                y += 16
            }
            if marksNonFinite && hasNonFinite {
                svg.text("× turns inf/NaN", x: x0 + 4, y: y, size: 11, fill: "#555555")
            }
            svg.raw("</g>")
        }

        // Caption.
        var y = top + plotHeight + 58
        for line in captionLines {
            svg.text(line, x: 20, y: y, size: 11, fill: "#444444")
            y += 15
        }
        return svg.finish(title: title)
    }

    /// Whether some series has a point whose value is NaN or infinite.
    var hasNonFinite: Bool {
        series.contains { $0.points.contains { !$0.y.isFinite && $0.x.isFinite } }
    }

    /// Which of the drawable `points` (screen coordinates, in order) of the `series`-th
    /// line get a marker: all when `every` or when there are few, else at most
    /// `PlotPalette.maxMarkers` spaced evenly along the line's length on screen (so a
    /// log axis's crowded end is not smothered), at least `minimumSpacing` apart (a short
    /// line gets fewer), at a phase that differs between series so that overlapping
    /// lines' markers do not coincide.
    static func markerIndices(_ points: [(Double, Double)], every: Bool, series: Int,
                              minimumSpacing: Double = 30) -> [Int] {
        let limit = PlotPalette.maxMarkers
        if every || points.count <= limit { return Array(points.indices) }
        var distance = [0.0]
        for (a, b) in zip(points, points.dropFirst()) {
            distance.append(distance[distance.count - 1] + ((b.0 - a.0) * (b.0 - a.0) + (b.1 - a.1) * (b.1 - a.1)).squareRoot())
        }
        let length = distance[distance.count - 1]
        guard length > 0 else { return [0] }
        let spacing = max(length / Double(limit), minimumSpacing)
        let phase = (0.5 + 0.29 * Double(abs(series))).truncatingRemainder(dividingBy: 1)
        var marked: [Int] = []
        var i = 0
        for k in 0..<limit {
            let threshold = (Double(k) + phase) * spacing
            if threshold > length { break }
            while i < points.count - 1 && distance[i] < threshold { i += 1 }
            if marked.last != i { marked.append(i) }
        }
        return marked.isEmpty ? [0] : marked
    }

    /// Splits `text` into lines of at most `width` (estimated) at spaces.
    static func wrap(_ text: String, width: Double, size: Double) -> [String] {
        let perLine = max(20, Int(width / (size * 0.56)))
        var lines: [String] = []
        var current = ""
        for word in text.split(separator: " ", omittingEmptySubsequences: true) {
            if current.isEmpty {
                current = String(word)
            } else if current.count + 1 + word.count <= perLine {
                current += " " + word
            } else {
                lines.append(current)
                current = String(word)
            }
        }
        if !current.isEmpty { lines.append(current) }
        return lines
    }
}
