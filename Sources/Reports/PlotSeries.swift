/// One line of a plot: points in order, a name for the legend, and how it is drawn.
///
///     PlotSeries("fp32 train loss", x: [1, 2, 3], y: [0.8, 0.6, .nan], dashed: true)
///
/// Edge cases: a point whose x or y is NaN or infinite (or not positive on a log axis)
/// is not drawn and breaks the line, so a diverged run shows where it stopped.
public struct PlotSeries: Sendable {
    public var name: String
    public var points: [(x: Double, y: Double)]
    /// A colour (`#RRGGBB`); nil takes the next colour of the palette.
    public var color: String?
    public var dashed = false
    /// Draw a dot at each point.
    public var markers = false
}

extension PlotSeries {
    /// The points `zip(x, y)`.
    public init(_ name: String, x: [Double], y: [Double], color: String? = nil, dashed: Bool = false,
                markers: Bool = false) {
        self.init(name: name, points: Array(zip(x, y)).map { (x: $0.0, y: $0.1) }, color: color, dashed: dashed,
                  markers: markers)
    }
}

/// A horizontal or vertical line across a plot, with a label (a cited value, a peak).
///
///     PlotReferenceLine(y: 83.7, label: "book: 83.7% (cited)")
public struct PlotReferenceLine: Sendable {
    public enum Orientation: Sendable { case horizontal, vertical }
    public var orientation: Orientation
    public var value: Double
    public var label: String
    public var color: String

    public init(y: Double, label: String, color: String = "#555555") {
        self.orientation = .horizontal
        self.value = y
        self.label = label
        self.color = color
    }

    public init(x: Double, label: String, color: String = "#555555") {
        self.orientation = .vertical
        self.value = x
        self.label = label
        self.color = color
    }
}

/// Colours that stay distinguishable side by side (Tableau 10).
public enum PlotPalette {
    public static let colors = [
        "#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f",
        "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac",
    ]

    /// The colour for the `index`-th series (cycling).
    public static func color(_ index: Int) -> String { colors[index % colors.count] }
}
