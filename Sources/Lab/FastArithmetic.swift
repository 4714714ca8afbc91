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
/// result (the double rounding is innocuous). `Float` (P = 24) therefore serves p ≤ 11,
/// `Double` (P = 53) serves p ≤ 25, and a format that is the hardware's own is computed
/// natively. Near the target's least normal number the wide format must also be fine
/// enough: its least subnormal must lie 2p binary places below the target's, so that the
/// wide subnormal range never rounds first (this sends `tf32`, whose subnormals overlap
/// `Float`'s, to `Double`). `FormatRounder` then rounds with the target's exponent range.
///
/// Edge cases: `init` returns nil when the rule above does not hold for the format. When
/// the environment asks for anything but nearest-even with subnormals and no saturation
/// (directed or stochastic rounding), each operation falls back to the soft-float path, so
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
    /// Rounds a `Double` to the format (for `fromDouble`).
    @usableFromInline let doubleRounder: FormatRounder<Double>

    public init?(format: FloatFormat) {
        guard Self.isExact(for: format), let rounder = FormatRounder<Wide>(format: format),
              let doubleRounder = FormatRounder<Double>(format: format)
        else { return nil }
        self.format = format
        self.rounder = rounder
        self.doubleRounder = doubleRounder
    }

    /// Whether hardware arithmetic in `Wide` followed by one rounding gives correctly
    /// rounded `+ − × ÷` in `format` (see the type's documentation).
    public static func isExact(for format: FloatFormat) -> Bool {
        let wide = Wide.format
        guard FormatRounder<Wide>(format: format) != nil else { return false }
        if format == wide { return true }
        let p = format.precision
        let wideLeast = wide.minExponent - wide.fractionBitCount
        let targetLeast = format.minExponent - format.fractionBitCount
        return wide.precision >= 2 * p + 2 && wideLeast <= targetLeast - 2 * p
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
        guard roundsInHardware(env) else { return rounder.value(ofBits: format.fromDouble(x, &env)) }
        return Wide(doubleRounder.round(x))
    }

    @inlinable public func toDouble(_ x: Wide) -> Double { Double(x) }

    @inlinable
    public func add(_ a: Wide, _ b: Wide, _ env: inout FloatEnvironment) -> Wide {
        guard roundsInHardware(env) else { return soft(a, b, &env, FloatFormat.add) }
        return rounder.round(a + b)
    }

    @inlinable
    public func subtract(_ a: Wide, _ b: Wide, _ env: inout FloatEnvironment) -> Wide {
        guard roundsInHardware(env) else { return soft(a, b, &env, FloatFormat.subtract) }
        return rounder.round(a - b)
    }

    @inlinable
    public func multiply(_ a: Wide, _ b: Wide, _ env: inout FloatEnvironment) -> Wide {
        guard roundsInHardware(env) else { return soft(a, b, &env, FloatFormat.multiply) }
        return rounder.round(a * b)
    }

    @inlinable
    public func divide(_ a: Wide, _ b: Wide, _ env: inout FloatEnvironment) -> Wide {
        guard roundsInHardware(env) else { return soft(a, b, &env, FloatFormat.divide) }
        return rounder.round(a / b)
    }

    @inlinable
    public func exp(_ x: Wide, _ env: inout FloatEnvironment) -> Wide {
        rounder.value(ofBits: format.exp(rounder.bits(of: x), &env))
    }

    @inlinable
    public func log(_ x: Wide, _ env: inout FloatEnvironment) -> Wide {
        rounder.value(ofBits: format.log(rounder.bits(of: x), &env))
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
            return scalarMultiplyAccumulate(s, x, into: acc, count: count, &env)
        }
        let underflows: Int
        if rounder.isIdentity {
            underflows = lanes(s, x, acc, count) { $0 }
        } else if rounder.checksRange {
            underflows = lanes(s, x, acc, count) { rounder.roundLanes($0, checkingRange: true) }
        } else {
            underflows = lanes(s, x, acc, count) { rounder.roundLanes($0, checkingRange: false) }
        }
        return s == 0 || s.isNaN ? 0 : underflows
    }

    @inlinable @inline(__always)
    func lanes(_ s: Wide, _ x: UnsafePointer<Wide>, _ acc: UnsafeMutablePointer<Wide>, _ count: Int,
               _ round: (FormatRounder<Wide>.Lanes) -> FormatRounder<Wide>.Lanes) -> Int {
        typealias Lanes = FormatRounder<Wide>.Lanes
        let factor = Lanes(repeating: s)
        var underflows = FormatRounder<Wide>.BitLanes()
        var i = 0
        while i &+ 4 <= count {
            let xs = UnsafeRawPointer(x + i).loadUnaligned(as: Lanes.self)
            let products = round(factor * xs)
            underflows &-= rounder.zeroMask(products) & ~rounder.zeroMask(xs)
            let sums = round(UnsafeRawPointer(acc + i).loadUnaligned(as: Lanes.self) + products)
            UnsafeMutableRawPointer(acc + i).storeBytes(of: sums, as: Lanes.self)
            i &+= 4
        }
        var total = Int(underflows.wrappedSum())
        while i < count {
            let product = round(Lanes(repeating: s * x[i]))[0]
            if product == 0 && x[i] != 0 { total &+= 1 }
            acc[i] = round(Lanes(repeating: acc[i] + product))[0]
            i &+= 1
        }
        return total
    }

    /// One operation through the soft-float path, for the rounding modes the hardware
    /// does not perform.
    @usableFromInline @inline(never)
    func soft(_ a: Wide, _ b: Wide, _ env: inout FloatEnvironment,
              _ operation: (FloatFormat) -> (UInt64, UInt64, inout FloatEnvironment) -> UInt64) -> Wide {
        let result = operation(format)(rounder.bits(of: a), rounder.bits(of: b), &env)
        return rounder.value(ofBits: result)
    }
}
