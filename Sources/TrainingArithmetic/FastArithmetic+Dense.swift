import SoftFloat

/// The dense kernels, for a format that is the hardware type's own under nearest-even:
/// the lanes of a vector are examples (forward) or weight rows (backward), not classes,
/// so every lane of every instruction is used and no step waits on a sparse index. Each
/// output is the same chain of hardware products and sums as in the sparse kernels, with
/// the zero features' products put back; those change nothing (a `±0` product added to an
/// accumulator that is not `−0`, which nearest-even never makes from `+0`), so the bits
/// are the same.
extension FastArithmetic {
    @inlinable
    public func denseWidth(_ env: FloatEnvironment) -> Int {
        rounder.isIdentity && roundsInHardware(env) ? 32 / MemoryLayout<Wide>.size : 0
    }

    /// True when `a × b` is at least twice `Wide`'s least normal magnitude: every product of
    /// magnitudes at least `a` and `b` is then a normal number.
    @inlinable
    public func productsStayNonzero(atLeast a: Double, _ b: Double) -> Bool {
        a * b >= 2 * Double(Wide.leastNormalMagnitude)
    }

    @inlinable
    public func denseDotProducts(_ xT: UnsafePointer<Wide>, inputs: Int, weights: UnsafePointer<Wide>,
                                 stride: Int, count: Int, into z: UnsafeMutablePointer<Wide>) {
        if MemoryLayout<Wide>.size == 4 {
            denseDots(SIMD8<Wide>.self, xT, inputs, weights, stride, count, z)
        } else {
            denseDots(SIMD4<Wide>.self, xT, inputs, weights, stride, count, z)
        }
    }

    @inlinable
    public func denseOuterProducts(_ x: UnsafePointer<Wide>, xStride: Int, examples: Int, dz: UnsafePointer<Wide>,
                                   count: Int, into g: UnsafeMutablePointer<Wide>, stride: Int, rows: Int) {
        if MemoryLayout<Wide>.size == 4 {
            denseOuter(SIMD8<Wide>.self, x, xStride, examples, dz, count, g, stride, rows)
        } else {
            denseOuter(SIMD4<Wide>.self, x, xStride, examples, dz, count, g, stride, rows)
        }
    }

    /// Classes a dense kernel sums at once: five accumulators, each a chain of its own.
    @inlinable static var denseColumns: Int { 5 }

    /// `denseDotProducts` with `L`'s lanes as the examples, five classes a pass (the last
    /// pass repeats the last class where fewer are left, and stores it once).
    @inlinable @inline(__always)
    func denseDots<L: LaneVector>(_: L.Type, _ xT: UnsafePointer<Wide>, _ inputs: Int, _ weights: UnsafePointer<Wide>,
                                  _ stride: Int, _ count: Int, _ z: UnsafeMutablePointer<Wide>) where L.Scalar == Wide {
        let width = L.scalarCount
        var j = 0
        while j < count {
            let c = DenseColumns(first: j, count: count)
            var s0 = L(), s1 = L(), s2 = L(), s3 = L(), s4 = L()
            var x = UnsafeRawPointer(xT), w = weights
            for _ in 0..<inputs {
                let xs = x.loadUnaligned(as: L.self)
                s0 = s0 + xs * L(repeating: w[c.j0])
                s1 = s1 + xs * L(repeating: w[c.j1])
                s2 = s2 + xs * L(repeating: w[c.j2])
                s3 = s3 + xs * L(repeating: w[c.j3])
                s4 = s4 + xs * L(repeating: w[c.j4])
                x += MemoryLayout<L>.size
                w += stride
            }
            for e in 0..<width { c.store(s0[e], s1[e], s2[e], s3[e], s4[e], at: z + e &* count) }
            j &+= Self.denseColumns
        }
    }

    /// `denseOuterProducts` with `L`'s lanes as the rows, five classes a pass.
    @inlinable @inline(__always)
    func denseOuter<L: LaneVector>(_: L.Type, _ x: UnsafePointer<Wide>, _ xStride: Int, _ examples: Int,
                                   _ dz: UnsafePointer<Wide>, _ count: Int, _ g: UnsafeMutablePointer<Wide>,
                                   _ stride: Int, _ rows: Int) where L.Scalar == Wide {
        var j = 0
        while j < count {
            let c = DenseColumns(first: j, count: count)
            var s0 = L(), s1 = L(), s2 = L(), s3 = L(), s4 = L()
            var xp = x, d = dz
            for _ in 0..<examples {
                let xs = UnsafeRawPointer(xp).loadUnaligned(as: L.self)
                s0 = s0 + xs * L(repeating: d[c.j0])
                s1 = s1 + xs * L(repeating: d[c.j1])
                s2 = s2 + xs * L(repeating: d[c.j2])
                s3 = s3 + xs * L(repeating: d[c.j3])
                s4 = s4 + xs * L(repeating: d[c.j4])
                xp += xStride
                d += count
            }
            for r in 0..<min(rows, L.scalarCount) {
                c.store(s0[r], s1[r], s2[r], s3[r], s4[r], at: g + r &* stride)
            }
            j &+= Self.denseColumns
        }
    }
}

/// The five classes of one pass of a dense kernel: `first` and the four after it, each
/// clamped to the last class, so that a short last pass recomputes that class.
@usableFromInline
struct DenseColumns {
    @usableFromInline let j0: Int, j1: Int, j2: Int, j3: Int, j4: Int
    @usableFromInline let left: Int

    @inlinable @inline(__always)
    init(first: Int, count: Int) {
        let last = count &- 1
        j0 = first
        j1 = min(first &+ 1, last)
        j2 = min(first &+ 2, last)
        j3 = min(first &+ 3, last)
        j4 = min(first &+ 4, last)
        left = count &- first
    }

    /// The pass's sums of one example (or row) stored at `p`'s classes, those that exist.
    @inlinable @inline(__always)
    func store<S>(_ a: S, _ b: S, _ c: S, _ d: S, _ e: S, at p: UnsafeMutablePointer<S>) {
        p[j0] = a
        if left > 1 { p[j1] = b }
        if left > 2 { p[j2] = c }
        if left > 3 { p[j3] = d }
        if left > 4 { p[j4] = e }
    }
}
