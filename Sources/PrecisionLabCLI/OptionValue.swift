import Foundation
import SoftFloat
import Training

/// How the text of an option's value becomes a value, in the manner of swift-argument-parser's
/// `ExpressibleByArgument`: what is expected, and the parse.
///
///     try OptionValue<Int>.positiveInteger.value(of: "3", for: "--batch")    // 3
///     try OptionValue<Int>.positiveInteger.value(of: "0", for: "--batch")
///     // UsageError: invalid value '0' for --batch: expected a positive integer
///
/// Edge cases: a parse that returns nil gives the usage error above; a parse may throw its
/// own `UsageError` instead, for a message that says more.
public struct OptionValue<Value>: Sendable {
    /// What the error says was expected, e.g. `a positive integer`.
    public let expected: String
    let parse: @Sendable (_ text: String, _ option: String) throws -> Value?

    /// A parse of the text alone.
    public init(_ expected: String, _ parse: @escaping @Sendable (_ text: String) throws -> Value?) {
        self.expected = expected
        self.parse = { text, _ in try parse(text) }
    }

    /// A parse that names the option in its own errors.
    public init(_ expected: String, naming parse: @escaping @Sendable (_ text: String, _ option: String) throws -> Value?) {
        self.expected = expected
        self.parse = parse
    }

    /// The value `text` stands for.
    /// - Parameters:
    ///   - text: the word given for the option.
    ///   - option: the option's name, for the error.
    public func value(of text: String, for option: String) throws -> Value {
        guard let value = try parse(text, option) else {
            throw UsageError("invalid value \(Echo.quoted(text)) for \(option): expected \(expected)")
        }
        return value
    }
}

extension OptionValue where Value == String {
    /// Any word: a path, a name checked later.
    public static var text: Self { OptionValue("a value") { $0 } }
}

extension OptionValue where Value == Int {
    /// 1, 2, 3, ...
    public static var positiveInteger: Self {
        OptionValue("a positive integer") { Int($0).flatMap { $0 > 0 ? $0 : nil } }
    }
}

extension OptionValue where Value == Int {
    /// An integer within `range`, e.g. `--elements` from 1 to 2^24.
    ///
    ///     try OptionValue<Int>.integer(in: 1...256).value(of: "1000", for: "--threads")
    ///     // UsageError: invalid value '1000' for --threads: expected an integer from 1 to 256
    public static func integer(in range: ClosedRange<Int>, _ expected: String? = nil) -> Self {
        OptionValue(expected ?? "an integer from \(range.lowerBound) to \(range.upperBound)") { text in
            Int(text).flatMap { range.contains($0) ? $0 : nil }
        }
    }

    /// Worker threads: 1 to `TrainingConfiguration.maximumThreads` (256).
    public static var threads: Self { integer(in: 1...TrainingConfiguration.maximumThreads, "a number of threads "
                                                  + "from 1 to \(TrainingConfiguration.maximumThreads)") }

    /// The threads a command uses when `--threads` is not given: every core, at most
    /// `TrainingConfiguration.maximumThreads`.
    public static var defaultThreads: Int {
        min(ProcessInfo.processInfo.activeProcessorCount, TrainingConfiguration.maximumThreads)
    }

    /// The most epochs a run accepts.
    public static let maximumEpochs = 100_000
}

extension OptionValue where Value == UInt64 {
    /// A seed: any 64-bit unsigned integer.
    public static var seed: Self { OptionValue("an integer from 0 to 2^64-1") { UInt64($0) } }
}

extension OptionValue where Value == RoundingMode {
    /// A rounding mode by any of its names (`nearestEven`, TestFloat's `near_even`, ...).
    public static var roundingMode: Self {
        OptionValue("a rounding mode (nearestEven, nearestAway, towardZero, up, down, odd, stochastic)",
                    RoundingMode.init(name:))
    }
}

extension OptionValue where Value == Tininess {
    /// `before` or `after` (rounding), in any case.
    public static var tininess: Self {
        OptionValue("before or after") { text in
            switch text.lowercased() {
            case "before", "beforerounding": return .beforeRounding
            case "after", "afterrounding": return .afterRounding
            default: return nil
            }
        }
    }
}
