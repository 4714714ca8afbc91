import Foundation
import SoftFloat
import Testing
import Experiments
import TrainingArithmetic

/// The exp-range rows of the 8-bit formats, checked against thresholds derived from the
/// formats' definitions with `Fixed110` (published digits of ln 2), and against an
/// independent evaluation of exp in `Float80`.
@Suite("exp-range rows of lns8 and the linear INT8")
struct EightBitExpRangeTests {
    static let logFormats = (0...6).map { LogFormat(fractionBits: $0) }
    static let linearFormats = ["int8", "int8s", "int8-s4", "int8s-s3", "int8s-s7"].map { LinearInt8Format(name: $0)! }
    static let modes = RoundingMode.allCases

    /// The threshold of an lns8 event as a multiple n / 2^(F+1) of ln 2, from the definition
    /// of the format: largest L 63, least L −63, rounding in the log domain (half a step
    /// either side of a code) and, below the least value, in the linear domain.
    static func expectedHalfSteps(_ f: Int, _ event: ExpRangeEvent, _ rounding: RoundingMode) -> Int? {
        let step = 2  // one step of the log domain in half steps
        let largest = 63 * step, least = -63 * step
        switch (event, rounding) {
        case (.overflow, .nearestEven), (.overflow, .nearestAway): return largest + step / 2
        case (.overflow, .up), (.overflow, .stochastic): return largest
        case (.overflow, _): return largest + step
        case (.normal, _): return least
        case (.zero, .nearestEven), (.zero, .nearestAway): return least - (2 << f)  // least / 2: one log2 unit
        case (.zero, .up), (.zero, .odd): return nil  // odd never rounds a nonzero value to zero
        case (.zero, _): return least
        }
    }

    /// An INT8 threshold ln(2^k (1 − j/2^b)) from the largest code M and the scale 2^−N.
    static func expectedLinear(_ format: LinearInt8Format, _ event: ExpRangeEvent,
                               _ rounding: RoundingMode) -> (k: Int, j: Int128, b: Int)? {
        let m = format.signed ? 7 : 8  // M + 1 = 2^m
        let n = -Int(format.scale.exponent)
        switch (event, rounding) {
        case (.overflow, .nearestEven), (.overflow, .nearestAway): return (m - n, 1, m + 1)  // (M + 1/2) s
        case (.overflow, .up), (.overflow, .stochastic): return (m - n, 1, m)  // M s
        case (.overflow, _): return (m - n, 0, 0)  // (M + 1) s
        case (.normal, _): return nil
        case (.zero, .nearestEven), (.zero, .nearestAway): return (-n - 1, 0, 0)  // s / 2
        case (.zero, .up), (.zero, .odd): return nil  // odd never rounds a nonzero value to zero
        case (.zero, _): return (-n, 0, 0)  // s
        }
    }

    static func check(_ t: ExpRangeThreshold?, _ reference: Fixed110?, _ label: String) {
        guard let reference else {
            #expect(t == nil, "\(label)")
            return
        }
        guard let t else {
            Issue.record("missing threshold \(label)")
            return
        }
        if reference.units == 0 {
            #expect(t.decimal == "0", "\(label)")
            return
        }
        let (text, nearTie) = reference.rounded(significantDigits: ExpRangeThreshold.significantDigits)
        #expect(!nearTie)
        #expect(t.decimal == text, "\(label)")
        #expect(t.decimal.filter(\.isNumber).drop { $0 == "0" }.count >= 20, "\(label)")
        #expect(t.value == Double(t.decimal))
    }

    @Test("lns8 thresholds are exact to every digit printed, for every F and rounding mode", arguments: Self.modes)
    func logThresholds(rounding: RoundingMode) {
        let env = FloatEnvironment(rounding: rounding)
        for format in Self.logFormats {
            for event in ExpRangeEvent.allCases {
                let reference = Self.expectedHalfSteps(format.fractionBits, event, rounding).map {
                    Fixed110(units: Fixed110.ln2.units * Int128($0) / (Int128(1) << Int128(format.fractionBits + 1)))
                }
                Self.check(format.threshold(event, env), reference, "\(format.name) \(event) \(rounding)")
            }
        }
    }

    @Test("INT8 thresholds are exact to every digit printed, for every variant and rounding mode",
          arguments: Self.modes)
    func linearThresholds(rounding: RoundingMode) {
        let env = FloatEnvironment(rounding: rounding)
        for format in Self.linearFormats {
            for event in ExpRangeEvent.allCases {
                let reference = Self.expectedLinear(format, event, rounding).map { Fixed110.logarithm(k: $0.k, j: $0.j, b: $0.b) }
                Self.check(format.threshold(event, env), reference, "\(format.name) \(event) \(rounding)")
            }
        }
        // The exercise's INT8 to nearest: overflow above ln 255.5, zero at or below ln 0.5.
        let int8 = LinearInt8Format.int8
        if rounding == .nearestEven {
            #expect(int8.threshold(.overflow, env)?.decimal.hasPrefix("5.5432224096437591") == true)
            #expect(int8.threshold(.zero, env)?.decimal.hasPrefix("-0.69314718055994530941") == true)
        }
    }

    /// The row's samples and threshold must be ordered around the event.
    static func checkNeighbours<F: ExpRangeSubject & EightBitFormat>(_ format: F, _ rounding: RoundingMode)
        where F.Value == UInt8 {
        let options = ExpRangeOptions(rounding: rounding)
        let row = ExpRange.row(for: format, options)
        #expect(row.format == format.name)
        for entry in row.entries {
            let bound = UInt8(entry.bound.argumentBits.dropFirst(2), radix: 16)!
            let next = entry.neighbour.map { UInt8($0.argumentBits.dropFirst(2), radix: 16)! }
            #expect(entry.beyondRange == (next == nil))
            var env = options.environment
            if rounding == .stochastic { env.rounding = entry.event == .overflow ? .up : .down }
            func exp(_ x: UInt8) -> (UInt8, ExceptionFlags) {
                var e = env
                let y = format.exp(x, &e)
                return (y, e.flags)
            }
            let (atBound, boundFlags) = exp(bound)
            switch entry.event {
            case .overflow:
                #expect(!boundFlags.contains(.overflow), "\(format.name) \(rounding)")
                if let next { #expect(exp(next).1.contains(.overflow), "\(format.name) \(rounding)") }
            case .zero:
                #expect(!format.isZero(atBound), "\(format.name) \(rounding)")
                if let next { #expect(format.isZero(exp(next).0), "\(format.name) \(rounding)") }
            case .normal:
                var down = FloatEnvironment(rounding: .down)
                #expect(!format.isZero(format.exp(bound, &down)), "\(format.name) \(rounding)")
                if let next {
                    down = FloatEnvironment(rounding: .down)
                    #expect(format.isZero(format.exp(next, &down)), "\(format.name) \(rounding)")
                }
            }
            // The threshold lies between the two arguments (nearest Doubles of the codes: the
            // codes are at least 1% apart, far beyond the errors of the Doubles).
            guard let t = entry.threshold else {
                #expect(next == nil, "\(format.name) \(entry.event) \(rounding): no threshold, nothing beyond")
                continue
            }
            // Only x = 0, where exp is exactly 1, can sit on a threshold (ln 1 = 0): then the
            // exact value decides, so the event includes the threshold (int8s-s7 overflows
            // at 0 toward zero: 1 = 128 steps) or excludes it (int8s: exp(0) = 1 is not zero).
            let x = format.toDouble(bound)
            let y = next.map { format.toDouble($0) }
            switch entry.event {
            case .overflow:
                #expect(x < t.value, "\(format.name) overflow bound \(rounding)")
                if let y { #expect(t.value < y || (t.value == 0 && y == 0), "\(format.name) overflow next \(rounding)") }
            case .normal, .zero:
                #expect(t.value < x || (t.value == 0 && x == 0), "\(format.name) \(entry.event) bound \(rounding)")
                if let y { #expect(y < t.value, "\(format.name) \(entry.event) next \(rounding)") }
            }
            if entry.threshold != nil && next == nil {
                // Beyond the arguments: the bound is the extreme argument.
                let lowest = format.argument(at: format.argumentPositions.lowerBound)
                let highest = format.argument(at: format.argumentPositions.upperBound)
                #expect(bound == (entry.event == .overflow ? highest : lowest), "\(format.name) \(entry.event)")
            }
        }
    }

    @Test("lns8 bounds are the true neighbours of the thresholds", arguments: Self.modes)
    func logNeighbours(rounding: RoundingMode) {
        for format in Self.logFormats { Self.checkNeighbours(format, rounding) }
    }

    @Test("INT8 bounds are the true neighbours of the thresholds", arguments: Self.modes)
    func linearNeighbours(rounding: RoundingMode) {
        for format in Self.linearFormats { Self.checkNeighbours(format, rounding) }
    }

    @Test("the rows: lns8 has overflow, normal and zero; INT8 has overflow and zero")
    func rowShapes() throws {
        let table = ExpRange.table(formats: try ["int8", "lns8-f3", "int8s", "lns8"].map { try NumberFormat(name: $0) },
                                   ExpRangeOptions())
        #expect(table.rows.map(\.format) == ["int8", "lns8-f3", "int8s", "lns8"])
        #expect(table.rows.map { $0.entries.map(\.event) } == [[.overflow, .zero], [.overflow, .normal, .zero],
                                                                [.overflow, .zero], [.overflow, .normal, .zero]])
        let int8 = table.rows[0]
        // e^5 = 148.4 rounds to 148; e^6 = 403 saturates at 255.
        #expect(int8.entry(.overflow)?.bound.argument == "5.0" && int8.entry(.overflow)?.bound.result == "148.0")
        #expect(int8.entry(.overflow)?.neighbour?.result == "255.0"
                && int8.entry(.overflow)?.neighbour?.flags == ["overflow"])
        // Unsigned: no argument below 0, so exp never reaches zero.
        #expect(int8.entry(.zero)?.bound.argument == "0.0" && int8.entry(.zero)?.beyondRange == true)
        #expect(table.rows[2].entry(.zero)?.neighbour?.argument == "-1.0")
        #expect(ExpRange.defaultFormats.suffix(2).map(\.name) == ["int8", "lns8"])
        let text = ExpRangeRenderer.render(table, as: .table)
        #expect(text.contains("overflow saturates to the largest value"))
    }

    @Test("unknown 8-bit names are refused")
    func unknownNames() {
        for name in ["lns8-f7", "lns8-g2", "int8-x"] {
            #expect(throws: FormatNameError(name: name, accepted: .elementwise)) { try NumberFormat(name: name) }
            // A name that starts like an 8-bit one is answered with the 8-bit names alone.
            let message = FormatNameError(name: name, accepted: .elementwise).description
            #expect(message.contains("lns8-fN") && !message.contains("eXmY"))
        }
        let other = FormatNameError(name: "int9", accepted: .elementwise).description
        #expect(other.contains("eXmY") && other.contains("lns8-fN"))
    }
}
