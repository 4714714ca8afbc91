extension FloatFormat {
    /// Decides whether rounding increments the kept digits.
    ///
    /// - Parameters:
    ///   - roundBits: the bits below the last kept digit, nonzero.
    ///   - width: how many bits `roundBits` spans (1 to 64).
    ///   - odd: whether the last kept digit is odd.
    @inlinable @inline(__always)
    static func roundsUp(_ roundBits: UInt64, width: Int, odd: Bool, negative: Bool,
                         _ env: inout FloatEnvironment) -> Bool {
        let half: UInt64 = 1 << UInt64(width - 1)
        switch env.rounding {
        case .nearestEven: return roundBits > half || (roundBits == half && odd)
        case .nearestAway: return roundBits >= half
        case .towardZero: return false
        case .up: return !negative
        case .down: return negative
        case .odd: return !odd  // the odd neighbour: truncate, then set the last digit
        case .stochastic:
            return StochasticBits.roundsAway(fraction: roundBits &<< UInt64(64 - width), sticky: false,
                                             draw: env.random.draw)
        }
    }

    /// Whether a result that overflows goes to infinity (true) or to the largest finite value.
    @inlinable @inline(__always)
    static func overflowsToInfinity(negative: Bool, _ env: FloatEnvironment) -> Bool {
        switch env.rounding {
        case .nearestEven, .nearestAway, .stochastic: return true
        case .towardZero, .odd: return false
        case .up: return !negative
        case .down: return negative
        }
    }

    /// The one routine that rounds every result of every format: precision, rounding
    /// mode, subnormals, overflow, tininess and flags are decided here and nowhere else.
    ///
    /// The exact result is `(-1)^negative × significand × 2^(exponent - 62)` with the
    /// significand's leading one at bit 62; bit 0 is sticky (ORed with anything lower).
    ///
    /// A result in the normal range that cannot overflow, the common case, is rounded
    /// inline by adding an increment below the last kept digit; the rest (tiny results,
    /// results near the overflow threshold) go to `roundPackEdge`.
    @inlinable @inline(__always)
    func roundPack(negative: Bool, exponent: Int, significand: UInt64,
                   _ env: inout FloatEnvironment) -> UInt64 {
        let biased = exponent &+ bias
        guard biased >= 1 && biased < maxBiasedExponent else {
            return roundPackEdge(negative: negative, exponent: exponent, significand: significand, &env)
        }
        let f = UInt64(fractionBitCount)
        let shift = 62 &- f
        let roundMask: UInt64 = (1 &<< shift) &- 1
        let half: UInt64 = 1 &<< (shift &- 1)
        let roundBits = significand & roundMask
        let increment: UInt64
        switch env.rounding {
        case .nearestEven, .nearestAway: increment = half
        case .towardZero, .odd: increment = 0
        case .up: increment = negative ? 0 : roundMask
        case .down: increment = negative ? roundMask : 0
        case .stochastic:
            // Up with probability ⌈2^13 · roundBits / 2^shift⌉ / 2^13 (`StochasticBits`).
            increment = roundBits != 0 && StochasticBits.roundsAway(
                fraction: roundBits &<< (64 &- shift), sticky: false, draw: env.random.draw) ? roundMask &+ 1 : 0
        }
        var kept = (significand &+ increment) &>> shift  // in [2^f, 2^(f+1)]
        if roundBits == half && env.rounding == .nearestEven { kept &= ~1 }
        if roundBits != 0 {
            env.flags.insert(.inexact)
            // Round to odd: the truncation with its last digit set (no carry can follow).
            if env.rounding == .odd { kept |= 1 }
        }
        // A carry out of the significand moves into the exponent field, where it belongs;
        // the exponent stays below the overflow threshold.
        return (negative ? signMask : 0) | ((UInt64(truncatingIfNeeded: biased &- 1) &<< f) &+ kept)
    }

    /// `roundPack` for results that may be tiny or may overflow: the general routine.
    @usableFromInline @inline(never)
    func roundPackEdge(negative: Bool, exponent: Int, significand: UInt64,
                       _ env: inout FloatEnvironment) -> UInt64 {
        let f = fractionBitCount
        let shift = 62 - f
        let roundMask: UInt64 = (1 << UInt64(shift)) - 1
        let signBits: UInt64 = negative ? signMask : 0
        var biased = exponent + bias
        var sig = significand
        var tiny = false
        if biased < 1 {
            if env.tininess == .beforeRounding || biased < 0 || env.rounding == .stochastic {
                tiny = true
            } else {
                // Tiny unless rounding to full precision would carry up to 2^emin.
                let allOnes = (sig >> UInt64(shift)) == (1 << UInt64(f + 1)) - 1
                let bits = sig & roundMask
                tiny = !(allOnes && bits != 0
                         && Self.roundsUp(bits, width: shift, odd: true, negative: negative, &env))
            }
            if tiny && !env.subnormals {
                env.flags.formUnion([.underflow, .inexact])
                return zero(negative: negative)
            }
            sig = shiftRightJam(sig, 1 - biased)
            biased = 1
        }
        let roundBits = sig & roundMask
        var kept = sig >> UInt64(shift)
        if roundBits != 0 {
            env.flags.insert(.inexact)
            if tiny { env.flags.insert(.underflow) }
            if Self.roundsUp(roundBits, width: shift, odd: kept & 1 != 0, negative: negative, &env) {
                kept += 1
                if kept >> UInt64(f + 1) != 0 { kept >>= 1; biased += 1 }
            }
        }
        if kept < (1 << UInt64(f)) {
            // Subnormal or zero: the exponent field is 0.
            return kept == 0 ? zero(negative: negative) : signBits | kept
        }
        if biased > maxBiasedExponent
            || (biased == maxBiasedExponent && kept & fractionMask > maxFiniteFraction) {
            env.flags.formUnion([.overflow, .inexact])
            if Self.overflowsToInfinity(negative: negative, env) && !env.saturates {
                return infinity(negative: negative)
            }
            return maxFinite(negative: negative)
        }
        return signBits | (UInt64(biased) << UInt64(f)) | (kept & fractionMask)
    }

    /// Rounds an exact result given as an unnormalised nonzero significand.
    @inlinable @inline(__always)
    func normalizeRoundPack(negative: Bool, exponent: Int, significand: UInt64,
                            _ env: inout FloatEnvironment) -> UInt64 {
        let lz = significand.leadingZeroBitCount
        if lz == 0 {
            return roundPack(negative: negative, exponent: exponent + 1,
                             significand: shiftRightJam(significand, 1), &env)
        }
        return roundPack(negative: negative, exponent: exponent - (lz - 1),
                         significand: significand << UInt64(lz - 1), &env)
    }
}
