/// Seeded sampling built on `SplitMix64` alone (no system randomness, no library
/// algorithm that could change between versions): uniform numbers, Gaussian numbers,
/// shuffles, and independent streams derived from counters.
///
///     var random = SplitMix64(seed: 0)
///     let u = random.nextUnit()            // [0, 1)
///     let g = random.nextGaussian()        // N(0, 1)
///     var order = Array(0..<10)
///     random.shuffle(&order)
///
///     // The generator of element 17 of step 3 of stream 2: the same whatever thread asks.
///     var draws = SplitMix64.stream(seed: 0, purpose: 2, step: 3, element: 17)
extension SplitMix64 {
    /// SplitMix64's output function: a bijective mix of 64 bits, of one word or of every
    /// lane of a vector of words (`SIMD4<UInt64>`: four mixes at once).
    @inlinable @inline(__always)
    public static func mix<Words: SplitMixWords>(_ x: Words) -> Words {
        var z = x
        z = (z ^ (z &>> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z &>> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z &>> 31)
    }

    /// A generator for one `(purpose, step, element)` of a seeded computation, independent
    /// of every other triple: counter-based, so the order in which threads ask for them
    /// does not matter.
    @inlinable
    public static func stream(seed: UInt64, purpose: UInt64, step: UInt64, element: UInt64) -> SplitMix64 {
        var key = mix(seed ^ 0x5851_F42D_4C95_7F2D)
        key = mix(key ^ (purpose &* gamma))
        key = mix(key ^ (step &* 0xD1B5_4A32_D192_ED03))
        key = mix(key ^ (element &* 0x8CB9_2BA7_2F3D_8DD7))
        return SplitMix64(seed: key)
    }

    /// A uniform number in [0, 1) with 53 random bits.
    @inlinable
    public mutating func nextUnit() -> Double {
        Double(next() >> 11) * 0x1p-53
    }

    /// A uniform integer in `0..<bound` (Lemire's multiply-and-reject, unbiased).
    @inlinable
    public mutating func nextInt(below bound: Int) -> Int {
        precondition(bound > 0, "bound must be positive")
        let n = UInt64(bound)
        var product = next().multipliedFullWidth(by: n)
        if product.low < n {
            let threshold = (0 &- n) % n
            while product.low < threshold { product = next().multipliedFullWidth(by: n) }
        }
        return Int(product.high)
    }

    /// A standard Gaussian number (Marsaglia's polar method; `ln` from the fp64 core,
    /// so the draw is the same on every platform once `ln` is correctly rounded).
    public mutating func nextGaussian() -> Double {
        while true {
            let u = 2 * nextUnit() - 1
            let v = 2 * nextUnit() - 1
            let s = u * u + v * v
            guard s > 0 && s < 1 else { continue }
            var env = FloatEnvironment()
            let ln = Double(bitPattern: FloatFormat.fp64.log(s.bitPattern, &env))
            return u * (-2 * ln / s).squareRoot()
        }
    }

    /// Shuffles `values` in place (Fisher–Yates, from the last position down).
    @inlinable
    public mutating func shuffle<T>(_ values: inout [T]) {
        var i = values.count - 1
        while i > 0 {
            let j = nextInt(below: i + 1)
            values.swapAt(i, j)
            i -= 1
        }
    }
}

/// What SplitMix64's output function asks of its operand: exclusive or, a logical shift
/// right and a wrapping multiplication by a 64-bit constant; one `UInt64`, or the lanes of
/// a vector of them.
public protocol SplitMixWords {
    static func ^ (lhs: Self, rhs: Self) -> Self
    static func &>> (lhs: Self, rhs: UInt64) -> Self
    static func &* (lhs: Self, rhs: UInt64) -> Self
}

extension UInt64: SplitMixWords {}
extension SIMD4: SplitMixWords where Scalar == UInt64 {}
