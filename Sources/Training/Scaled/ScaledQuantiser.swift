import SoftFloat
import TrainingArithmetic

/// Quantises a matrix to a scaled format with its blocks along its rows, as the training
/// recipes quantise the operands of a product along its reduction axis: the fast path of
/// `MXFormat`, `NVFP4Format` and `TensorScaledFormat`'s encoders, value for value the same
/// (the tests compare them on random and corner blocks in every mode).
///
///     let q = ScaledQuantiser(format: .mx(MXFormat(element: .float(.fp4E2M1))))
///     var events = ScalingEvents()
///     let factor = q.quantise(x, rows: 256, length: 784, into: units, mode: .nearestEven,
///                             random: bits, parallel: parallel, events: &events)
///     // value (r, k) is units[r * 784 + k] × factor
///
/// Each value becomes a *unit* and the matrix one *factor*: MX, unit = element × 2^X (its
/// block's E8M0 scale), factor 1; NVFP4, unit = element × block scale (E4M3), factor the
/// FP32 tensor scale; per-tensor, unit = element, factor the FP32 scale. Units are exact
/// in `Float` and have at most 8 significant bits, so the product of two units is exact
/// in `Float` (within its range) and a product of quantised matrices can be accumulated
/// from exact products, the factors applied once at the end.
///
/// A row of MX ends in a partial block when its length is not a multiple of 32 (NVFP4:
/// 16); blocks never span two rows. NVFP4's and per-tensor scaling's amax is the whole
/// matrix's (current scaling), or `delayed` for per-tensor formats (an amax history's).
/// Stochastic rounding draws value (r, k)'s bits from `random` at counter r × length + k.
///
/// Edge cases: as the encoders (see `MXFormat`, `NVFP4Format`, `TensorScaledFormat`): a
/// block (MX) or a matrix (NVFP4, per-tensor) holding a NaN or an infinity decodes as NaN
/// (its units are NaN); an all-zero block has zero units; a scale that underflows flushes.
public struct ScaledQuantiser: Sendable {
    public let format: ScaledFormat
    public let rule: ScaleRule
    let grid: ElementGrid
    /// NVFP4's block scales, rounded to nearest-even with saturation.
    let scaleGrid: ElementGrid?

    public init(format: ScaledFormat, rule: ScaleRule = .floor) {
        self.format = format
        self.rule = rule
        switch format {
        case let .mx(mx):
            grid = ElementGrid(mx.element, unitExponent: -6)
            scaleGrid = nil
        case let .nvfp4(nv):
            grid = ElementGrid(.float(nv.element), unitExponent: 0)
            scaleGrid = ElementGrid(.float(nv.blockScale), unitExponent: 0)
        case let .tensor(t):
            grid = ElementGrid(t.element, unitExponent: 0)
            scaleGrid = nil
        }
    }

    /// Rows processed per task of the parallel loop (fixed: events are counts, so the
    /// sums do not depend on the threads either way).
    static let rowsPerTask = 8
    /// Matrices smaller than this are quantised on the calling thread: waking the other
    /// threads would cost more than it saves.
    static let parallelMinimum = 1 << 15

    /// Quantises `rows × length` values (row-major) into `units`; returns the factor.
    public func quantise(_ source: UnsafePointer<Float>, rows: Int, length: Int,
                         into units: UnsafeMutablePointer<Float>, mode: RoundingMode, random: StochasticBits,
                         delayed: Double? = nil, parallel: ParallelChunks, events: inout ScalingEvents) -> Float {
        let count = rows * length
        guard count > 0 else { return 1 }
        var factor: Float = 1
        var tensorScale: Float = 1
        switch format {
        case .mx:
            break
        case let .nvfp4(nv):
            let (amax, special) = Self.amax(source, count: count)
            if special {
                return poisoned(units, count: count, blocks: rows * ((length + nv.blockSize - 1) / nv.blockSize),
                                &events)
            }
            let largest = grid.largest * scaleGrid!.largest
            tensorScale = amax == 0 ? 1 : Float(amax) / Float(largest)
            if tensorScale == 0 { tensorScale = .leastNonzeroMagnitude }
            factor = tensorScale
        case let .tensor(t):
            let (amax, special) = Self.amax(source, count: count)
            let bits = special ? UInt32(FloatFormat.fp32.defaultNaN) : t.scale(amax: delayed ?? amax)
            factor = Float(bitPattern: bits)
            if factor.isNaN { return poisoned(units, count: count, blocks: 1, &events) }
            if amax == 0 { events[.zeroBlocks] += 1 }
            events.blocks += 1
        }
        let tasks = (rows + Self.rowsPerTask - 1) / Self.rowsPerTask
        let taskEvents = WorkBuffer(repeating: ScalingEvents(), count: tasks)
        let scale = factor
        let threads = count < Self.parallelMinimum ? ParallelChunks(threads: 1) : parallel
        threads.run(tasks) { task in
            var counts = Counts()
            for r in task * Self.rowsPerTask..<min((task + 1) * Self.rowsPerTask, rows) {
                let row = source + r * length, out = units + r * length
                let bits = StochasticBits(key: random.key, counter: random.counter &+ UInt64(r * length))
                switch format {
                case let .mx(mx):
                    var start = 0
                    while start < length {
                        let n = min(mx.blockSize, length - start)
                        mxBlock(mx, row + start, n, out + start, mode, bits, UInt64(start), &counts)
                        start += n
                    }
                case let .nvfp4(nv):
                    var start = 0
                    while start < length {
                        let n = min(nv.blockSize, length - start)
                        nvfp4Block(row + start, n, out + start, tensorScale, mode, bits, UInt64(start), &counts)
                        start += n
                    }
                case .tensor:
                    roundElements(row, length, into: out, mode, bits, bits.counter, &counts,
                                  quotient: { Double($0 / scale) }, unit: { Float($0) },
                                  quotients: { $0 / scale }, units: { $0 })
                }
            }
            taskEvents[task] = counts.events
        }
        events.elements += count
        for task in 0..<tasks { events += taskEvents[task] }
        return factor
    }

    /// Events counted without the dictionary-like subscript in the inner loops.
    struct Counts {
        var blocks = 0, clipped = 0, flushed = 0, zeroBlocks = 0, overflows = 0, underflows = 0

        var events: ScalingEvents {
            var e = ScalingEvents()
            e.blocks = blocks
            e[.clipped] = clipped
            e[.flushedToZero] = flushed
            e[.zeroBlocks] = zeroBlocks
            e[.scaleOverflows] = overflows
            e[.scaleUnderflows] = underflows
            return e
        }
    }

    /// One MX block: the shared exponent by the rule, then each element.
    @inline(__always)
    func mxBlock(_ mx: MXFormat, _ x: UnsafePointer<Float>, _ n: Int, _ out: UnsafeMutablePointer<Float>,
                 _ mode: RoundingMode, _ bits: StochasticBits, _ offset: UInt64, _ counts: inout Counts) {
        counts.blocks += 1
        let (wide, special) = Self.amax(x, count: n)
        if special {
            counts.overflows += 1
            for i in 0..<n { out[i] = .nan }
            return
        }
        let amax = Float(wide)
        var exponent: Int
        if amax == 0 {
            counts.zeroBlocks += 1
            exponent = MXFormat.scaleExponents.lowerBound
        } else {
            exponent = mx.sharedExponent(amax: Double(amax), rule: rule)
            if exponent > MXFormat.scaleExponents.upperBound {
                counts.overflows += 1
                for i in 0..<n { out[i] = .nan }
                return
            }
            if exponent < MXFormat.scaleExponents.lowerBound {
                counts.underflows += 1
                exponent = MXFormat.scaleExponents.lowerBound
            }
        }
        let down = ElementGrid.power(-exponent), up = ElementGrid.power(exponent)
        // A zero stays zero (signed in a binary element) and counts as nothing.
        roundElements(x, n, into: out, mode, bits, bits.counter &+ offset, &counts,
                      quotient: { Double($0) * down }, unit: { Float($0 * up) },
                      quotients: { $0 * Float(down) }, units: { $0 * Float(up) })
    }

    /// One NVFP4 block: its E4M3 scale from its amax and the tensor scale, then each
    /// element, every quotient and product an FP32 operation (nearest-even).
    @inline(__always)
    func nvfp4Block(_ x: UnsafePointer<Float>, _ n: Int, _ out: UnsafeMutablePointer<Float>, _ tensorScale: Float,
                    _ mode: RoundingMode, _ bits: StochasticBits, _ offset: UInt64, _ counts: inout Counts) {
        counts.blocks += 1
        let amax = Float(Self.amax(x, count: n).0)
        if amax == 0 { counts.zeroBlocks += 1 }
        let wanted = amax / Float(grid.largest) / tensorScale
        let scale = Float(scaleGrid!.round(Double(wanted), mode: .nearestEven, bits: bits, counter: 0))
        guard scale != 0 else {
            if amax != 0 {
                counts.underflows += 1
                for i in 0..<n where x[i] != 0 { counts.flushed += 1 }
            }
            for i in 0..<n { out[i] = 0 }
            return
        }
        let divisor = scale * tensorScale
        roundElements(x, n, into: out, mode, bits, bits.counter &+ offset, &counts,
                      quotient: { Double($0 / divisor) }, unit: { Float($0) * scale },
                      quotients: { $0 / divisor }, units: { $0 * scale })
    }

    /// Rounds `n` values onto the element grid: `unit(round(quotient(x)))` into `out`,
    /// value i with the stochastic counter `counter + i`, counting the clipped (the
    /// quotient beyond the largest element) and the flushed (a nonzero x rounded to 0).
    /// Nearest-even goes eight lanes at a time, in FP32 (`quotients` and `units`: the same
    /// functions lane by lane, exact where the scalar ones are; see `ElementGrid.roundNearestEven`).
    @inline(__always)
    func roundElements(_ x: UnsafePointer<Float>, _ n: Int, into out: UnsafeMutablePointer<Float>,
                       _ mode: RoundingMode, _ bits: StochasticBits, _ counter: UInt64, _ counts: inout Counts,
                       quotient: (Float) -> Double, unit: (Double) -> Float,
                       quotients: (SIMD8<Float>) -> SIMD8<Float>, units: (SIMD8<Float>) -> SIMD8<Float>) {
        var clipped = 0, flushed = 0
        var i = 0
        if mode == .nearestEven {
            let largest = SIMD8<Float>(repeating: Float(grid.largest))
            var clippedLanes = SIMD8<Int32>(repeating: 0), flushedLanes = SIMD8<Int32>(repeating: 0)
            while i + 8 <= n {
                let v = UnsafeRawPointer(x + i).loadUnaligned(as: SIMD8<Float>.self)
                let q = quotients(v)
                let e = grid.roundNearestEven(q)
                clippedLanes &+= SIMD8<Int32>(repeating: 1).replacing(with: 0, where: .!(Float.magnitudes(q) .> largest))
                flushedLanes &+= SIMD8<Int32>(repeating: 1).replacing(with: 0, where: .!((e .== 0) .& (v .!= 0)))
                UnsafeMutableRawPointer(out + i).storeBytes(of: units(e), as: SIMD8<Float>.self)
                i += 8
            }
            clipped = Int(clippedLanes.wrappedSum())
            flushed = Int(flushedLanes.wrappedSum())
        }
        @inline(__always) func each(_ mode: RoundingMode) {
            while i < n {
                let q = quotient(x[i])
                clipped &+= q.magnitude > grid.largest ? 1 : 0
                let e = grid.round(q, mode: mode, bits: bits, counter: counter &+ UInt64(i))
                flushed &+= e == 0 && x[i] != 0 ? 1 : 0
                out[i] = unit(e)
                i += 1
            }
        }
        // The rest (and every value in the other modes), with the mode a constant of the loop.
        if mode == .nearestEven { each(.nearestEven) } else { each(mode) }
        counts.clipped += clipped
        counts.flushed += flushed
    }

    /// The largest magnitude, and whether a NaN or an infinity was met.
    static func amax(_ x: UnsafePointer<Float>, count: Int) -> (Double, Bool) {
        // Magnitudes order as their bit patterns; NaNs and infinities lie at ∞'s or above.
        let magnitudeMask: UInt32 = 0x7fff_ffff, infinity = Float.infinity.bitPattern
        var lanes = SIMD8<UInt32>(repeating: 0)
        var i = 0
        while i + 8 <= count {
            let v = UnsafeRawPointer(x + i).loadUnaligned(as: SIMD8<UInt32>.self)
            lanes = pointwiseMax(lanes, v & magnitudeMask)
            i += 8
        }
        var top = lanes.max()
        while i < count {
            top = max(top, x[i].bitPattern & magnitudeMask)
            i += 1
        }
        return (Double(Float(bitPattern: min(top, infinity))), top >= infinity)
    }

    /// Every unit NaN: the NaN scale.
    func poisoned(_ units: UnsafeMutablePointer<Float>, count: Int, blocks: Int,
                  _ events: inout ScalingEvents) -> Float {
        for i in 0..<count { units[i] = .nan }
        events.blocks += blocks
        events.elements += count
        events[.scaleOverflows] += blocks
        return .nan
    }
}
