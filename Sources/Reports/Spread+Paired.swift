import Foundation
import Training

/// Paired comparisons over seeds: two configurations run with the same seeds share the
/// validation split, the initial weights and (where the batch allows) the order of the
/// examples, so their difference seed by seed removes what the seed does to both.
///
///     let d = Spread.paired([0.8410, 0.8432, 0.8401], [0.8395, 0.8420, 0.8399])
///     d?.mean                        // 0.00097
///     d?.interval                    // mean ± t(0.975, n−1) · sd / √n of the differences
extension Spread {
    /// The mean of `a[i] − b[i]` and its 95% Student-t interval; nil unless both have the
    /// same count of at least three finite pairs (two pairs give an interval 12.7 standard
    /// errors wide, or none at all when they happen to differ equally). A pair with a
    /// non-finite member is left out.
    static func paired(_ a: [Double], _ b: [Double]) -> (mean: Double, lower: Double, upper: Double)? {
        guard a.count == b.count else { return nil }
        let differences = zip(a, b).filter { $0.0.isFinite && $0.1.isFinite }.map { $0.0 - $0.1 }
        let spread = Spread(values: differences)
        guard differences.count >= 3, let m = spread.mean, let i = spread.meanInterval95 else { return nil }
        return (m, i.lower, i.upper)
    }

    /// "+0.12 pp (95% interval −0.10 to +0.34 pp)" for the paired difference of fractions,
    /// and whether the interval excludes zero (nil when there is no interval).
    static func pairedText(_ a: [Double], _ b: [Double]) -> (text: String, differs: Bool?) {
        guard let d = paired(a, b) else {
            let ma = Spread(values: a).mean, mb = Spread(values: b).mean
            guard let ma, let mb else { return ("–", nil) }
            return (Markdown.points(ma - mb, 2), nil)
        }
        return (Markdown.points(d.mean, 2) + " (95% interval " + signedPoints(d.lower) + " to "
                    + signedPoints(d.upper) + " pp)", d.lower > 0 || d.upper < 0)
    }

    /// A fraction as signed points without the unit: "+0.34", "−0.10".
    static func signedPoints(_ x: Double) -> String {
        let text = Markdown.points(x, 2)
        return text.hasSuffix(" pp") ? String(text.dropLast(3)) : text
    }

    /// "83.21% (82.95–83.47%)": the mean of fractions with its 95% t interval (the mean
    /// alone for one value).
    var percentInterval: String {
        guard let m = mean else { return "–" }
        guard let i = meanInterval95 else { return Markdown.percent(m, 2) }
        return Markdown.percent(m, 2) + " (" + Self.minus(Markdown.fixed(i.lower * 100, 2)) + "–"
            + Self.minus(Markdown.percent(i.upper, 2)) + ")"
    }

    /// `text` with a leading ASCII hyphen written as the minus sign.
    static func minus(_ text: String) -> String {
        text.hasPrefix("-") ? "−" + text.dropFirst() : text
    }

    /// Half the width of the 95% t interval of the mean (0 for one value).
    var halfWidth95: Double {
        guard let i = meanInterval95 else { return 0 }
        return (i.upper - i.lower) / 2
    }
}

/// Per-epoch means over the runs of one configuration (seeds), with their 95% t interval.
struct EpochCurve {
    var epochs: [Double] = []
    var mean: [Double] = []
    var lower: [Double] = []
    var upper: [Double] = []

    /// The curve of `value` over the epochs every run reached, scaled by `scale`.
    init(_ runs: [TrainingResult], scale: Double = 1, _ value: (EpochRecord) -> Double?) {
        let count = runs.map(\.epochs.count).min() ?? 0
        for e in 0..<count {
            let spread = Spread(values: runs.map { value($0.epochs[e]) ?? .nan })
            epochs.append(Double(e + 1))
            mean.append((spread.mean ?? .nan) * scale)
            let i = spread.meanInterval95
            lower.append((i?.lower ?? .nan) * scale)
            upper.append((i?.upper ?? .nan) * scale)
        }
    }

    /// The series of this curve, with its band when there is more than one run.
    func series(_ name: String, color: String? = nil, dashed: Bool = false, band: Bool = true) -> PlotSeries {
        PlotSeries(name, x: epochs, y: mean, color: color, dashed: dashed,
                   lower: band ? lower : nil, upper: band ? upper : nil)
    }
}
