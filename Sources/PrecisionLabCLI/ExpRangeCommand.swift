import Lab
import SoftFloat

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
    public static let usage = """
        usage: precision-lab exp-range [options]

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

        options:
          --formats LIST    comma-separated formats, by default
                            fp64,fp32,tf32,bf16,fp16,fp8-e5m2,fp8-e4m3,int8,lns8;
                            any eXmY works too (X exponent bits 2...11, Y fraction
                            bits 1...52, suffix fn for no infinities), and lns8-fN
                            (N = 0...6), int8s, int8-sN (scale 2^-N)
          --rounding MODE   nearestEven (default), nearestAway, towardZero, up, down,
                            stochastic; TestFloat's near_even, minMag, ... work too
          --no-subnormals   flush subnormal results (and arguments) to zero
          --saturate        overflow to the largest finite value instead of infinity
          --format F        table (default), markdown, json or csv

        Exit status: 0 success, 64 bad usage.
        """

    public var formats = ExpRange.defaultFormats
    public var options = ExpRangeOptions()
    public var output = ExpRangeOutputFormat.table

    public init(arguments: inout Arguments) throws {
        var formatNames: [String]?
        if let list = try arguments.option("--formats") {
            let names = list.split(separator: ",", omittingEmptySubsequences: false).map { Self.trimmed(String($0)) }
            guard !names.contains(where: \.isEmpty) else {
                throw UsageError("invalid value '\(list)' for --formats: expected a comma-separated list of formats")
            }
            formatNames = names
        }
        if let mode = try arguments.option(
            "--rounding", as: "a rounding mode (nearestEven, nearestAway, towardZero, up, down, stochastic)",
            RoundingMode.init(name:)) {
            options.rounding = mode
        }
        if arguments.flag("--no-subnormals") { options.subnormals = false }
        if arguments.flag("--saturate") { options.saturates = true }
        if let format = try arguments.option("--format", as: "table, markdown, json or csv",
                                             { ExpRangeOutputFormat(rawValue: $0.lowercased()) }) {
            output = format
        }
        if let formatNames {
            formats = try formatNames.map { name in
                do { return try NumberFormat(name: name) } catch { throw UsageError("\(error)") }
            }
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
