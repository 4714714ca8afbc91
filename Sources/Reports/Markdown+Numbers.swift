import Foundation

/// Number formatting for reports: fixed decimals, percentages, significant digits,
/// thousands separators, durations.
///
///     Markdown.fixed(0.12345, 3)        // "0.123"
///     Markdown.signedFixed(-0.77, 2)    // "−0.77" (U+2212, as `points` writes it)
///     Markdown.percent(0.8374, 1)       // "83.7%"
///     Markdown.significant(1.2345e-7)   // "1.23e-07"
///     Markdown.integer(65536)           // "65,536"
///     Markdown.duration(95.2)           // "1 min 35 s"
///
/// Edge cases: NaN prints as "NaN", infinities as "∞" and "−∞", nil as "–".
extension Markdown {
    public static func fixed(_ x: Double?, _ decimals: Int) -> String {
        special(x) ?? String(format: "%.*f", Int32(decimals), x!)
    }

    /// `x` to `decimals` decimals with a negative number's sign written as the minus sign
    /// U+2212, the sign `points` writes ("−0.77", "0.59"); a value that rounds to zero has
    /// no sign ("0.00", never "−0.00").
    public static func signedFixed(_ x: Double?, _ decimals: Int) -> String {
        if let s = special(x) { return s }
        let text = String(format: "%.*f", Int32(decimals), abs(x!))
        return x! < 0 && text != String(format: "%.*f", Int32(decimals), 0.0) ? "−" + text : text
    }

    /// `x` as a percentage of 1 (0.837 → "83.7%").
    public static func percent(_ x: Double?, _ decimals: Int = 1) -> String {
        special(x) ?? String(format: "%.*f%%", Int32(decimals), x! * 100)
    }

    /// `x` to `digits` significant digits, exponent notation outside 10^-3…10^6.
    public static func significant(_ x: Double?, _ digits: Int = 3) -> String {
        if let s = special(x) { return s }
        let v = x!
        if v == 0 { return "0" }
        let magnitude = abs(v)
        if magnitude >= 1e6 || magnitude < 1e-3 {
            return String(format: "%.*e", Int32(max(0, digits - 1)), v)
        }
        let decimals = max(0, digits - 1 - Int(Foundation.log10(magnitude).rounded(.down)))
        return String(format: "%.*f", Int32(decimals), v)
    }

    /// An integer with thousands separators.
    public static func integer(_ n: Int) -> String {
        let digits = String(n.magnitude)
        var result = ""
        for (i, c) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { result += "," }
            result.append(c)
        }
        return (n < 0 ? "−" : "") + result
    }

    /// Seconds as "0.42 s", "12.3 s", or "3 min 05 s".
    public static func duration(_ seconds: Double) -> String {
        if !seconds.isFinite { return "–" }
        if seconds < 10 { return String(format: "%.2f s", seconds) }
        if seconds < 60 { return String(format: "%.1f s", seconds) }
        let whole = Int(seconds.rounded())
        return String(format: "%d min %02d s", whole / 60, whole % 60)
    }

    /// A signed difference in percentage points ("+1.2 pp", "−0.4 pp").
    public static func points(_ x: Double?, _ decimals: Int = 1) -> String {
        if let s = special(x) { return s }
        let v = x! * 100
        let text = String(format: "%.*f pp", Int32(decimals), abs(v))
        return (v < 0 && text != String(format: "%.*f pp", Int32(decimals), 0.0) ? "−" : "+") + text
    }

    /// `n` and a noun, plural unless n is 1: "1 epoch", "50 epochs".
    public static func count(_ n: Int, _ noun: String) -> String {
        "\(integer(n)) \(noun)\(n == 1 ? "" : "s")"
    }

    static func special(_ x: Double?) -> String? {
        guard let x else { return "–" }
        if x.isNaN { return "NaN" }
        if x.isInfinite { return x > 0 ? "∞" : "−∞" }
        return nil
    }
}
