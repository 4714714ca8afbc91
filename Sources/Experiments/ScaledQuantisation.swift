import SoftFloat

/// Scaled formats applied as training recipes apply them: a matrix is encoded with its
/// blocks running along one axis (the reduction axis of the product it enters), decoded
/// exactly, and compared with the values it came from.
///
///     let x = ScaledQuantisation.Matrix(rows: 2, columns: 32, values: pixels)
///     let (q, events) = ScaledQuantisation.quantise(x, in: .mx(MXFormat(element: .float(.fp4E2M1))))
///     ScaledQuantisation.relativeError(q.values, x.values)     // Σ|q − x| / Σ|x|
///
/// Blocks run along each row: to quantise along the columns, quantise the transpose. An MX
/// row whose length is not a multiple of 32 ends in a partial block; NVFP4 needs rows that
/// are whole blocks (16 values), since its blocks and its tensor scale cover the matrix;
/// a per-tensor format scales the whole matrix by its amax (current scaling).
///
/// Edge cases: the values are read as fp64 and every quotient is the format's own (MX: exact
/// powers of two; NVFP4 and per-tensor: FP32 quotients, nearest-even); elements round to
/// nearest-even. Decoded values are exact in `Double`.
public enum ScaledQuantisation {
    /// A row-major matrix of `Double`s.
    public struct Matrix: Sendable, Equatable {
        public var rows: Int
        public var columns: Int
        public var values: [Double]

        public init(rows: Int, columns: Int, values: [Double]) {
            precondition(values.count == rows * columns, "a matrix holds rows × columns values")
            self.rows = rows
            self.columns = columns
            self.values = values
        }

        public subscript(row: Int, column: Int) -> Double { values[row * columns + column] }

        public func row(_ r: Int) -> ArraySlice<Double> { values[r * columns..<(r + 1) * columns] }

        public func transposed() -> Matrix {
            var t = [Double](repeating: 0, count: values.count)
            for r in 0..<rows {
                for c in 0..<columns { t[c * rows + r] = values[r * columns + c] }
            }
            return Matrix(rows: columns, columns: rows, values: t)
        }
    }

    /// `m` encoded in `format` with blocks along its rows, then decoded; and what the
    /// scaling clipped, flushed and saturated.
    public static func quantise(_ m: Matrix, in format: ScaledFormat,
                                rule: ScaleRule = .floor) -> (matrix: Matrix, events: ScalingEvents) {
        var env = FloatEnvironment()
        var events = ScalingEvents()
        let bits = m.values.map(\.bitPattern)
        let decoded: [Double]
        switch format {
        case let .mx(mx):
            decoded = (0..<m.rows).flatMap { r in
                mx.encode(tensor: Array(bits[r * m.columns..<(r + 1) * m.columns]), from: .fp64, rule: rule, &env,
                          events: &events).flatMap(mx.decode)
            }
        case let .nvfp4(nv):
            precondition(m.columns % nv.blockSize == 0, "NVFP4 rows must be whole blocks")
            decoded = nv.decode(nv.encode(bits, from: .fp64, &env, events: &events))
        case let .tensor(t):
            decoded = t.decode(t.encode(bits, from: .fp64, amax: nil, &env, events: &events))
        }
        return (Matrix(rows: m.rows, columns: m.columns, values: decoded), events)
    }

    /// `m` rounded value by value to an elementwise format and back, for comparison.
    public static func quantise(_ m: Matrix, rounding round: (Double) -> Double) -> Matrix {
        Matrix(rows: m.rows, columns: m.columns, values: m.values.map(round))
    }

    /// Σ|q − x| / Σ|x|: each value weighted by its size, as the sums of a product weigh it.
    public static func relativeError(_ q: [Double], _ x: [Double]) -> Double {
        precondition(q.count == x.count, "compare values one for one")
        var error = 0.0, total = 0.0
        for (a, b) in zip(q, x) {
            error += abs(a - b)
            total += abs(b)
        }
        return total > 0 ? error / total : 0
    }

    /// The product a × bᵀ (a: n × k, b: m × k, both with the reduction axis k along their
    /// rows, as they are quantised), in `Double`: the error it shows beside the product of
    /// the unquantised matrices is the quantisation's, not the accumulation's.
    public static func product(_ a: Matrix, transposed b: Matrix) -> Matrix {
        precondition(a.columns == b.columns, "the reduction axes must agree")
        let k = a.columns
        var out = [Double](repeating: 0, count: a.rows * b.rows)
        a.values.withUnsafeBufferPointer { av in
            b.values.withUnsafeBufferPointer { bv in
                for i in 0..<a.rows {
                    for j in 0..<b.rows {
                        var s = 0.0
                        for t in 0..<k { s += av[i * k + t] * bv[j * k + t] }
                        out[i * b.rows + j] = s
                    }
                }
            }
        }
        return Matrix(rows: a.rows, columns: b.rows, values: out)
    }

    /// How often the laws of addition and multiplication fail when every result is stored
    /// in the scaled format again, over triples of values held in it.
    public struct Laws: Sendable, Equatable {
        /// Elements compared (triples × block length).
        public var elements = 0
        /// Elements where q(q(A + B) + C) ≠ q(A + q(B + C)).
        public var associativityFailures = 0
        /// Elements where q(A ∘ q(B + C)) ≠ q(q(A ∘ B) + q(A ∘ C)), ∘ elementwise.
        public var distributivityFailures = 0

        public init() {}
    }

    /// The laws on `triples` triples of blocks drawn (seeded SplitMix64) from `source`'s rows,
    /// each quantised first so that A, B and C are values of the format; sums and products
    /// are taken in `Double`, then stored in the format (a 1-row matrix per result).
    public static func laws(_ source: Matrix, in format: ScaledFormat, blockLength: Int, triples: Int,
                            seed: UInt64) -> Laws {
        precondition(source.columns >= blockLength, "blocks must fit in a row")
        var random = SplitMix64(seed: seed)
        func q(_ v: [Double]) -> [Double] {
            quantise(Matrix(rows: 1, columns: v.count, values: v), in: format).matrix.values
        }
        func draw() -> [Double] {
            let r = Int(random.next() % UInt64(source.rows))
            let start = Int(random.next() % UInt64(source.columns - blockLength + 1))
            return q(Array(source.values[r * source.columns + start..<r * source.columns + start + blockLength]))
        }
        func add(_ x: [Double], _ y: [Double]) -> [Double] { zip(x, y).map { $0 + $1 } }
        func multiply(_ x: [Double], _ y: [Double]) -> [Double] { zip(x, y).map { $0 * $1 } }
        var laws = Laws()
        for _ in 0..<triples {
            let a = draw(), b = draw(), c = draw()
            let left = q(add(q(add(a, b)), c)), right = q(add(a, q(add(b, c))))
            let product = q(multiply(a, q(add(b, c))))
            let expanded = q(add(q(multiply(a, b)), q(multiply(a, c))))
            laws.elements += blockLength
            laws.associativityFailures += zip(left, right).filter { $0 != $1 }.count
            laws.distributivityFailures += zip(product, expanded).filter { $0 != $1 }.count
        }
        return laws
    }
}
