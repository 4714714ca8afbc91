/// The random bits of stochastic rounding: a stateless function of a key and a counter,
/// so that every rounding's bits are fixed by *which* rounding it is, not by how many
/// came before it on the same thread.
///
///     var bits = StochasticBits(seed: 7, site: 1, step: 3, element: 17)
///     bits.draw              // the 13 bits of rounding 0 of (seed 7, site 1, step 3, element 17)
///     bits.advance()
///     bits.draw(at: 5)       // rounding 5's bits, whoever asks and in whatever order
///
/// How: the key is a SplitMix64 mix of (seed, site, step, element); rounding `i` takes
/// 16 bits of the 64-bit word `SplitMix64.mix(key + (⌊i/4⌋ + 1)·γ)` (γ = 0x9E3779B97F4A7C15,
/// SplitMix64's increment: the word is the ⌊i/4⌋-th output of a SplitMix64 seeded with the
/// key), bits 63−16j … 48−16j for `j = i mod 4`, and uses the top `width` = 13 of them.
/// Four consecutive roundings whose first index is a multiple of 4 share one word, which is
/// what lets a four-lane kernel draw with one mix per vector.
///
/// Every stochastic decision in the library reads `draw` (13 bits, `r` in 0..<8192) and
/// rounds away from zero when `r < ⌈2^13 · d⌉`, where d in [0, 1) is the exact fraction of
/// the distance between the two neighbours: the probability of rounding up is
/// `⌈2^13 · d⌉ / 2^13`, at least d and less than d + 2^−13 (exactly d when 2^13 · d is an
/// integer). So one rounding consumes 13 random bits and its expected value lies within
/// 2^−13 ulp of the exact value, always on the side away from zero (in `roundPack`, formats
/// with more than 48 fraction bits see only `61 − f` exact bits of d: their error is
/// below 2^−(61−f) ulp; fp64: 2^−9).
///
/// Reading the bits does not move the counter: an operation rounds with the bits of the
/// current index, and whoever performs a sequence of operations advances it (the trainer's
/// arithmetic, `ScalarArithmetic`, advances it once per operation, exact or not).
///
/// Edge cases: the counter wraps modulo 2^64; `init(seed:)` uses the seed itself as the key.
public struct StochasticBits: Sendable, Hashable {
    /// The mixed (seed, site, step, element).
    public var key: UInt64
    /// The index of the next rounding.
    public var counter: UInt64

    /// How many random bits one rounding uses.
    public static let width = 13

    @inlinable
    public init(key: UInt64, counter: UInt64 = 0) {
        self.key = key
        self.counter = counter
    }

    /// The bits keyed by the seed alone.
    @inlinable
    public init(seed: UInt64) { self.init(key: seed) }

    /// The bits of one `(site, step, element)` of a seeded computation: independent of
    /// every other triple.
    @inlinable
    public init(seed: UInt64, site: UInt64, step: UInt64, element: UInt64) {
        self.init(key: SplitMix64.stream(seed: seed, purpose: site, step: step, element: element).state)
    }

    /// The 64-bit word shared by roundings `4·block ..< 4·block + 4`.
    @inlinable @inline(__always)
    public func word(block: UInt64) -> UInt64 {
        SplitMix64.mix(key &+ (block &+ 1) &* SplitMix64.gamma)
    }

    /// The words of blocks `block ..< block + 4`, lane `j` equal to `word(block: block + j)`:
    /// the four mixes computed at once in vector lanes.
    @inlinable @inline(__always)
    public func words(block: UInt64) -> SIMD4<UInt64> {
        let gamma = SplitMix64.gamma
        return SplitMix64.mix(SIMD4(repeating: key &+ (block &+ 1) &* gamma) &+ SIMD4(0, gamma, gamma &* 2, gamma &* 3))
    }

    /// The `width` random bits of rounding `index`, in 0..<2^13.
    @inlinable @inline(__always)
    public func draw(at index: UInt64) -> UInt64 {
        Self.draw(lane: Int(truncatingIfNeeded: index & 3), of: word(block: index &>> 2))
    }

    /// Lane `lane` (0 to 3) of a word: its 13 random bits.
    @inlinable @inline(__always)
    public static func draw(lane: Int, of word: UInt64) -> UInt64 {
        (word &<< UInt64(truncatingIfNeeded: lane &* 16)) &>> 51
    }

    /// The random bits of the current rounding.
    @inlinable
    public var draw: UInt64 { draw(at: counter) }

    /// Moves to the next rounding (or `n` roundings on).
    @inlinable @inline(__always)
    public mutating func advance(by n: UInt64 = 1) { counter &+= n }

    /// Moves the counter up to the next multiple of 4 (where a word starts), for kernels
    /// that draw four lanes from one word.
    @inlinable @inline(__always)
    public mutating func alignToWord() { counter = (counter &+ 3) & ~3 }

    /// Whether rounding away from zero, for a fraction `fraction / 2^64` of the distance
    /// between the neighbours (and something nonzero below it when `sticky`): the one rule
    /// of every stochastic decision, `draw < ⌈2^13 · d⌉`.
    @inlinable @inline(__always)
    public static func roundsAway(fraction: UInt64, sticky: Bool, draw: UInt64) -> Bool {
        let low: UInt64 = (1 << 51) - 1
        let threshold = (fraction &>> 51) &+ (fraction & low != 0 || sticky ? 1 : 0)
        return draw < threshold
    }
}
