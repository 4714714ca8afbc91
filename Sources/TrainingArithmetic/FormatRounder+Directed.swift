import SoftFloat

extension FormatRounder {
    /// Four exact values `x + residual` rounded to the format by `mode`, where `x` is the
    /// hardware's result rounded to nearest and `residual` its exact error (only its sign,
    /// and whether it is zero, are read): the fast path's directed and stochastic rounding.
    ///
    ///     let bf16 = FormatRounder<Float>(format: .bf16)!
    ///     let a: Float = 1, b: Float = 0x1p-30
    ///     let s = a + b, e = (a - s) + b                     // s = 1 (rounded), e = 2^-30 (exact)
    ///     bf16.round(SIMD4(repeating: s), residual: SIMD4(repeating: e), mode: .up,
    ///                draws: .zero)                             // 1.0078125: just above 1
    ///
    /// How: the exact value lies strictly between `t` and the next wide number above it in
    /// magnitude, or is `t`, where `t` is `x` moved one wide unit toward zero when the
    /// residual points toward zero (`t` is the exact value truncated to the wide precision
    /// and the residual's being nonzero is a sticky bit). `t`'s bits below the format's last
    /// digit and that sticky bit decide every mode as `roundPack` does from its rounding
    /// bits; stochastic rounding compares `draws` (13 bits a lane, `StochasticBits`) with
    /// the top 13 of those bits plus one if anything below them is nonzero. That is exact
    /// when the hardware type keeps at least 13 bits beyond the format wherever the format
    /// rounds, which holds for every format `FastArithmetic` serves (`Float`: p ≤ 11, so 13
    /// or more bits, subnormals included; `Double`: 28 or more).
    ///
    /// Edge cases: a lane whose `t` lies outside [least normal, largest finite) (other than
    /// an exact zero), in a format with a narrower exponent range than the hardware type's,
    /// is rounded one lane at a time with the same rule. Beyond the largest finite value:
    /// ±∞ (NaN in formats without infinity), or the largest finite value for the modes
    /// that round toward zero on that side. NaN stays a quiet NaN. An overflowed hardware
    /// result (±∞ from finite operands) is passed with a residual of the opposite sign.
    /// For the hardware's own format the lanes are returned as they are (nothing can be
    /// decided without bits to drop; `FastArithmetic` does not use this there).
    @inlinable @inline(__always)
    public func round<L: LaneVector>(_ x: L, residual: L, mode: RoundingMode, draws: L.BitLanes) -> L
        where L.Scalar == Wide {
        if isIdentity { return x }
        return checksRange ? roundLanes(x, residual: residual, mode: mode, draws: draws, checkingRange: true)
            : roundLanes(x, residual: residual, mode: mode, draws: draws, checkingRange: false)
    }

    /// `x + residual` rounded by `mode` (the vector routine on one lane).
    @inlinable @inline(__always)
    public func round(_ x: Wide, residual: Wide, mode: RoundingMode, draw: UInt64) -> Wide {
        round(Lanes(repeating: x), residual: Lanes(repeating: residual), mode: mode,
              draws: BitLanes(repeating: Wide.SignedBits(truncatingIfNeeded: draw)))[0]
    }

    /// The 13-bit draws of four consecutive roundings that share one word of
    /// `StochasticBits`, lane `j` from bits 63−16j … 51−16j.
    ///
    /// How: the word's four 16-bit halves in reverse order (one shuffle), widened to the
    /// lanes and shifted right by 3, rather than four scalar shifts put into lanes one by one.
    @inlinable @inline(__always)
    public static func draws(_ word: UInt64) -> BitLanes {
        let halves = unsafeBitCast(word, to: SIMD4<UInt16>.self)   // halves[i]: bits 16i … 16i + 15
        let reversed = SIMD4(halves[3], halves[2], halves[1], halves[0])
        return BitLanes(truncatingIfNeeded: reversed) &>> 3
    }

    /// The draws of eight consecutive roundings whose first index is a multiple of 4:
    /// `draws(first)` in lanes 0–3, `draws(second)` in lanes 4–7.
    @inlinable @inline(__always)
    public static func draws(_ first: UInt64, _ second: UInt64) -> SIMD8<Wide.SignedBits> {
        SIMD8(lowHalf: draws(first), highHalf: draws(second))
    }

    /// The rounding itself; `mode` and `checkingRange` are constants at each call.
    @inlinable @inline(__always)
    func roundLanes<L: LaneVector>(_ x: L, residual: L, mode: RoundingMode, draws: L.BitLanes,
                                   checkingRange: Bool) -> L where L.Scalar == Wide {
        let bits = unsafeBitCast(x, to: L.BitLanes.self)
        let magnitude = bits & magnitudeMask
        let sign = bits ^ magnitude
        let negative = Self.isNegative(bits)
        let e = unsafeBitCast(residual, to: L.BitLanes.self)
        let sticky = Self.isNegative(0 &- (e & magnitudeMask))
        // All ones (−1) where the exact value is below |x| in magnitude: t = |x| − 1 unit.
        let below = Self.isNegative(e ^ bits) & sticky & Self.isNegative(0 &- magnitude)
        let t = magnitude &+ below
        let one = L.BitLanes(repeating: 1)
        let ulp = one &<< shift
        var r: L.BitLanes
        if mode == .stochastic {
            r = stochasticSum(t, sticky, draws)
        } else {
            let low = t & (ulp &- 1)
            r = (t & keepMask) &+ (awayFromZero(low, t, sticky, negative, mode, draws) & ulp)
        }
        if checkingRange {
            // A lane with leastNormal ≤ t < largestFinite rounds to at most the largest
            // finite value (t's kept digits lie below it), so when every lane is such a
            // lane or an exact zero, nothing is left to decide.
            let normal = ~Self.isNegative(t &- leastNormal) & Self.isNegative(t &- largestFinite)
            let exactZero = ~Self.isNegative(0 &- t) & ~sticky
            let outside = ~(normal | exactZero)
            guard outside.anyLaneSet() else {
                return unsafeBitCast(sign | r, to: L.self)
            }
            // The usual case outside: results below the least normal value, and nothing
            // else (no overflow, ∞ or NaN), rounded here on the subnormal grid, without a call.
            if vectorSubnormals {
                let tiny = outside & Self.isNegative(t &- leastNormal)
                let rest = outside & ~tiny
                if !rest.anyLaneSet() {
                    r = Self.select(subnormalLanes(t, sticky, negative, mode, draws, L.self), r, where: tiny)
                    return unsafeBitCast(sign | r, to: L.self)
                }
            }
            r = rangeLanes(t, sticky, negative, mode, draws, outside, r, L.self)
        }
        r = Self.select(magnitude | quietBit, r, where: Self.isNegative(infinityMagnitude &- magnitude))
        return unsafeBitCast(sign | r, to: L.self)
    }

    /// All ones in the lanes that round away from zero, given `t`'s bits `low` below the
    /// format's last digit and the sticky mask.
    @inlinable @inline(__always)
    func awayFromZero<B: SIMD>(_ low: B, _ t: B, _ sticky: B, _ negative: B,
                               _ mode: RoundingMode, _ draws: B) -> B where B.Scalar == Wide.SignedBits {
        let inexact = Self.isNegative(0 &- low) | sticky
        let half = halfMinusOne &+ 1
        switch mode {
        case .towardZero: return B()
        case .up: return inexact & ~negative
        case .down: return inexact & negative
        case .nearestAway: return ~Self.isNegative(low &- half)
        case .odd: return inexact & ~(0 &- ((t &>> shift) & 1))
        case .nearestEven:
            let odd = 0 &- ((t &>> shift) & 1)
            let tie = ~Self.isNegative(0 &- (low ^ half))
            return Self.isNegative(half &- low) | (tie & (sticky | odd))
        case .stochastic:
            return Self.isNegative(0 &- (stochasticSum(t, sticky, draws) ^ (t & keepMask)))
        }
    }

    /// `t` rounded stochastically to the format's last digit: away from zero when the
    /// 13-bit draw `d` is below `⌈2^13 · δ⌉`, δ being the exact fraction of the distance
    /// between the neighbours that `t`'s `shift` dropped bits `L` and the sticky bit `s` (0
    /// or 1) describe (`StochasticBits`' rule).
    ///
    /// How: the draw becomes a noise added to `t` whose carry out of the dropped bits is
    /// the rounding away; clearing the dropped bits then leaves the result (a carry out of
    /// the significand moves to the next binade, as rounding up does). With `R` = `shift` −
    /// 13 ≥ 0 the threshold is `⌊L / 2^R⌋ + (1 if L mod 2^R ≠ 0 or s)`, and `d` lies below
    /// it exactly when L + s ≥ d·2^R + 1, when `L` plus the noise `2^shift − 1 − d·2^R + s`
    /// reaches 2^shift. With fewer dropped bits (`shift` < 13, `A` = 13 − `shift`) the
    /// threshold is `L·2^A + s`, and `d` lies below it exactly when L ≥ ⌈(d + 1 − s) / 2^A⌉,
    /// the noise being `2^shift − ⌊(d − s + 2^A) / 2^A⌋`. Either noise lies in [0, 2^shift].
    @inlinable @inline(__always)
    func stochasticSum<B: SIMD>(_ t: B, _ sticky: B, _ draws: B) -> B where B.Scalar == Wide.SignedBits {
        let one = B(repeating: 1)
        let ulp = one &<< shift
        let s = sticky & one
        let noise: B
        if shift >= 13 {
            noise = (ulp &- one) &- (draws &<< (shift &- 13)) &+ s
        } else {
            let scale = 13 &- shift
            noise = ulp &- ((draws &- s &+ (one &<< scale)) &>> scale)
        }
        return (t &+ noise) & keepMask
    }

    /// `rounded` with the lanes of `outside` (subnormal results, ±0 with a sticky bit,
    /// results at or beyond the largest finite value, ±∞, NaN) rounded, and the lanes
    /// beyond the largest finite value overflowed: the subnormal ones four at a time on the
    /// format's grid (`subnormalLanes`), the others one at a time (`edgeLanes`).
    @inlinable @inline(never)
    func rangeLanes<L: LaneVector>(_ t: L.BitLanes, _ sticky: L.BitLanes, _ negative: L.BitLanes,
                                   _ mode: RoundingMode, _ draws: L.BitLanes, _ outside: L.BitLanes,
                                   _ rounded: L.BitLanes, _: L.Type) -> L.BitLanes where L.Scalar == Wide {
        var r = rounded, rest = outside
        if vectorSubnormals {
            let tiny = outside & Self.isNegative(t &- leastNormal)
            if tiny.anyLaneSet() {
                r = Self.select(subnormalLanes(t, sticky, negative, mode, draws, L.self), r, where: tiny)
                rest = outside & ~tiny
            }
        }
        if rest.anyLaneSet() {
            r = edgeLanes(t, sticky, negative, mode, draws, rest, r)
        }
        return Self.select(L.BitLanes(repeating: overflowMagnitude), r, where: Self.isNegative(largestFinite &- r))
    }

    /// The magnitudes `t` below the format's least normal value (wide bits, exact up to a
    /// sticky bit below them) rounded by `mode` to the format's subnormal grid, as
    /// `edgeMagnitude` rounds them, four lanes at once in the hardware type.
    ///
    /// How: `y = t · 2^(f − e_min)` is exact and below 2^f, so the grid's points are the
    /// integers: `k = ⌊y⌋` (round to an integer with `integerMagic`, then step down where
    /// that went up) and the fraction `y − k` are exact, and the mode decides from them as
    /// `awayFromZero` decides from the bits below the last digit (stochastic rounding: the
    /// threshold `⌊2^13 (y − k)⌋`, plus one if anything is left below it or the sticky bit
    /// is set). Comparisons of these non-negative values are comparisons of their bits;
    /// `k`'s parity is the last bit of `k + 2^(p−1)`. The result `(k + away) · 2^(e_min − f)`
    /// is exact (a grid point, the least normal value at most).
    @inlinable @inline(__always)
    func subnormalLanes<L: LaneVector>(_ t: L.BitLanes, _ sticky: L.BitLanes, _ negative: L.BitLanes,
                                       _ mode: RoundingMode, _ draws: L.BitLanes, _: L.Type) -> L.BitLanes
        where L.Scalar == Wide {
        func bits(_ x: L) -> L.BitLanes { unsafeBitCast(x, to: L.BitLanes.self) }
        func value(_ x: L.BitLanes) -> L { unsafeBitCast(x, to: L.self) }
        let integer = L(repeating: integerMagic), one = L(repeating: 1)
        @inline(__always) func floor(_ x: L) -> L {
            let nearest = (x + integer) - integer
            return nearest - value(bits(one) & Self.isNegative(bits(x) &- bits(nearest)))
        }
        let y = value(t) * L(repeating: toGrid)
        let kept = floor(y)
        let fraction = bits(y - kept)
        let half = bits(L(repeating: 0.5))
        let inexact = Self.isNegative(0 &- fraction) | sticky
        let odd = 0 &- (bits(kept + integer) & 1)
        let away: L.BitLanes
        switch mode {
        case .towardZero: away = L.BitLanes()
        case .up: away = inexact & ~negative
        case .down: away = inexact & negative
        case .nearestAway: away = ~Self.isNegative(fraction &- half)
        case .odd: away = inexact & ~odd
        case .nearestEven:
            let tie = ~Self.isNegative(0 &- (fraction ^ half))
            away = Self.isNegative(half &- fraction) | (tie & (sticky | odd))
        case .stochastic:
            let scaled = value(fraction) * L(repeating: 8192)
            let whole = floor(scaled)
            let more = (Self.isNegative(0 &- (bits(scaled) ^ bits(whole))) | sticky) & L.BitLanes(repeating: 1)
            let threshold = (bits(whole + integer) &- bits(integer)) &+ more
            away = Self.isNegative(draws &- threshold)
        }
        return bits((kept + value(bits(one) & away)) * L(repeating: grid))
    }

    /// The lanes of `outside` rounded one at a time; the other lanes of `rounded` kept.
    @inlinable @inline(never)
    func edgeLanes<B: SIMD>(_ t: B, _ sticky: B, _ negative: B, _ mode: RoundingMode,
                            _ draws: B, _ outside: B, _ rounded: B) -> B where B.Scalar == Wide.SignedBits {
        var r = rounded
        for i in r.indices where outside[i] != 0 {
            r[i] = Wide.SignedBits(truncatingIfNeeded: edgeMagnitude(
                UInt64(truncatingIfNeeded: t[i]), sticky: sticky[i] != 0, negative: negative[i] != 0,
                mode: mode, draw: UInt64(truncatingIfNeeded: draws[i])))
        }
        return r
    }

    /// The wide bits of the magnitude `t` (wide bits, exact up to a sticky bit below it)
    /// rounded to the format at any exponent, as `roundPack` rounds.
    @inlinable
    func edgeMagnitude(_ t: UInt64, sticky: Bool, negative: Bool, mode: RoundingMode, draw: UInt64) -> UInt64 {
        let infinity = UInt64(truncatingIfNeeded: infinityMagnitude)
        let overflow = UInt64(truncatingIfNeeded: overflowMagnitude)
        let largest = UInt64(truncatingIfNeeded: largestFinite)
        if t >= infinity { return overflow }
        let wide = Wide.format
        let wf = wide.fractionBitCount
        let biased = Int(t >> UInt64(wf))
        let significand = biased == 0 ? t : (t & ((1 << UInt64(wf)) - 1)) | (1 << UInt64(wf))
        let lsb = (biased == 0 ? 1 : biased) - wide.bias - wf  // value = significand × 2^lsb
        var kept: UInt64 = 0, fraction: UInt64 = 0, lost = sticky
        var targetLsb = format.minExponent - format.fractionBitCount
        if significand != 0 {
            let top = lsb + 63 - significand.leadingZeroBitCount
            targetLsb = max(top, format.minExponent) - format.fractionBitCount
            let count = targetLsb - lsb  // bits below the format's last digit, at least 0
            if count == 0 {
                kept = significand
            } else if count < 64 {
                kept = significand >> UInt64(count)
                fraction = significand << UInt64(64 - count)
            } else {
                fraction = count - 64 < 64 ? significand >> UInt64(count - 64) : 0
                if count - 64 >= 64 || significand & ((1 << UInt64(count - 64)) - 1) != 0 { lost = true }
            }
        }
        let inexact = fraction != 0 || lost
        let half: UInt64 = 1 << 63
        let away: Bool
        switch mode {
        case .towardZero: away = false
        case .up: away = inexact && !negative
        case .down: away = inexact && negative
        case .nearestAway: away = fraction >= half
        case .nearestEven: away = fraction > half || (fraction == half && (lost || kept & 1 != 0))
        case .odd: away = inexact && kept & 1 == 0
        case .stochastic: away = StochasticBits.roundsAway(fraction: fraction, sticky: lost, draw: draw)
        }
        if away { kept += 1 }
        guard kept != 0 else { return 0 }
        let value = Wide(sign: .plus, exponent: Wide.Exponent(targetLsb), significand: Wide(kept))
        let result = UInt64(value.bitPattern)
        if result <= largest { return result }
        switch mode {
        case .towardZero, .odd: return largest
        case .up: return negative ? largest : overflow
        case .down: return negative ? overflow : largest
        case .nearestEven, .nearestAway, .stochastic: return overflow
        }
    }
}
