import Foundation

/// One axis of a plot: its label, its scale, and optionally fixed bounds.
///
///     PlotAxis("epoch")                                  // linear, bounds from the data
///     PlotAxis("learning rate", scale: .log10)           // ticks at powers of ten
///     PlotAxis("accuracy (%)", lower: 0, upper: 100)     // fixed bounds
///
/// Edge cases: on a log axis values that are not positive cannot be drawn and leave a
/// gap, like NaN and infinity; fixed bounds that are not usable (lower ≥ upper, or not
/// positive on a log axis) are ignored.
public struct PlotAxis: Sendable {
    public enum Scale: Sendable, Equatable {
        case linear
        case log10
    }

    public var label: String
    public var scale: Scale
    public var lower: Double?
    public var upper: Double?

    public init(_ label: String, scale: Scale = .linear, lower: Double? = nil, upper: Double? = nil) {
        self.label = label
        self.scale = scale
        self.lower = lower
        self.upper = upper
    }

    /// `value` in the axis's own coordinate (log10 on a log axis), or nil when it cannot
    /// be drawn.
    @inlinable
    public func transform(_ value: Double) -> Double? {
        guard value.isFinite else { return nil }
        switch scale {
        case .linear: return value
        case .log10: return value > 0 ? Foundation.log10(value) : nil
        }
    }
}

/// Where an axis runs and where its ticks go, in the axis's own coordinate.
struct AxisLayout {
    /// The ends, transformed (log10 on a log axis).
    var lower: Double
    var upper: Double
    /// Tick positions (transformed) and their labels as SVG text markup.
    var ticks: [(position: Double, label: String)]

    /// The fraction 0…1 of the axis at a transformed coordinate (outside 0…1 beyond the ends).
    func fraction(_ t: Double) -> Double { (t - lower) / (upper - lower) }

    /// Lays out `axis` for data whose transformed values span `dataLower…dataUpper`.
    init(axis: PlotAxis, dataLower: Double?, dataUpper: Double?, maxTicks: Int = 8) {
        var lo = dataLower ?? 0
        var hi = dataUpper ?? 1
        if let l = axis.lower.flatMap(axis.transform) { lo = l }
        if let u = axis.upper.flatMap(axis.transform) { hi = u }
        if !(lo < hi) {
            if let l = axis.lower.flatMap(axis.transform), let u = axis.upper.flatMap(axis.transform), l < u {
                (lo, hi) = (l, u)
            } else {
                // One value (or fixed bounds that cross): widen around it.
                let centre = lo
                let half = axis.scale == .log10 ? 0.5 : max(abs(centre) * 0.1, 0.5)
                (lo, hi) = (centre - half, centre + half)
            }
        }
        switch axis.scale {
        case .linear:
            self = AxisLayout.linear(lo, hi, fixedLower: axis.lower != nil, fixedUpper: axis.upper != nil,
                                     maxTicks: maxTicks)
        case .log10:
            self = AxisLayout.logarithmic(lo, hi, fixedLower: axis.lower != nil, fixedUpper: axis.upper != nil,
                                          maxTicks: maxTicks)
        }
    }

    private init(lower: Double, upper: Double, ticks: [(position: Double, label: String)]) {
        self.lower = lower
        self.upper = upper
        self.ticks = ticks
    }

    static func linear(_ lo: Double, _ hi: Double, fixedLower: Bool, fixedUpper: Bool, maxTicks: Int) -> AxisLayout {
        let step = NiceNumber.step(for: hi - lo, maxTicks: maxTicks)
        let lower = fixedLower ? lo : (lo / step).rounded(.down) * step
        let upper = fixedUpper ? hi : (hi / step).rounded(.up) * step
        var ticks: [(Double, String)] = []
        var k = (lower / step - 1e-9).rounded(.up)
        while k * step <= upper + step * 1e-9 {
            let value = k * step
            ticks.append((value, SVGText.escape(NiceNumber.label(value, step: step))))
            k += 1
        }
        return AxisLayout(lower: lower, upper: upper, ticks: ticks)
    }

    static func logarithmic(_ lo: Double, _ hi: Double, fixedLower: Bool, fixedUpper: Bool, maxTicks: Int) -> AxisLayout {
        let lower = fixedLower ? lo : (lo + 1e-12).rounded(.down)
        let upper = fixedUpper ? hi : (hi - 1e-12).rounded(.up)
        let decades = upper - lower
        var ticks: [(Double, String)] = []
        if decades <= 2.5 {
            // Few decades: 1, 2, 5 in each.
            var decade = lower.rounded(.down)
            while decade <= upper.rounded(.up) {
                for m in [1.0, 2.0, 5.0] {
                    let position = decade + Foundation.log10(m)
                    if position >= lower - 1e-9 && position <= upper + 1e-9 {
                        ticks.append((position, NiceNumber.logLabel(mantissa: m, decade: Int(decade))))
                    }
                }
                decade += 1
            }
        } else {
            let stride = max(1, (decades / Double(maxTicks)).rounded(.up))
            var decade = (lower / stride).rounded(.up) * stride
            while decade <= upper + 1e-9 {
                ticks.append((decade, NiceNumber.logLabel(mantissa: 1, decade: Int(decade))))
                decade += stride
            }
        }
        return AxisLayout(lower: lower, upper: upper, ticks: ticks)
    }
}

/// "Nice numbers" for axis ticks: steps of 1, 2 or 5 times a power of ten, and their labels.
///
///     NiceNumber.step(for: 0.87, maxTicks: 8)   // 0.1
///     NiceNumber.label(0.30000000000000004, step: 0.1)   // "0.3"
enum NiceNumber {
    /// The smallest step of 1, 2 or 5 × 10^k that covers `span` in at most `maxTicks` intervals.
    static func step(for span: Double, maxTicks: Int) -> Double {
        let raw = span / Double(max(1, maxTicks))
        guard raw > 0 && raw.isFinite else { return 1 }
        let magnitude = Foundation.pow(10, (Foundation.log10(raw)).rounded(.down))
        for m in [1.0, 2.0, 5.0, 10.0] where m * magnitude >= raw * (1 - 1e-12) {
            return m * magnitude
        }
        return 10 * magnitude
    }

    /// `value` with as many decimals as `step` needs; exponent notation for very large or
    /// very small steps.
    static func label(_ value: Double, step: Double) -> String {
        if abs(value) < step * 1e-9 { return "0" }
        let exponent = Int(Foundation.log10(step).rounded(.down))
        if exponent >= 6 || exponent <= -5 {
            return String(format: "%.*e", Int32(max(0, Int(Foundation.log10(abs(value)).rounded(.down)) - exponent)), value)
        }
        return String(format: "%.*f", Int32(max(0, -exponent)), value)
    }

    /// A label for m × 10^decade: plain decimals near 1, else m×10 with a superscript.
    static func logLabel(mantissa m: Double, decade: Int) -> String {
        if (-3...4).contains(decade) {
            let value = m * Foundation.pow(10, Double(decade))
            return String(format: "%.*f", Int32(max(0, -decade)), value)
        }
        let power = "10<tspan dy=\"-0.5em\" font-size=\"0.75em\">\(decade)</tspan>"
        return m == 1 ? power : "\(Int(m))×" + power
    }
}
