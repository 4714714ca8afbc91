/// One line of a plot: points in order, a name for the legend, and how it is drawn.
///
///     PlotSeries("fp32 train loss", x: [1, 2, 3], y: [0.8, 0.6, .nan], dashed: true)
///     PlotSeries("bf16", x: [1, 2, 3], y: [0.8, 0.7, 0.6], lower: [0.7, 0.65, 0.55], upper: [0.9, 0.75, 0.65])
///
/// A series without an explicit colour takes the `index`-th Okabe–Ito colour, a dash
/// pattern and a marker shape chosen so that two series never share all three (see
/// `PlotPalette`), so a plot survives colour blindness and greyscale printing.
///
/// Edge cases: a point whose x or y is NaN or infinite (or not positive on a log axis)
/// is not drawn and breaks the line, so a diverged run shows where it stopped. Bounds
/// (`lower`, `upper`) shorter than `points`, or non-finite at a point, leave a gap in
/// the band there.
public struct PlotSeries: Sendable {
    public var name: String
    public var points: [(x: Double, y: Double)]
    /// A colour (`#RRGGBB`); nil takes the next colour of the palette.
    public var color: String?
    /// Drawn dashed (`PlotPalette.dashes[1]`) unless `dash` names a pattern.
    public var dashed = false
    /// Draw a marker at every point (otherwise at most `PlotPalette.maxMarkers` spread along the line).
    public var markers = false
    /// An explicit SVG `stroke-dasharray` ("" for solid); nil: `dashed`, or the palette's choice.
    public var dash: String?
    /// An explicit marker shape; nil: the palette's choice for the series' index.
    public var marker: PlotMarker?
    /// Per point, the lower and upper end of an interval (e.g. 95 %), drawn as a shaded band.
    public var lower: [Double]?
    public var upper: [Double]?

    public init(name: String, points: [(x: Double, y: Double)], color: String? = nil, dashed: Bool = false,
                markers: Bool = false, dash: String? = nil, marker: PlotMarker? = nil,
                lower: [Double]? = nil, upper: [Double]? = nil) {
        self.name = name
        self.points = points
        self.color = color
        self.dashed = dashed
        self.markers = markers
        self.dash = dash
        self.marker = marker
        self.lower = lower
        self.upper = upper
    }
}

extension PlotSeries {
    /// The points `zip(x, y)`.
    public init(_ name: String, x: [Double], y: [Double], color: String? = nil, dashed: Bool = false,
                markers: Bool = false, lower: [Double]? = nil, upper: [Double]? = nil) {
        self.init(name: name, points: Array(zip(x, y)).map { (x: $0.0, y: $0.1) }, color: color, dashed: dashed,
                  markers: markers, lower: lower, upper: upper)
    }

    /// How the series is drawn as the `index`-th of a plot: explicit choices win, the
    /// palette fills in the rest. A caller who picks a colour also picks the line
    /// (solid unless `dashed`); the marker still varies with `index`.
    func resolvedStyle(_ index: Int) -> PlotStyle {
        let automatic = PlotPalette.style(index)
        let dashArray: String?
        if let dash {
            dashArray = dash.isEmpty ? nil : dash
        } else if dashed {
            dashArray = PlotPalette.dashes[1]
        } else {
            dashArray = color == nil ? automatic.dash : nil
        }
        return PlotStyle(color: color ?? automatic.color, dash: dashArray, marker: marker ?? automatic.marker)
    }

    /// The band's ends at point `i` (raw values), when both are given and finite.
    func bounds(at i: Int) -> (lower: Double, upper: Double)? {
        guard let lower, let upper, i < lower.count, i < upper.count,
              lower[i].isFinite, upper[i].isFinite else { return nil }
        return (min(lower[i], upper[i]), max(lower[i], upper[i]))
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

/// A marker shape drawn at data points and in legends. The automatic cycle
/// (`PlotPalette.markers`) leaves out `cross`, which plots use to mark non-finite values.
///
///     SVGText.marker(shape: .triangle, x: 10, y: 10, size: 7, color: "#0072B2")
public enum PlotMarker: String, Sendable, CaseIterable {
    case circle, square, triangle, diamond, triangleDown, plus, star, ring, cross
}

/// The colour, dash pattern and marker of one series.
public struct PlotStyle: Sendable, Equatable {
    public var color: String
    /// `stroke-dasharray`, nil for solid.
    public var dash: String?
    public var marker: PlotMarker
}

/// The Okabe–Ito palette (safe for the common colour-vision deficiencies), with dash
/// patterns and marker shapes that vary with the series too.
///
///     PlotPalette.color(0)          // "#0072B2"
///     PlotPalette.style(9)          // colour and marker of series 1, but another dash
///
/// Edge cases: indices cycle; negative indices are treated as their magnitude. Series of
/// different colours differ in marker; series `i` and `j` of the same colour (`i - j` a
/// multiple of 8) differ in dash unless `i - j` is a multiple of 32.
public enum PlotPalette {
    public static let colors = [
        "#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#000000", "#F0E442",
    ]
    /// Dash patterns (`stroke-dasharray`), nil for solid.
    public static let dashes: [String?] = [nil, "7 3", "2 2", "9 3 2 3"]
    /// At most this many markers on a line whose series does not ask for one at every point.
    public static let maxMarkers = 12

    /// The colour for the `index`-th series (cycling).
    public static func color(_ index: Int) -> String { colors[abs(index) % colors.count] }

    /// The dash pattern for the `index`-th series: it changes with the index, and shifts
    /// each time the colours start over, so a repeated colour comes with another dash.
    public static func dash(_ index: Int) -> String? {
        let i = abs(index)
        return dashes[(i / colors.count + i) % dashes.count]
    }

    /// The marker for the `index`-th series: one shape per colour, so two series of
    /// different colours always differ in shape too (and survive greyscale).
    public static func marker(_ index: Int) -> PlotMarker {
        markers[abs(index) % colors.count % markers.count]
    }

    /// The markers of the automatic cycle, one per colour.
    public static let markers: [PlotMarker] = [.circle, .square, .triangle, .diamond, .triangleDown, .plus, .ring, .star]

    public static func style(_ index: Int) -> PlotStyle {
        PlotStyle(color: color(index), dash: dash(index), marker: marker(index))
    }
}
