import CMemoryHints
import DataFiles
import SoftFloat
import TrainingArithmetic

/// The examples of a data set converted to one arithmetic's format, stored by their
/// nonzero features (most pixels of Fashion-MNIST are zero) in ascending feature order.
///
///     let rows = FeatureRows(dataset, in: FastArithmetic<Float>(format: .bf16)!, events: &events)
///     let (start, end) = (rows.starts[i], rows.starts[i + 1])
///     // features rows.indices[start..<end] of example i have values rows.values[start..<end]
///
/// Each feature is rounded once to the format, to nearest-even: a byte `b` becomes
/// `b / divisor` correctly rounded. A value that rounds to zero although it is not zero
/// counts as an underflow in `events`. Only features equal to the format's `+0` are left
/// out, so the dense vector is always recoverable.
public final class FeatureRows<Scalar>: @unchecked Sendable {
    public let count: Int
    public let dimension: Int
    /// Where example `i`'s features start in `indices`/`values`; `starts[count]` is the end.
    public let starts: WorkBuffer<Int>
    public let indices: WorkBuffer<Int32>
    public let values: WorkBuffer<Scalar>
    /// The least magnitude of a nonzero feature of any example (+∞ when there is none).
    public private(set) var leastMagnitude = Double.infinity

    init(count: Int, dimension: Int, starts: [Int], indices: [Int32], values: [Scalar]) {
        self.count = count
        self.dimension = dimension
        self.starts = WorkBuffer(starts)
        self.indices = WorkBuffer(indices)
        self.values = WorkBuffer(values)
    }

    init(count: Int, dimension: Int, starts: WorkBuffer<Int>, indices: WorkBuffer<Int32>, values: WorkBuffer<Scalar>) {
        self.count = count
        self.dimension = dimension
        self.starts = starts
        self.indices = indices
        self.values = values
    }

    /// The data set's features, rounded to `arithmetic`'s format; `parallel` spreads the
    /// work over threads in fixed blocks of examples (the rows do not depend on it).
    public convenience init<A: ScalarArithmetic>(_ dataset: Dataset, in arithmetic: A,
                                                parallel: ParallelChunks = ParallelChunks(threads: 1),
                                                events: inout NumericalEvents) where A.Scalar == Scalar {
        var env = FloatEnvironment()
        let zero = arithmetic.zero
        func isPositiveZero(_ x: Scalar) -> Bool {
            withUnsafeBytes(of: x) { a in withUnsafeBytes(of: zero) { b in a.elementsEqual(b) } }
        }
        var starts = [0]
        var least = Double.infinity
        var indices: [Int32] = []
        var values: [Scalar] = []
        starts.reserveCapacity(dataset.count + 1)
        let d = dataset.dimension
        switch dataset.features {
        case let .bytes(bytes, divisor):
            let table = WorkBuffer((0...255).map { arithmetic.fromDouble(Double($0) / divisor, &env) })
            let keep = WorkBuffer((0...255).map { !isPositiveZero(table[$0]) })
            let n = dataset.count
            // Fixed blocks of examples. First pass: each block counts its kept features per
            // example (into rowStarts[i + 1]) and its bytes by value; the counts then become
            // offsets, in order; second pass: each block writes its own rows there.
            let blockSize = 1024, blocks = (n + blockSize - 1) / blockSize
            let rowStarts = WorkBuffer(repeating: 0, count: n + 1)
            let histograms = WorkBuffer(repeating: 0, count: max(blocks, 1) * 256)
            bytes.withUnsafeBufferPointer { pixels in
                parallel.run(blocks) { block in
                    let histogram = histograms.pointer + block * 256
                    for i in block * blockSize..<min((block + 1) * blockSize, n) {
                        var kept = 0
                        let row = pixels.baseAddress! + i &* d
                        for k in 0..<d {
                            let byte = Int(row[k])
                            histogram[byte] &+= 1
                            if keep[byte] { kept &+= 1 }
                        }
                        rowStarts[i + 1] = kept
                    }
                }
            }
            for i in 0..<n { rowStarts[i + 1] += rowStarts[i] }
            var histogram = [Int](repeating: 0, count: 256)
            for block in 0..<blocks { for b in 0..<256 { histogram[b] += histograms[block * 256 + b] } }
            for b in 1...255 where arithmetic.isZero(table[b]) { events.underflowsToZero += histogram[b] }
            let nonzero = rowStarts[n]
            // Written in place into buffers of the exact size: this runs over every pixel
            // of the data set once per run.
            var valueBuffer: WorkBuffer<Scalar>?
            let indexBuffer = WorkBuffer<Int32>(count: nonzero) { indexPointer in
                valueBuffer = WorkBuffer<Scalar>(count: nonzero) { valuePointer in
                    bytes.withUnsafeBufferPointer { pixels in
                        parallel.run(blocks) { block in
                            for i in block * blockSize..<min((block + 1) * blockSize, n) {
                                var written = rowStarts[i]
                                let row = pixels.baseAddress! + i &* d
                                for k in 0..<d {
                                    let byte = Int(row[k])
                                    if keep[byte] {
                                        (indexPointer + written).initialize(to: Int32(k))
                                        (valuePointer + written).initialize(to: table[byte])
                                        written &+= 1
                                    }
                                }
                            }
                        }
                    }
                }
            }
            self.init(count: n, dimension: d, starts: rowStarts, indices: indexBuffer, values: valueBuffer!)
            leastMagnitude = (1...255).filter { keep[$0] && histogram[$0] > 0 }
                .map { Swift.abs(arithmetic.toDouble(table[$0])) }.filter { $0 != 0 }.min() ?? .infinity
            return
        case let .reals(reals):
            for i in 0..<dataset.count {
                for k in 0..<d {
                    let x = reals[i * d + k]
                    let v = arithmetic.fromDouble(x, &env)
                    if x != 0 && arithmetic.isZero(v) { events.underflowsToZero += 1 }
                    if !isPositiveZero(v) {
                        let magnitude = Swift.abs(arithmetic.toDouble(v))
                        if magnitude != 0 && magnitude < least { least = magnitude }
                        indices.append(Int32(k))
                        values.append(v)
                    }
                }
                starts.append(indices.count)
            }
        }
        self.init(count: dataset.count, dimension: d, starts: starts, indices: indices, values: values)
        leastMagnitude = least
    }

    /// The same rows in a bridge's wide format (exact when that format holds the training
    /// format's values, as a wider accumulation format does): the feature positions and the
    /// bound index are shared, the values are `bridge.widen(rows.values)` (the same buffer
    /// through `IdentityBridge`).
    ///
    ///     let wide = FeatureRows(rows, widenedBy: ConvertingBridge(work: bf16, wide: fp32))
    public convenience init<Bridge: ArithmeticBridge>(_ rows: FeatureRows<Bridge.Work.Scalar>,
                                                      widenedBy bridge: Bridge) where Bridge.Wide.Scalar == Scalar {
        self.init(count: rows.count, dimension: rows.dimension, starts: rows.starts, indices: rows.indices,
                  values: bridge.widen(rows.values))
        boundPositions = rows.boundPositions
        boundSlots = rows.boundSlots
        boundCount = rows.boundCount
        leastMagnitude = rows.leastMagnitude
    }

    /// Asks the CPU to start loading the beginning of example `i`'s feature positions and
    /// values into its caches, ahead of a read in shuffled order (the hardware's own
    /// prefetcher follows the rest of each, read in order); changes nothing.
    func prefetch(example i: Int) {
        let start = starts[i], end = starts[i + 1]
        Self.prefetch(indices.pointer + start, count: Swift.min(end - start, Self.prefetchedElements))
        Self.prefetch(values.pointer + start, count: Swift.min(end - start, Self.prefetchedElements))
    }

    /// Elements of each array `prefetch(example:)` asks for: four cache lines of indices,
    /// four or eight of values (`Float`, `Double`).
    static var prefetchedElements: Int { 64 }

    /// Asks the CPU to start loading the place where example `i`'s features start.
    func prefetchStart(example i: Int) {
        precision_lab_prefetch(starts.pointer + i)
    }

    /// Prefetches every cache line of `count` elements from `p`.
    private static func prefetch<T>(_ p: UnsafeMutablePointer<T>, count: Int) {
        var line = UnsafeRawPointer(p)
        let end = UnsafeRawPointer(p + count)
        while line < end {
            precision_lab_prefetch(line)
            line += 64
        }
    }

    /// For each example, where its features reach each of a fixed set of feature bounds
    /// (see `indexBounds`): `boundPositions[i * boundCount + slot]`.
    public private(set) var boundPositions: WorkBuffer<Int>?
    /// For each feature index `k` in `0...dimension`, its slot among the indexed bounds, or −1.
    public private(set) var boundSlots: WorkBuffer<Int>?
    public private(set) var boundCount = 0

    /// Records, for every example, the first position whose feature index is at least each
    /// of `bounds`, so that `lowerBound(_:example:)` finds them without a search.
    ///
    ///     rows.indexBounds([0, 49, 98, 784])
    ///     rows.lowerBound(49, example: 7)    // looked up
    ///
    /// Edge cases: call it before the rows are shared between threads; bounds outside
    /// `0...dimension` are ignored.
    public func indexBounds(_ bounds: [Int], parallel: ParallelChunks = ParallelChunks(threads: 1)) {
        let kept = Array(Set(bounds.filter { $0 >= 0 && $0 <= dimension })).sorted()
        let slots = WorkBuffer(repeating: -1, count: dimension + 1)
        for (slot, k) in kept.enumerated() { slots[k] = slot }
        let positions = WorkBuffer(repeating: 0, count: count * kept.count)
        let blockSize = 4096, count = self.count
        parallel.run((count + blockSize - 1) / blockSize) { block in
            for i in block * blockSize..<min((block + 1) * blockSize, count) {
                var n = self.starts[i]
                let end = self.starts[i + 1]
                for (slot, k) in kept.enumerated() {
                    while n < end && Int(self.indices[n]) < k { n += 1 }
                    positions[i * kept.count + slot] = n
                }
            }
        }
        boundCount = kept.count
        boundSlots = slots
        boundPositions = positions
    }

    /// The first position among example `i`'s features whose feature index is at least `k`:
    /// looked up when `k` is an indexed bound, else a binary search.
    @inlinable
    public func lowerBound(_ k: Int, example i: Int) -> Int {
        if let boundSlots, let boundPositions, k >= 0 && k <= dimension {
            let slot = boundSlots[k]
            if slot >= 0 { return boundPositions[i &* boundCount &+ slot] }
        }
        return lowerBound(k, starts[i], starts[i + 1])
    }

    /// The first position in `start..<end` whose feature index is at least `k`.
    @inlinable
    public func lowerBound(_ k: Int, _ start: Int, _ end: Int) -> Int {
        var low = start, high = end
        while low < high {
            let mid = (low + high) >> 1
            if Int(indices[mid]) < k { low = mid + 1 } else { high = mid }
        }
        return low
    }
}
