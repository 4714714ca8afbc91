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

    /// Two vectors of accumulators per run: lanes 0–7 in one (a single register where the
    /// CPU has 256-bit vectors) and lanes 8–11 in a partial one. The lanes beyond `count`
    /// in the partial vector hold ones (weights and sums), which keep them in the normal
    /// range so that they never send the rounding to its slow path; they are never stored.
    @inlinable @inline(__always)
    func rows<R: LaneRounding>(_ a: SparseRun<Wide>, _ b: SparseRun<Wide>, _ weights: UnsafePointer<Wide>,
                               _ stride: Int, _ count: Int, _ accA: UnsafeMutablePointer<Wide>,
                               _ accB: UnsafeMutablePointer<Wide>, _: R.Type) -> Int {
        typealias Head = SIMD8<Wide>
        typealias Tail = FormatRounder<Wide>.Lanes
        let rounder = rounder
        let tail = count &- 8
        var aHead = Self.head(at: accA), aTail = Self.lanes(at: accA + 8, count: tail)
        var bHead = Self.head(at: accB), bTail = Self.lanes(at: accB + 8, count: tail)
        var underflows = RowUnderflows()
        @inline(__always) func step(_ s: Wide, _ k: Int32, _ head: inout Head, _ tailLanes: inout Tail) {
            let w = weights + Int(k) &* stride
            let wHead = Self.head(at: w), wTail = Self.lanes(at: w + 8, count: tail)
            let pHead = product(Head(repeating: s), wHead, R.self)
            let pTail = product(Tail(repeating: s), wTail, R.self)
            countUnderflows(s, pHead, pTail, wHead, wTail, &underflows)
            head = R.round(head + pHead, rounder)
            tailLanes = R.round(tailLanes + pTail, rounder)
        }
        var n = 0, m = 0
        while n < a.count && m < b.count {
            step(a.values[n], a.indices[n], &aHead, &aTail)
            step(b.values[m], b.indices[m], &bHead, &bTail)
            n &+= 1
            m &+= 1
        }
        while n < a.count {
            step(a.values[n], a.indices[n], &aHead, &aTail)
            n &+= 1
        }
        while m < b.count {
            step(b.values[m], b.indices[m], &bHead, &bTail)
            m &+= 1
        }
        Self.store(aHead, aTail, at: accA, tail: tail)
        Self.store(bHead, bTail, at: accB, tail: tail)
        return underflows.total
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
        typealias Head = SIMD8<Wide>
        typealias Tail = FormatRounder<Wide>.Lanes
        let rounder = rounder
        let tail = count &- 8
        let xHead = Self.head(at: x), xTail = Self.lanes(at: x + 8, count: tail)
        var underflows = RowUnderflows()
        for n in 0..<run.count {
            let s = run.values[n]
            let row = acc + Int(run.indices[n]) &* stride
            let pHead = product(Head(repeating: s), xHead, R.self)
            let pTail = product(Tail(repeating: s), xTail, R.self)
            countUnderflows(s, pHead, pTail, xHead, xTail, &underflows)
            Self.store(R.round(Self.head(at: row) + pHead, rounder),
                       R.round(Self.lanes(at: row + 8, count: tail) + pTail, rounder), at: row, tail: tail)
        }
        return underflows.total
    }
}

extension FastArithmetic {
    /// The underflowed products of a row kernel, counted in the lanes (−1 a lane) of the
    /// two vectors of a row.
    @usableFromInline
    struct RowUnderflows {
        @usableFromInline var head = SIMD8<Wide.SignedBits>()
        @usableFromInline var tail = FormatRounder<Wide>.BitLanes()

        @inlinable @inline(__always)
        init() {}

        @inlinable @inline(__always)
        var total: Int { -Int(head.wrappedSum()) &- Int(tail.wrappedSum()) }
    }

    /// Whether any of the twelve lanes of a row is ±0, in a handful of instructions: the
    /// row kernels test it once a step and count the underflowed products, rare outside
    /// the 8-bit formats, only then (a count made on every step costs a chain of a dozen
    /// vector instructions).
    @inlinable @inline(__always)
    static func anyZero(_ head: SIMD8<Wide>, _ tail: FormatRounder<Wide>.Lanes) -> Bool {
        typealias BitLanes = FormatRounder<Wide>.BitLanes
        // (|x| − 1) is negative exactly where x is ±0: one sign test for all twelve lanes.
        let magnitude = ~Wide.SignedBits.min
        let headSigns = (unsafeBitCast(head, to: SIMD8<Wide.SignedBits>.self) & magnitude) &- 1
        let signs = headSigns.lowHalf | headSigns.highHalf | ((unsafeBitCast(tail, to: BitLanes.self) & magnitude) &- 1)
        if MemoryLayout<Wide>.size == 4 {
            let words = unsafeBitCast(signs, to: SIMD2<UInt64>.self)
            return (words[0] | words[1]) & 0x8000_0000_8000_0000 != 0
        }
        let words = unsafeBitCast(signs, to: SIMD4<UInt64>.self)
        return (words[0] | words[1] | words[2] | words[3]) & 0x8000_0000_0000_0000 != 0
    }

    /// Adds to `underflows` the lanes of a row's two rounded products of a nonzero `s` that
    /// are ±0 where their `w` is not, after one test for any zero.
    @inlinable @inline(__always)
    func countUnderflows(_ s: Wide, _ pHead: SIMD8<Wide>, _ pTail: FormatRounder<Wide>.Lanes,
                         _ wHead: SIMD8<Wide>, _ wTail: FormatRounder<Wide>.Lanes,
                         _ underflows: inout RowUnderflows) {
        guard Self.anyZero(pHead, pTail) && s != 0 else { return }
        underflows.head &+= rounder.zeroMask(pHead) & ~rounder.zeroMask(wHead)
        underflows.tail &+= rounder.zeroMask(pTail) & ~rounder.zeroMask(wTail)
    }

    /// Eight values loaded from `p`.
    @inlinable @inline(__always)
    static func head(at p: UnsafePointer<Wide>) -> SIMD8<Wide> {
        UnsafeRawPointer(p).loadUnaligned(as: SIMD8<Wide>.self)
    }

    /// A row's two vectors stored at `p`: all of the first, the first `tail` lanes of the
    /// second.
    @inlinable @inline(__always)
    static func store(_ head: SIMD8<Wide>, _ tailLanes: FormatRounder<Wide>.Lanes,
                      at p: UnsafeMutablePointer<Wide>, tail: Int) {
        UnsafeMutableRawPointer(p).storeBytes(of: head, as: SIMD8<Wide>.self)
        for i in 0..<tail { p[8 + i] = tailLanes[i] }
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
    static func round<L: LaneVector>(_ x: L, _ rounder: FormatRounder<L.Scalar>) -> L
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
    static func round<L: LaneVector>(_ x: L, _ rounder: FormatRounder<L.Scalar>) -> L {
        Base.round(x, rounder)
    }

    @inlinable @inline(__always)
    static var checksTinyResults: Bool { true }
}

/// The hardware's own format: nothing to round.
@usableFromInline
enum LaneIdentity: LaneRounding {
    @inlinable @inline(__always)
    static func round<L: LaneVector>(_ x: L, _ rounder: FormatRounder<L.Scalar>) -> L { x }
}

/// A format with a narrower exponent range than the hardware type's.
@usableFromInline
enum LaneRoundingInRange: LaneRounding {
    @inlinable @inline(__always)
    static func round<L: LaneVector>(_ x: L, _ rounder: FormatRounder<L.Scalar>) -> L {
        rounder.roundLanes(x, checkingRange: true)
    }
}

/// A format with the hardware type's exponent range.
@usableFromInline
enum LaneRoundingUnchecked: LaneRounding {
    @inlinable @inline(__always)
    static func round<L: LaneVector>(_ x: L, _ rounder: FormatRounder<L.Scalar>) -> L {
        rounder.roundLanes(x, checkingRange: false)
    }
}
