import Benchmarks
import DataFiles
import Experiments
import Reports
import SoftFloat
import Training
import TrainingArithmetic

/// `precision-lab exp-range`: where exp overflows, leaves the normal range and rounds to
/// zero, in every format.
///
///     precision-lab exp-range --formats bf16,fp16,e6m9 --rounding towardZero --format markdown
///
/// Edge cases: needs no data and no network; an unknown format name, rounding mode or
/// output format is a usage error (exit 64).
public struct ExpRangeCommand: Command {
    public static let name = "exp-range"
    public static let abstract = "Where exp overflows, underflows and rounds to zero, per format"
    public static let help = CommandHelp(
        usage: [[.text("[options]")]],
        discussion: """
            For each format, the real thresholds of exp to 22 significant digits:
              overflow  the x above which exp(x) overflows (infinity, NaN or saturation)
              normal    the x below which the exact exp(x) is below the least normal number
              zero      the x at or below which exp(x) rounds to zero
            and for each one the representable x nearest it on the safe side and the next x
            beyond it, with their bits and the emulated exp at both, so the table checks
            itself. Ends with what FP32 really does at the book's rule of thumb, [-90, 90].

              precision-lab exp-range
              precision-lab exp-range --formats bf16,fp16,e6m9 --rounding towardZero
              precision-lab exp-range --no-subnormals --format markdown
            """,
        epilogue: "Exit status: 0 success, 1 failure (cannot write the output), 64 bad usage.")

    public static let options: [CommandOption<ExpRangeCommand>] = [
        .value("--formats", "LIST", help: """
            comma-separated formats, by default every named binary
            format (fp64 ... fp8-e4m3, ml_dtypes' fnuz, FP6 and FP4
            types, binary8p1 ... binary8p7), int8, lns8;
            any eXmY works too (X exponent bits 2...11, Y fraction
            bits 1...52, IEEE-like; suffix fn for no infinities,
            with Y >= 2), and lns8-fN
            (N = 0...6), int8s, int8-sN (scale 2^-N)
            """, OptionValue<[String]>("a comma-separated list of formats") { list in
                let names = list.split(separator: ",", omittingEmptySubsequences: false).map { ExpRangeCommand.trimmed(String($0)) }
                return names.contains(where: \.isEmpty) ? nil : names
            }) { $0.formatNames = $1 },
        .value("--rounding", "MODE", help: """
            nearestEven (default), nearestAway, towardZero, up, down, odd,
            stochastic; TestFloat's near_even, minMag, ... work too
            """, .roundingMode) { $0.options.rounding = $1 },
        .flag("--no-subnormals", help: "flush subnormal results (and arguments) to zero") { $0.options.subnormals = false },
        .flag("--saturate", help: "overflow to the largest finite value instead of infinity") { $0.options.saturates = true },
        .value("--format", "F", help: "table (default), markdown, json or csv",
               OptionValue("table, markdown, json or csv") { ExpRangeOutputFormat(rawValue: $0.lowercased()) }) {
            $0.output = $1
        },
    ]

    /// The names given with `--formats`, parsed once the options are read.
    public var formatNames: [String]?
    public var formats = ExpRange.defaultFormats
    public var options = ExpRangeOptions()
    public var output = ExpRangeOutputFormat.table

    public init() {}

    public mutating func readArguments(_ arguments: inout Arguments) throws {
        guard let formatNames else { return }
        formats = try formatNames.map { name in
            do { return try NumberFormat(name: name) } catch { throw UsageError("\(error)") }
        }
    }

    public func run(_ io: CommandIO) throws -> ExitCode {
        let table = ExpRange.table(formats: formats, options)
        io.write(ExpRangeRenderer.render(table, as: output))
        return .success
    }

    static func trimmed(_ text: String) -> String {
        var s = Substring(text)
        while s.first == " " { s = s.dropFirst() }
        while s.last == " " { s = s.dropLast() }
        return String(s)
    }
}
