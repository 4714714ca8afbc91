import Dispatch
import Foundation
import Synchronization
@testable import SoftFloat

/// ln 2 to 100 decimal places, as published in OEIS A002162
/// (https://oeis.org/A002162), typed in rather than computed.
let ln2DecimalDigits = "0.69314718055994530941723212145817656807550013436025525412068000949339"
    + "362196969471560586332699641868754200148102"

/// A 256-bit signed fixed-point number, 64 integer and 192 fraction bits, written for the
/// tests independently of the library's `WideFixedPoint`: no error tracking (each
/// operation truncates; callers bound the error by counting operations).
struct ReferenceFixed {
    static let fractionBits = 192
    var w: InlineArray<4, UInt64>  // little-endian magnitude
    var negative: Bool

    init(_ n: Int = 0) {
        w = InlineArray(repeating: 0)
        w[3] = UInt64(n.magnitude)
        negative = n < 0
    }

    /// ±m × 2^e, truncated below 2^-192.
    init(mantissa m: UInt64, exponent e: Int, negative: Bool = false) {
        self.init()
        var low = ReferenceFixed()
        low.w[0] = m
        self = low.scaled(e + Self.fractionBits)
        self.negative = negative
    }

    /// A Double, exactly when its bits do not go below 2^-192.
    init(_ d: Double) {
        let m = d.magnitude
        if m == 0 { self.init(); return }
        self.init(mantissa: m.significandBitPattern | (m.isNormal ? 1 << 52 : 0),
                  exponent: Int(m.exponent) - 52, negative: d < 0)
    }

    var isZero: Bool { w[0] | w[1] | w[2] | w[3] == 0 }

    var double: Double {
        var r = 0.0
        for i in 0..<4 { r += Double(w[i]) * pow(2.0, Double(64 * i - Self.fractionBits)) }
        return negative ? -r : r
    }

    static func compareMagnitude(_ a: ReferenceFixed, _ b: ReferenceFixed) -> Int {
        for i in stride(from: 3, through: 0, by: -1) where a.w[i] != b.w[i] { return a.w[i] < b.w[i] ? -1 : 1 }
        return 0
    }

    static func addMagnitude(_ a: ReferenceFixed, _ b: ReferenceFixed) -> InlineArray<4, UInt64> {
        var r = InlineArray<4, UInt64>(repeating: 0)
        var carry: UInt64 = 0
        for i in 0..<4 {
            let (s1, o1) = a.w[i].addingReportingOverflow(b.w[i])
            let (s2, o2) = s1.addingReportingOverflow(carry)
            r[i] = s2
            carry = (o1 ? 1 : 0) + (o2 ? 1 : 0)
        }
        precondition(carry == 0)
        return r
    }

    static func subtractMagnitude(_ a: ReferenceFixed, _ b: ReferenceFixed) -> InlineArray<4, UInt64> {
        var r = InlineArray<4, UInt64>(repeating: 0)
        var borrow: UInt64 = 0
        for i in 0..<4 {
            let (d1, o1) = a.w[i].subtractingReportingOverflow(b.w[i])
            let (d2, o2) = d1.subtractingReportingOverflow(borrow)
            r[i] = d2
            borrow = (o1 ? 1 : 0) + (o2 ? 1 : 0)
        }
        return r
    }

    static func + (a: ReferenceFixed, b: ReferenceFixed) -> ReferenceFixed {
        var r = ReferenceFixed()
        if a.negative == b.negative {
            r.w = addMagnitude(a, b); r.negative = a.negative
        } else if compareMagnitude(a, b) >= 0 {
            r.w = subtractMagnitude(a, b); r.negative = a.negative
        } else {
            r.w = subtractMagnitude(b, a); r.negative = b.negative
        }
        return r
    }

    static prefix func - (a: ReferenceFixed) -> ReferenceFixed {
        var r = a
        r.negative.toggle()
        return r
    }

    static func - (a: ReferenceFixed, b: ReferenceFixed) -> ReferenceFixed { a + (-b) }

    /// Truncated product (the 4 × 4 word schoolbook, in locals so it stays in registers).
    static func * (a: ReferenceFixed, b: ReferenceFixed) -> ReferenceFixed {
        let (a0, a1, a2, a3) = (a.w[0], a.w[1], a.w[2], a.w[3])
        let (b0, b1, b2, b3) = (b.w[0], b.w[1], b.w[2], b.w[3])
        var p0: UInt64 = 0, p1: UInt64 = 0, p2: UInt64 = 0, p3: UInt64 = 0
        var p4: UInt64 = 0, p5: UInt64 = 0, p6: UInt64 = 0, p7: UInt64 = 0
        // Adds x × y into the column pair (lo, hi) and carries into c.
        @inline(__always) func mac(_ x: UInt64, _ y: UInt64, _ lo: inout UInt64, _ hi: inout UInt64, _ c: inout UInt64) {
            let (h, l) = x.multipliedFullWidth(by: y)
            let (s, o) = lo.addingReportingOverflow(l)
            lo = s
            let (t, o2) = hi.addingReportingOverflow(h &+ (o ? 1 : 0))
            hi = t
            c &+= o2 ? 1 : 0
        }
        var c: UInt64 = 0
        mac(a0, b0, &p0, &p1, &p2)
        mac(a0, b1, &p1, &p2, &p3); mac(a1, b0, &p1, &p2, &p3)
        mac(a0, b2, &p2, &p3, &p4); mac(a1, b1, &p2, &p3, &p4); mac(a2, b0, &p2, &p3, &p4)
        mac(a0, b3, &p3, &p4, &p5); mac(a1, b2, &p3, &p4, &p5); mac(a2, b1, &p3, &p4, &p5); mac(a3, b0, &p3, &p4, &p5)
        mac(a1, b3, &p4, &p5, &p6); mac(a2, b2, &p4, &p5, &p6); mac(a3, b1, &p4, &p5, &p6)
        mac(a2, b3, &p5, &p6, &p7); mac(a3, b2, &p5, &p6, &p7)
        mac(a3, b3, &p6, &p7, &c)
        precondition(p7 == 0 && c == 0)
        _ = p0
        var r = ReferenceFixed()
        r.w[0] = p3; r.w[1] = p4; r.w[2] = p5; r.w[3] = p6
        r.negative = a.negative != b.negative
        return r
    }

    func times(_ k: UInt64) -> ReferenceFixed {
        var r = self
        var carry: UInt64 = 0
        for i in 0..<4 {
            let (hi, lo) = w[i].multipliedFullWidth(by: k)
            let (s, o) = lo.addingReportingOverflow(carry)
            r.w[i] = s
            carry = hi &+ (o ? 1 : 0)
        }
        precondition(carry == 0)
        return r
    }

    func over(_ d: UInt64) -> ReferenceFixed {
        var r = self
        var rem: UInt64 = 0
        for i in stride(from: 3, through: 0, by: -1) {
            (r.w[i], rem) = d.dividingFullWidth((high: rem, low: w[i]))
        }
        return r
    }

    /// × 2^s (s may be negative: truncated).
    func scaled(_ s: Int) -> ReferenceFixed {
        var r = ReferenceFixed()
        r.negative = negative
        if s >= 0 { precondition(leadingBit + s < 256) }
        for i in 0..<4 {
            // bits [64i, 64i + 64) of the result come from bits [64i − s, 64i − s + 64)
            r.w[i] = bits(from: 64 * i - s)
        }
        return r
    }

    /// 64 bits starting at bit `start` (zeros outside the number).
    func bits(from start: Int) -> UInt64 {
        if start >= 256 || start <= -64 { return 0 }
        if start < 0 { return w[0] << UInt64(-start) }
        let word = start / 64, shift = UInt64(start % 64)
        var v = w[word] >> shift
        if shift != 0 && word + 1 < 4 { v |= w[word + 1] << (64 - shift) }
        return v
    }

    /// Whether any bit below position `p` is set.
    func anyBit(below p: Int) -> Bool {
        if p <= 0 { return false }
        let word = min(p / 64, 4)
        for i in 0..<word where w[i] != 0 { return true }
        if word < 4 && p % 64 != 0 && w[word] & ((1 << UInt64(p % 64)) - 1) != 0 { return true }
        return false
    }

    /// Adds `units` × 2^-192 to the magnitude (or subtracts, staying at or above zero).
    func offset(_ units: UInt64, up: Bool) -> ReferenceFixed {
        let delta = ReferenceFixed(mantissa: units, exponent: -Self.fractionBits)
        if up { var r = self; r.w = Self.addMagnitude(self, delta); return r }
        if Self.compareMagnitude(self, delta) <= 0 { return ReferenceFixed() }
        var r = self
        r.w = Self.subtractMagnitude(self, delta)
        return r
    }

    /// Index of the leading one bit of the magnitude, counting from bit 0 of word 0.
    var leadingBit: Int {
        for i in stride(from: 3, through: 0, by: -1) where w[i] != 0 {
            return 64 * i + 63 - w[i].leadingZeroBitCount
        }
        return -1
    }

    func bit(_ p: Int) -> Bool { p >= 0 && p < 256 && w[p / 64] >> UInt64(p % 64) & 1 == 1 }
}

/// ln 2 from the digits above: v ← (v + d) / 10 from the last digit to the first.
let referenceLn2: ReferenceFixed = {
    var v = ReferenceFixed()
    for c in ln2DecimalDigits.dropFirst(2).reversed() {
        v = (v + ReferenceFixed(Int(String(c))!)).over(10)
    }
    return v
}()

/// A positive quantity known to lie in (low × 2^scale, high × 2^scale), or, for a
/// logarithm, a signed one with magnitude in that interval.
struct ReferenceInterval {
    var negative: Bool
    var scale: Int
    var low: ReferenceFixed
    var high: ReferenceFixed
    /// Whether the interval only stands for a value far beyond every format's range,
    /// where every value rounds alike in every mode and for every draw.
    var beyondRange = false
}

enum ElementaryReference {
    /// e^z = 2^k × m for a fixed-point z with |z| < 800; m within 2^-160 relative.
    ///
    /// z − k ln 2 = r, |r| < 0.35; e^r = (e^(r/2^12))^(2^12) with e^t by Taylor and each
    /// squaring as 2E + E². Errors: ln 2 within 2^-190, times |k| ≤ 1200 → 2^-179 on r;
    /// the Taylor part within 2^-185; 12 squarings multiply by at most 2^12 × 1.5.
    static func exp(_ z: ReferenceFixed) -> (k: Int, m: ReferenceFixed) {
        let k = Int((z.double / 0.6931471805599453).rounded())
        let r = z - referenceLn2.times(UInt64(k.magnitude)).withSign(k < 0)
        let t = r.scaled(-12)
        var term = t, e = t
        var n: UInt64 = 1
        while !term.isZero {
            n += 1
            term = (term * t).over(n)
            e = e + term
        }
        for _ in 0..<12 { e = e.times(2) + e * e }
        return (k, e + ReferenceFixed(1))
    }

    /// Exact value of a finite nonzero format value as (mantissa, exponent).
    static func parts(_ format: FloatFormat, _ x: UInt64) -> (m: UInt64, e: Int) {
        let mag = x & format.magnitudeMask
        let biased = Int(mag >> UInt64(format.fractionBitCount))
        let frac = mag & format.fractionMask
        if biased == 0 { return (frac, format.minExponent - format.fractionBitCount) }
        return (frac | 1 << UInt64(format.fractionBitCount), biased - format.bias - format.fractionBitCount)
    }

    /// e^x for a finite format value with 2^-100 ≤ |x|.
    ///
    /// Beyond |x| = 800, e^x is above 2^1154 or below 2^-1154, past every format's
    /// overflow and half its least subnormal: any value there rounds alike, and (1, 1.5)
    /// × 2^±2000 stands for it.
    static func exp(_ format: FloatFormat, _ x: UInt64) -> ReferenceInterval {
        if format.toDouble(x).magnitude >= 800 {
            return ReferenceInterval(negative: false, scale: format.isNegative(x) ? -2000 : 2000,
                                     low: ReferenceFixed(1), high: ReferenceFixed(3).scaled(-1), beyondRange: true)
        }
        let (m, e) = parts(format, x)
        let z = ReferenceFixed(mantissa: m, exponent: e, negative: format.isNegative(x))
        let (k, mantissa) = exp(z)
        let bound: UInt64 = 1 << 32  // 2^-160 absolute on m ∈ [0.7, 1.42]
        return ReferenceInterval(negative: false, scale: k,
                                 low: mantissa.offset(bound, up: false), high: mantissa.offset(bound, up: true))
    }

    /// ln x for a positive finite format value x ≠ 1.
    ///
    /// Near 1 (|x − 1| < 2^-20): the series d − d²/2 + d³/3 − … with d = x − 1 exact,
    /// within 2^-185. Elsewhere y₀ = Foundation.log(x), c = x e^(−y₀) − 1 (|c| < 2^-40) and
    /// ln x = y₀ + c − c²/2 + c³/3 − c⁴/4, within 2^-158 (e^(−y₀) within 2^-160).
    static func log(_ format: FloatFormat, _ x: UInt64) -> ReferenceInterval {
        let (m, e) = parts(format, x)
        let value = Double(m) * pow(2.0, Double(e))
        var result: ReferenceFixed
        var bound: UInt64
        if (value - 1).magnitude < 0x1p-20 {
            let d = ReferenceFixed(mantissa: m, exponent: e) - ReferenceFixed(1)
            var power = d, sum = d
            var n: UInt64 = 1
            while !power.isZero {
                n += 1
                power = power * d
                let term = power.over(n)
                sum = n % 2 == 0 ? sum - term : sum + term
            }
            result = sum
            bound = 1 << 7
        } else {
            let y0 = Foundation.log(value)
            let (k, em) = exp(-ReferenceFixed(y0))
            // x e^(−y0) = m × em × 2^(e + k)
            let product = em.times(m).scaled(e + k)
            let c = product - ReferenceFixed(1)
            if c.double.magnitude >= 0x1p-40 { fatalError("bad starting point for \(format) 0x\(String(x, radix: 16)): \(c.double)") }
            let c2 = c * c, c3 = c2 * c, c4 = c3 * c
            result = ReferenceFixed(y0) + c - c2.over(2) + c3.over(3) - c4.over(4)
            bound = 1 << 34
        }
        return ReferenceInterval(negative: result.negative, scale: 0,
                                 low: result.offset(bound, up: false), high: result.offset(bound, up: true))
    }
}

extension ReferenceFixed {
    func withSign(_ negative: Bool) -> ReferenceFixed {
        var r = self
        r.negative = negative != self.negative
        return r
    }
}

/// Rounds exact quantities to a format, written independently of `roundPack`.
enum ReferenceRounding {
    struct Outcome: Equatable {
        var bits: UInt64
        var overflow: Bool
        var tiny: Bool
    }

    /// Rounds ±F × 2^scale (F > 0 a fixed-point value) to the format; `mode` is a
    /// deterministic mode. Tininess is detected after rounding.
    static func round(negative: Bool, _ f: ReferenceFixed, scale: Int, _ format: FloatFormat,
                      _ mode: RoundingMode, subnormals: Bool = true, saturates: Bool = false) -> Outcome {
        let p = format.precision
        // |y| = F × 2^(scale − 192); its binary exponent:
        let lead = f.leadingBit
        precondition(lead >= 0)
        let ey = lead - ReferenceFixed.fractionBits + scale
        let emin = format.minExponent
        func roundAt(_ q: Int) -> UInt64 {  // the rounded integer N with |y| ≈ N × 2^q
            // |y| / 2^q = F × 2^(scale − 192 − q): bits of F at positions ≥ cut are the integer.
            let cut = ReferenceFixed.fractionBits + q - scale
            precondition(cut >= 0 && lead - cut < 62)
            let n = cut > lead ? 0 : f.bits(from: cut) & ((1 << UInt64(lead - cut + 1)) - 1)
            let half = f.bit(cut - 1)
            let rest = f.anyBit(below: cut - 1)
            let inexact = half || rest
            guard inexact else { return n }
            switch mode {
            case .nearestEven: return n + ((half && (rest || n & 1 == 1)) ? 1 : 0)
            case .nearestAway: return n + (half ? 1 : 0)
            case .towardZero: return n
            case .up: return n + (negative ? 0 : 1)
            case .down: return n + (negative ? 1 : 0)
            case .odd: return n | 1
            case .stochastic: fatalError("deterministic modes only")
            }
        }
        // Unbounded exponent, precision p: for overflow and tininess after rounding.
        let qUnbounded = ey - (p - 1)
        let nUnbounded = roundAt(qUnbounded)
        let tiny = ey < emin && !(nUnbounded >> UInt64(p) == 1 && qUnbounded + p == emin)
        let signBit: UInt64 = negative ? format.signMask : 0
        let zeroBits: UInt64 = negative && format.encoding.hasNegativeZero ? format.signMask : 0
        // Overflow: the unbounded result above the largest finite value, whose significand is
        // all ones unless the all-ones pattern is NaN (OCP E4M3) or ∞ (P3109).
        let topIsSpecial = format.encoding == .finite || format.encoding == .extended
        let maxSignificand: UInt64 = topIsSpecial ? (1 << UInt64(p)) - 2 : (1 << UInt64(p)) - 1
        let unboundedTop = nUnbounded >> UInt64(p) == 1 ? (ey + 1) : ey
        let normalizedN = nUnbounded >> UInt64(p) == 1 ? nUnbounded >> 1 : nUnbounded
        if unboundedTop > format.maxExponent
            || (unboundedTop == format.maxExponent && normalizedN > maxSignificand) {
            let toInfinity: Bool
            switch mode {
            case .nearestEven, .nearestAway: toInfinity = true
            case .towardZero, .odd: toInfinity = false
            case .up: toInfinity = !negative
            case .down: toInfinity = negative
            case .stochastic: toInfinity = true
            }
            let bits = toInfinity && !saturates ? format.infinity(negative: negative) : format.maxFinite(negative: negative)
            return Outcome(bits: bits, overflow: true, tiny: false)
        }
        if tiny && !subnormals { return Outcome(bits: zeroBits, overflow: false, tiny: true) }
        let q = max(ey, emin) - (p - 1)
        let n = roundAt(q)
        // n × 2^q with n < 2^(p+1)
        if n == 0 { return Outcome(bits: zeroBits, overflow: false, tiny: tiny) }
        let nLead = 63 - n.leadingZeroBitCount
        let valueExponent = q + nLead
        if valueExponent < emin {  // subnormal
            return Outcome(bits: signBit | n, overflow: false, tiny: tiny)
        }
        let significand = n << (p - 1 - nLead)  // a right shift when rounding carried
        let biased = UInt64(valueExponent + format.bias)
        return Outcome(bits: signBit | biased << UInt64(p - 1) | (significand & format.fractionMask),
                       overflow: false, tiny: tiny)
    }

    /// The outcome shared by every value of the interval, or nil when they differ.
    static func round(_ r: ReferenceInterval, _ format: FloatFormat, _ mode: RoundingMode,
                      subnormals: Bool = true, saturates: Bool = false) -> Outcome? {
        let a = round(negative: r.negative, r.low, scale: r.scale, format, mode, subnormals: subnormals, saturates: saturates)
        let b = round(negative: r.negative, r.high, scale: r.scale, format, mode, subnormals: subnormals, saturates: saturates)
        return a == b ? a : nil
    }

    /// The 62-bit truncation with sticky bit that `roundPack` takes, shared by the whole
    /// interval, as (exponent, significand); nil when the interval straddles a boundary.
    static func truncation(_ r: ReferenceInterval) -> (exponent: Int, significand: UInt64)? {
        func top(_ f: ReferenceFixed) -> (Int, UInt64) {
            let lead = f.leadingBit
            let s = f.bits(from: lead - 62) & ((1 << 63) - 2)  // bits 62...1; bit 0 is sticky
            return (lead - ReferenceFixed.fractionBits + r.scale, s | 1)
        }
        let a = top(r.low), b = top(r.high)
        return a == b || r.beyondRange ? a : nil
    }
}

// MARK: - Checking the library against the reference

enum ElementaryFunction: String, CaseIterable, Sendable {
    case exp, log
}

/// The checks of `exp` and `log` against the reference, shared by the tests.
enum ElementaryChecks {
    /// The deterministic rounding modes; stochastic rounding is checked separately.
    static let deterministicModes: [RoundingMode] = [.nearestEven, .nearestAway, .towardZero, .up, .down]

    static let exhaustive = ProcessInfo.processInfo.environment["PRECISION_LAB_EXHAUSTIVE"] == "1"

    /// Runs `body` over `0..<count` in chunks on every core and collects what it reports.
    static func inParallel(_ count: Int, chunks: Int = 64,
                           _ body: @escaping @Sendable (Range<Int>) -> [String]) -> [String] {
        let found = Mutex<[String]>([])
        let size = (count + chunks - 1) / chunks
        DispatchQueue.concurrentPerform(iterations: chunks) { c in
            let range = min(count, c * size)..<min(count, (c + 1) * size)
            let messages = body(range)
            if !messages.isEmpty { found.withLock { $0.append(contentsOf: messages) } }
        }
        return found.withLock { $0 }
    }

    /// Checks `function(x)` in every rounding mode (and with subnormals flushed) against the
    /// reference; returns a description of each disagreement.
    static func check(_ function: ElementaryFunction, _ format: FloatFormat, _ x: UInt64) -> [String] {
        var failures: [String] = []
        func fail(_ what: String) {
            failures.append("\(format.name) \(function)(0x\(String(x, radix: 16))) \(what)")
        }
        func evaluate(_ env: inout FloatEnvironment) -> UInt64 {
            function == .exp ? format.exp(x, &env) : format.log(x, &env)
        }
        // Tiny arguments of exp: e^x = 1 + x(1 + θ), |θ| < |x|, decides every mode.
        if function == .exp, format.toDouble(x).magnitude < 0x1p-100 {
            let positive = !format.isNegative(x)
            for mode in deterministicModes {
                var env = FloatEnvironment(rounding: mode)
                let r = evaluate(&env)
                var expected = format.one
                if positive && mode == .up { expected += 1 }
                if !positive && (mode == .down || mode == .towardZero) { expected -= 1 }
                if r != expected || env.flags != .inexact { fail("\(mode): got 0x\(String(r, radix: 16)) \(env.flags)") }
            }
            return failures
        }
        let interval = function == .exp ? ElementaryReference.exp(format, x) : ElementaryReference.log(format, x)
        for mode in deterministicModes {
            // A subnormal argument reads as zero when subnormals are off: tested on its own.
            for subnormals in format.isSubnormal(x) ? [true] : [true, false] {
                guard let expected = ReferenceRounding.round(interval, format, mode, subnormals: subnormals) else {
                    fail("\(mode): reference undecided")
                    continue
                }
                var env = FloatEnvironment(rounding: mode, subnormals: subnormals)
                let r = evaluate(&env)
                var flags: ExceptionFlags = .inexact
                if expected.overflow { flags.insert(.overflow) }
                if expected.tiny { flags.insert(.underflow) }
                if r != expected.bits || env.flags != flags {
                    fail("\(mode)\(subnormals ? "" : " ftz"): got 0x\(String(r, radix: 16)) [\(env.flags)], "
                         + "expected 0x\(String(expected.bits, radix: 16)) [\(flags)]")
                }
            }
        }
        // Stochastic: one of the two neighbours, and exactly the draw roundPack makes on the
        // reference's 62-bit truncation.
        guard let truncation = ReferenceRounding.truncation(interval),
              let down = ReferenceRounding.round(interval, format, interval.negative ? .up : .down),
              let up = ReferenceRounding.round(interval, format, interval.negative ? .down : .up)
        else {
            fail("stochastic: reference undecided")
            return failures
        }
        for seed in 0..<UInt64(3) {
            var env = FloatEnvironment(rounding: .stochastic, seed: x &* 0x9E37_79B9 &+ seed)
            var expectedEnv = env
            let expected = format.roundPack(negative: interval.negative, exponent: truncation.exponent,
                                            significand: truncation.significand, &expectedEnv)
            let r = evaluate(&env)
            // The same result and flags, one of the two neighbours, and the generator left
            // where roundPack leaves it (one draw), so later draws stay reproducible.
            if r != expected || (r != down.bits && r != up.bits) || env.flags != expectedEnv.flags
                || env.random != expectedEnv.random {
                fail("stochastic seed \(seed): got 0x\(String(r, radix: 16)), expected 0x\(String(expected, radix: 16))")
            }
        }
        return failures
    }

    /// Every argument of `function` worth checking in a format: all finite values except the
    /// exact cases (handled by their own tests).
    static func arguments(_ function: ElementaryFunction, _ format: FloatFormat) -> [UInt64] {
        (0..<(UInt64(1) << UInt64(format.bitWidth))).filter { x in
            guard format.isFinite(x), !format.isZero(x) else { return false }
            return function == .exp || (!format.isNegative(x) && x != format.one)
        }
    }

    static func checkAll(_ function: ElementaryFunction, _ format: FloatFormat, _ xs: [UInt64]) -> [String] {
        inParallel(xs.count) { range in
            var failures: [String] = []
            for i in range where failures.count < 10 { failures += check(function, format, xs[i]) }
            return failures
        }
    }
}
