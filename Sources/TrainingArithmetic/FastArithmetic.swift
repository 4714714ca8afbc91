import SoftFloat

/// The arithmetic of a binary format computed in hardware `Float` or `Double` and rounded
/// exactly to the format: the fast path, bit for bit the same as `SoftArithmetic`.
///
///     let bf16 = FastArithmetic<Float>(format: .bf16)!
///     var env = FloatEnvironment()
///     bf16.add(1, 0.00390625, &env)   // 1.0: the exact sum is a tie, rounded to even
///
/// Why it is exact: under round-to-nearest-even, computing `+ − × ÷` in a wide format of
/// precision P ≥ 2p + 2 and rounding the result to p bits gives the correctly rounded
/// result (the double rounding is innocuous) while the exact result lies in the normal
/// range of both formats. `Float` (P = 24) therefore serves p ≤ 11, `Double` (P = 53)
/// serves p ≤ 25, and a format that is the hardware's own is computed natively.
///
/// Near the least normal number: when the wide least subnormal lies 2p binary places below
/// the target's, the wide subnormal range never rounds first and nothing more is needed.
/// `Float` is not that fine for formats with its own exponent range and p ≥ 9 (`tf32`,
/// least subnormal 2^-136 against `Float`'s 2^-149), so there (`checksTinyResults`):
/// - a sum or difference below `Float`'s least normal 2^-126 is a multiple of the format's
///   least subnormal (at least 2^-149) below 2^-126, exact in `Float`: rounded once;
/// - a product or quotient whose `Float` result r has 0 < |r| ≤ 2^-126 is recomputed in
///   `Double` (exact for every format `Float` can hold) and rounded from there; if
///   |r| > 2^-126 the exact result is above 2^-126, normal in both formats, and the rule
///   above holds; if r = ±0 the exact result is at most 2^-150, which rounds to the same
///   ±0 in the format.
/// Each vector kernel is compiled with and without the check and picks its case before the
/// loop, so formats that do not need it run without it; in the lanes, a mask of tiny
/// products sends the rare vector that has one to `Double`. `FormatRounder` then rounds
/// with the target's exponent range.
///
/// Other rounding modes (toward zero, up, down, nearest-away, stochastic) run in the lanes
/// too: the hardware's nearest result, its exact error from an error-free transformation,
/// and `FormatRounder`'s directed rounding (see `FastArithmetic+Directed.swift`), bit for
/// bit as the soft path, random bits included (`ScalarArithmetic` lays them out).
///
/// Edge cases: `init` returns nil when the rule above does not hold for the format. When
/// the environment flushes subnormals or saturates, or rounds other than to nearest-even
/// in the hardware's own format, each operation falls back to the soft-float path, so
/// results stay exact for every mode. The fast path raises no exception flags. `exp` and
/// `log` always go through the format's own `exp`/`log`. A NaN's payload may differ from
/// the soft path's after an operation on two NaNs (the hardware picks either operand).
///
/// - Parameters:
///   - format: the binary format.
public struct FastArithmetic<Wide: HardwareFloat>: ScalarArithmetic {
    public typealias Scalar = Wide
    public let format: FloatFormat
    public let rounder: FormatRounder<Wide>
    /// Rounds a `Double` to the format (for `fromDouble` and tiny products and quotients).
    @usableFromInline let doubleRounder: FormatRounder<Double>
    /// Products and quotients whose `Wide` result is tiny (0 < |r| ≤ `Wide`'s least normal)
    /// are recomputed in `Double`: `Wide`'s subnormal range is too coarse for the format.
    public let checksTinyResults: Bool
    /// The bits of `Wide`'s least normal magnitude, the bound of a tiny result.
    @usableFromInline let wideLeastNormal: Wide.SignedBits

    public init?(format: FloatFormat) {
        guard Self.isExact(for: format), let rounder = FormatRounder<Wide>(format: format),
              let doubleRounder = FormatRounder<Double>(format: format)
        else { return nil }
        self.format = format
        self.rounder = rounder
        self.doubleRounder = doubleRounder
        checksTinyResults = Self.needsTinyCheck(for: format)
        wideLeastNormal = Wide.SignedBits(truncatingIfNeeded: Wide.leastNormalMagnitude.bitPattern)
    }

    /// Whether hardware arithmetic in `Wide` followed by one rounding gives correctly
    /// rounded `+ − × ÷` in `format`, with tiny products and quotients recomputed in
    /// `Double` where `Wide`'s subnormal range is too coarse (see the type's documentation).
    ///
    ///     FastArithmetic<Float>.isExact(for: .tf32)                         // true, with the check
    ///     FastArithmetic<Float>.isExact(for: try FloatFormat(name: "e5m11"))   // false: p = 12 > 11
    ///
    /// Edge cases: false when `Wide` cannot hold the format's values; true for `Wide`'s own
    /// format. `Double` has nothing wider to fall back on, so for it the subnormal range
    /// must be fine enough on its own.
    public static func isExact(for format: FloatFormat) -> Bool {
        let wide = Wide.format
        guard FormatRounder<Wide>(format: format) != nil else { return false }
        if format == wide { return true }
        guard wide.precision >= 2 * format.precision + 2 else { return false }
        guard needsTinyCheck(for: format) else { return true }
        return wide.precision < FloatFormat.fp64.precision && FastArithmetic<Double>.isExact(for: format)
    }

    /// Whether `Wide`'s least subnormal fails to lie 2p binary places below the format's,
    /// so that tiny products and quotients may be rounded twice incorrectly.
    static func needsTinyCheck(for format: FloatFormat) -> Bool {
        let wide = Wide.format
        if format == wide { return false }
        let wideLeast = wide.minExponent - wide.fractionBitCount
        let targetLeast = format.minExponent - format.fractionBitCount
        return wideLeast > targetLeast - 2 * format.precision
    }

    public var name: String { format.name }
    @inlinable public var zero: Wide { 0 }
    @inlinable public var one: Wide { 1 }

    /// Whether the hardware's rounding is the one the environment asks for.
    @inlinable @inline(__always)
    public func roundsInHardware(_ env: FloatEnvironment) -> Bool {
        env.rounding == .nearestEven && env.subnormals && !env.saturates
    }

    @inlinable
    public func fromDouble(_ x: Double, _ env: inout FloatEnvironment) -> Wide {
        defer { env.random.advance() }
        guard roundsInHardware(env) else { return directedFromDouble(x, &env) }
        return Wide(doubleRounder.round(x))
    }

    @inlinable public func toDouble(_ x: Wide) -> Double { Double(x) }

    @inlinable
    public func add(_ a: Wide, _ b: Wide, _ env: inout FloatEnvironment) -> Wide {
        defer { env.random.advance() }
        guard roundsInHardware(env) else { return directedAdd(a, b, &env) }
        return rounder.round(a + b)
    }

    @inlinable
    public func subtract(_ a: Wide, _ b: Wide, _ env: inout FloatEnvironment) -> Wide {
        defer { env.random.advance() }
        guard roundsInHardware(env) else { return directedSubtract(a, b, &env) }
        return rounder.round(a - b)
    }

    @inlinable
    public func multiply(_ a: Wide, _ b: Wide, _ env: inout FloatEnvironment) -> Wide {
        defer { env.random.advance() }
        guard roundsInHardware(env) else { return directedMultiply(a, b, &env) }
        let r = a * b
        if checksTinyResults && isTiny(r) { return Wide(doubleRounder.round(Double(a) * Double(b))) }
        return rounder.round(r)
    }

    @inlinable
    public func divide(_ a: Wide, _ b: Wide, _ env: inout FloatEnvironment) -> Wide {
        defer { env.random.advance() }
        guard roundsInHardware(env) else { return directedDivide(a, b, &env) }
        let r = a / b
        if checksTinyResults && isTiny(r) { return Wide(doubleRounder.round(Double(a) / Double(b))) }
        return rounder.round(r)
    }

    @inlinable
    public func exp(_ x: Wide, _ env: inout FloatEnvironment) -> Wide {
        defer { env.random.advance() }
        return rounder.value(ofBits: format.exp(rounder.bits(of: x), &env))
    }

    @inlinable
    public func log(_ x: Wide, _ env: inout FloatEnvironment) -> Wide {
        defer { env.random.advance() }
        return rounder.value(ofBits: format.log(rounder.bits(of: x), &env))
    }

    @inlinable public func isLess(_ a: Wide, _ b: Wide) -> Bool { a < b }
    @inlinable public func isNaN(_ x: Wide) -> Bool { x.isNaN }
    @inlinable public func isInfinite(_ x: Wide) -> Bool { x.isInfinite }
    @inlinable public func isZero(_ x: Wide) -> Bool { x == 0 }

    /// The kernel four lanes at a time: products and sums rounded by `FormatRounder`'s
    /// vector routine (the last `count % 4` lanes one at a time), compiled once for each
    /// case of the rounder so that no decision is left inside the loop.
    @inlinable @inline(__always)
    public func multiplyAccumulate(_ s: Wide, _ x: UnsafePointer<Wide>,
                                   into acc: UnsafeMutablePointer<Wide>, count: Int,
                                   _ env: inout FloatEnvironment) -> Int {
        guard roundsInHardware(env) else {
            guard roundsInLanes(env) else { return scalarMultiplyAccumulate(s, x, into: acc, count: count, &env) }
            return directedMultiplyAccumulate(s, x, into: acc, count: count, &env)
        }
        Self.advance(&env, count: count)
        let underflows = withLaneRounding(.lanes(s, x, acc, count))
        return s == 0 || s.isNaN ? 0 : underflows
    }

    @inlinable @inline(__always)
    func lanes<R: LaneRounding>(_ s: Wide, _ x: UnsafePointer<Wide>, _ acc: UnsafeMutablePointer<Wide>,
                                _ count: Int, _: R.Type) -> Int {
        typealias Lanes = FormatRounder<Wide>.Lanes
        let factor = Lanes(repeating: s)
        var underflows = FormatRounder<Wide>.BitLanes()
        var i = 0
        while i &+ 4 <= count {
            let xs = UnsafeRawPointer(x + i).loadUnaligned(as: Lanes.self)
            let products = product(factor, xs, R.self)
            underflows &-= rounder.zeroMask(products) & ~rounder.zeroMask(xs)
            let sums = R.round(UnsafeRawPointer(acc + i).loadUnaligned(as: Lanes.self) + products, rounder)
            UnsafeMutableRawPointer(acc + i).storeBytes(of: sums, as: Lanes.self)
            i &+= 4
        }
        var total = Int(underflows.wrappedSum())
        while i < count {
            let product = product(Lanes(repeating: s), Lanes(repeating: x[i]), R.self)[0]
            if product == 0 && x[i] != 0 { total &+= 1 }
            acc[i] = R.round(Lanes(repeating: acc[i] + product), rounder)[0]
            i &+= 1
        }
        return total
    }

    /// `a × b` lane by lane, rounded to the format: through `Double` in the lanes whose
    /// `Wide` product is tiny, when the rounding `R` checks for them.
    @inlinable @inline(__always)
    func product<R: LaneRounding, L: LaneVector>(_ a: L, _ b: L, _: R.Type) -> L where L.Scalar == Wide {
        let p = a * b
        let rounded = R.round(p, rounder)
        guard R.checksTinyResults else { return rounded }
        let tiny = tinyMask(p)
        guard tiny.anyLaneSet() else { return rounded }
        return tinyProducts(a, b, rounded, tiny)
    }

    /// All ones in the lanes where 0 < |r| ≤ `Wide`'s least normal magnitude.
    @inlinable @inline(__always)
    func tinyMask<L: LaneVector>(_ r: L) -> L.BitLanes where L.Scalar == Wide {
        let magnitude = unsafeBitCast(r, to: L.BitLanes.self) & ~Wide.SignedBits.min
        let shift = Wide.SignedBits(Wide.SignedBits.bitWidth - 1)
        let positive = ~((magnitude &- 1) &>> shift)
        let atMostLeastNormal = ~((L.BitLanes(repeating: wideLeastNormal) &- magnitude) &>> shift)
        return positive & atMostLeastNormal
    }

    /// Whether 0 < |r| ≤ `Wide`'s least normal magnitude.
    @inlinable @inline(__always)
    func isTiny(_ r: Wide) -> Bool {
        r != 0 && r.magnitude <= Wide.leastNormalMagnitude
    }

    /// `rounded` with the lanes of `tiny` replaced by `a × b` computed in `Double`.
    @inlinable @inline(never)
    func tinyProducts<L: LaneVector>(_ a: L, _ b: L, _ rounded: L, _ tiny: L.BitLanes) -> L where L.Scalar == Wide {
        var result = rounded
        for i in result.indices where tiny[i] != 0 {
            result[i] = Wide(doubleRounder.round(Double(a[i]) * Double(b[i])))
        }
        return result
    }

    /// Moves the environment's random bits past one `multiplyAccumulate` of `count` lanes,
    /// as the layout of `ScalarArithmetic.multiplyAccumulate` does.
    @inlinable @inline(__always)
    static func advance(_ env: inout FloatEnvironment, count: Int) {
        env.random.alignToWord()
        env.random.advance(by: 2 &* UInt64((count &+ 3) & ~3))
    }

    /// One operation through the soft-float path, with the bits of the environment's
    /// current rounding (the counter is not moved).
    @inlinable @inline(never)
    func soft(_ a: Wide, _ b: Wide, _ env: inout FloatEnvironment,
              _ operation: (FloatFormat) -> (UInt64, UInt64, inout FloatEnvironment) -> UInt64) -> Wide {
        let result = operation(format)(rounder.bits(of: a), rounder.bits(of: b), &env)
        return rounder.value(ofBits: result)
    }
}
