import Foundation

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
