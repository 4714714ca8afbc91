/// The explicit state of floating-point arithmetic: how to round, which options hold,
/// and the exception flags raised so far.
///
/// Operations take it `inout`; nothing is global, so every thread keeps its own.
///
///     var env = FloatEnvironment(rounding: .towardZero)
///     _ = FloatFormat.fp16.add(a, b, &env)
///     if env.flags.contains(.inexact) { ... }
///
/// Edge cases: stochastic rounding takes its bits from `random`, a counter-based function
/// of a key: an operation rounds with the bits of `random.counter`, which operations do
/// not move (advance it between roundings that should be independent; the trainer's
/// arithmetic advances it once per operation). Two environments with the same key and
/// counter round alike.
public struct FloatEnvironment: Sendable {
    public var rounding: RoundingMode
    public var tininess: Tininess
    /// When false, subnormal operands read as zero and tiny results flush to zero.
    public var subnormals: Bool
    /// When true, results that overflow become the largest finite value instead of
    /// infinity (or NaN where the format has no infinity).
    public var saturates: Bool
    /// The flags raised since they were last cleared.
    public var flags: ExceptionFlags
    /// The random bits behind stochastic rounding.
    public var random: StochasticBits

    @inlinable
    public init(rounding: RoundingMode = .nearestEven, tininess: Tininess = .afterRounding,
                subnormals: Bool = true, saturates: Bool = false, seed: UInt64 = 0) {
        self.rounding = rounding
        self.tininess = tininess
        self.subnormals = subnormals
        self.saturates = saturates
        self.flags = []
        self.random = StochasticBits(seed: seed)
    }
}

/// A small, fast, seeded generator (Steele, Lea and Flood's SplitMix64).
public struct SplitMix64: RandomNumberGenerator, Sendable, Hashable {
    public var state: UInt64
    @inlinable public init(seed: UInt64) { state = seed }
    @inlinable
    public mutating func next() -> UInt64 {
        state &+= Self.gamma
        return Self.mix(state)
    }

    /// The generator's increment, γ = ⌊2^64 / φ⌋ (an odd number).
    @inlinable @inline(__always)
    public static var gamma: UInt64 { 0x9E37_79B9_7F4A_7C15 }
}
