import SoftFloat

/// The two register kernels (`multiplyAccumulateRows`, `multiplyAccumulateIntoRows`) in the
/// modes other than nearest-even: the operations of `directedMultiplyAccumulate`, lane by
/// lane and in the same order, with the accumulators (or the shared factors) held in two
/// vectors, lanes 0–7 and 8–11, as the nearest-even kernels hold them. The random bits of
/// feature `n` are the six words its `multiplyAccumulate` would take (three for the
/// products, three for the sums), drawn at once.
extension FastArithmetic {
    /// A call of one of the directed kernels, with its arguments (the environments by
    /// pointer): what `DirectedKernel` runs with the mode and the range check as types.
    @usableFromInline
    enum DirectedCall {
        /// `directedLanes(s, x, acc, count, env)`: `multiplyAccumulate`.
        case lanes(Wide, UnsafePointer<Wide>, UnsafeMutablePointer<Wide>, Int, UnsafeMutablePointer<FloatEnvironment>)
        /// `directedRows(a, b, weights, stride, count, accA, accB, envA, envB)`.
        case rows(SparseRun<Wide>, SparseRun<Wide>, UnsafePointer<Wide>, Int, Int, UnsafeMutablePointer<Wide>,
                  UnsafeMutablePointer<Wide>, UnsafeMutablePointer<FloatEnvironment>,
                  UnsafeMutablePointer<FloatEnvironment>)
        /// `directedIntoRows(run, x, acc, stride, count, envs)`.
        case intoRows(SparseRun<Wide>, UnsafePointer<Wide>, UnsafeMutablePointer<Wide>, Int, Int,
                      UnsafeMutablePointer<FloatEnvironment>)
    }

    /// Runs a `DirectedCall` specialised for the mode and the range check.
    @usableFromInline
    struct DirectedKernel: LaneKernel {
        @usableFromInline let arithmetic: FastArithmetic
        @usableFromInline let call: DirectedCall

        @inlinable @inline(__always)
        init(arithmetic: FastArithmetic, call: DirectedCall) {
            self.arithmetic = arithmetic
            self.call = call
        }

        @inlinable
        func run<M: LaneMode, C: LaneRange>(_: M.Type, _: C.Type) -> Int {
            switch call {
            case let .lanes(s, x, acc, count, env):
                return arithmetic.directedLanes(s, x, acc, count, M.self, C.self, &env.pointee)
            case let .rows(a, b, weights, stride, count, accA, accB, envA, envB):
                return arithmetic.directedRows(a, b, weights, stride, count, accA, accB, &envA.pointee, &envB.pointee,
                                               M.self, C.self)
            case let .intoRows(run, x, acc, stride, count, envs):
                return arithmetic.directedIntoRows(run, x, acc, stride, count, envs, M.self, C.self)
            }
        }
    }

    /// The draws of one `multiplyAccumulate` of 9 to 12 lanes whose counter (aligned) is
    /// `index`: its products' (three words, lanes 0–7 and 8–11) and its sums' (the next three).
    @inlinable @inline(__always)
    static func rowDraws(_ random: StochasticBits, _ index: UInt64, _ mode: RoundingMode)
        -> (productHead: SIMD8<Wide.SignedBits>, productTail: FormatRounder<Wide>.BitLanes,
            sumHead: SIMD8<Wide.SignedBits>, sumTail: FormatRounder<Wide>.BitLanes) {
        typealias R = FormatRounder<Wide>
        guard mode == .stochastic else { return (.zero, .zero, .zero, .zero) }
        let block = index &>> 2
        let first = random.words(block: block)
        return (R.draws(first[0], first[1]), R.draws(first[2]),
                R.draws(first[3], random.word(block: block &+ 4)), R.draws(random.word(block: block &+ 5)))
    }

    /// `acc + s × w` for one vector of a row, by `mode`, as `directedLanes` computes it:
    /// the product rounded (its tiny lanes, among the first `live`, through the soft path
    /// with the counter at `index` plus the lane), then the sum. Returns the rounded sum
    /// and the rounded product, whose zeros the caller counts (`countUnderflows`).
    @inlinable @inline(__always)
    func directedStep<L: LaneVector, M: LaneMode, C: LaneRange>(
        _ s: Wide, _ w: L, _ acc: L, _ productDraws: L.BitLanes, _ sumDraws: L.BitLanes,
        _: M.Type, _: C.Type, live: Int, index: UInt64, _ env: inout FloatEnvironment
    ) -> (sum: L, product: L) where L.Scalar == Wide {
        let factor = L(repeating: s)
        let mode = M.mode, checkingRange = C.checksRange
        let products = directedProducts(s, factor, w, productDraws, M.self, C.self, live: live, index: index, &env)
        var sums = acc + products
        let e = sumResidual(acc, products, &sums, mode)
        let rounded = checkingRange
            ? rounder.roundLanes(sums, residual: e, mode: mode, draws: sumDraws, checkingRange: true)
            : rounder.roundLanes(sums, residual: e, mode: mode, draws: sumDraws, checkingRange: false)
        return (rounded, products)
    }

    /// `products` with its tiny lanes among the first `live` replaced by the soft path's
    /// product, lane `j` rounded with the counter at `index + j` (the counter is left there).
    @inlinable @inline(never)
    func tinyDirectedProducts<L: LaneVector>(_ s: Wide, _ w: L, _ products: L, _ tiny: L.BitLanes, live: Int,
                                             index: UInt64, _ env: inout FloatEnvironment) -> L
        where L.Scalar == Wide {
        var result = products
        for j in 0..<min(live, L.scalarCount) where tiny[j] != 0 {
            env.random.counter = index &+ UInt64(j)
            result[j] = soft(s, w[j], &env, FloatFormat.multiply)
        }
        return result
    }

    /// `multiplyAccumulateRows` in a mode other than nearest-even, for 9 to 12 lanes, both
    /// environments rounding alike in the lanes; nil when that does not hold.
    @inlinable
    func directedMultiplyAccumulateRows(_ a: SparseRun<Wide>, _ b: SparseRun<Wide>,
                                        weights: UnsafePointer<Wide>, stride: Int, count: Int,
                                        into accA: UnsafeMutablePointer<Wide>, _ accB: UnsafeMutablePointer<Wide>,
                                        _ envA: inout FloatEnvironment, _ envB: inout FloatEnvironment) -> Int? {
        guard count > 8 && count <= 12 && roundsInLanes(envA) && roundsInLanes(envB)
              && envA.rounding == envB.rounding else { return nil }
        let rounding = envA.rounding, checksRange = rounder.checksRange
        return withUnsafeMutablePointer(to: &envA) { envA in
            withUnsafeMutablePointer(to: &envB) { envB in
                DirectedKernel(arithmetic: self, call: .rows(a, b, weights, stride, count, accA, accB, envA, envB))(
                    rounding, checksRange: checksRange)
            }
        }
    }

    @inlinable @inline(__always)
    func directedRows<M: LaneMode, C: LaneRange>(_ a: SparseRun<Wide>, _ b: SparseRun<Wide>,
                                                 _ weights: UnsafePointer<Wide>, _ stride: Int, _ count: Int,
                                                 _ accA: UnsafeMutablePointer<Wide>, _ accB: UnsafeMutablePointer<Wide>,
                                                 _ envA: inout FloatEnvironment, _ envB: inout FloatEnvironment,
                                                 _: M.Type, _: C.Type) -> Int {
        typealias Head = SIMD8<Wide>
        typealias Tail = FormatRounder<Wide>.Lanes
        envA.random.alignToWord()
        envB.random.alignToWord()
        let baseA = envA.random.counter, baseB = envB.random.counter
        let randomA = envA.random, randomB = envB.random
        let tail = count &- 8
        var aHead = Self.head(at: accA), aTail = Self.lanes(at: accA + 8, count: tail)
        var bHead = Self.head(at: accB), bTail = Self.lanes(at: accB + 8, count: tail)
        var underflows = RowUnderflows()
        // One feature: `x += s × weights[k]`, its two vectors (a nested function, so that
        // the accumulators stay in registers).
        @inline(__always) func step(_ s: Wide, _ k: Int32, _ random: StochasticBits, _ base: UInt64,
                                    _ head: inout Head, _ tailLanes: inout Tail, _ env: inout FloatEnvironment) {
            let w = weights + Int(k) &* stride
            let wHead = Self.head(at: w), wTail = Self.lanes(at: w + 8, count: tail)
            // Each feature's multiplyAccumulate takes 2·12 indices (count is 9 to 12).
            let index = base &+ UInt64(UInt32(bitPattern: k)) &* 24
            let draws = Self.rowDraws(random, index, M.mode)
            let first = directedStep(s, wHead, head, draws.productHead, draws.sumHead, M.self, C.self,
                                     live: 8, index: index, &env)
            let last = directedStep(s, wTail, tailLanes, draws.productTail, draws.sumTail, M.self, C.self,
                                    live: tail, index: index &+ 8, &env)
            (head, tailLanes) = (first.sum, last.sum)
            countUnderflows(s, first.product, last.product, wHead, wTail, &underflows)
        }
        var n = 0, m = 0
        while n < a.count && m < b.count {
            step(a.values[n], a.indices[n], randomA, baseA, &aHead, &aTail, &envA)
            step(b.values[m], b.indices[m], randomB, baseB, &bHead, &bTail, &envB)
            n &+= 1
            m &+= 1
        }
        while n < a.count {
            step(a.values[n], a.indices[n], randomA, baseA, &aHead, &aTail, &envA)
            n &+= 1
        }
        while m < b.count {
            step(b.values[m], b.indices[m], randomB, baseB, &bHead, &bTail, &envB)
            m &+= 1
        }
        Self.store(aHead, aTail, at: accA, tail: tail)
        Self.store(bHead, bTail, at: accB, tail: tail)
        envA.random.counter = baseA
        envB.random.counter = baseB
        return underflows.total
    }

    /// `multiplyAccumulateIntoRows` in a mode other than nearest-even, for 9 to 12 lanes,
    /// every row's environment rounding alike in the lanes; nil when that does not hold.
    @inlinable
    func directedMultiplyAccumulateIntoRows(_ run: SparseRun<Wide>, _ x: UnsafePointer<Wide>,
                                            into acc: UnsafeMutablePointer<Wide>, stride: Int, count: Int,
                                            envs: UnsafeMutablePointer<FloatEnvironment>) -> Int? {
        guard run.count > 0, count > 8 && count <= 12 else { return nil }
        let mode = envs[Int(run.indices[0])].rounding
        for n in 0..<run.count {
            let env = envs[Int(run.indices[n])]
            guard env.rounding == mode && roundsInLanes(env) else { return nil }
        }
        return DirectedKernel(arithmetic: self, call: .intoRows(run, x, acc, stride, count, envs))(
            mode, checksRange: rounder.checksRange)
    }

    @inlinable @inline(__always)
    func directedIntoRows<M: LaneMode, C: LaneRange>(_ run: SparseRun<Wide>, _ x: UnsafePointer<Wide>,
                                                     _ acc: UnsafeMutablePointer<Wide>, _ stride: Int, _ count: Int,
                                                     _ envs: UnsafeMutablePointer<FloatEnvironment>,
                                                     _: M.Type, _: C.Type) -> Int {
        let tail = count &- 8
        let xHead = Self.head(at: x), xTail = Self.lanes(at: x + 8, count: tail)
        var underflows = RowUnderflows()
        for n in 0..<run.count {
            let s = run.values[n]
            let k = Int(run.indices[n])
            let row = acc + k &* stride
            envs[k].random.alignToWord()
            let index = envs[k].random.counter
            let draws = Self.rowDraws(envs[k].random, index, M.mode)
            let first = directedStep(s, xHead, Self.head(at: row), draws.productHead, draws.sumHead, M.self, C.self,
                                     live: 8, index: index, &envs[k])
            let last = directedStep(s, xTail, Self.lanes(at: row + 8, count: tail), draws.productTail, draws.sumTail,
                                    M.self, C.self, live: tail, index: index &+ 8, &envs[k])
            countUnderflows(s, first.product, last.product, xHead, xTail, &underflows)
            Self.store(first.sum, last.sum, at: row, tail: tail)
            envs[k].random.counter = index &+ 24
        }
        return underflows.total
    }
}
