import Foundation
import SoftFloat
import Testing
import TrainingArithmetic

/// ln 2 to 36 digits, read at full precision into `Float80`.
private let ln2x: Float80 = 0.693147180559945309417232121458176568

/// Distance from `u` to the nearest multiple of `spacing`.
private func distance(_ u: Float80, toMultipleOf spacing: Float80) -> Float80 {
    let r = (u / spacing).rounded()
    return abs(u - r * spacing)
}

/// Whether `u` lies too close to the boundary `b` for a `Double` evaluation (relative error
/// far below 10^-13) to be sure of its side; `Float80` carries 10^-19.
private func tooClose(_ u: Float80, _ b: Float80) -> Bool { abs(u - b) <= 1e-13 * abs(u) }

/// `u` rounded to an integer by a mode, for a positive quantity; nil when too close to call.
private func roundedUnits(_ u: Float80, _ rounding: RoundingMode) -> Float80? {
    switch rounding {
    case .nearestEven, .nearestAway:
        let b = u.rounded(.down) + 0.5
        return tooClose(u, b) ? nil : u.rounded()
    case .up:
        return tooClose(u, u.rounded()) ? nil : u.rounded(.up)
    case .odd:  // the odd one of the two neighbouring integers
        if tooClose(u, u.rounded()) { return nil }
        let lower = u.rounded(.down)
        return lower.truncatingRemainder(dividingBy: 2) != 0 ? lower : lower + 1
    default:
        return tooClose(u, u.rounded()) ? nil : u.rounded(.down)
    }
}

/// exp of an lns8 code from the format's definition, evaluated in `Float80`: u = 2^F log2 e^x
/// rounded in the log domain (saturating above L = 63), below the least value rounded in
/// the linear domain. Nil when `u` lies too close to a rounding boundary to decide (the
/// exhaustive test requires that this never happens).
private func referenceExp(_ format: LogFormat, _ x: UInt8, _ rounding: RoundingMode) -> (code: UInt8, overflow: Bool)? {
    if format.isNaN(x) { return (LogFormat.nan, false) }
    if format.isZero(x) { return (format.code(negative: false, log: 0), false) }  // e^0 = 1 exactly
    let s = Float80(1 << format.fractionBits)
    let v = (format.isNegative(x) ? -1 : 1) * Foundation.exp2(Float80(format.logCode(x)) / s)
    let u = s * v / ln2x
    if u >= 65 { return (format.maxFinite(negative: false), true) }
    if u < -63 {
        // The value over half the least value: 2^((u + 63)/2^F + 1), compared with 1.
        let half = (u + 63) / s + 1
        if tooClose(u, -63) || tooClose(u, -63 - s) { return nil }
        let toLeast: Bool
        switch rounding {
        case .nearestEven, .nearestAway: toLeast = half > 0
        case .up, .odd: toLeast = true  // to odd: the least code is odd, zero's even
        default: toLeast = false
        }
        return (toLeast ? format.code(negative: false, log: -63) : LogFormat.zero, false)
    }
    guard let n = roundedUnits(u, rounding) else { return nil }
    if n > 63 { return (format.maxFinite(negative: false), true) }
    return (format.code(negative: false, log: Int(n)), false)
}

/// exp of an INT8 code from the definition, in `Float80`: e^x / scale rounded to an integer,
/// saturating at the largest code.
private func referenceExp(_ format: LinearInt8Format, _ x: UInt8, _ rounding: RoundingMode) -> (code: UInt8, overflow: Bool)? {
    let top = Float80(format.maxCode)
    if format.integer(x) == 0 {  // e^0 = 1 exactly
        let u = 1 / Float80(format.scale)
        return u > top ? (format.code(format.maxCode), true) : (format.code(Int(u)), false)
    }
    let u = Foundation.exp(Float80(format.integer(x)) * Float80(format.scale)) / Float80(format.scale)
    if u >= top + 2 { return (format.code(format.maxCode), true) }
    guard let n = roundedUnits(u, rounding) else { return nil }
    if n > top { return (format.code(format.maxCode), true) }
    return (format.code(Int(n)), false)
}

@Suite("8-bit formats: exp and conversions")
struct EightBitFunctionTests {
    static let deterministic = RoundingMode.allCases.filter { $0 != .stochastic }

    @Test("lns8 exp is correctly rounded for every code, every F and every mode", arguments: Self.deterministic)
    func logExp(rounding: RoundingMode) throws {
        for f in 0...6 {
            let format = LogFormat(fractionBits: f)
            for x in format.orderedCodes {
                let expected = try #require(referenceExp(format, x, rounding), "\(format.name) \(x) too close to call")
                var env = FloatEnvironment(rounding: rounding)
                let y = format.exp(x, &env)
                #expect(y == expected.code, "\(format.name) exp(\(format.toDouble(x))) \(rounding)")
                #expect(env.flags.contains(.overflow) == expected.overflow, "\(format.name) \(x) \(rounding)")
            }
        }
    }

    @Test("INT8 exp is correctly rounded for every code of every variant and mode", arguments: Self.deterministic)
    func linearExp(rounding: RoundingMode) throws {
        for name in ["int8", "int8s", "int8-s4", "int8s-s3", "int8s-s7"] {
            let format = try #require(LinearInt8Format(name: name))
            for x in format.orderedCodes {
                let expected = try #require(referenceExp(format, x, rounding), "\(name) \(x) too close to call")
                var env = FloatEnvironment(rounding: rounding)
                #expect(format.exp(x, &env) == expected.code, "\(name) exp(\(format.toDouble(x))) \(rounding)")
                #expect(env.flags.contains(.overflow) == expected.overflow, "\(name) \(x) \(rounding)")
            }
        }
    }

    /// The claim behind `EightBitArithmetic`'s conversions: rounding the nearest `Double` of
    /// an lns8 value to a binary format of at most 24 bits is a single correct rounding.
    @Test("lns8 values convert to fp32 and narrower with one correct rounding")
    func conversionIsSingleRounding() {
        for f in 0...6 {
            let format = LogFormat(fractionBits: f)
            for l in LogFormat.minLog...LogFormat.maxLog {
                let exact = Foundation.exp2(Float80(l) / Float80(1 << f))
                let nearest = format.toDouble(format.code(negative: false, log: l))
                #expect(Double(exact) == nearest, "F \(f) L \(l): toDouble is the nearest Double")
                if l % (1 << f) == 0 { continue }  // a power of two: exact
                // Numbers and midpoints of a 24-bit format are the integers of g.
                let shift = 24 - Int(exact.exponent)
                let g = Foundation.scalbn(exact, shift)
                let gNearest = Foundation.scalbn(Float80(nearest), shift)
                #expect(distance(g, toMultipleOf: 1) > 0x1p-27, "F \(f) L \(l) is too close to a 25-bit grid point")
                #expect(g.rounded(.down) == gNearest.rounded(.down), "F \(f) L \(l)")
            }
        }
    }

    @Test("converting lns8 to fp32 in every mode matches rounding the exact value")
    func conversionToFP32() {
        let fp32 = SoftArithmetic(format: .fp32)
        let lns = EightBitArithmetic(format: LogFormat(fractionBits: 5))
        for rounding in Self.deterministic {
            for x in lns.format.orderedCodes where !lns.isZero(x) {
                var env = FloatEnvironment(rounding: rounding)
                let converted = Float(bitPattern: UInt32(fp32.convert(x, from: lns, &env)))
                let exact = Foundation.exp2(Float80(lns.format.logCode(x)) / 32) * (lns.format.isNegative(x) ? -1 : 1)
                let expected: Float
                switch rounding {
                case .nearestEven, .nearestAway: expected = Float(exact)
                case .up: expected = Float80(Float(exact)) >= exact ? Float(exact) : Float(exact).nextUp
                case .down: expected = Float80(Float(exact)) <= exact ? Float(exact) : Float(exact).nextDown
                case .odd:
                    let n = Float(exact)
                    let t = Float80(n).magnitude <= exact.magnitude ? n : (exact > 0 ? n.nextDown : n.nextUp)
                    expected = Float80(t) == exact || t.bitPattern & 1 == 1 ? t : (exact > 0 ? t.nextUp : t.nextDown)
                default:
                    let n = Float(exact)
                    expected = Float80(n).magnitude <= exact.magnitude ? n : (exact > 0 ? n.nextDown : n.nextUp)
                }
                #expect(converted == expected, "\(x) \(rounding)")
            }
        }
    }
}
