import SoftFloat

/// Directed and stochastic rounding on the fast path: the hardware computes to nearest,
/// an error-free transformation gives the exact error's sign, and `FormatRounder` rounds
/// the exact value by the environment's mode (`round(_:residual:mode:draws:)`).
///
/// The residual of each operation, exact:
/// - `a + b`: TwoSum (Knuth), `(a − (s − (s − a))) + (b − (s − a))`, exact at every magnitude;
/// - `a × b`: zero, since the product of two p-bit numbers has at most 2p ≤ P bits and is
///   exact in the hardware type unless it is tiny (|r| at most the hardware's least normal
///   number, ±0 included, with nonzero operands): such a lane goes to the soft path;
/// - `a ÷ b`: the remainder `a − q·b`, exact (`Float`: computed in `Double`, where `q·b`
///   has at most 35 bits; `Double`: one fused multiply-add, with tiny quotients sent to
///   the soft path), times the sign of `b`;
/// - a result that overflowed the hardware type (±∞ from finite operands) gets a residual
///   of the opposite sign: the exact value is finite, beyond the format's largest.
/// An exact zero sum rounds to −0 toward −∞ (IEEE 754), unless both operands are +0.
extension FastArithmetic {
    /// Whether the lanes round for this environment in a mode other than nearest-even.
    @inlinable @inline(__always)
    public func roundsInLanes(_ env: FloatEnvironment) -> Bool {
        env.subnormals && !env.saturates && !rounder.isIdentity
    }

    @usableFromInline typealias Lanes = FormatRounder<Wide>.Lanes
    @usableFromInline typealias BitLanes = FormatRounder<Wide>.BitLanes

    @inlinable @inline(__always)
    static func bitLanes<L: LaneVector>(_ x: L) -> L.BitLanes where L.Scalar == Wide {
        unsafeBitCast(x, to: L.BitLanes.self)
    }

    /// All ones where `x` is finite.
    @inlinable @inline(__always)
    static func finiteMask<L: LaneVector>(_ x: L) -> L.BitLanes where L.Scalar == Wide {
        let magnitude = bitLanes(x) & L.BitLanes(repeating: ~Wide.SignedBits.min)
        let infinity = Wide.SignedBits(truncatingIfNeeded: Wide.infinity.bitPattern)
        return FormatRounder<Wide>.isNegative(magnitude &- L.BitLanes(repeating: infinity))
    }

    /// The exact error of `s = a + b` (TwoSum), with the overflow and non-finite cases
    /// described above; for `.down`, `s` is made −0 where the exact sum is zero.
    @inlinable @inline(__always)
    func sumResidual<L: LaneVector>(_ a: L, _ b: L, _ s: inout L, _ mode: RoundingMode) -> L
        where L.Scalar == Wide {
        typealias R = FormatRounder<Wide>
        let bb = s - a
        let e = (a - (s - bb)) + (b - bb)
        let finite = Self.finiteMask(s)
        var eBits = Self.bitLanes(e)
        if (~finite).anyLaneSet() {
            let overflow = ~finite & Self.finiteMask(a) & Self.finiteMask(b)
            eBits = R.select(Self.bitLanes(-s), eBits & finite, where: overflow)
        }
        if mode == .down {
            let zero = rounder.zeroMask(s)
            let either = Self.bitLanes(a) | Self.bitLanes(b)
            let bothPlusZero = ~(R.isNegative(either) | R.isNegative(0 &- either))
            let minusZero = L.BitLanes(repeating: Wide.SignedBits.min)
            s = unsafeBitCast(R.select(minusZero, Self.bitLanes(s), where: zero & ~bothPlusZero), to: L.self)
        }
        return unsafeBitCast(eBits, to: L.self)
    }

    /// The residual of a product `p = a × b` that is not tiny: zero, or the opposite of an
    /// overflowed `p`.
    @inlinable @inline(__always)
    func productResidual<L: LaneVector>(_ a: L, _ b: L, _ p: L) -> L where L.Scalar == Wide {
        let overflow = ~Self.finiteMask(p) & Self.finiteMask(a) & Self.finiteMask(b)
        return unsafeBitCast(Self.bitLanes(-p) & overflow, to: L.self)
    }

    /// All ones where `a × b` of nonzero operands gave |p| ≤ the hardware's least normal.
    @inlinable @inline(__always)
    func tinyProductMask<L: LaneVector>(_ a: L, _ b: L, _ p: L) -> L.BitLanes where L.Scalar == Wide {
        let magnitude = Self.bitLanes(p) & L.BitLanes(repeating: ~Wide.SignedBits.min)
        let small = ~FormatRounder<Wide>.isNegative(L.BitLanes(repeating: wideLeastNormal) &- magnitude)
        return small & ~rounder.zeroMask(a) & ~rounder.zeroMask(b)
    }

    // MARK: scalar operations

    @inlinable
    func directedAdd(_ a: Wide, _ b: Wide, _ env: inout FloatEnvironment) -> Wide {
        guard roundsInLanes(env) else { return soft(a, b, &env, FloatFormat.add) }
        let mode = env.rounding
        let x = Lanes(repeating: a), y = Lanes(repeating: b)
        var s = x + y
        let e = sumResidual(x, y, &s, mode)
        return rounder.round(s, residual: e, mode: mode, draws: BitLanes(repeating: draw(env)))[0]
    }

    @inlinable
    func directedSubtract(_ a: Wide, _ b: Wide, _ env: inout FloatEnvironment) -> Wide {
        guard roundsInLanes(env) else { return soft(a, b, &env, FloatFormat.subtract) }
        if b.isNaN { return soft(a, b, &env, FloatFormat.subtract) }
        return directedAdd(a, -b, &env)
    }

    @inlinable
    func directedMultiply(_ a: Wide, _ b: Wide, _ env: inout FloatEnvironment) -> Wide {
        guard roundsInLanes(env) else { return soft(a, b, &env, FloatFormat.multiply) }
        let x = Lanes(repeating: a), y = Lanes(repeating: b)
        let p = x * y
        if tinyProductMask(x, y, p)[0] != 0 { return soft(a, b, &env, FloatFormat.multiply) }
        return rounder.round(p, residual: productResidual(x, y, p), mode: env.rounding,
                             draws: BitLanes(repeating: draw(env)))[0]
    }

    @inlinable
    func directedDivide(_ a: Wide, _ b: Wide, _ env: inout FloatEnvironment) -> Wide {
        guard roundsInLanes(env) else { return soft(a, b, &env, FloatFormat.divide) }
        let q = a / b
        var residual: Wide = 0
        if q.isFinite {
            if a.isFinite && b.isFinite && b != 0 && a != 0 {
                let remainder: Double
                if Wide.self == Double.self {
                    if q.magnitude <= Wide.leastNormalMagnitude { return soft(a, b, &env, FloatFormat.divide) }
                    remainder = Double(a).addingProduct(-Double(q), Double(b))
                } else {
                    remainder = Double(a) - Double(q) * Double(b)
                }
                if remainder != 0 { residual = (remainder < 0) == (b < 0) ? 1 : -1 }
            }
        } else if q.isInfinite && a.isFinite && b.isFinite && b != 0 {
            residual = -q
        }
        return rounder.round(q, residual: residual, mode: env.rounding, draw: env.random.draw)
    }

    @inlinable
    func directedFromDouble(_ x: Double, _ env: inout FloatEnvironment) -> Wide {
        guard env.subnormals && !env.saturates && !doubleRounder.isIdentity else {
            return rounder.value(ofBits: format.fromDouble(x, &env))
        }
        return Wide(doubleRounder.round(x, residual: 0, mode: env.rounding, draw: env.random.draw))
    }

    /// The 13 random bits of the environment's current rounding, as a lane.
    @inlinable @inline(__always)
    func draw(_ env: FloatEnvironment) -> Wide.SignedBits {
        Wide.SignedBits(truncatingIfNeeded: env.random.draw)
    }

    // MARK: the kernel

    /// `multiplyAccumulate` by a mode other than nearest-even, four lanes at a time with
    /// `multiplyAccumulate`'s layout of random bits (one word of `StochasticBits` per four
    /// products or sums).
    @inlinable
    func directedMultiplyAccumulate(_ s: Wide, _ x: UnsafePointer<Wide>, into acc: UnsafeMutablePointer<Wide>,
                                    count: Int, _ env: inout FloatEnvironment) -> Int {
        let rounding = env.rounding, checksRange = rounder.checksRange
        return withUnsafeMutablePointer(to: &env) { env in
            DirectedKernel(arithmetic: self, call: .lanes(s, x, acc, count, env))(rounding, checksRange: checksRange)
        }
    }

    @inlinable @inline(__always)
    func directedLanes<M: LaneMode, C: LaneRange>(_ s: Wide, _ x: UnsafePointer<Wide>, _ acc: UnsafeMutablePointer<Wide>,
                                                  _ count: Int, _: M.Type, _: C.Type,
                                                  _ env: inout FloatEnvironment) -> Int {
        let mode = M.mode, checkingRange = C.checksRange
        env.random.alignToWord()
        let base = env.random.counter
        let n4 = UInt64((count &+ 3) & ~3)
        let random = env.random
        let factor = Lanes(repeating: s)
        var underflows = BitLanes()
        var i = 0
        while i < count {
            // The last group may be partial: its missing lanes hold ones and are not stored.
            let m = min(4, count &- i)
            let xs = m == 4 ? UnsafeRawPointer(x + i).loadUnaligned(as: Lanes.self) : Self.lanes(at: x + i, count: m)
            let a = m == 4 ? UnsafeRawPointer(acc + i).loadUnaligned(as: Lanes.self) : Self.lanes(at: UnsafePointer(acc + i), count: m)
            let index = base &+ UInt64(i)
            let productDraws = mode == .stochastic ? FormatRounder<Wide>.draws(random.word(block: index &>> 2)) : BitLanes()
            let sumDraws = mode == .stochastic ? FormatRounder<Wide>.draws(random.word(block: (index &+ n4) &>> 2))
                : BitLanes()
            let products = directedProducts(s, factor, xs, productDraws, M.self, C.self, live: m, index: index, &env)
            underflows &-= rounder.zeroMask(products) & ~rounder.zeroMask(xs)
            var sums = a + products
            let e = sumResidual(a, products, &sums, mode)
            let rounded = checkingRange
                ? rounder.roundLanes(sums, residual: e, mode: mode, draws: sumDraws, checkingRange: true)
                : rounder.roundLanes(sums, residual: e, mode: mode, draws: sumDraws, checkingRange: false)
            if m == 4 {
                UnsafeMutableRawPointer(acc + i).storeBytes(of: rounded, as: Lanes.self)
            } else {
                for j in 0..<m { acc[i &+ j] = rounded[j] }
            }
            i &+= 4
        }
        let total = Int(underflows.wrappedSum())
        env.random.counter = base &+ 2 &* n4
        return s == 0 || s.isNaN ? 0 : total
    }

    /// The products `s × w` (`factor` is `s` in every lane) rounded by `mode`, as the
    /// soft path rounds them; the lanes among the first `live` whose product is tiny in the
    /// hardware type go through the soft path, lane `j` with the counter at `index + j`.
    /// (A lane underflowed where its product is ±0 and `w` is not; the callers count them.)
    ///
    /// How: when every product is finite and above the hardware's least normal value (the
    /// usual case), it is exact, and it is rounded with a zero residual, which leaves the
    /// rounder no sign to test; otherwise the residual of an overflow and the tiny lanes are
    /// worked out.
    @inlinable @inline(__always)
    func directedProducts<L: LaneVector, M: LaneMode, C: LaneRange>(
        _ s: Wide, _ factor: L, _ w: L, _ draws: L.BitLanes, _: M.Type, _: C.Type, live: Int, index: UInt64,
        _ env: inout FloatEnvironment
    ) -> L where L.Scalar == Wide {
        typealias R = FormatRounder<Wide>
        let p = factor * w
        let magnitude = Self.bitLanes(p) & L.BitLanes(repeating: ~Wide.SignedBits.min)
        let infinity = Wide.SignedBits(truncatingIfNeeded: Wide.infinity.bitPattern)
        let special = R.isNegative(magnitude &- L.BitLanes(repeating: wideLeastNormal &+ 1))
            | R.isNegative(L.BitLanes(repeating: infinity &- 1) &- magnitude)
        if !special.anyLaneSet() {
            return rounder.roundLanes(p, residual: .zero, mode: M.mode, draws: draws, checkingRange: C.checksRange)
        }
        var products = rounder.roundLanes(p, residual: productResidual(factor, w, p), mode: M.mode, draws: draws,
                                          checkingRange: C.checksRange)
        let tiny = tinyProductMask(factor, w, p)
        if tiny.anyLaneSet() {
            products = tinyDirectedProducts(s, w, products, tiny, live: live, index: index, &env)
        }
        return products
    }
}
