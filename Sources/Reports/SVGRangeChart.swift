import Foundation

/// A horizontal range chart: one bar per number format, from its least positive value to
/// its largest, the subnormal part lighter than the normal part — on a log10 axis for
/// magnitudes, or a linear one (for instance for the arguments where `exp` is finite).
///
///     var chart = SVGRangeChart(title: "Dynamic range", axisLabel: "magnitude")
///     chart.rows.append(.init(name: "fp16", leastSubnormal: 0x1p-24, leastNormal: 0x1p-14, largest: 65504))
///     chart.rows.append(.init(name: "int8", leastSubnormal: nil, leastNormal: 1, largest: 255))
///     let svg = chart.render()
///
/// Edge cases: a format with no subnormals passes `leastSubnormal: nil` (its bar is
/// all normal); values that are not positive are not drawn. Each bar carries a tooltip
/// (`<title>`) with its bounds, and a note to its right if given. On a linear axis the
/// bounds may be any numbers in increasing order.
public struct SVGRangeChart: Sendable {
    public struct Row: Sendable {
        public var name: String
        public var leastSubnormal: Double?
        public var leastNormal: Double
        public var largest: Double
        /// Text written to the right of the bar (e.g. decades spanned).
        public var note: String?
    }

    public var title: String
    public var axisLabel: String
    public var rows: [Row] = []
    public var caption: String?
    /// Vertical lines at given magnitudes (e.g. 1), with labels.
    public var markers: [(value: Double, label: String)] = []
    public var width = 760.0
    /// The axis scale (log10 by default).
    public var scale: PlotAxis.Scale = .log10
    /// The key's names for the two parts of a bar.
    public var keyLabels = (normal: "normal range", subnormal: "subnormal range")

    /// The SVG document.
    public func render() -> String {
        let axis = PlotAxis(axisLabel, scale: scale)
        var values: [Double] = []
        for row in rows {
            for v in [row.leastSubnormal, row.leastNormal, row.largest].compactMap({ $0 }) {
                if let t = axis.transform(v) { values.append(t) }
            }
        }
        for marker in markers { if let t = axis.transform(marker.value) { values.append(t) } }
        let layout = AxisLayout(axis: axis, dataLower: values.min(), dataUpper: values.max(), maxTicks: 10)

        let nameWidth = min(160, (rows.map { SVGWriter.estimatedWidth($0.name, size: 12) }.max() ?? 40) + 16)
        let noteWidth = rows.contains { $0.note != nil }
            ? min(220, (rows.compactMap { $0.note }.map { SVGWriter.estimatedWidth($0, size: 10) }.max() ?? 0) + 12) : 0
        let captionLines = caption.map { SVGPlot.wrap($0, width: width - 40, size: 11) } ?? []
        let left = nameWidth + 8, right = 16 + noteWidth, top = 58.0, rowHeight = 26.0
        let plotWidth = max(60, width - left - right)
        let plotHeight = rowHeight * Double(max(rows.count, 1))
        let height = top + plotHeight + 50 + Double(captionLines.count) * 15 + 6
        func px(_ t: Double) -> Double { left + layout.fraction(t) * plotWidth }

        var svg = SVGWriter(width: width, height: height)
        svg.text(title, x: width / 2, y: 22, anchor: "middle", size: 15, weight: "bold")
        // Key.
        svg.rect(x: left, y: 32, width: 14, height: 10, fill: "#0072B2")
        svg.text(keyLabels.normal, x: left + 18, y: 41, size: 11)
        let second = left + 36 + SVGWriter.estimatedWidth(keyLabels.normal, size: 11)
        svg.rect(x: second, y: 32, width: 14, height: 10, fill: "#56B4E9")
        svg.text(keyLabels.subnormal, x: second + 18, y: 41, size: 11)

        for tick in layout.ticks {
            let x = px(tick.position)
            svg.line(x1: x, y1: top, x2: x, y2: top + plotHeight, stroke: "#e6e6e6")
            svg.line(x1: x, y1: top + plotHeight, x2: x, y2: top + plotHeight + 5, stroke: "#888888")
            svg.text(markup: tick.label, x: x, y: top + plotHeight + 18, anchor: "middle", size: 11)
        }
        svg.line(x1: left, y1: top + plotHeight, x2: left + plotWidth, y2: top + plotHeight, stroke: "#888888")
        svg.text(axisLabel, x: left + plotWidth / 2, y: top + plotHeight + 38, anchor: "middle", size: 12)
        for marker in markers {
            guard let t = axis.transform(marker.value) else { continue }
            let x = px(t)
            svg.line(x1: x, y1: top - 4, x2: x, y2: top + plotHeight, stroke: "#555555", dash: "4 3")
            svg.text(marker.label, x: x + 3, y: top - 6, size: 10, fill: "#555555")
        }

        for (index, row) in rows.enumerated() {
            let y = top + Double(index) * rowHeight
            svg.text(row.name, x: left - 8, y: y + rowHeight / 2 + 4, anchor: "end", size: 12)
            let tooltip = "\(row.name): " + (row.leastSubnormal.map { Self.scientific($0) + " … " } ?? "")
                + "\(Self.scientific(row.leastNormal)) … \(Self.scientific(row.largest))"
            if let sub = row.leastSubnormal.flatMap(axis.transform), let normal = axis.transform(row.leastNormal) {
                svg.rect(x: px(sub), y: y + 5, width: px(normal) - px(sub), height: rowHeight - 10,
                         fill: "#56B4E9", title: tooltip)
            }
            if let normal = axis.transform(row.leastNormal), let largest = axis.transform(row.largest) {
                svg.rect(x: px(normal), y: y + 5, width: max(1, px(largest) - px(normal)), height: rowHeight - 10,
                         fill: "#0072B2", title: tooltip)
            }
            if let note = row.note {
                svg.text(note, x: left + plotWidth + 8, y: y + rowHeight / 2 + 4, size: 10, fill: "#444444")
            }
        }

        var y = top + plotHeight + 58
        for line in captionLines {
            svg.text(line, x: 20, y: y, size: 11, fill: "#444444")
            y += 15
        }
        return svg.finish(title: title)
    }

    static func scientific(_ x: Double) -> String { String(format: "%.4g", x) }
}
