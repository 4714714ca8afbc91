import Foundation

/// The Gaussian logarithms that logarithmic addition needs, in units of 2^−F:
/// `s(k) = 2^F log2(1 + 2^(−k/2^F))` for sums and `d(k) = 2^F log2(1 − 2^(−k/2^F))` for
/// differences, where `k ≥ 0` is the distance between the operands' codes.
///
///     let g = GaussianLogarithm.shared(fractionBits: 2)
///     g.sum(4)         // 2^2 · log2(1 + 1/2) = 2.339…
///
/// Edge cases: `d(0)` is −∞ (x − x = 0); beyond `k = 126` neither is needed.
///
/// - Parameters:
///   - fractionBits: F of the format.
public struct GaussianLogarithm: Sendable {
    /// How s and d are evaluated.
    public enum Method: String, Hashable, Sendable {
        /// A table of 127 entries per function, each the correctly rounded Double: addition
        /// is then correctly rounded in the log domain.
        case table
        /// Mitchell's piecewise-linear approximations of 2^x and log2(1 + x): no table,
        /// no multiplier, a bounded error.
        case mitchell
    }

    /// Distances 0…126: every difference of two codes.
    public static let entryCount = 127

    public let fractionBits: Int
    public let sumTable: [Double]
    public let differenceTable: [Double]

    public init(fractionBits: Int) {
        self.fractionBits = fractionBits
        let scale = Double(1 << fractionBits)
        sumTable = (0..<Self.entryCount).map { k in
            scale * Foundation.log2(1 + Foundation.exp2(-Double(k) / scale))
        }
        differenceTable = (0..<Self.entryCount).map { k in
            k == 0 ? -.infinity : scale * Foundation.log2(-Foundation.expm1(-Double(k) / scale * M_LN2))
        }
    }

    @usableFromInline
    static let cache: [GaussianLogarithm] = (0...6).map { GaussianLogarithm(fractionBits: $0) }

    /// The tables for F, built once.
    public static func shared(fractionBits: Int) -> GaussianLogarithm { cache[fractionBits] }

    /// s(k) from the shared table for F, read in place (no copy of the tables).
    @inlinable
    public static func sum(_ k: Int, fractionBits: Int) -> Double { cache[fractionBits].sumTable[k] }
    /// d(k) from the shared table for F, read in place.
    @inlinable
    public static func difference(_ k: Int, fractionBits: Int) -> Double {
        cache[fractionBits].differenceTable[k]
    }

    /// s(k) from the table.
    @inlinable public func sum(_ k: Int) -> Double { sumTable[k] }
    /// d(k) from the table.
    @inlinable public func difference(_ k: Int) -> Double { differenceTable[k] }

    /// How many table entries can change a result: those with |s(k)| or |d(k)| ≥ 1/2 unit.
    public var significantEntries: (sum: Int, difference: Int) {
        (sumTable.filter { $0 >= 0.5 }.count, differenceTable.filter { abs($0) >= 0.5 }.count)
    }

    /// Mitchell's s(k): log2(1 + y) ≈ y for y = 2^(−k/2^F) ∈ (0, 1], with 2^t ≈ 2^⌊t⌋(1 + t − ⌊t⌋).
    public static func mitchellSum(_ k: Int, fractionBits: Int) -> Double {
        let scale = Double(1 << fractionBits)
        return scale * mitchellExp2(-Double(k) / scale)
    }

    /// Mitchell's d(k): log2(1 − y) ≈ ⌊log2 z⌋ + z/2^⌊log2 z⌋ − 1 with z = 1 − y.
    public static func mitchellDifference(_ k: Int, fractionBits: Int) -> Double {
        if k == 0 { return -.infinity }
        let scale = Double(1 << fractionBits)
        let z = 1 - mitchellExp2(-Double(k) / scale)
        let e = z.exponent
        return scale * (Double(e) + z.significand - 1)
    }

    /// 2^t ≈ 2^⌊t⌋ (1 + t − ⌊t⌋).
    static func mitchellExp2(_ t: Double) -> Double {
        let whole = t.rounded(.down)
        return Foundation.scalbn(1 + (t - whole), Int(whole))
    }
}
