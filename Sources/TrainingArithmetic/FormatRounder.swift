import SoftFloat

/// The fast path's verified twin of `roundPack`: rounds values of a hardware type
/// (`Float`, `Double`) to a narrower binary format, to nearest with ties to even (and
/// toward zero, `truncate`), written once for every `(w, f)` and both hardware types,
/// four or eight lanes at a time (`LaneVector`).
///
/// `roundPack` (SoftFloat) is the reference and rounds every result of the soft path;
/// this is the second rounding engine, which exists only for speed. Its results are
/// tested bit for bit against the soft path's `convert` (every `Float` input for the
/// 8- and 16-bit formats and tf32 when `PRECISION_LAB_EXHAUSTIVE=1`, boundaries and
/// millions of random inputs otherwise).
///
///     let bf16 = FormatRounder<Float>(format: .bf16)!
///     bf16.round(1.00390625)        // 1.0 (a tie, to even)
///     bf16.round(3e38)              // +infinity: beyond bf16's largest finite value
///     bf16.round(SIMD4(1, 2, 3, 1.00390625))
///
/// The result is the target format's value, still held in the hardware type; its bits in
/// the format equal `format.convert(x, from: Wide.format)` for every input, NaNs included
/// (a NaN stays a quiet NaN with its sign and the top of its payload).
///
/// How: in the normal range the low `Wide.f − f` bits of the pattern are rounded away with
/// integer arithmetic (a carry may ripple into the exponent, which is exactly right). When
/// the format's exponent range is narrower than the hardware type's, values below the
/// format's least normal number are rounded by the hardware's own round-to-nearest-even on
/// a fixed grid (`(|x| + C) − C`, `ulp(C)` being the format's least subnormal), and results
/// beyond the largest finite value become infinity, or NaN in formats without one. When the
/// ranges are the same (`bf16` in `Float`) the integer step alone is exact everywhere.
///
/// Edge cases: `nil` when the hardware type cannot hold every value of the format (more
/// fraction bits, or a wider exponent range), and for encodings other than IEEE's and OCP
/// E4M3's (`FloatEncoding.finite`) or a bias other than IEEE's. For the hardware's own format, rounding is
/// the identity. The scalar `round` is the vector routine applied to one lane. On a build for
/// haswell, fp16 from `Float` is rounded by the CPU's conversion to half precision and back
/// (F16C), the same bits as the integer routine's (tested on every `Float`).
public struct FormatRounder<Wide: HardwareFloat>: Sendable, Equatable {
    public typealias Lanes = SIMD4<Wide>
    public typealias BitLanes = SIMD4<Wide.SignedBits>

    public let format: FloatFormat
    /// The format is the hardware type's own: nothing to round.
    public let isIdentity: Bool
    /// The format's exponent range is narrower than the hardware type's: subnormals and
    /// overflow need their own handling.
    public let checksRange: Bool
    @usableFromInline let shift: Wide.SignedBits
    @usableFromInline let halfMinusOne: Wide.SignedBits
    @usableFromInline let keepMask: Wide.SignedBits
    @usableFromInline let magnitudeMask: Wide.SignedBits
    @usableFromInline let leastNormal: Wide.SignedBits
    @usableFromInline let largestFinite: Wide.SignedBits
    @usableFromInline let overflowMagnitude: Wide.SignedBits
    @usableFromInline let infinityMagnitude: Wide.SignedBits
    @usableFromInline let quietBit: Wide.SignedBits
    @usableFromInline let magic: Wide
    /// 2^(f − e_min), which scales the format's subnormal grid to the integers, and its
    /// inverse; `vectorSubnormals` when the first is finite in the hardware type.
    @usableFromInline let toGrid: Wide
    @usableFromInline let grid: Wide
    @usableFromInline let vectorSubnormals: Bool
    /// 2^p−1 of the hardware type: adding and subtracting it rounds a smaller non-negative
    /// value to an integer.
    @usableFromInline let integerMagic: Wide
    /// fp16 from `Float` on a build for a CPU with F16C: the hardware's conversion to half
    /// precision and back does the rounding (`roundThroughHalf`).
    @usableFromInline let halfConversion: Bool

    /// - Parameters:
    ///   - format: the target format.
    ///   - hardwareConversion: whether fp16 from `Float` may take the CPU's own conversion
    ///     where the build has F16C (`false`: always the integer routine; the tests compare the two).
    public init?(format: FloatFormat, hardwareConversion: Bool = true) {
        let wide = Wide.format
        // IEEE and OCP E4M3-style encodings only; the others are rounded by the soft path.
        guard format.encoding == .ieee || format.encoding == .finite,
              format.bias == format.ieeeBias,
              format.fractionBitCount <= wide.fractionBitCount,
              format.minExponent >= wide.minExponent,
              format.maxExponent <= wide.maxExponent
        else { return nil }
        self.format = format
        isIdentity = format == wide
        checksRange = !(format.exponentBitCount == wide.exponentBitCount && format.hasInfinity)
        func lane(_ x: UInt64) -> Wide.SignedBits { Wide.SignedBits(truncatingIfNeeded: x) }
        let shiftCount = wide.fractionBitCount - format.fractionBitCount
        shift = Wide.SignedBits(shiftCount)
        halfMinusOne = shiftCount == 0 ? 0 : lane((1 << UInt64(shiftCount - 1)) - 1)
        magnitudeMask = lane(wide.magnitudeMask)
        keepMask = lane(wide.magnitudeMask & ~((1 << UInt64(shiftCount)) - 1))
        var env = FloatEnvironment()
        leastNormal = lane(wide.convert(format.leastNormalMagnitude, from: format, &env))
        largestFinite = lane(wide.convert(format.maxFiniteMagnitude, from: format, &env))
        infinityMagnitude = lane(wide.infinityMagnitude)
        quietBit = lane(wide.quietBit)
        overflowMagnitude = format.hasInfinity ? infinityMagnitude : infinityMagnitude | quietBit
        magic = Wide(sign: .plus,
                     exponent: Wide.Exponent(format.minExponent - format.fractionBitCount
                                             + wide.fractionBitCount),
                     significand: 1)
        let gridExponent = format.fractionBitCount - format.minExponent
        vectorSubnormals = gridExponent <= wide.maxExponent
        toGrid = vectorSubnormals ? Wide(sign: .plus, exponent: Wide.Exponent(gridExponent), significand: 1) : 1
        grid = Wide(sign: .plus, exponent: Wide.Exponent(-gridExponent), significand: 1)
        integerMagic = Wide(sign: .plus, exponent: Wide.Exponent(wide.fractionBitCount), significand: 1)
        #if PRECISION_LAB_CPU_HASWELL
        halfConversion = hardwareConversion && Wide.self == Float.self && format == .fp16
        #else
        halfConversion = false
        #endif
    }

    /// Four or eight values rounded to the format, to nearest with ties to even.
    ///
    /// Edge cases: ±0, ±∞ and NaN keep their kind and sign; values that round beyond the
    /// largest finite value give ±∞ (or NaN where the format has no infinity).
    @inlinable @inline(__always)
    public func round<L: LaneVector>(_ x: L) -> L where L.Scalar == Wide {
        if isIdentity { return x }
        return checksRange ? roundLanes(x, checkingRange: true) : roundLanes(x, checkingRange: false)
    }

    /// `x` rounded to the format (the vector routine on one lane).
    ///
    ///     FormatRounder<Double>(format: .fp32)!.round(0.1)   // 0.100000001490116...
    @inlinable @inline(__always)
    public func round(_ x: Wide) -> Wide {
        round(Lanes(repeating: x))[0]
    }

    /// The rounding itself; `checkingRange` is a constant at each call so that the loop
    /// around it is compiled once per case. Comparisons are written as sign masks of
    /// differences (every operand is a magnitude below 2^(bits−1)), which compile to plain
    /// vector instructions.
    @inlinable @inline(__always)
    func roundLanes<L: LaneVector>(_ x: L, checkingRange: Bool) -> L where L.Scalar == Wide {
        if checkingRange && halfConversion { return roundThroughHalf(x) }
        let bits = unsafeBitCast(x, to: L.BitLanes.self)
        let magnitude = bits & magnitudeMask
        // The raw bits rounded as a magnitude: no carry reaches the sign bit from a finite
        // or infinite value, and the mask keeps the sign. Only NaN needs more.
        let rounded = (bits &+ halfMinusOne &+ ((bits &>> shift) & 1)) & signedKeepMask
        if checkingRange {
            // Every lane takes the subnormal grid, overflow and NaN selections, without a
            // branch: in lanes from the least normal to the largest finite value they select
            // `rounded` itself. (A branch on "some lane outside" was slower: training in the
            // narrow formats meets subnormal products and zeros in a large, unpredictable
            // share of its vectors.)
            var r = rounded & magnitudeMask
            let grid = unsafeBitCast((unsafeBitCast(magnitude, to: L.self) + magic) - magic, to: L.BitLanes.self)
            r = Self.select(grid, r, where: Self.isNegative(magnitude &- leastNormal))
            r = Self.select(L.BitLanes(repeating: overflowMagnitude), r, where: Self.isNegative(largestFinite &- r))
            r = Self.select(magnitude | quietBit, r, where: Self.isNegative(infinityMagnitude &- magnitude))
            return unsafeBitCast((bits ^ magnitude) | r, to: L.self)
        }
        let nan = Self.isNegative(infinityMagnitude &- magnitude)
        guard nan.anyLaneSet() else { return unsafeBitCast(rounded, to: L.self) }
        return unsafeBitCast(Self.select(bits | quietBit, rounded, where: nan), to: L.self)
    }

    /// Whether this rounder takes the CPU's conversion to half precision (`halfConversion`).
    public var usesHardwareConversion: Bool { halfConversion }

    /// fp16 rounding of `Float` lanes by the CPU's conversion to half precision and back
    /// (F16C's `vcvtps2ph`, nearest-even with subnormals and overflow to ±∞, and
    /// `vcvtph2ps`, exact): two instructions for eight lanes. A NaN lane is then set as the
    /// integer routine sets it, the input's bits with the quiet bit (the conversion would
    /// also clear the payload bits fp16 lacks), so both routines give the same `Float`
    /// bits. Only built where the CPU has F16C (`halfConversion`); tested bit for bit
    /// against the soft path with the rest of the rounder.
    @inlinable @inline(__always)
    func roundThroughHalf<L: LaneVector>(_ x: L) -> L where L.Scalar == Wide {
        #if PRECISION_LAB_CPU_HASWELL
        let converted: L
        if L.scalarCount == 8 {
            let lanes = unsafeBitCast(x, to: SIMD8<Float>.self)
            converted = unsafeBitCast(SIMD8<Float>(SIMD8<Float16>(lanes)), to: L.self)
        } else if L.scalarCount == 4 {
            let lanes = unsafeBitCast(x, to: SIMD4<Float>.self)
            converted = unsafeBitCast(SIMD4<Float>(SIMD4<Float16>(lanes)), to: L.self)
        } else {
            var lanes = x
            for i in lanes.indices { lanes[i] = Wide(Float(Float16(Float(x[i])))) }
            converted = lanes
        }
        let bits = unsafeBitCast(x, to: L.BitLanes.self)
        let nan = Self.isNegative(infinityMagnitude &- (bits & magnitudeMask))
        return unsafeBitCast(Self.select(bits | quietBit, unsafeBitCast(converted, to: L.BitLanes.self), where: nan),
                             to: L.self)
        #else
        return x
        #endif
    }

    /// `keepMask` and the sign bit: what rounding the raw bits keeps.
    @inlinable @inline(__always)
    var signedKeepMask: Wide.SignedBits { keepMask | ~magnitudeMask }

    /// All ones in the lanes where `x` is negative, zeros elsewhere.
    @inlinable @inline(__always)
    static func isNegative<B: SIMD>(_ x: B) -> B where B.Scalar == Wide.SignedBits {
        x &>> Wide.SignedBits(Wide.SignedBits.bitWidth - 1)
    }

    /// `a` where `mask` is all ones, `b` where it is zero.
    @inlinable @inline(__always)
    static func select<B: SIMD>(_ a: B, _ b: B, where mask: B) -> B where B.Scalar == Wide.SignedBits {
        b ^ ((a ^ b) & mask)
    }

    /// All ones in the lanes holding ±0, zeros elsewhere.
    @inlinable @inline(__always)
    public func zeroMask<L: LaneVector>(_ x: L) -> L.BitLanes where L.Scalar == Wide {
        Self.isNegative((unsafeBitCast(x, to: L.BitLanes.self) & magnitudeMask) &- 1)
    }

    /// Rounds every element of `values` in place.
    @inlinable
    public func round(_ values: UnsafeMutableBufferPointer<Wide>) {
        guard !isIdentity, let base = values.baseAddress else { return }
        let n = values.count
        var i = 0
        while i &+ 4 <= n {
            let raw = UnsafeMutableRawPointer(base + i)
            raw.storeBytes(of: round(raw.loadUnaligned(as: Lanes.self)), as: Lanes.self)
            i &+= 4
        }
        while i < n {
            base[i] = round(base[i])
            i &+= 1
        }
    }

    /// The format's bit pattern of `x`, a value of the format held in the hardware type.
    @inlinable
    public func bits(of x: Wide) -> UInt64 {
        var env = FloatEnvironment()
        return format.convert(UInt64(x.bitPattern), from: Wide.format, &env)
    }

    /// The format's value `bits`, held in the hardware type (exact).
    @inlinable
    public func value(ofBits bits: UInt64) -> Wide {
        var env = FloatEnvironment()
        return Wide(bitPattern: Wide.Bits(truncatingIfNeeded: Wide.format.convert(bits, from: format, &env)))
    }
}
