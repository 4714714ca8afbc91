import SoftFloat

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

    init(count: Int, dimension: Int, starts: [Int], indices: [Int32], values: [Scalar]) {
        self.count = count
        self.dimension = dimension
        self.starts = WorkBuffer(starts)
        self.indices = WorkBuffer(indices)
        self.values = WorkBuffer(values)
    }

    /// The data set's features, rounded to `arithmetic`'s format.
    public convenience init<A: ScalarArithmetic>(_ dataset: Dataset, in arithmetic: A,
                                                events: inout NumericalEvents) where A.Scalar == Scalar {
        var env = FloatEnvironment()
        let zero = arithmetic.zero
        func isPositiveZero(_ x: Scalar) -> Bool {
            withUnsafeBytes(of: x) { a in withUnsafeBytes(of: zero) { b in a.elementsEqual(b) } }
        }
        var starts = [0]
        var indices: [Int32] = []
        var values: [Scalar] = []
        starts.reserveCapacity(dataset.count + 1)
        let d = dataset.dimension
        switch dataset.features {
        case let .bytes(bytes, divisor):
            let table = (0...255).map { arithmetic.fromDouble(Double($0) / divisor, &env) }
            let keep = table.map { !isPositiveZero($0) }
            var histogram = [Int](repeating: 0, count: 256)
            for byte in bytes { histogram[Int(byte)] += 1 }
            for b in 1...255 where arithmetic.isZero(table[b]) { events.underflowsToZero += histogram[b] }
            let nonzero = (0...255).reduce(0) { $0 + (keep[$1] ? histogram[$1] : 0) }
            // Written through pointers into arrays of the exact size: this runs over every
            // pixel of the data set once per run.
            var written = 0
            indices = [Int32](unsafeUninitializedCapacity: nonzero) { indexBuffer, indexCount in
                values = [Scalar](unsafeUninitializedCapacity: nonzero) { valueBuffer, valueCount in
                    bytes.withUnsafeBufferPointer { pixels in
                        keep.withUnsafeBufferPointer { keep in
                            table.withUnsafeBufferPointer { table in
                                for i in 0..<dataset.count {
                                    let row = i &* d
                                    for k in 0..<d {
                                        let byte = Int(pixels[row &+ k])
                                        if keep[byte] {
                                            (indexBuffer.baseAddress! + written).initialize(to: Int32(k))
                                            (valueBuffer.baseAddress! + written).initialize(to: table[byte])
                                            written &+= 1
                                        }
                                    }
                                    starts.append(written)
                                }
                            }
                        }
                    }
                    valueCount = written
                }
                indexCount = written
            }
        case let .reals(reals):
            for i in 0..<dataset.count {
                for k in 0..<d {
                    let x = reals[i * d + k]
                    let v = arithmetic.fromDouble(x, &env)
                    if x != 0 && arithmetic.isZero(v) { events.underflowsToZero += 1 }
                    if !isPositiveZero(v) {
                        indices.append(Int32(k))
                        values.append(v)
                    }
                }
                starts.append(indices.count)
            }
        }
        self.init(count: dataset.count, dimension: d, starts: starts, indices: indices, values: values)
    }

    /// The same rows in another arithmetic's format (exact when that format holds this one's
    /// values, as a wider accumulation format does).
    public convenience init<Source: ScalarArithmetic, Target: ScalarArithmetic>(
        converting rows: FeatureRows<Source.Scalar>, from source: Source, to target: Target
    ) where Target.Scalar == Scalar {
        var env = FloatEnvironment()
        let n = rows.starts[rows.count]
        let values = (0..<n).map { target.convert(rows.values[$0], from: source, &env) }
        self.init(count: rows.count, dimension: rows.dimension, starts: rows.starts.array,
                  indices: rows.indices.array, values: values)
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
