import Foundation
import SoftFloat
import Testing
import Experiments
import TrainingArithmetic

/// ln 2 to 60 decimal places, as published in OEIS A002162 (https://oeis.org/A002162).
private let ln2Digits = "0.693147180559945309417232121458176568075500134360255254120680"

/// A real number as a signed 128-bit integer in units of 2^-110: enough for the
/// thresholds (|x| < 2^10) to about 30 significant digits, computed independently of
/// the library.
struct Fixed110: Comparable {
    static let shift = 110
    var units: Int128

    static let ln2: Fixed110 = {
        // v ← (v + d) / 10 from the last digit: within 2 units.
        var v: Int128 = 0
        for c in ln2Digits.dropFirst(2).reversed() {
            v = (v + Int128(Int(String(c))!) << 110) / 10
        }
        return Fixed110(units: v)
    }()

    /// x × 2^-110 exactly, for a Double whose bits do not go below 2^-110.
    init?(exactly x: Double) {
        guard x != 0 else { units = 0; return }
        let m = x.magnitude
        let exponent = Int(m.exponent) - 52 + Self.shift
        let significand = Int128(m.significandBitPattern | (m.isNormal ? 1 << 52 : 0))
        guard exponent >= 0 || significand & ((1 << Int128(-exponent)) - 1) == 0 else { return nil }
        let v = exponent >= 0 ? significand << Int128(exponent) : significand >> Int128(-exponent)
        units = x < 0 ? -v : v
    }

    init(units: Int128) { self.units = units }

    static func < (a: Fixed110, b: Fixed110) -> Bool { a.units < b.units }

    /// ln(2^k (1 − j / 2^b)) = k ln 2 − Σ tⁿ/n with t = j / 2^b ≤ 1/2 (up to 1/2 for the
    /// formats of precision 1 and 2; each term's truncation costs one unit of 2^-110).
    static func logarithm(k: Int, j: Int128, b: Int) -> Fixed110 {
        precondition(j >= 0 && j << 1 <= Int128(1) << Int128(b), "t must be at most 1/2")
        var sum = ln2.units * Int128(k)
        if j != 0 {
            let t = UInt128(j) << UInt128(shift - b)
            var power = t
            var n: UInt128 = 1
            while power != 0 {
                sum -= Int128(power / n)
                let product = power.multipliedFullWidth(by: t)
                power = product.high << UInt128(128 - shift) | product.low >> UInt128(shift)
                n += 1
            }
        }
        return Fixed110(units: sum)
    }

    /// The value rounded to `n` significant digits, half away from zero, as the
    /// digits, the position of the point, and whether it was too close to a tie to say.
    func rounded(significantDigits n: Int) -> (text: String, nearTie: Bool) {
        let negative = units < 0
        let magnitude = UInt128(units.magnitude)
        var integer = magnitude >> UInt128(Self.shift)
        var fraction = magnitude & ((1 << UInt128(Self.shift)) - 1)
        var digits: [Int] = integer == 0 ? [] : String(integer).map { Int(String($0))! }
        var point = digits.count
        while digits.count < n + 8 {
            fraction *= 10
            let d = Int(fraction >> UInt128(Self.shift))
            fraction &= (1 << UInt128(Self.shift)) - 1
            if digits.isEmpty && d == 0 { point -= 1; continue }
            digits.append(d)
        }
        integer = 0
        let tail = digits[n...]
        // Computed to about 1e-31: a tail of 49999… or 50000… could round either way.
        let nearTie = tail.prefix(6) == [4, 9, 9, 9, 9, 9][...] || tail.prefix(6) == [5, 0, 0, 0, 0, 0][...]
        var kept = Array(digits[..<n])
        if digits[n] >= 5 {
            var i = n - 1
            while i >= 0 && kept[i] == 9 { kept[i] = 0; i -= 1 }
            if i >= 0 { kept[i] += 1 } else { kept.insert(1, at: 0); kept.removeLast(); point += 1 }
        }
        var text = kept.map(String.init).joined()
        if point <= 0 {
            text = "0." + String(repeating: "0", count: -point) + text
        } else if point < text.count {
            text.insert(".", at: text.index(text.startIndex, offsetBy: point))
        } else {
            text += String(repeating: "0", count: point - text.count)
        }
        return ((negative ? "-" : "") + text, nearTie)
    }
}

/// A threshold ln(2^k (1 − j/2^b)) derived from the format's parameters alone, by the
/// definitions of IEEE 754 overflow, rounding to zero and flushing.
private func expectedThreshold(_ format: FloatFormat, _ event: ExpRangeEvent,
                               _ rounding: RoundingMode, subnormals: Bool) -> (k: Int, j: Int128, b: Int)? {
    let p = format.precision, emin = format.minExponent
    let maxValue = format.toDouble(format.maxFiniteMagnitude)
    let k = format.maxExponent + 1
    // max = 2^k (1 − g) with g = 2^-p (IEEE) or 2^-(p-1) (no infinities); j/2^(p+1) form:
    let gap = Int128(Foundation.scalbn(1 - Foundation.scalbn(maxValue, -k), p + 1))
    switch event {
    case .overflow:
        switch rounding {
        case .nearestEven, .nearestAway: return (k, gap - 1, p + 1)  // max + ulp/2
        case .up, .stochastic: return (k, gap, p + 1)  // max
        case .towardZero, .down: return (k, gap - 2, p + 1)  // max + ulp
        // The odd neighbour: beyond max + ulp when max's last bit is odd (IEEE, fnuz, MX
        // FP6/FP4) or when there is no fraction bit (precision 1 truncates: every
        // significand is odd), beyond max when it is even (OCP E4M3, P3109 with fraction
        // bits: the next pattern is no finite value).
        case .odd:
            let truncates = format.fractionBitCount == 0 || format.maxFiniteMagnitude & 1 == 1
            return truncates ? (k, gap - 2, p + 1) : (k, gap, p + 1)
        }
    case .normal:
        return (emin, 0, 0)
    case .zero:
        let f = format.fractionBitCount
        if subnormals {
            switch rounding {
            case .nearestEven, .nearestAway: return (emin - f - 1, 0, 0)
            case .towardZero, .down, .stochastic: return (emin - f, 0, 0)
            case .up, .odd: return nil
            }
        }
        switch rounding {
        case .nearestEven, .nearestAway: return (emin, 1, p + 1)
        case .up: return (emin, 1, p)
        case .towardZero, .down, .stochastic, .odd: return (emin, 0, 0)
        }
    }
}

private func bits(_ text: String) -> UInt64 { UInt64(text.dropFirst(2), radix: 16)! }

@Suite("exp-range engine")
struct ExpRangeTests {
    static let formats = FloatFormat.named + [FloatFormat(exponentBitCount: 6, fractionBitCount: 9),
                                              FloatFormat(exponentBitCount: 3, fractionBitCount: 4)]
    static let optionSets: [ExpRangeOptions] = RoundingMode.allCases.flatMap { mode in
        [ExpRangeOptions(rounding: mode), ExpRangeOptions(rounding: mode, subnormals: false)]
    }

    @Test("thresholds are exact to every digit printed", arguments: Self.optionSets)
    func thresholdDigits(options: ExpRangeOptions) throws {
        let env = options.environment
        for format in Self.formats {
            for event in ExpRangeEvent.allCases {
                let threshold = format.threshold(event, env)
                guard let (k, j, b) = expectedThreshold(format, event, options.rounding, subnormals: options.subnormals) else {
                    #expect(threshold == nil, "\(format) \(event) \(options.rounding)")
                    continue
                }
                let t = try #require(threshold, "\(format) \(event)")
                let reference = Fixed110.logarithm(k: k, j: j, b: b)
                let digits = t.decimal.filter(\.isNumber).drop { $0 == "0" }.count
                #expect(digits >= 20 || reference.units == 0)
                if reference.units == 0 {
                    #expect(t.decimal == "0")
                    continue
                }
                let (text, nearTie) = reference.rounded(significantDigits: ExpRangeThreshold.significantDigits)
                #expect(!nearTie)
                #expect(t.decimal == text, "\(format) \(event) \(options.rounding) subnormals \(options.subnormals)")
                #expect(t.value == Double(t.decimal))
            }
        }
    }

    @Test("the representable bounds are the true neighbours of the thresholds", arguments: Self.optionSets)
    func boundsAreNeighbours(options: ExpRangeOptions) throws {
        for format in Self.formats {
            let row = ExpRange.row(for: format, options)
            #expect(row.format == format.name)
            #expect(row.entries.map(\.event) == ExpRangeEvent.allCases)
            for entry in row.entries {
                let bound = bits(entry.bound.argumentBits)
                let x = try #require(Fixed110(exactly: format.toDouble(bound)))
                let next = entry.neighbour.map { bits($0.argumentBits) }
                let beyond = next.map { format.toDouble($0) }
                let y = beyond.flatMap { $0.isFinite ? Fixed110(exactly: $0) : nil }
                #expect(entry.beyondRange == (beyond.map { !$0.isFinite } ?? true))
                guard let (k, j, b) = expectedThreshold(format, entry.event, options.rounding,
                                                         subnormals: options.subnormals) else {
                    // No threshold (zero under rounding up): the bound is the lowest finite value.
                    #expect(bound == format.maxFinite(negative: true))
                    continue
                }
                let t = Fixed110.logarithm(k: k, j: j, b: b)
                // Subnormal arguments read as zero when flushing: thresholds inside that
                // range (only in formats with 2 exponent bits) are not comparable.
                if !options.subnormals && format.exponentBitCount <= 2 { continue }
                switch entry.event {
                case .overflow:  // bound ≤ t < next
                    #expect(x <= t, "\(format) overflow bound")
                    if let y { #expect(t < y, "\(format) overflow next") }
                case .normal:  // next < t ≤ bound
                    #expect(t <= x, "\(format) normal bound")
                    if let y { #expect(y < t, "\(format) normal next") }
                case .zero:  // next ≤ t < bound
                    #expect(t < x, "\(format) zero bound")
                    if let y { #expect(y <= t, "\(format) zero next") }
                }
            }
        }
    }

    @Test("the emulated exp shows each event at the neighbour and not at the bound", arguments: RoundingMode.allCases.filter { $0 != .stochastic })
    func tableProvesItself(rounding: RoundingMode) {
        let options = ExpRangeOptions(rounding: rounding)
        for format in FloatFormat.named {
            let row = ExpRange.row(for: format, options)
            for entry in row.entries {
                var env = options.environment
                let atBound = format.exp(bits(entry.bound.argumentBits), &env)
                let boundFlags = env.flags
                guard let neighbour = entry.neighbour else { continue }
                env = options.environment
                let atNext = format.exp(bits(neighbour.argumentBits), &env)
                switch entry.event {
                case .overflow:
                    #expect(!boundFlags.contains(.overflow) && env.flags.contains(.overflow), "\(format)")
                    #expect(format.isFinite(atBound))
                case .zero:
                    #expect(!format.isZero(atBound), "\(format)")
                    #expect(format.isZero(atNext) || entry.beyondRange, "\(format)")
                case .normal:
                    var down = FloatEnvironment(rounding: .down)
                    #expect(format.isNormal(format.exp(bits(entry.bound.argumentBits), &down)), "\(format)")
                    #expect(!format.isNormal(format.exp(bits(neighbour.argumentBits), &down)), "\(format)")
                }
            }
        }
    }

    @Test("stochastic rounding: overflow is possible above ln(max), zero below ln(least subnormal)")
    func stochasticThresholds() {
        for format in [FloatFormat.fp32, .bf16, .fp8E4M3] {
            let s = ExpRange.row(for: format, ExpRangeOptions(rounding: .stochastic))
            let up = ExpRange.row(for: format, ExpRangeOptions(rounding: .up))
            let down = ExpRange.row(for: format, ExpRangeOptions(rounding: .down))
            #expect(s.entry(.overflow)?.threshold == up.entry(.overflow)?.threshold)
            #expect(s.entry(.overflow)?.bound.argumentBits == up.entry(.overflow)?.bound.argumentBits)
            #expect(s.entry(.zero)?.threshold == down.entry(.zero)?.threshold)
            #expect(s.entry(.zero)?.bound.argumentBits == down.entry(.zero)?.bound.argumentBits)
        }
    }

    @Test("the book's FP32 rule of thumb: exp(90) overflows, exp(-90) is subnormal")
    func ruleOfThumb() {
        let r = ExpRange.ruleOfThumb(ExpRangeOptions())
        #expect(r.atHigh.result == "inf" && r.atHigh.flags == ["overflow"])
        #expect(r.atLow.flags == ["underflow"])
        let low = Double(r.atLow.result)!
        #expect(low > 0 && low < Double(Float.leastNormalMagnitude))
        let sentence = ExpRangeRenderer.ruleOfThumbSentence(r)
        #expect(sentence.contains("exp(90) = inf") && sentence.contains("subnormal"))
    }

    @Test("every output format carries every entry")
    func renderings() throws {
        let table = ExpRange.table(formats: try ["fp32", "bf16", "e6m9"].map { try NumberFormat(name: $0) },
                                   ExpRangeOptions())
        #expect(table.rows.map(\.format) == ["fp32", "bf16", "e6m9"])
        let csv = ExpRangeRenderer.render(table, as: .csv).split(separator: "\n")
        #expect(csv.count == 1 + 9)
        #expect(Set(csv.map { $0.split(separator: ",", omittingEmptySubsequences: false).count }).count == 1)
        let markdown = ExpRangeRenderer.render(table, as: .markdown)
        #expect(markdown.split(separator: "\n").filter { $0.hasPrefix("| ") }.count == 1 + 9)
        let json = ExpRangeRenderer.render(table, as: .json)
        let decoded = try JSONDecoder().decode(ExpRangeTable.self, from: Data(json.utf8))
        #expect(decoded == table)
        let text = ExpRangeRenderer.render(table, as: .table)
        for row in table.rows {
            for entry in row.entries {
                #expect(text.contains(entry.threshold!.decimal))
                #expect(text.contains(entry.bound.argumentBits))
            }
        }
    }

    @Test("unknown format names are refused")
    func unknownName() {
        #expect(throws: FormatNameError(name: "fp12", accepted: .elementwise)) { try NumberFormat(name: "fp12") }
    }
}

/// A toy format for the protocol: the integers 1…255 (as the book's INT8 exercise), exp
/// rounded to the nearest integer and saturating with the overflow flag.
private struct TinyIntegers: ExpRangeSubject {
    var name: String { "int1-255" }
    var argumentPositions: ClosedRange<Int64> { 1...255 }
    func argument(at position: Int64) -> Int { Int(position) }
    func argumentBeyondFinite(upward: Bool) -> Int? { nil }
    func exp(_ x: Int, _ env: inout FloatEnvironment) -> Int {
        let y = Foundation.exp(Double(x))
        env.flags.insert(.inexact)
        if y >= 255.5 { env.flags.insert(.overflow); return 255 }
        return Int(y.rounded())
    }
    func isZeroResult(_ y: Int) -> Bool { y == 0 }
    func isNormalResult(_ y: Int) -> Bool? { nil }
    func decimal(_ x: Int) -> String { String(x) }
    func hexBits(_ x: Int) -> String { "0x" + String(x, radix: 16) }
    func threshold(_ event: ExpRangeEvent, _ env: FloatEnvironment) -> ExpRangeThreshold? {
        event == .overflow ? ExpRangeThreshold(ExactLogarithm(mantissa: 511, exponent: -1), definition: "ln(255.5)") : nil
    }
}

@Suite("exp-range subjects beyond binary floating point")
struct ExpRangeSubjectTests {
    @Test("a format with its own exp gets rows through the protocol")
    func toySubject() {
        let table = ExpRange.table(subjects: [TinyIntegers(), FloatFormat.fp8E4M3], ExpRangeOptions())
        let row = table.rows[0]
        #expect(row.entries.map(\.event) == [.overflow, .zero])  // no normal row
        let overflow = row.entry(.overflow)!
        #expect(overflow.bound.argument == "5" && overflow.neighbour?.argument == "6")  // e^5 = 148, e^6 = 403
        #expect(overflow.threshold?.decimal.hasPrefix("5.543") == true)
        #expect(row.entry(.zero)?.bound.argument == "1" && row.entry(.zero)?.neighbour == nil)
        #expect(ExpRangeRenderer.render(table, as: .table).contains("int1-255"))
    }
}
