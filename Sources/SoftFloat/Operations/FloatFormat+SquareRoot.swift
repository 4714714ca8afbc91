extension FloatFormat {
    /// `√a`, correctly rounded.
    ///
    /// Edge cases: `√(−0)` is `−0`; the root of a negative nonzero value is invalid.
    @inlinable
    public func squareRoot(_ a: UInt64, _ env: inout FloatEnvironment) -> UInt64 {
        if isNormal(a) && !isNegative(a) { return squareRootFinite(unpackNormal(a), &env) }
        return squareRootSpecial(a, &env)
    }

    /// The root of a zero, subnormal, negative, infinite or NaN value.
    @usableFromInline
    func squareRootSpecial(_ a: UInt64, _ env: inout FloatEnvironment) -> UInt64 {
        if isNaN(a) { return propagateNaN(a, a, &env) }
        let a = operand(a, env)
        if isZero(a) { return a }
        if isNegative(a) { return invalidResult(&env) }
        if isInfinite(a) { return a }
        return squareRootFinite(unpack(a), &env)
    }

    /// The root of a finite positive value.
    @inlinable @inline(__always)
    func squareRootFinite(_ x: Unpacked, _ env: inout FloatEnvironment) -> UInt64 {
        // x = m × 2^(e − 62) with e even; √x = √(m × 2^62) × 2^(e/2 − 62).
        let odd = x.exponent & 1
        let m = x.significand &<< UInt64(odd)
        // Stochastic rounding needs every bit of the distance to the neighbours.
        let bits = env.rounding == .stochastic ? 60 : precision
        let root = Self.squareRootSignificand(m, precision: bits)
        return roundPack(negative: false, exponent: (x.exponent &- odd) >> 1, significand: root, &env)
    }

    /// √(m × 2^62) for `m` in [2^62, 2^64) with at most `precision + 1` significant bits,
    /// as `roundPack` takes it: the leading one at bit 62, exact in its top `precision + 3`
    /// bits, bit 0 sticky.
    ///
    /// A table gives 1/√ to 14 bits, Newton steps in fixed point (as many as the precision
    /// needs) refine it, and its product with `m` estimates the root; the estimate is then
    /// corrected against the exact integer square, which also decides the sticky bit.
    ///
    /// - Parameters:
    ///   - m: the significand, scaled so that the exponent is even.
    ///   - p: the bits the caller keeps, 2...60 (60 gives the full 63-bit root).
    @inlinable @inline(__always)
    static func squareRootSignificand(_ m: UInt64, precision p: Int) -> UInt64 {
        // r ≈ 2^63 / √A with A = m / 2^62 ∈ [1, 4): a line through each of 96 intervals.
        let index = Int(truncatingIfNeeded: m &>> 57) &- 32
        let position = (m &>> 41) & 0xFFFF
        var r = (UInt64(reciprocalSquareRootBase[index]) &<< 31)
            &- ((UInt64(reciprocalSquareRootSlope[index]) &* position) &<< 15)
        let steps = p <= 11 ? 0 : p <= 25 ? 1 : 2  // 14, 28 or about 58 correct bits
        for _ in 0..<steps {
            let rSquared = r.multipliedFullWidth(by: r).high                       // r² × 2^62
            let residual = (3 &<< 60) &- m.multipliedFullWidth(by: rSquared).high  // (3 − A r²) × 2^60
            r = r.multipliedFullWidth(by: residual).high &<< 3                    // r (3 − A r²) / 2 × 2^63
        }
        // The root to p + 3 bits: t = ⌊√n⌋ with n = m × 2^62 / 4^j, j = 60 − p. The shift
        // loses nothing: m has at most p + 1 significant bits, all above bit 58 − 2p.
        let j = UInt64(60 &- p)
        var t = (m.multipliedFullWidth(by: r).high &<< 1) &>> j  // ≈ √A × 2^(p+2)
        let nShift = 2 &* p &- 58
        let n = nShift >= 0 ? UInt128(m) &<< UInt128(nShift) : UInt128(m &>> UInt64(0 &- nShift))
        var square = UInt128(t) &* UInt128(t)
        if p > 53 {
            // One Newton step on the root itself: t += (n − t²) / 2t, with 1 / 2t = r / 2^(66+p).
            let scale = UInt128(p &+ 2)
            if n >= square {
                t &+= UInt64(truncatingIfNeeded: (n &- square) &>> scale).multipliedFullWidth(by: r).high
            } else {
                t &-= UInt64(truncatingIfNeeded: (square &- n) &>> scale).multipliedFullWidth(by: r).high
            }
            square = UInt128(t) &* UInt128(t)
        }
        while square > n {
            t &-= 1
            square = UInt128(t) &* UInt128(t)
        }
        while true {
            let next = square &+ UInt128(t &<< 1) &+ 1  // (t + 1)²
            if next > n { break }
            t &+= 1
            square = next
        }
        return (t &<< j) | (square != n ? 1 : 0)
    }

    /// 2^32 / √A at the start of each interval [k/32, (k+1)/32) of A, k = 32...127, lowered
    /// by half the line's largest gap to the curve (1/√ is convex); with the slope below,
    /// the line is within 2^-14.4 of 1/√A across the interval.
    @usableFromInline
    static let reciprocalSquareRootBase: [UInt32] = [
        0xFFFD1D0A, 0xFC14B739, 0xF858C5D1, 0xF4C61644, 0xF159C620, 0xEE113945, 0xEAEA1180, 0xE7E2275C,
        0xE4F783F0, 0xE2285B81, 0xDF7308DF, 0xDCD60952, 0xDA4FF911, 0xD7DF9028, 0xD5839FB4, 0xD33B0F83,
        0xD104DBE8, 0xCEE013DC, 0xCCCBD74E, 0xCAC7559C, 0xC8D1CC43, 0xC6EA85A8, 0xC510D800, 0xC344245D,
        0xC183D5CB, 0xBFCF6083, 0xBE264139, 0xBC87FC73, 0xBAF41DF0, 0xB96A3824, 0xB7E9E3B9, 0xB672BF19,
        0xB5046E0C, 0xB39E9956, 0xB240EE5F, 0xB0EB1EE3, 0xAF9CE0AB, 0xAE55ED45, 0xAD1601C8, 0xABDCDE9C,
        0xAAAA4743, 0xA97E0225, 0xA857D86A, 0xA73795C7, 0xA61D085F, 0xA508009A, 0xA3F85103, 0xA2EDCE2C,
        0xA1E84E8E, 0xA0E7AA6F, 0x9FEBBBC8, 0x9EF45E30, 0x9E016EBF, 0x9D12CC02, 0x9C2855E3, 0x9B41ED95,
        0x9A5F7587, 0x9980D154, 0x98A5E5B0, 0x97CE985D, 0x96FAD01F, 0x962A74AB, 0x955D6EA1, 0x9493A77C,
        0x93CD098B, 0x93097FE4, 0x9248F65F, 0x918B5989, 0x90D096A0, 0x90189B86, 0x8F6356BF, 0x8EB0B766,
        0x8E00AD28, 0x8D53283D, 0x8CA81966, 0x8BFF71DF, 0x8B592363, 0x8AB52021, 0x8A135AB7, 0x8973C633,
        0x88D65607, 0x883AFE0C, 0x87A1B278, 0x870A67DF, 0x8675132D, 0x85E1A9A2, 0x855020D1, 0x84C06E9B,
        0x8432892D, 0x83A666FD, 0x831BFEC7, 0x8293478A, 0x820C3887, 0x8186C93E, 0x8102F16C, 0x8080A906,
    ]

    /// 2^32 × (1/√(k/32) − 1/√((k+1)/32)): the fall of 1/√A across each interval.
    @usableFromInline
    static let reciprocalSquareRootSlope: [UInt32] = [
        0x03E89BBF, 0x03BC21FB, 0x0392DB70, 0x036C77E7, 0x0348B0FB, 0x032748AC, 0x0308082F, 0x02EABEEB,
        0x02CF41A6, 0x02B569D0, 0x029D14E5, 0x028623F2, 0x02707B1E, 0x025C014F, 0x02489FD4, 0x02364220,
        0x0224D58E, 0x02144925, 0x02048D71, 0x01F59452, 0x01E750DF, 0x01D9B745, 0x01CCBCA7, 0x01C0570A,
        0x01B47D3D, 0x01A926C7, 0x019E4BD4, 0x0193E529, 0x0189EC12, 0x01805A59, 0x01772A3B, 0x016E565B,
        0x0165D9BC, 0x015DAFBB, 0x0155D400, 0x014E4283, 0x0146F77A, 0x013FEF5D, 0x013926DC, 0x01329ADD,
        0x012C4876, 0x01262CED, 0x012045AE, 0x011A9050, 0x01150A8C, 0x010FB23E, 0x010A8561, 0x0105820C,
        0x0100A672, 0x00FBF0E1, 0x00F75FBB, 0x00F2F17D, 0x00EEA4B4, 0x00EA7802, 0x00E66A1E, 0x00E279CB,
        0x00DEA5DF, 0x00DAED40, 0x00D74EDF, 0x00D3C9BC, 0x00D05CE3, 0x00CD076C, 0x00C9C87A, 0x00C69F3A,
        0x00C38AE4, 0x00C08AB7, 0x00BD9DFC, 0x00BAC406, 0x00B7FC2D, 0x00B545D1, 0x00B2A05A, 0x00B00B36,
        0x00AD85DA, 0x00AB0FC0, 0x00A8A867, 0x00A64F56, 0x00A40415, 0x00A1C635, 0x009F954A, 0x009D70EB,
        0x009B58B5, 0x00994C48, 0x00974B47, 0x0095555C, 0x00936A2F, 0x00918971, 0x008FB2D1, 0x008DE604,
        0x008C22C2, 0x008A68C4, 0x0088B7C7, 0x00870F89, 0x00856FCB, 0x0083D852, 0x008248E1, 0x0080C142,
    ]
}
