import Benchmarks
import DataFiles
import Experiments
import Reports
import SoftFloat
import Training
import TrainingArithmetic

/// `precision-lab verify <function>`: checks the arithmetic against Berkeley TestFloat's
/// `testfloat_gen` output.
///
///     testfloat_gen -rminMag f32_mul | precision-lab verify f32_mul --rounding minMag
///
/// Edge cases: TestFloat's own option spellings (`-rminMag`, `-tininessbefore`, `-exact`)
/// are accepted, and when options contradict each other the last one wins, as in
/// TestFloat; empty input is a failure (exit 1), so a generator that wrote nothing does
/// not pass; a first line that is not a case (`testfloat_gen -prefix TEXT`) is skipped.
public struct VerifyCommand: Command {
    public static let name = "verify"
    public static let abstract = "Check results and flags against Berkeley TestFloat test cases"
    public static let help = CommandHelp(
        usage: [[.text("<function> [options] < cases")]],
        discussion: """
            Checks this library's arithmetic against Berkeley TestFloat. Reads the lines
            that 'testfloat_gen <function>' writes (operands, expected result and expected
            flags, in hex), computes every case, and compares result bits and exception
            flags. Prints the first mismatches, then 'N passed, M failed'.

              testfloat_gen -rminMag f32_mul | precision-lab verify f32_mul -rminMag
              precision-lab verify f16_sqrt --rounding max --input f16_sqrt.rmax.tv.gz

            A first line that is not made of hex numbers (the text of testfloat_gen's
            -prefix) is skipped. When an option is repeated, the last one wins, as in
            TestFloat (the other commands refuse a repeated option).
            """,
        epilogue: """
            functions (TestFloat's names):
              f16_, f32_, f64_ with add sub mul mulAdd div rem sqrt roundToInt
                                    eq le lt eq_signaling le_quiet lt_quiet
              conversions among f16 f32 f64, and f32_to_bf16, bf16_to_f32
              to and from i32 i64 ui32 ui64: i32_to_f16, f64_to_ui64, f32_to_i32_r_minMag

            Exit status: 0 every case passed, 1 a case failed or the input had no case,
            64 bad usage or a malformed line.
            """)

    /// The options, and TestFloat's own spellings of them (hidden).
    public static let options: [CommandOption<VerifyCommand>] = [
        .value("--rounding", "MODE", help: """
            near_even (default), near_maxMag, minMag, min, max or odd
            (or nearestEven, nearestAway, towardZero, down, up);
            TestFloat's -rnear_even -rnear_maxMag -rminMag -rmin -rmax
            -rodd
            """, OptionValue("a rounding mode") { text in
                guard let mode = RoundingMode(name: text) else {
                    throw UsageError("unknown rounding mode \(Echo.quoted(text)) (near_even, near_maxMag, minMag, min, max, odd)")
                }
                guard mode != .stochastic else {
                    throw UsageError("stochastic rounding has no TestFloat reference; choose near_even, near_maxMag, minMag, min, max or odd")
                }
                return mode
            }) { $0.rounding = $1 },
    ] + ["near_even", "near_maxMag", "minMag", "min", "max", "odd"].map { mode in
        .flag("-r" + mode, help: nil) { $0.rounding = RoundingMode(name: mode)! }
    } + [
        .value("--tininess", "WHEN", help: """
            underflow tininess detected 'after' rounding (default) or
            'before'; TestFloat's -tininessafter -tininessbefore
            """, .tininess) { $0.tininess = $1 },
        .flag("-tininessbefore", help: nil) { $0.tininess = .beforeRounding },
        .flag("-tininessafter", help: nil) { $0.tininess = .afterRounding },
        .flag("--exact", aliases: ["-exact"], help: """
            rounding to an integer raises inexact (TestFloat's -exact);
            the default is TestFloat's -notexact
            """) { $0.exact = true },
        .flag("--not-exact", aliases: ["--notexact", "-notexact"], help: nil) { $0.exact = false },
        .flag("--check-nans", help: "an expected NaN must match bit for bit (default: any NaN)") { $0.checkNaNs = true },
        .value("--max-errors", "N", help: "print at most N mismatches", default: "10",
               OptionValue("a non-negative integer") { Int($0).flatMap { $0 >= 0 ? $0 : nil } }) { $0.maxErrors = $1 },
        .value("--input", "FILE", help: """
            read the cases from FILE, gzip-compressed or plain,
            instead of standard input
            """, .text) { $0.input = $1 },
    ]

    public static let readsInOrder = true

    /// The function to check; nil only before the arguments are read.
    public var function: TestFloatFunction?
    public var rounding: RoundingMode = .nearestEven
    public var tininess: Tininess = .afterRounding
    public var exact = false
    public var checkNaNs = false
    public var maxErrors = 10
    public var input: String?
    var functionName: String?

    public init() {}

    public mutating func read(argument word: String) throws {
        if let first = functionName {
            throw UsageError("unexpected argument \(Echo.quoted(word)) (the function is already \(Echo.quoted(first)))")
        }
        functionName = word
    }

    public mutating func readArguments(_ arguments: inout Arguments) throws {
        guard let functionName else {
            throw UsageError("missing the function to verify, e.g. 'precision-lab verify f32_mul'")
        }
        do {
            function = try TestFloatFunction(name: functionName)
        } catch {
            throw UsageError("unknown function \(Echo.quoted(functionName)) (see 'precision-lab verify --help')")
        }
    }

    public func run(_ io: CommandIO) throws -> ExitCode {
        guard let function else { throw UsageError("missing the function to verify") }
        var verifier = TestFloatVerifier(function: function, rounding: rounding, tininess: tininess,
                                         exact: exact, checkNaNs: checkNaNs, keepingMismatches: maxErrors)
        var printed = 0
        func printNewMismatches() {
            while printed < verifier.mismatches.count {
                io.out(verifier.describe(verifier.mismatches[printed]))
                printed += 1
            }
        }
        let source: String
        do {
            if let input {
                source = "\(Echo.quoted(input))"
                let file = try GzipFile(path: input)
                var lineError: (any Error)?
                while try file.nextLineBytes({ bytes in
                    do { try verifier.check(line: bytes) } catch { lineError = error }
                }) {
                    if let lineError { throw lineError }
                    if verifier.failed > printed, printed < verifier.mismatches.count { printNewMismatches() }
                }
            } else {
                source = "standard input"
                while let line = io.readLine() {
                    try verifier.check(line: line)
                    if verifier.failed > printed, printed < verifier.mismatches.count { printNewMismatches() }
                }
            }
        } catch let error as TestFloatLineError {
            let place = input.map { "\(Echo.quoted($0)) " } ?? ""
            throw UsageError("\(place)\(error)")
        } catch let error as GzipFileError {
            throw RuntimeError(error.description)
        }
        printNewMismatches()
        let hidden = verifier.failed - printed
        if hidden > 0 {
            io.out("... \(hidden) more mismatch\(hidden == 1 ? "" : "es") not shown (--max-errors \(maxErrors))")
        }
        io.out(verifier.summary)
        if verifier.passed + verifier.failed == 0 {
            throw RuntimeError("no test cases in \(source)")
        }
        return verifier.failed == 0 ? .success : .failure
    }
}
