import SoftFloat

extension FastArithmetic {
    /// Two sparse dot products with their accumulators held in registers: eight to twelve
    /// lanes each (the ten classes of Fashion-MNIST), as two full vectors and a partial
    /// one. Each lane's products and sums are those of `multiplyAccumulate`, in the same
    /// order, so the bits and the count of underflows are the same. The other modes run in
    /// the lanes too (`directedMultiplyAccumulateRows`); other widths, and environments
    /// neither kernel serves, take the default.
    @inlinable
    public func multiplyAccumulateRows(_ a: SparseRun<Wide>, _ b: SparseRun<Wide>,
                                       weights: UnsafePointer<Wide>, stride: Int, count: Int,
                                       into accA: UnsafeMutablePointer<Wide>, _ accB: UnsafeMutablePointer<Wide>,
                                       _ envA: inout FloatEnvironment, _ envB: inout FloatEnvironment) -> Int {
        guard roundsInHardware(envA) && roundsInHardware(envB) && count > 8 && count <= 12 else {
            if let underflows = directedMultiplyAccumulateRows(a, b, weights: weights, stride: stride, count: count,
                                                               into: accA, accB, &envA, &envB) {
                return underflows
            }
            return scalarMultiplyAccumulateRows(a, b, weights: weights, stride: stride, count: count,
                                                into: accA, accB, &envA, &envB)
        }
        envA.random.alignToWord()
        envB.random.alignToWord()
        return withLaneRounding(.rows(a, b, weights, stride, count, accA, accB))
    }

    /// Three vectors of accumulators per run. The lanes beyond `count` in the third
    /// vector hold ones (weights and sums), which keep them in the normal range so that
    /// they never send the rounding to its slow path; they are never stored.
    @inlinable @inline(__always)
    func rows<R: LaneRounding>(_ a: SparseRun<Wide>, _ b: SparseRun<Wide>, _ weights: UnsafePointer<Wide>,
                               _ stride: Int, _ count: Int, _ accA: UnsafeMutablePointer<Wide>,
                               _ accB: UnsafeMutablePointer<Wide>, _: R.Type) -> Int {
        typealias Lanes = FormatRounder<Wide>.Lanes
        let rounder = rounder
        typealias BitLanes = FormatRounder<Wide>.BitLanes
        let tail = count &- 8
        var a0 = Self.lanes(at: accA), a1 = Self.lanes(at: accA + 4), a2 = Self.lanes(at: accA + 8, count: tail)
        var b0 = Self.lanes(at: accB), b1 = Self.lanes(at: accB + 4), b2 = Self.lanes(at: accB + 8, count: tail)
        var underflows = BitLanes()
        @inline(__always) func step(_ s: Wide, _ k: Int32, _ x0: inout Lanes, _ x1: inout Lanes, _ x2: inout Lanes) {
            let w = weights + Int(k) &* stride
            let factor = Lanes(repeating: s)
            let w0 = Self.lanes(at: w), w1 = Self.lanes(at: w + 4), w2 = Self.lanes(at: w + 8, count: tail)
            let p0 = product(factor, w0, R.self), p1 = product(factor, w1, R.self)
            let p2 = product(factor, w2, R.self)
            countUnderflows(s, p0, p1, p2, w0, w1, w2, &underflows)
            x0 = R.round(x0 + p0, rounder)
            x1 = R.round(x1 + p1, rounder)
            x2 = R.round(x2 + p2, rounder)
        }
        var n = 0, m = 0
        while n < a.count && m < b.count {
            step(a.values[n], a.indices[n], &a0, &a1, &a2)
            step(b.values[m], b.indices[m], &b0, &b1, &b2)
            n &+= 1
            m &+= 1
        }
        while n < a.count {
            step(a.values[n], a.indices[n], &a0, &a1, &a2)
            n &+= 1
        }
        while m < b.count {
            step(b.values[m], b.indices[m], &b0, &b1, &b2)
            m &+= 1
        }
        @inline(__always) func store(_ p: UnsafeMutablePointer<Wide>, _ x0: Lanes, _ x1: Lanes, _ x2: Lanes) {
            UnsafeMutableRawPointer(p).storeBytes(of: x0, as: Lanes.self)
            UnsafeMutableRawPointer(p + 4).storeBytes(of: x1, as: Lanes.self)
            for i in 0..<tail { p[8 + i] = x2[i] }
        }
        store(accA, a0, a1, a2)
        store(accB, b0, b1, b2)
        return Int(underflows.wrappedSum())
    }
}

extension FastArithmetic {
    /// The weight-gradient kernel with the shared factors held in registers: eight to
    /// twelve lanes, as two full vectors and a partial one whose last lanes are never
    /// stored. Each lane's operations are those of `multiplyAccumulate`, in the same order.
    /// The other modes run in the lanes too (`directedMultiplyAccumulateIntoRows`); other
    /// widths, and environments neither kernel serves, take the default.
    @inlinable
    public func multiplyAccumulateIntoRows(_ run: SparseRun<Wide>, _ x: UnsafePointer<Wide>,
                                           into acc: UnsafeMutablePointer<Wide>, stride: Int, count: Int,
                                           envs: UnsafeMutablePointer<FloatEnvironment>) -> Int {
        guard run.count > 0 else { return 0 }
        guard count > 8 && count <= 12 && roundsInHardware(envs[Int(run.indices[0])]) else {
            if let underflows = directedMultiplyAccumulateIntoRows(run, x, into: acc, stride: stride, count: count,
                                                                   envs: envs) {
                return underflows
            }
            return scalarMultiplyAccumulateIntoRows(run, x, into: acc, stride: stride, count: count, envs: envs)
        }
        // Every row's environment rounds as the first one does (the trainer gives all rows
        // of a step the same mode); check it rather than assume it.
        for n in 1..<run.count where !roundsInHardware(envs[Int(run.indices[n])]) {
            return scalarMultiplyAccumulateIntoRows(run, x, into: acc, stride: stride, count: count, envs: envs)
        }
        for n in 0..<run.count { Self.advance(&envs[Int(run.indices[n])], count: count) }
        return withLaneRounding(.intoRows(run, x, acc, stride, count))
    }

    @inlinable @inline(__always)
    func intoRows<R: LaneRounding>(_ run: SparseRun<Wide>, _ x: UnsafePointer<Wide>,
                                   _ acc: UnsafeMutablePointer<Wide>, _ stride: Int, _ count: Int, _: R.Type) -> Int {
        typealias Lanes = FormatRounder<Wide>.Lanes
        let rounder = rounder
        typealias BitLanes = FormatRounder<Wide>.BitLanes
        let tail = count &- 8
        let x0 = Self.lanes(at: x), x1 = Self.lanes(at: x + 4), x2 = Self.lanes(at: x + 8, count: tail)
        var underflows = BitLanes()
        for n in 0..<run.count {
            let s = run.values[n]
            let row = acc + Int(run.indices[n]) &* stride
            let factor = Lanes(repeating: s)
            let p0 = product(factor, x0, R.self), p1 = product(factor, x1, R.self)
            let p2 = product(factor, x2, R.self)
            countUnderflows(s, p0, p1, p2, x0, x1, x2, &underflows)
            let s0 = R.round(Self.lanes(at: row) + p0, rounder)
            let s1 = R.round(Self.lanes(at: row + 4) + p1, rounder)
            let s2 = R.round(Self.lanes(at: row + 8, count: tail) + p2, rounder)
            UnsafeMutableRawPointer(row).storeBytes(of: s0, as: Lanes.self)
            UnsafeMutableRawPointer(row + 4).storeBytes(of: s1, as: Lanes.self)
            for i in 0..<tail { row[8 + i] = s2[i] }
        }
        return Int(underflows.wrappedSum())
    }
}

extension FastArithmetic {
    /// Whether any lane of the three vectors is ±0, in a handful of instructions: the row
    /// kernels test it once a step and count the underflowed products, rare outside the
    /// 8-bit formats, only then (a count made on every step costs a chain of a dozen
    /// vector instructions).
    @inlinable @inline(__always)
    static func anyZero(_ x0: FormatRounder<Wide>.Lanes, _ x1: FormatRounder<Wide>.Lanes,
                        _ x2: FormatRounder<Wide>.Lanes) -> Bool {
        typealias BitLanes = FormatRounder<Wide>.BitLanes
        // (|x| − 1) is negative exactly where x is ±0: one sign test for all twelve lanes.
        let magnitude = BitLanes(repeating: ~Wide.SignedBits.min)
        let signs = ((unsafeBitCast(x0, to: BitLanes.self) & magnitude) &- 1)
            | ((unsafeBitCast(x1, to: BitLanes.self) & magnitude) &- 1)
            | ((unsafeBitCast(x2, to: BitLanes.self) & magnitude) &- 1)
        if MemoryLayout<Wide>.size == 4 {
            let words = unsafeBitCast(signs, to: SIMD2<UInt64>.self)
            return (words[0] | words[1]) & 0x8000_0000_8000_0000 != 0
        }
        let words = unsafeBitCast(signs, to: SIMD4<UInt64>.self)
        return (words[0] | words[1] | words[2] | words[3]) & 0x8000_0000_0000_0000 != 0
    }

    /// Adds to `underflows` (as −1 a lane) the lanes of the three rounded products of a
    /// nonzero `s` that are ±0 where their `w` is not, after one test for any zero.
    @inlinable @inline(__always)
    func countUnderflows(_ s: Wide, _ p0: FormatRounder<Wide>.Lanes, _ p1: FormatRounder<Wide>.Lanes,
                         _ p2: FormatRounder<Wide>.Lanes, _ w0: FormatRounder<Wide>.Lanes,
                         _ w1: FormatRounder<Wide>.Lanes, _ w2: FormatRounder<Wide>.Lanes,
                         _ underflows: inout FormatRounder<Wide>.BitLanes) {
        guard Self.anyZero(p0, p1, p2) && s != 0 else { return }
        underflows &-= rounder.zeroMask(p0) & ~rounder.zeroMask(w0)
        underflows &-= rounder.zeroMask(p1) & ~rounder.zeroMask(w1)
        underflows &-= rounder.zeroMask(p2) & ~rounder.zeroMask(w2)
    }

    /// Four values loaded from `p`.
    @inlinable @inline(__always)
    static func lanes(at p: UnsafePointer<Wide>) -> FormatRounder<Wide>.Lanes {
        UnsafeRawPointer(p).loadUnaligned(as: FormatRounder<Wide>.Lanes.self)
    }

    /// `count` (1 to 4) values loaded from `p`, the other lanes set to one.
    @inlinable @inline(__always)
    static func lanes(at p: UnsafePointer<Wide>, count: Int) -> FormatRounder<Wide>.Lanes {
        if count == 4 { return lanes(at: p) }
        var v = FormatRounder<Wide>.Lanes(repeating: 1)
        v[0] = p[0]
        if count > 1 { v[1] = p[1] }
        if count > 2 { v[2] = p[2] }
        return v
    }
}

extension FastArithmetic {
    /// A call of one of the vector kernels, with its arguments: what `withLaneRounding`
    /// runs under the lane rounding of the format.
    @usableFromInline
    enum KernelCall {
        /// `lanes(s, x, acc, count)`: `multiplyAccumulate`.
        case lanes(Wide, UnsafePointer<Wide>, UnsafeMutablePointer<Wide>, Int)
        /// `rows(a, b, weights, stride, count, accA, accB)`: `multiplyAccumulateRows`.
        case rows(SparseRun<Wide>, SparseRun<Wide>, UnsafePointer<Wide>, Int, Int,
                  UnsafeMutablePointer<Wide>, UnsafeMutablePointer<Wide>)
        /// `intoRows(run, x, acc, stride, count)`: `multiplyAccumulateIntoRows`.
        case intoRows(SparseRun<Wide>, UnsafePointer<Wide>, UnsafeMutablePointer<Wide>, Int, Int)
    }

    /// Runs a kernel with the lane rounding of this format — the hardware's own format
    /// (nothing to round), a narrower exponent range (subnormals and overflow checked) or
    /// the same range, each with tiny products recomputed in `Double` where
    /// `checksTinyResults` says so — and returns its count of underflows. The one place
    /// that chooses among the five cases; each case gets its own copy of the loop, with no
    /// decision left inside it (the call is a constant at each site, so the switch folds).
    ///
    ///     withLaneRounding(.lanes(s, x, acc, count))   // multiplyAccumulate's loop
    @inlinable @inline(__always)
    func withLaneRounding(_ call: KernelCall) -> Int {
        if rounder.isIdentity { return run(call, LaneIdentity.self) }
        if checksTinyResults {
            return rounder.checksRange ? run(call, LaneRoundingTiny<LaneRoundingInRange>.self)
                : run(call, LaneRoundingTiny<LaneRoundingUnchecked>.self)
        }
        return rounder.checksRange ? run(call, LaneRoundingInRange.self) : run(call, LaneRoundingUnchecked.self)
    }

    @inlinable @inline(__always)
    func run<R: LaneRounding>(_ call: KernelCall, _: R.Type) -> Int {
        switch call {
        case let .lanes(s, x, acc, count):
            return lanes(s, x, acc, count, R.self)
        case let .rows(a, b, weights, stride, count, accA, accB):
            return rows(a, b, weights, stride, count, accA, accB, R.self)
        case let .intoRows(run, x, acc, stride, count):
            return intoRows(run, x, acc, stride, count, R.self)
        }
    }
}

/// How a kernel rounds its lanes, fixed at compile time so that each case of
/// `FormatRounder` gets its own loop.
@usableFromInline
protocol LaneRounding {
    static func round<Wide: HardwareFloat>(_ x: SIMD4<Wide>, _ rounder: FormatRounder<Wide>) -> SIMD4<Wide>
    /// Whether tiny products are recomputed in `Double` (`FastArithmetic.checksTinyResults`).
    static var checksTinyResults: Bool { get }
}

extension LaneRounding {
    @inlinable @inline(__always)
    static var checksTinyResults: Bool { false }
}

/// The rounding `Base`, with tiny products recomputed in `Double`: for formats whose
/// subnormals `Wide`'s own subnormal range is too coarse to round first.
@usableFromInline
enum LaneRoundingTiny<Base: LaneRounding>: LaneRounding {
    @inlinable @inline(__always)
    static func round<Wide: HardwareFloat>(_ x: SIMD4<Wide>, _ rounder: FormatRounder<Wide>) -> SIMD4<Wide> {
        Base.round(x, rounder)
    }

    @inlinable @inline(__always)
    static var checksTinyResults: Bool { true }
}

/// The hardware's own format: nothing to round.
@usableFromInline
enum LaneIdentity: LaneRounding {
    @inlinable @inline(__always)
    static func round<Wide: HardwareFloat>(_ x: SIMD4<Wide>, _ rounder: FormatRounder<Wide>) -> SIMD4<Wide> { x }
}

/// A format with a narrower exponent range than the hardware type's.
@usableFromInline
enum LaneRoundingInRange: LaneRounding {
    @inlinable @inline(__always)
    static func round<Wide: HardwareFloat>(_ x: SIMD4<Wide>, _ rounder: FormatRounder<Wide>) -> SIMD4<Wide> {
        rounder.roundLanes(x, checkingRange: true)
    }
}

/// A format with the hardware type's exponent range.
@usableFromInline
enum LaneRoundingUnchecked: LaneRounding {
    @inlinable @inline(__always)
    static func round<Wide: HardwareFloat>(_ x: SIMD4<Wide>, _ rounder: FormatRounder<Wide>) -> SIMD4<Wide> {
        rounder.roundLanes(x, checkingRange: false)
    }
}
