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
    /// To odd (Berkeley SoftFloat's `round_odd`): truncate toward zero, then set the last
    /// kept bit if anything was lost, so an inexact result is never a value with an even last
    /// digit. Rounding a result to odd with p + 2 or more bits and then to p bits in any
    /// other mode gives the once-rounded result. Overflow gives the largest finite value;
    /// a nonzero result never rounds to zero (the least subnormal is odd).
    case odd
    /// Up or down at random, with probability proportional to the distance to the other
    /// neighbour; the random bits come from the environment's seeded generator.
    case stochastic

    /// Accepts this type's names and TestFloat's spellings (`near_even`, `minMag`, `odd`, ...).
    public init?(name: String) {
        switch String(name.lowercased().map { $0 == "-" ? "_" : $0 }) {
        case "nearesteven", "near_even", "rnear_even", "nearest", "rne", "even": self = .nearestEven
        case "nearestaway", "near_maxmag", "rnear_maxmag", "rna", "away": self = .nearestAway
        case "towardzero", "minmag", "rminmag", "rtz", "zero", "truncate": self = .towardZero
        case "up", "max", "rmax", "rup", "ceiling": self = .up
        case "down", "min", "rmin", "rdn", "floor": self = .down
        case "odd", "rodd", "round_odd", "toodd", "to_odd": self = .odd
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
