import SoftFloat
import TrainingArithmetic

/// The exp-range engine: for each format, where `exp` overflows, leaves the normal range
/// and rounds to zero — the real thresholds, and the representable arguments either side.
///
///     let table = ExpRange.table(formats: [.binary(.fp32), .binary(.bf16)], ExpRangeOptions(rounding: .towardZero))
///     table.rows[0].entry(.overflow)?.threshold?.decimal  // "88.72283911167299960541", ln 2^128
///
/// The thresholds come from the subject (for binary formats, correctly rounded logarithms
/// of the format's bounds); the representable bounds come from bisection over the
/// arguments with the subject's own correctly rounded `exp`, so each table row shows both
/// and checks one against the other. Printing is `ExpRangeRenderer`'s business.
///
/// Edge cases: under stochastic rounding a threshold marks where an event becomes
/// possible; the results shown are one draw (seed 0).
public enum ExpRange {
    /// The formats of the default table, in order: the named binary formats, then `int8`
    /// and `lns8`.
    public static let defaultFormats: [NumberFormat] = FloatFormat.named.map(NumberFormat.binary)
        + [.linear(.int8), .logarithmic(.lns8)]

    /// The book's rule of thumb for FP32: exp is safe on [−90, 90].
    public static let ruleOfThumbInterval = (low: -90.0, high: 90.0)

    /// The subject of a format: every kind of the registry is a row of the table (binary
    /// formats, `LogFormat`, `LinearInt8Format`).
    ///
    ///     ExpRange.subject(for: .logarithmic(.lns8)).name   // "lns8"
    public static func subject(for format: NumberFormat) -> any ExpRangeSubject {
        switch format {
        case let .binary(format): return format
        case let .logarithmic(format): return format
        case let .linear(format): return format
        case .scaled: preconditionFailure("exp-range takes elementwise formats: \(format.name) holds blocks")
        }
    }

    /// The table for formats of the registry.
    public static func table(formats: [NumberFormat], _ options: ExpRangeOptions) -> ExpRangeTable {
        table(subjects: formats.map(subject(for:)), options)
    }

    /// The table for any subjects.
    public static func table(subjects: [any ExpRangeSubject], _ options: ExpRangeOptions) -> ExpRangeTable {
        ExpRangeTable(options: options, rows: subjects.map { row(for: $0, options) },
                      ruleOfThumb: ruleOfThumb(options))
    }

    /// What fp32 really does at the edges of [−90, 90].
    public static func ruleOfThumb(_ options: ExpRangeOptions) -> ExpRangeRuleOfThumb {
        let fp32 = FloatFormat.fp32
        let (low, high) = ruleOfThumbInterval
        return ExpRangeRuleOfThumb(low: low, high: high,
                                   atHigh: sample(fp32, fp32.fromDouble(high), options.environment),
                                   atLow: sample(fp32, fp32.fromDouble(low), options.environment),
                                   fp32: row(for: fp32, options))
    }

    /// The three entries of one subject (two when it has no normal/subnormal distinction).
    public static func row<S: ExpRangeSubject>(for subject: S, _ options: ExpRangeOptions) -> ExpRangeRow {
        let env = options.environment
        let positions = subject.argumentPositions
        var entries: [ExpRangeEntry] = []

        // exp under a deterministic stand-in for stochastic rounding.
        func result(_ p: Int64, _ rounding: RoundingMode, subnormals: Bool) -> (S.Value, ExceptionFlags) {
            var e = env
            e.rounding = rounding
            e.subnormals = subnormals
            let y = subject.exp(subject.argument(at: p), &e)
            return (y, e.flags)
        }
        func proxy(_ stochasticStandIn: RoundingMode) -> RoundingMode {
            env.rounding == .stochastic ? stochasticStandIn : env.rounding
        }

        // Overflow: the first argument that overflows; the bound is the one before.
        let overflowRounding = proxy(.up)
        let firstOverflow = firstPosition(in: positions) {
            result($0, overflowRounding, subnormals: env.subnormals).1.contains(.overflow)
        }
        entries.append(entry(.overflow, subject, env,
                             bound: firstOverflow.map { $0 - 1 } ?? positions.upperBound,
                             neighbour: firstOverflow, upward: true))

        // Normal: the exact exp is at least 2^emin exactly when rounding it down is normal.
        var probe = FloatEnvironment()
        if subject.isNormalResult(subject.exp(subject.argument(at: positions.lowerBound), &probe)) != nil {
            let firstNormal = firstPosition(in: positions) {
                subject.isNormalResult(result($0, .down, subnormals: true).0) == true
            } ?? positions.upperBound
            entries.append(entry(.normal, subject, env, bound: firstNormal,
                                 neighbour: firstNormal > positions.lowerBound ? firstNormal - 1 : nil,
                                 upward: false))
        }

        // Zero: the first argument whose exp is not zero.
        let zeroRounding = proxy(.down)
        let firstNonzero = firstPosition(in: positions) {
            !subject.isZeroResult(result($0, zeroRounding, subnormals: env.subnormals).0)
        } ?? positions.upperBound
        entries.append(entry(.zero, subject, env, bound: firstNonzero,
                             neighbour: firstNonzero > positions.lowerBound ? firstNonzero - 1 : nil,
                             upward: false))
        return ExpRangeRow(format: subject.name, entries: entries)
    }

    /// An entry from the bound's position and its neighbour's (nil: beyond the finite
    /// arguments, on the side `upward` says).
    static func entry<S: ExpRangeSubject>(_ event: ExpRangeEvent, _ subject: S, _ env: FloatEnvironment,
                                          bound: Int64, neighbour: Int64?, upward: Bool) -> ExpRangeEntry {
        let beyond = subject.argumentBeyondFinite(upward: upward)
        let neighbourSample = neighbour.map { sample(subject, subject.argument(at: $0), env) }
            ?? beyond.map { sample(subject, $0, env) }
        return ExpRangeEntry(event: event, threshold: subject.threshold(event, env),
                             bound: sample(subject, subject.argument(at: bound), env),
                             neighbour: neighbourSample, beyondRange: neighbour == nil)
    }

    /// An argument with its exp.
    static func sample<S: ExpRangeSubject>(_ subject: S, _ x: S.Value, _ env: FloatEnvironment) -> ExpRangeSample {
        var e = env
        let y = subject.exp(x, &e)
        let names: [(ExceptionFlags, String)] = [(.invalid, "invalid"), (.divideByZero, "divide-by-zero"),
                                                 (.overflow, "overflow"), (.underflow, "underflow")]
        return ExpRangeSample(argument: subject.decimal(x), argumentBits: subject.hexBits(x),
                              result: subject.decimal(y), resultBits: subject.hexBits(y),
                              flags: names.filter { e.flags.contains($0.0) }.map(\.1))
    }

    /// The least position where a monotone predicate (false, then true) holds; nil if none.
    static func firstPosition(in range: ClosedRange<Int64>, where holds: (Int64) -> Bool) -> Int64? {
        guard holds(range.upperBound) else { return nil }
        var low = range.lowerBound, high = range.upperBound  // holds(high)
        if holds(low) { return low }
        // The span of a 64-bit format's positions exceeds Int64: measure it unsigned.
        func span() -> UInt64 { UInt64(bitPattern: high) &- UInt64(bitPattern: low) }
        while span() > 1 {
            let mid = low &+ Int64(bitPattern: span() / 2)
            if holds(mid) { high = mid } else { low = mid }
        }
        return high
    }
}

