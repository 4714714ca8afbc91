import SoftFloat

/// The trainer's arithmetic for any 8-bit format with its own operations (`lns8`, the
/// linear INT8 formats): one generic conformance that forwards to the format, so each
/// operation is the format's own, bit for bit.
///
///     let lns8 = EightBitArithmetic(format: LogFormat.lns8)
///     var env = FloatEnvironment(rounding: .stochastic, seed: 1)
///     let x = lns8.multiply(lns8.one, lns8.fromDouble(0.3, &env), &env)   // exact: codes add
///
/// Conversions: into the format, the default (`fromDouble` of the source's exact `Double`)
/// is a single correct rounding for every binary source. Out of `lns8` into a binary
/// format, the trainer goes through `toDouble`, the nearest `Double` of 2^(L/2^F): for
/// every code and F, no binary number of 24 bits or fewer (fp32 and narrower) nor any
/// midpoint between two lies between that `Double` and the exact value, so the conversion
/// stays a single correct rounding in every mode (a test checks every code); into fp64 it
/// is the nearest value. A conversion from the same format is the identity.
///
/// Under the deterministic rounding modes every operation is a lookup in tables the format
/// filled once with its own results (`EightBitOperationTables`, built when the arithmetic
/// is created and shared by its copies), so the bits are the format's; the lookups raise
/// no flags. Under stochastic rounding +, − and × look up each pair's outcome (learnt from
/// the format on first use) and compare it with the bits of `env.random`'s current
/// rounding, as the format would; ÷, `exp`, `log` and conversions call the format. Every
/// operation advances `env.random` by one (`ScalarArithmetic`).
///
/// Edge cases: nothing is infinite; values at the largest magnitude count as saturations
/// (`isSaturated`). `one` is 1 rounded to nearest (0 or 2 for an INT8 scale of 2).
///
/// - Parameters:
///   - format: the 8-bit format.
public struct EightBitArithmetic<Format: EightBitFormat>: ScalarArithmetic {
    public typealias Scalar = UInt8
    public let format: Format
    public let zero: UInt8
    public let one: UInt8
    /// The format's results under each deterministic rounding mode.
    public let tables: EightBitOperationTables

    /// - Parameters:
    ///   - threads: how many threads fill the tables (the tables do not depend on it).
    public init(format: Format, threads: Int = 1) {
        self.format = format
        zero = format.zeroCode
        var env = FloatEnvironment()
        one = format.fromDouble(1, &env)
        tables = EightBitOperationTables(format: format, threads: threads)
    }

    public var name: String { format.name }

    @inlinable
    public func fromDouble(_ x: Double, _ env: inout FloatEnvironment) -> UInt8 {
        defer { env.random.advance() }
        return format.fromDouble(x, &env)
    }
    @inlinable public func toDouble(_ x: UInt8) -> Double { tables.value(x) }

    /// `a op b` from the mode's table, or, for stochastic rounding, from plane `plane` of
    /// the stochastic outcomes (add 0, subtract 1, multiply 2).
    @inlinable @inline(__always)
    func tabulated(_ operation: ArithmeticOperation, plane: Int, _ a: UInt8, _ b: UInt8,
                   _ env: inout FloatEnvironment) -> UInt8 {
        defer { env.random.advance() }
        guard let table = tables.results(operation, rounding: env.rounding) else {
            return tables.stochastic()[plane &<< 16 | Int(a) &<< 8 | Int(b)].result(env)
        }
        return table[Int(a) &<< 8 | Int(b)]
    }

    @inlinable
    public func add(_ a: UInt8, _ b: UInt8, _ env: inout FloatEnvironment) -> UInt8 {
        tabulated(.add, plane: 0, a, b, &env)
    }
    @inlinable
    public func subtract(_ a: UInt8, _ b: UInt8, _ env: inout FloatEnvironment) -> UInt8 {
        tabulated(.subtract, plane: 1, a, b, &env)
    }
    @inlinable
    public func multiply(_ a: UInt8, _ b: UInt8, _ env: inout FloatEnvironment) -> UInt8 {
        tabulated(.multiply, plane: 2, a, b, &env)
    }
    @inlinable
    public func divide(_ a: UInt8, _ b: UInt8, _ env: inout FloatEnvironment) -> UInt8 {
        defer { env.random.advance() }
        guard let table = tables.results(.divide, rounding: env.rounding) else { return format.divide(a, b, &env) }
        return table[Int(a) &<< 8 | Int(b)]
    }
    @inlinable
    public func exp(_ x: UInt8, _ env: inout FloatEnvironment) -> UInt8 {
        defer { env.random.advance() }
        guard let table = tables.results(.exp, rounding: env.rounding) else { return format.exp(x, &env) }
        return table[Int(x)]
    }
    @inlinable
    public func log(_ x: UInt8, _ env: inout FloatEnvironment) -> UInt8 {
        defer { env.random.advance() }
        guard let table = tables.results(.log, rounding: env.rounding) else { return format.log(x, &env) }
        return table[Int(x)]
    }

    @inlinable public func isLess(_ a: UInt8, _ b: UInt8) -> Bool { format.isLess(a, b) }
    @inlinable public func isNaN(_ x: UInt8) -> Bool { format.isNaN(x) }
    @inlinable public func isInfinite(_ x: UInt8) -> Bool { false }
    @inlinable public func isZero(_ x: UInt8) -> Bool { format.isZero(x) }
    @inlinable public func isSaturated(_ x: UInt8) -> Bool { format.isSaturated(x) }

    /// The bulk kernel through the tables: the same bits and underflow count as
    /// `scalarMultiplyAccumulate`, which stochastic rounding still uses.
    @inlinable
    public func multiplyAccumulate(_ s: UInt8, _ x: UnsafePointer<UInt8>,
                                   into acc: UnsafeMutablePointer<UInt8>, count: Int,
                                   _ env: inout FloatEnvironment) -> Int {
        guard let base = tables.base(env.rounding) else {
            return stochasticMultiplyAccumulate(s, x, into: acc, count: count, &env)
        }
        // The random bits are not read, but the counter moves as the default's does.
        env.random.alignToWord()
        env.random.advance(by: 2 &* UInt64((count &+ 3) & ~3))
        let products = base + EightBitOperationTables.offset(.multiply) + Int(s) &<< 8
        let sums = base + EightBitOperationTables.offset(.add)
        var underflows = 0
        let sIsZero = format.isZero(s)
        for i in 0..<count {
            let xi = x[i]
            let product = products[Int(xi)]
            if format.isZero(product) && !sIsZero && !format.isZero(xi) { underflows &+= 1 }
            acc[i] = sums[Int(acc[i]) &<< 8 | Int(product)]
        }
        return underflows
    }

    /// The bulk kernel under stochastic rounding: each product and sum rounds with the
    /// bits of its index in `multiplyAccumulate`'s layout.
    @inlinable
    func stochasticMultiplyAccumulate(_ s: UInt8, _ x: UnsafePointer<UInt8>,
                                      into acc: UnsafeMutablePointer<UInt8>, count: Int,
                                      _ env: inout FloatEnvironment) -> Int {
        let outcomes = tables.stochastic()
        let products = outcomes + (2 &<< 16 | Int(s) &<< 8)
        var underflows = 0
        let sIsZero = format.isZero(s)
        env.random.alignToWord()
        let base = env.random.counter
        let n4 = UInt64((count &+ 3) & ~3)
        for i in 0..<count {
            let xi = x[i]
            let product = products[Int(xi)].result(draw: env.random.draw(at: base &+ UInt64(i)))
            if format.isZero(product) && !sIsZero && !format.isZero(xi) { underflows &+= 1 }
            acc[i] = outcomes[Int(acc[i]) &<< 8 | Int(product)].result(draw: env.random.draw(at: base &+ n4 &+ UInt64(i)))
        }
        env.random.counter = base &+ 2 &* n4
        return underflows
    }

    @inlinable
    public func convert<Source: ScalarArithmetic>(_ x: Source.Scalar, from source: Source,
                                                  _ env: inout FloatEnvironment) -> UInt8 {
        if let same = source as? Self, same.format == format { return unsafeBitCast(x, to: UInt8.self) }
        return fromDouble(source.toDouble(x), &env)
    }
}
