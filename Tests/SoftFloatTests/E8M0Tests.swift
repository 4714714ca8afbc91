import Testing
import SoftFloat

/// The E8M0 scale against a reference written from its definition (powers of two 2^-127
/// … 2^127, NaN 0xFF, no zero), on every fp32 exponent with its boundary fractions, in
/// every rounding mode, and against ml_dtypes on hand-checked values.
@Suite("E8M0 scale")
struct E8M0Tests {
    /// The reference code of a positive finite fp32 value `v` (nil: NaN), and whether it overflowed.
    static func reference(_ v: Float, _ mode: RoundingMode, saturates: Bool) -> (code: UInt8?, overflow: Bool) {
        let k = Int(v.exponent)  // v ∈ [2^k, 2^(k+1)), subnormals included
        let low = Double(sign: .plus, exponent: k, significand: 1)
        let exact = Double(v) == low
        var e = k
        if !exact {
            switch mode {
            case .nearestEven, .nearestAway: e = Double(v) >= 1.5 * low ? k + 1 : k  // a tie: the even significand, 2^(k+1)
            case .towardZero, .down, .odd: e = k  // odd: the one significand bit is already odd
            case .up: e = k + 1
            case .stochastic: fatalError("checked separately")
            }
        }
        if e > 127 { return (saturates ? 0xFE : nil, true) }
        return (UInt8(max(e, -127) + 127), false)
    }

    static var inputs: [UInt32] {
        var random = SplitMix64(seed: 80)
        var list: [UInt32] = []
        for exponent in 0..<UInt32(255) {
            for fraction: UInt32 in [0, 1, 0x3F_FFFF, 0x40_0000, 0x40_0001, 0x7F_FFFF, 0x20_0000, 0x60_0000]
                + (0..<6).map({ _ in UInt32(truncatingIfNeeded: random.next()) & 0x7F_FFFF }) {
                list.append(exponent << 23 | fraction)
            }
        }
        return list
    }

    @Test("every fp32 exponent and boundary fraction, every deterministic mode, saturating or not")
    func conversions() {
        var failures: [String] = []
        for x in Self.inputs {
            let v = Float(bitPattern: x)
            for mode in [RoundingMode.nearestEven, .nearestAway, .towardZero, .up, .down] {
                for saturates in [false, true] {
                    var env = FloatEnvironment(rounding: mode, saturates: saturates)
                    let code = E8M0.encode(UInt64(x), from: .fp32, &env)
                    let (expected, overflow) = v == 0 ? (nil, false) : Self.reference(v, mode, saturates: saturates)
                    if code != (expected ?? E8M0.nan) || env.flags.contains(.overflow) != overflow {
                        failures.append("0x\(String(x, radix: 16)) \(mode) saturates \(saturates): 0x\(String(code, radix: 16))")
                    }
                }
            }
            // Stochastic: one of the two neighbours.
            var env = FloatEnvironment(rounding: .stochastic, seed: UInt64(x))
            let code = E8M0.encode(UInt64(x), from: .fp32, &env)
            let down = v == 0 ? nil : Self.reference(v, .down, saturates: false).code
            let up = v == 0 ? nil : Self.reference(v, .up, saturates: false).code
            if code != (down ?? E8M0.nan) && code != (up ?? E8M0.nan) { failures.append("0x\(String(x, radix: 16)) stochastic") }
        }
        #expect(failures.isEmpty, "\(failures.prefix(8))")
    }

    @Test("every code decodes to its power of two and encodes back exactly")
    func everyCode() {
        for code in 0..<UInt8(255) {
            let v = E8M0.value(code)
            #expect(v == Double(sign: .plus, exponent: Int(code) - 127, significand: 1))
            var env = FloatEnvironment()
            #expect(E8M0.encode(Double(v).bitPattern, from: .fp64, &env) == code && env.flags.isEmpty)
            #expect(FloatFormat.e8m0Values.toDouble(E8M0.bits(code)!) == v)
        }
        #expect(E8M0.value(0xFF).isNaN && E8M0.bits(0xFF) == nil)
    }

    @Test("zero, negative values, infinities and NaN give NaN, as ml_dtypes converts them")
    func specials() {
        for x: UInt32 in [0, 0x8000_0000, 0xBF80_0000, 0x7F80_0000, 0xFF80_0000, 0x7FC0_0000, 0x0000_0001 | 0x8000_0000] {
            var env = FloatEnvironment()
            #expect(E8M0.encode(UInt64(x), from: .fp32, &env) == E8M0.nan)
        }
    }

    /// ml_dtypes 0.7.0: `np.array(values, np.float32).astype(ml_dtypes.float8_e8m0fnu).view(np.uint8)`.
    @Test("agrees with ml_dtypes on hand-checked values")
    func mlDtypes() {
        let values: [Float] = [1.5, 3, 6, 1.4999, 0x1p127, 0x1.8p127, 3e38, 0x1p-127, 0x1.8p-128, 0x1p-128, 0x1p-130,
                               0x1p-149, 0.7, 0.75, 1e30, 1e-30]
        let codes: [UInt8] = [0x80, 0x81, 0x82, 0x7F, 0xFE, 0xFF, 0xFF, 0x00, 0x00, 0x00, 0x00, 0x00, 0x7E, 0x7F, 0xE3, 0x1B]
        for (v, code) in zip(values, codes) {
            var env = FloatEnvironment()
            #expect(E8M0.encode(UInt64(v.bitPattern), from: .fp32, &env) == code, "\(v)")
        }
    }
}
