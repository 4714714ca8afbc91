import SoftFloat

extension FastArithmetic {
    /// Two sparse dot products with their accumulators held in registers: eight to twelve
    /// lanes each (the ten classes of Fashion-MNIST), as two full vectors and a partial
    /// one. Each lane's products and sums are those of `multiplyAccumulate`, in the same
    /// order, so the bits and the count of underflows are the same; other widths, and
    /// environments the hardware does not round for, take the default.
    @inlinable
    public func multiplyAccumulateRows(_ a: SparseRun<Wide>, _ b: SparseRun<Wide>,
                                       weights: UnsafePointer<Wide>, stride: Int, count: Int,
                                       into accA: UnsafeMutablePointer<Wide>, _ accB: UnsafeMutablePointer<Wide>,
                                       _ envA: inout FloatEnvironment, _ envB: inout FloatEnvironment) -> Int {
        guard roundsInHardware(envA) && roundsInHardware(envB) && count > 8 && count <= 12 else {
            return scalarMultiplyAccumulateRows(a, b, weights: weights, stride: stride, count: count,
                                                into: accA, accB, &envA, &envB)
        }
        if rounder.isIdentity {
            return rows(a, b, weights, stride, count, accA, accB, LaneIdentity.self)
        } else if rounder.checksRange {
            return rows(a, b, weights, stride, count, accA, accB, LaneRoundingInRange.self)
        } else {
            return rows(a, b, weights, stride, count, accA, accB, LaneRoundingUnchecked.self)
        }
    }

    /// Three vectors of accumulators per run. The lanes beyond `count` in the third
    /// vector hold ones (weights and sums), which keep them in the normal range so that
    /// they never send the rounding to its slow path; they are never stored.
    @inlinable @inline(__always)
    func rows<R: LaneRounding>(_ a: SparseRun<Wide>, _ b: SparseRun<Wide>, _ weights: UnsafePointer<Wide>, _ stride: Int,
              _ count: Int, _ accA: UnsafeMutablePointer<Wide>, _ accB: UnsafeMutablePointer<Wide>,
              _: R.Type) -> Int {
        typealias Lanes = FormatRounder<Wide>.Lanes
        let rounder = rounder
        @inline(__always) func round(_ x: Lanes) -> Lanes { R.round(x, rounder) }
        typealias BitLanes = FormatRounder<Wide>.BitLanes
        let tail = count &- 8
        @inline(__always) func load(_ p: UnsafePointer<Wide>) -> Lanes {
            UnsafeRawPointer(p).loadUnaligned(as: Lanes.self)
        }
        @inline(__always) func loadTail(_ p: UnsafePointer<Wide>) -> Lanes {
            if tail == 4 { return load(p) }
            var v = Lanes(repeating: 1)
            v[0] = p[0]
            if tail > 1 { v[1] = p[1] }
            if tail > 2 { v[2] = p[2] }
            return v
        }
        var a0 = load(accA), a1 = load(accA + 4), a2 = loadTail(accA + 8)
        var b0 = load(accB), b1 = load(accB + 4), b2 = loadTail(accB + 8)
        var underflows = BitLanes()
        @inline(__always) func step(_ s: Wide, _ k: Int32, _ x0: inout Lanes, _ x1: inout Lanes, _ x2: inout Lanes) {
            let w = weights + Int(k) &* stride
            let factor = Lanes(repeating: s)
            let w0 = load(w), w1 = load(w + 4), w2 = loadTail(w + 8)
            let p0 = round(factor * w0), p1 = round(factor * w1), p2 = round(factor * w2)
            if s != 0 {
                underflows &-= rounder.zeroMask(p0) & ~rounder.zeroMask(w0)
                underflows &-= rounder.zeroMask(p1) & ~rounder.zeroMask(w1)
                underflows &-= rounder.zeroMask(p2) & ~rounder.zeroMask(w2)
            }
            x0 = round(x0 + p0)
            x1 = round(x1 + p1)
            x2 = round(x2 + p2)
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
    /// stored. Each lane's operations are those of `multiplyAccumulate`, in the same order;
    /// other widths, and environments the hardware does not round for, take the default.
    @inlinable
    public func multiplyAccumulateIntoRows(_ run: SparseRun<Wide>, _ x: UnsafePointer<Wide>,
                                           into acc: UnsafeMutablePointer<Wide>, stride: Int, count: Int,
                                           envs: UnsafeMutablePointer<FloatEnvironment>) -> Int {
        guard run.count > 0 else { return 0 }
        guard count > 8 && count <= 12 && roundsInHardware(envs[Int(run.indices[0])]) else {
            return scalarMultiplyAccumulateIntoRows(run, x, into: acc, stride: stride, count: count, envs: envs)
        }
        // Every row's environment rounds as the first one does (the trainer gives all rows
        // of a step the same mode); check it rather than assume it.
        for n in 1..<run.count where !roundsInHardware(envs[Int(run.indices[n])]) {
            return scalarMultiplyAccumulateIntoRows(run, x, into: acc, stride: stride, count: count, envs: envs)
        }
        if rounder.isIdentity {
            return intoRows(run, x, acc, stride, count, LaneIdentity.self)
        } else if rounder.checksRange {
            return intoRows(run, x, acc, stride, count, LaneRoundingInRange.self)
        } else {
            return intoRows(run, x, acc, stride, count, LaneRoundingUnchecked.self)
        }
    }

    @inlinable @inline(__always)
    func intoRows<R: LaneRounding>(_ run: SparseRun<Wide>, _ x: UnsafePointer<Wide>,
                                   _ acc: UnsafeMutablePointer<Wide>, _ stride: Int, _ count: Int, _: R.Type) -> Int {
        typealias Lanes = FormatRounder<Wide>.Lanes
        let rounder = rounder
        @inline(__always) func round(_ x: Lanes) -> Lanes { R.round(x, rounder) }
        typealias BitLanes = FormatRounder<Wide>.BitLanes
        let tail = count &- 8
        @inline(__always) func load(_ p: UnsafePointer<Wide>) -> Lanes {
            UnsafeRawPointer(p).loadUnaligned(as: Lanes.self)
        }
        @inline(__always) func loadTail(_ p: UnsafePointer<Wide>) -> Lanes {
            if tail == 4 { return load(p) }
            var v = Lanes(repeating: 1)
            v[0] = p[0]
            if tail > 1 { v[1] = p[1] }
            if tail > 2 { v[2] = p[2] }
            return v
        }
        let x0 = load(x), x1 = load(x + 4), x2 = loadTail(x + 8)
        let live0 = ~rounder.zeroMask(x0), live1 = ~rounder.zeroMask(x1), live2 = ~rounder.zeroMask(x2)
        var underflows = BitLanes()
        for n in 0..<run.count {
            let s = run.values[n]
            let row = acc + Int(run.indices[n]) &* stride
            let factor = Lanes(repeating: s)
            let p0 = round(factor * x0), p1 = round(factor * x1), p2 = round(factor * x2)
            if s != 0 {
                underflows &-= rounder.zeroMask(p0) & live0
                underflows &-= rounder.zeroMask(p1) & live1
                underflows &-= rounder.zeroMask(p2) & live2
            }
            let s0 = round(load(row) + p0), s1 = round(load(row + 4) + p1), s2 = round(loadTail(row + 8) + p2)
            UnsafeMutableRawPointer(row).storeBytes(of: s0, as: Lanes.self)
            UnsafeMutableRawPointer(row + 4).storeBytes(of: s1, as: Lanes.self)
            for i in 0..<tail { row[8 + i] = s2[i] }
        }
        return Int(underflows.wrappedSum())
    }
}

/// How a kernel rounds its lanes, fixed at compile time so that each case of
/// `FormatRounder` gets its own loop.
@usableFromInline
protocol LaneRounding {
    static func round<Wide: HardwareFloat>(_ x: SIMD4<Wide>, _ rounder: FormatRounder<Wide>) -> SIMD4<Wide>
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
