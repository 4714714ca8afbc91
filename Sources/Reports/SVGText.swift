import Foundation

/// Text and numbers as they go into SVG (XML) documents.
///
///     SVGText.escape("a < b & \"c\"")   // "a &lt; b &amp; &quot;c&quot;"
///     SVGText.number(12.345678)         // "12.35"
///
/// Edge cases: characters XML 1.0 forbids (control characters other than tab, newline
/// and carriage return) are dropped, so any string gives a well-formed document.
public enum SVGText {
    /// `text` with `& < > " '` replaced by entities and forbidden characters removed.
    public static func escape(_ text: String) -> String {
        var result = ""
        result.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            case "'": result += "&apos;"
            case "\t", "\n", "\r": result.unicodeScalars.append(scalar)
            default:
                if scalar.value < 0x20 || (0xFFFE...0xFFFF).contains(scalar.value) { continue }
                result.unicodeScalars.append(scalar)
            }
        }
        return result
    }

    /// A coordinate with at most two decimals and no trailing zeros (`12.5`, `-3`).
    ///
    /// Edge cases: non-finite values become 0 (callers never draw them).
    public static func number(_ x: Double) -> String {
        guard x.isFinite else { return "0" }
        let rounded = (x * 100).rounded() / 100
        if rounded == rounded.rounded() && abs(rounded) < 1e15 { return String(Int64(rounded)) }
        var text = String(format: "%.2f", rounded)
        while text.hasSuffix("0") { text.removeLast() }
        if text.hasSuffix(".") { text.removeLast() }
        return text == "-0" ? "0" : text
    }
}

extension SVGText {
    /// Whether a `#RRGGBB` colour is light enough (yellow) that a white outline would lose it.
    static func isLight(_ color: String) -> Bool {
        guard color.count == 7, color.hasPrefix("#"), let rgb = Int(color.dropFirst(), radix: 16) else { return false }
        let (r, g, b) = (Double(rgb >> 16 & 0xFF), Double(rgb >> 8 & 0xFF), Double(rgb & 0xFF))
        return 0.299 * r + 0.587 * g + 0.114 * b > 190
    }

    /// The markup of a marker of `shape` centred on (x, y), `size` across, in `color`;
    /// filled shapes get a thin white outline so they stand out on a line of their colour
    /// (grey for light colours such as yellow, which white would wash out).
    ///
    ///     SVGText.marker(shape: .square, x: 20, y: 30, size: 7, color: "#E69F00")
    ///     // "<rect class=\"marker-square\" x=\"16.85\" y=\"26.85\" width=\"6.3\" height=\"6.3\" fill=\"#E69F00\" …/>"
    ///
    /// Edge cases: `clipPath` (an id) clips the marker to a plot area; a size ≤ 0 draws
    /// a point-sized marker.
    public static func marker(shape: PlotMarker, x: Double, y: Double, size: Double, color: String,
                              clipPath: String? = nil) -> String {
        let r = max(size, 0.5) / 2
        let clip = clipPath.map { " clip-path=\"url(#\($0))\"" } ?? ""
        let kind = " class=\"marker-\(shape.rawValue)\""
        let outline = isLight(color) ? "#555555" : "#ffffff"
        let filled = "\(kind) fill=\"\(color)\" stroke=\"\(outline)\" stroke-width=\"0.6\"\(clip)"
        func points(_ list: [(Double, Double)]) -> String {
            list.map { "\(number(x + $0.0 * r)),\(number(y + $0.1 * r))" }.joined(separator: " ")
        }
        switch shape {
        case .circle:
            return "<circle cx=\"\(number(x))\" cy=\"\(number(y))\" r=\"\(number(r))\"\(filled)/>"
        case .square:
            let s = r * 0.9
            return "<rect x=\"\(number(x - s))\" y=\"\(number(y - s))\" width=\"\(number(2 * s))\" "
                + "height=\"\(number(2 * s))\"\(filled)/>"
        case .triangle:
            return "<polygon points=\"\(points([(0, -1.15), (1.05, 0.8), (-1.05, 0.8)]))\"\(filled)/>"
        case .triangleDown:
            return "<polygon points=\"\(points([(0, 1.15), (1.05, -0.8), (-1.05, -0.8)]))\"\(filled)/>"
        case .diamond:
            return "<polygon points=\"\(points([(0, -1.2), (1.1, 0), (0, 1.2), (-1.1, 0)]))\"\(filled)/>"
        case .star:
            var list: [(Double, Double)] = []
            for k in 0..<10 {
                let angle = Double.pi * Double(k) / 5 - Double.pi / 2
                let radius = k % 2 == 0 ? 1.3 : 0.55
                list.append((radius * cos(angle), radius * sin(angle)))
            }
            return "<polygon points=\"\(points(list))\"\(filled)/>"
        case .ring:
            return "<circle\(kind) cx=\"\(number(x))\" cy=\"\(number(y))\" r=\"\(number(r * 0.85))\" "
                + "fill=\"#ffffff\" stroke=\"\(color)\" stroke-width=\"1.8\"\(clip)/>"
        case .cross, .plus:
            let d = shape == .cross ? r * 0.9 : r * 1.15
            let path = shape == .cross
                ? "M\(number(x - d)),\(number(y - d))L\(number(x + d)),\(number(y + d))"
                    + "M\(number(x - d)),\(number(y + d))L\(number(x + d)),\(number(y - d))"
                : "M\(number(x - d)),\(number(y))L\(number(x + d)),\(number(y))"
                    + "M\(number(x)),\(number(y - d))L\(number(x)),\(number(y + d))"
            return "<path\(kind) d=\"\(path)\" fill=\"none\" stroke=\"\(color)\" stroke-width=\"2\"\(clip)/>"
        }
    }
}

/// A small builder of SVG markup: elements appended in order to a string.
///
///     var svg = SVGWriter(width: 200, height: 100)
///     svg.text("Hello", x: 10, y: 20)
///     let document = svg.finish()
struct SVGWriter {
    private(set) var body = ""
    let width: Double
    let height: Double

    init(width: Double, height: Double) {
        self.width = width
        self.height = height
    }

    /// Appends raw markup (already escaped).
    mutating func raw(_ markup: String) {
        body += markup
        body += "\n"
    }

    mutating func line(x1: Double, y1: Double, x2: Double, y2: Double, stroke: String,
                       width: Double = 1, dash: String? = nil) {
        var attributes = "x1=\"\(SVGText.number(x1))\" y1=\"\(SVGText.number(y1))\" "
            + "x2=\"\(SVGText.number(x2))\" y2=\"\(SVGText.number(y2))\" stroke=\"\(stroke)\""
        if width != 1 { attributes += " stroke-width=\"\(SVGText.number(width))\"" }
        if let dash { attributes += " stroke-dasharray=\"\(dash)\"" }
        raw("<line \(attributes)/>")
    }

    mutating func rect(x: Double, y: Double, width: Double, height: Double, fill: String,
                       stroke: String? = nil, opacity: Double? = nil, title: String? = nil) {
        var attributes = "x=\"\(SVGText.number(x))\" y=\"\(SVGText.number(y))\" "
            + "width=\"\(SVGText.number(max(0, width)))\" height=\"\(SVGText.number(max(0, height)))\" fill=\"\(fill)\""
        if let stroke { attributes += " stroke=\"\(stroke)\"" }
        if let opacity { attributes += " fill-opacity=\"\(SVGText.number(opacity))\"" }
        if let title {
            raw("<rect \(attributes)><title>\(SVGText.escape(title))</title></rect>")
        } else {
            raw("<rect \(attributes)/>")
        }
    }

    mutating func polyline(_ points: [(Double, Double)], stroke: String, width: Double = 1.5,
                           dash: String? = nil, clipPath: String? = nil) {
        let coordinates = points.map { "\(SVGText.number($0.0)),\(SVGText.number($0.1))" }.joined(separator: " ")
        var attributes = "points=\"\(coordinates)\" fill=\"none\" stroke=\"\(stroke)\" "
            + "stroke-width=\"\(SVGText.number(width))\" stroke-linejoin=\"round\""
        if let dash { attributes += " stroke-dasharray=\"\(dash)\"" }
        if let clipPath { attributes += " clip-path=\"url(#\(clipPath))\"" }
        raw("<polyline \(attributes)/>")
    }

    /// A closed, filled shape (a band between two lines).
    mutating func polygon(_ points: [(Double, Double)], fill: String, opacity: Double, clipPath: String? = nil,
                          kind: String? = nil) {
        let coordinates = points.map { "\(SVGText.number($0.0)),\(SVGText.number($0.1))" }.joined(separator: " ")
        var attributes = (kind.map { "class=\"\($0)\" " } ?? "") + "points=\"\(coordinates)\" fill=\"\(fill)\" fill-opacity=\"\(SVGText.number(opacity))\" stroke=\"none\""
        if let clipPath { attributes += " clip-path=\"url(#\(clipPath))\"" }
        raw("<polygon \(attributes)/>")
    }

    /// A marker (see `SVGText.marker`).
    mutating func marker(_ shape: PlotMarker, x: Double, y: Double, size: Double, color: String,
                         clipPath: String? = nil) {
        raw(SVGText.marker(shape: shape, x: x, y: y, size: size, color: color, clipPath: clipPath))
    }

    mutating func circle(x: Double, y: Double, radius: Double, fill: String, clipPath: String? = nil) {
        var attributes = "cx=\"\(SVGText.number(x))\" cy=\"\(SVGText.number(y))\" r=\"\(SVGText.number(radius))\" fill=\"\(fill)\""
        if let clipPath { attributes += " clip-path=\"url(#\(clipPath))\"" }
        raw("<circle \(attributes)/>")
    }

    /// Text at (x, y); `anchor` is `start`, `middle` or `end`; `rotate` turns it about (x, y).
    mutating func text(_ content: String, x: Double, y: Double, anchor: String = "start", size: Double = 12,
                       weight: String? = nil, fill: String = "#222", rotate: Double? = nil) {
        text(markup: SVGText.escape(content), x: x, y: y, anchor: anchor, size: size, weight: weight,
             fill: fill, rotate: rotate)
    }

    /// Text whose content is markup already escaped (for `<tspan>` superscripts).
    mutating func text(markup: String, x: Double, y: Double, anchor: String = "start", size: Double = 12,
                       weight: String? = nil, fill: String = "#222", rotate: Double? = nil) {
        var attributes = "x=\"\(SVGText.number(x))\" y=\"\(SVGText.number(y))\" font-size=\"\(SVGText.number(size))\""
        if anchor != "start" { attributes += " text-anchor=\"\(anchor)\"" }
        if let weight { attributes += " font-weight=\"\(weight)\"" }
        if fill != "#222" { attributes += " fill=\"\(fill)\"" }
        if let rotate {
            attributes += " transform=\"rotate(\(SVGText.number(rotate)) \(SVGText.number(x)) \(SVGText.number(y)))\""
        }
        raw("<text \(attributes)>\(markup)</text>")
    }

    /// The complete document: XML declaration, `<svg>` with a white background, the body.
    func finish(title: String? = nil) -> String {
        var document = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        document += "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(SVGText.number(width))\" "
            + "height=\"\(SVGText.number(height))\" viewBox=\"0 0 \(SVGText.number(width)) \(SVGText.number(height))\" "
            + "font-family=\"Helvetica, Arial, sans-serif\">\n"
        if let title { document += "<title>\(SVGText.escape(title))</title>\n" }
        document += "<rect x=\"0\" y=\"0\" width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>\n"
        document += body
        document += "</svg>\n"
        return document
    }

    /// Rough width of `text` at `size` (SVG has no text metrics without a renderer).
    static func estimatedWidth(_ text: String, size: Double) -> Double {
        Double(text.count) * size * 0.56
    }
}

extension SVGWriter {
    /// The title centred on top, the plot area's white box, and the clip path
    /// `plot-area` that keeps lines inside it.
    mutating func plotFrame(title: String, left: Double, top: Double, width: Double, height: Double) {
        text(title, x: self.width / 2, y: 24, anchor: "middle", size: 15, weight: "bold")
        raw("<defs><clipPath id=\"plot-area\"><rect x=\"\(SVGText.number(left))\" y=\"\(SVGText.number(top))\" "
            + "width=\"\(SVGText.number(width))\" height=\"\(SVGText.number(height))\"/></clipPath></defs>")
        rect(x: left, y: top, width: width, height: height, fill: "#ffffff", stroke: "#888888")
    }

    /// Vertical grid lines across the plot area at the ticks' x positions, and below it
    /// a tick mark and the tick's label (markup).
    mutating func horizontalAxisTicks(_ ticks: [(x: Double, label: String)], top: Double, height: Double) {
        for tick in ticks {
            line(x1: tick.x, y1: top, x2: tick.x, y2: top + height, stroke: "#e6e6e6")
            line(x1: tick.x, y1: top + height, x2: tick.x, y2: top + height + 5, stroke: "#888888")
            text(markup: tick.label, x: tick.x, y: top + height + 18, anchor: "middle", size: 11)
        }
    }
}
