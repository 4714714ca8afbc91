import Foundation
import Training

/// Student-t intervals for the mean of repeated runs (seeds) and for the difference of two
/// means (Welch), so that a report says "differs" only where the intervals do.
///
///     let s = Spread(values: [0.8291, 0.8302, 0.8285])
///     s.meanInterval95            // (lower, upper): mean ± t(0.975, n−1) · sd / √n
///     Spread.differenceInterval95(s, fp32)    // nil with fewer than 2 finite values each
extension Spread {
    /// The 0.975 quantile of Student's t with `df` degrees of freedom (df rounded down,
    /// which widens the interval; 1.96 beyond 120).
    static func t975(_ df: Double) -> Double {
        let table: [Double] = [12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
                               2.201, 2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086,
                               2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042]
        let k = Int(df.rounded(.down))
        if k < 1 { return .infinity }
        if k <= table.count { return table[k - 1] }
        return k <= 60 ? 2.000 : k <= 120 ? 1.980 : 1.960
    }

    /// The 95% confidence interval of the mean, nil with fewer than two finite values.
    var meanInterval95: (lower: Double, upper: Double)? {
        guard let m = mean, let s = standardDeviation else { return nil }
        let half = Self.t975(Double(finite.count - 1)) * s / Double(finite.count).squareRoot()
        return (m - half, m + half)
    }

    /// The 95% interval of mean(a) − mean(b), Welch's (unequal variances), nil with fewer
    /// than two finite values in either.
    static func differenceInterval95(_ a: Spread, _ b: Spread) -> (lower: Double, upper: Double)? {
        guard let ma = a.mean, let mb = b.mean, let sa = a.standardDeviation, let sb = b.standardDeviation else {
            return nil
        }
        let va = sa * sa / Double(a.finite.count), vb = sb * sb / Double(b.finite.count)
        let se = (va + vb).squareRoot()
        guard se > 0 else { return (ma - mb, ma - mb) }
        let df = (va + vb) * (va + vb)
            / (va * va / Double(a.finite.count - 1) + vb * vb / Double(b.finite.count - 1))
        let half = t975(df) * se
        return (ma - mb - half, ma - mb + half)
    }

    /// Half the width of the 95% binomial interval of one accuracy `p` measured on `n`
    /// images (normal approximation, 1.96·√(p(1−p)/n)): the yardstick for comparing two
    /// single runs evaluated on the same images.
    static func binomialHalfWidth95(_ p: Double, images n: Int) -> Double {
        guard n > 0, p.isFinite else { return .infinity }
        return 1.96 * (p * (1 - p) / Double(n)).squareRoot()
    }

    /// "+0.29 points, within ±0.70 (the 95% binomial interval of one accuracy on 10,000
    /// images): no measurable difference" for accuracy a against b, two single runs
    /// evaluated on the same `images`; `differs` is whether |a − b| exceeds the half-width
    /// (nil where either is missing).
    static func singleRunDifference(_ a: Double?, _ b: Double?, images: Int,
                                    what: String = "images") -> (text: String, differs: Bool?) {
        guard let a, let b, a.isFinite, b.isFinite else { return ("–", nil) }
        let half = binomialHalfWidth95(max(a, b), images: images)
        let differs = abs(a - b) > half
        let interval = "±\(Markdown.fixed(half * 100, 2)) pp (the 95% binomial interval of one accuracy on "
            + "\(Markdown.integer(images)) \(what))"
        return (Markdown.points(a - b, 2) + (differs ? ", beyond " : ", within ") + interval
                    + (differs ? "" : ": no measurable difference"), differs)
    }

    /// "−0.42 points (−0.80 to −0.05)" for a difference of fractions, with its verdict word.
    static func differenceText(_ a: Spread, _ b: Spread) -> (text: String, differs: Bool?) {
        guard let ma = a.mean, let mb = b.mean else { return ("–", nil) }
        guard let i = differenceInterval95(a, b) else { return (Markdown.points(ma - mb, 2), nil) }
        let text = Markdown.points(ma - mb, 2) + " (" + Markdown.signedFixed(i.lower * 100, 2) + " to "
            + Markdown.signedFixed(i.upper * 100, 2) + ")"
        return (text, i.lower > 0 || i.upper < 0)
    }
}

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
