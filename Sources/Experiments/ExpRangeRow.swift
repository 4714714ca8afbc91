import SoftFloat
import TrainingArithmetic

/// A real threshold of the exp-range table: where, between two representable arguments,
/// `exp` changes what it returns.
///
///     ExpRangeThreshold(ExactLogarithm(mantissa: 1 << 25 - 1, exponent: 103), definition: "ln(max + ulp/2)")
///     // decimal "88.72283908187067677362", value 88.72283908187067
///
/// Edge cases: a threshold of exactly zero prints as "0".
public struct ExpRangeThreshold: Sendable, Equatable, Decodable {
    /// The threshold correctly rounded to `ExpRangeThreshold.significantDigits` digits.
    public var decimal: String
    /// The nearest `Double`.
    public var value: Double
    /// How it is defined, e.g. `ln(max + ulp/2)`.
    public var definition: String

    /// Digits printed for every threshold.
    public static let significantDigits = 22

    public init(decimal: String, value: Double, definition: String) {
        self.decimal = decimal
        self.value = value
        self.definition = definition
    }

    /// The threshold `ln` of an exact number (or multiple of ln 2).
    public init(_ logarithm: ExactLogarithm, definition: String) {
        self.init(decimal: logarithm.decimal(significantDigits: Self.significantDigits),
                  value: logarithm.doubleValue, definition: definition)
    }
}

/// One representable argument of the table with what the format's `exp` returns there.
public struct ExpRangeSample: Sendable, Equatable, Decodable {
    public var argument: String
    public var argumentBits: String
    public var result: String
    public var resultBits: String
    /// The exceptions raised, inexact left out (every result here but exp(±∞) is inexact).
    public var flags: [String]
}

/// One event of one format: the threshold, and the two arguments either side of it.
public struct ExpRangeEntry: Sendable, Equatable, Decodable {
    public var event: ExpRangeEvent
    /// Nil when the event cannot happen under these options.
    public var threshold: ExpRangeThreshold?
    /// The representable argument nearest the threshold on the safe side: the largest with
    /// no overflow, the smallest whose exp is normal, the smallest whose exp is nonzero.
    public var bound: ExpRangeSample
    /// The next argument outward, where the event happens; nil when there is none.
    public var neighbour: ExpRangeSample?
    /// Whether the threshold lies beyond the finite arguments.
    public var beyondRange: Bool
}

/// A format's rows of the exp-range table.
public struct ExpRangeRow: Sendable, Equatable, Decodable {
    public var format: String
    public var entries: [ExpRangeEntry]

    public init(format: String, entries: [ExpRangeEntry]) {
        self.format = format
        self.entries = entries
    }

    public func entry(_ event: ExpRangeEvent) -> ExpRangeEntry? {
        entries.first { $0.event == event }
    }
}

/// The options that move the thresholds.
public struct ExpRangeOptions: Sendable, Equatable, Decodable {
    public var rounding: RoundingMode
    public var subnormals: Bool
    public var saturates: Bool

    public init(rounding: RoundingMode = .nearestEven, subnormals: Bool = true, saturates: Bool = false) {
        self.rounding = rounding
        self.subnormals = subnormals
        self.saturates = saturates
    }

    /// The environment `exp` runs in (seed 0 for stochastic rounding).
    public var environment: FloatEnvironment {
        FloatEnvironment(rounding: rounding, subnormals: subnormals, saturates: saturates)
    }

    private enum CodingKeys: String, CodingKey { case rounding, subnormals, saturates }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let name = try c.decode(String.self, forKey: .rounding)
        guard let rounding = RoundingMode(name: name) else {
            throw DecodingError.dataCorruptedError(forKey: .rounding, in: c, debugDescription: "unknown rounding mode \(name)")
        }
        self.init(rounding: rounding, subnormals: try c.decode(Bool.self, forKey: .subnormals),
                  saturates: try c.decode(Bool.self, forKey: .saturates))
    }
}

/// What happens at the edges of the book's rule of thumb for FP32, exp on [−90, 90].
public struct ExpRangeRuleOfThumb: Sendable, Equatable, Decodable {
    public var low: Double
    public var high: Double
    /// exp(high) and exp(low) in fp32.
    public var atHigh: ExpRangeSample
    public var atLow: ExpRangeSample
    /// The fp32 row under the same options.
    public var fp32: ExpRangeRow
}

/// The whole table: its options, a row per format, and the rule-of-thumb comparison.
public struct ExpRangeTable: Sendable, Equatable, Decodable {
    public var options: ExpRangeOptions
    public var rows: [ExpRangeRow]
    public var ruleOfThumb: ExpRangeRuleOfThumb
}
