/// How a result that is not representable is rounded.
public enum RoundingMode: String, CaseIterable, Sendable {
    /// To the nearest value; ties to the one with an even last digit (IEEE default).
    case nearestEven
    /// To the nearest value; ties away from zero.
    case nearestAway
    case towardZero
    /// Toward +infinity.
    case up
    /// Toward -infinity.
    case down
    /// Up or down at random, with probability proportional to the distance to the other
    /// neighbour; the random bits come from the environment's seeded generator.
    case stochastic

    /// Accepts this type's names and TestFloat's spellings (`near_even`, `minMag`, ...).
    public init?(name: String) {
        switch String(name.lowercased().map { $0 == "-" ? "_" : $0 }) {
        case "nearesteven", "near_even", "rnear_even", "nearest", "rne", "even": self = .nearestEven
        case "nearestaway", "near_maxmag", "rnear_maxmag", "rna", "away": self = .nearestAway
        case "towardzero", "minmag", "rminmag", "rtz", "zero", "truncate": self = .towardZero
        case "up", "max", "rmax", "rup", "ceiling": self = .up
        case "down", "min", "rmin", "rdn", "floor": self = .down
        case "stochastic", "sr": self = .stochastic
        default: return nil
        }
    }
}

/// When a nonzero result is tiny (below the least normal number).
public enum Tininess: String, Sendable {
    /// After rounding to the format's precision with an unbounded exponent (x86, ARM).
    case afterRounding
    /// Before rounding.
    case beforeRounding
}
