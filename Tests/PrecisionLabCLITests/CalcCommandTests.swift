import Testing
import PrecisionLabCLI
import SoftFloat

@Suite("calc command")
struct CalcCommandTests {
    static func run(_ arguments: [String]) -> (status: ExitCode, out: String, err: String) {
        final class Buffers: @unchecked Sendable { var out = "", err = "" }
        let buffers = Buffers()
        let io = CommandIO(out: { buffers.out += $0 }, err: { buffers.err += $0 }, readLine: { nil })
        let status = PrecisionLab.run(["calc"] + arguments, io: io)
        return (status, buffers.out, buffers.err)
    }

    /// The value after `label` (`value`, `bits`, `exact`, `class`, `flags`) in calc's output.
    static func field(_ label: String, _ out: String) -> String? {
        for line in out.split(separator: "\n") {
            let trimmed = line.drop(while: { $0 == " " })
            if trimmed.hasPrefix(label + " ") {
                return String(trimmed.dropFirst(label.count).drop(while: { $0 == " " }))
            }
        }
        return nil
    }

    static func hex<T: FixedWidthInteger>(_ v: T) -> String {
        let text = String(v, radix: 16, uppercase: true)
        return "0x" + String(repeating: "0", count: T.bitWidth / 4 - text.count) + text
    }

    // MARK: - Results

    @Test func oneThirdInBF16RoundedUp() {
        // 1/3 = 1.0101010|1010...b × 2^-2: the 8-bit significand 1.0101010 rounds up to
        // 1.0101011, i.e. 171/512. Its neighbours are 170/512 and 172/512, so three digits
        // (0.334) are the fewest that read back.
        let (status, out, err) = Self.run(["--format", "bf16", "--rounding", "up", "1", "/", "3"])
        #expect(status == .success)
        #expect(err.isEmpty)
        #expect(out == """
            bf16: 1 / 3, rounding up
              value    0.334
              bits     0x3EAB = 0 01111101 0101011
              exact    0.333984375
              class    positive normal
              flags    inexact

            """)
    }

    @Test func squareRootOfTwoInFP16MatchesFloat16() {
        let expected = Float16(2).squareRoot()
        let (status, out, _) = Self.run(["--format", "fp16", "sqrt", "2"])
        #expect(status == .success)
        #expect(Self.field("value", out) == expected.description)
        #expect(Self.field("bits", out)?.hasPrefix(Self.hex(expected.bitPattern)) == true)
        #expect(Self.field("flags", out) == "inexact")
    }

    @Test func fusedMultiplyAddInFP32() {
        let (status, out, _) = Self.run(["--format", "fp32", "fma", "1", "2", "3"])
        #expect(status == .success)
        #expect(Self.field("value", out) == "5.0")
        #expect(Self.field("exact", out) == "5")
        #expect(Self.field("flags", out) == "none")
    }

    @Test(arguments: ["+", "-", "x", "/"])
    func fp32AgreesWithTheHardware(_ symbol: String) {
        var random = SplitMix64(seed: 11)
        for _ in 0..<60 {
            let a = Float(bitPattern: UInt32(truncatingIfNeeded: random.next()))
            let b = Float(bitPattern: UInt32(truncatingIfNeeded: random.next()))
            guard a.isFinite, b.isFinite else { continue }
            let expected: Float
            switch symbol {
            case "+": expected = a + b
            case "-": expected = a - b
            case "x": expected = a * b
            default: expected = a / b
            }
            let (status, out, _) = Self.run(["--format", "fp32", Self.hex(a.bitPattern), symbol, Self.hex(b.bitPattern)])
            #expect(status == .success)
            let bits = Self.field("bits", out)
            if expected.isNaN {
                #expect(Self.field("class", out) == "quiet NaN")
            } else {
                #expect(bits?.hasPrefix(Self.hex(expected.bitPattern)) == true, "\(a) \(symbol) \(b)")
                #expect(Self.field("value", out) == expected.description, "\(a) \(symbol) \(b)")
            }
        }
    }

    @Test func decimalOperandsRoundLikeDoubleParsing() {
        // Swift's Double(String) is correctly rounded to nearest.
        for text in ["0.1", "1e23", "2.2250738585072011e-308", "-123.456", "4.9e-324"] {
            let (_, out, _) = Self.run(["--format", "fp64", text])
            #expect(Self.field("bits", out)?.hasPrefix(Self.hex(Double(text)!.bitPattern)) == true, "\(text)")
            #expect(Self.field("value", out) == Double(text)!.description, "\(text)")
        }
        let (_, out, _) = Self.run(["--format", "fp64", "0.1"])
        #expect(Self.field("exact", out) == "0.1000000000000000055511151231257827021181583404541015625")
        #expect(Self.field("flags", out) == "inexact")
    }

    @Test func operandsThatDoNotFitAreShownWithWhatTheyBecame() {
        let (status, out, _) = Self.run(["--format", "fp32", "0.1", "+", "0.2"])
        #expect(status == .success)
        let lines = out.split(separator: "\n")
        #expect(lines.contains { $0.hasPrefix("  operand  0.1 rounds to \(Self.hex(Float(0.1).bitPattern)) = ") && $0.hasSuffix("(inexact)") })
        #expect(lines.contains { $0.hasPrefix("  operand  0.2 rounds to \(Self.hex(Float(0.2).bitPattern)) = ") })
        #expect(Self.field("bits", out)?.hasPrefix(Self.hex((Float(0.1) + Float(0.2)).bitPattern)) == true)
        // Exact operands get no such line.
        #expect(!Self.run(["--format", "fp32", "1", "/", "3"]).out.contains("operand"))
    }

    @Test func bitPatternsAndHexadecimalValues() {
        #expect(Self.field("value", Self.run(["--format", "fp16", "--bits", "3C00", "+", "3C00"]).out) == "2.0")
        #expect(Self.field("value", Self.run(["--format", "fp16", "0x3C00", "+", "0x3C00"]).out) == "2.0")
        #expect(Self.field("value", Self.run(["--format", "fp32", "0x1.8p1"]).out) == "3.0")
        #expect(Self.field("class", Self.run(["--format", "fp16", "0x0001"]).out) == "positive subnormal")
        #expect(Self.field("class", Self.run(["--format", "fp16", "-0"]).out) == "negative zero")
    }

    @Test func exceptionalResultsAndTheirFlags() {
        func flags(_ words: [String]) -> String? { Self.field("flags", Self.run(["--format", "fp16"] + words).out) }
        func klass(_ words: [String]) -> String? { Self.field("class", Self.run(["--format", "fp16"] + words).out) }
        #expect(flags(["1", "/", "0"]) == "divide-by-zero")
        #expect(klass(["1", "/", "0"]) == "positive infinity")
        #expect(flags(["inf", "-", "inf"]) == "invalid")
        #expect(klass(["inf", "-", "inf"]) == "quiet NaN")
        #expect(klass(["-inf", "+", "-1"]) == "negative infinity")
        // 65504 is fp16's largest finite value.
        #expect(flags(["65504", "x", "2"]) == "overflow, inexact")
        #expect(klass(["65504", "x", "2"]) == "positive infinity")
        #expect(Self.field("value", Self.run(["--format", "fp16", "--saturate", "65504", "x", "2"]).out) == "65504.0")
        // Half the least subnormal ties to even: zero.
        #expect(flags(["0x0001", "x", "0.5"]) == "underflow, inexact")
        #expect(klass(["0x0001", "x", "0.5"]) == "positive zero")
        // IEEE remainder: 5 - 2 × 3.
        #expect(Self.field("value", Self.run(["--format", "fp16", "rem", "5", "3"]).out) == "-1.0")
        #expect(Self.field("value", Self.run(["--format", "fp16", "5", "rem", "3"]).out) == "-1.0")
    }

    @Test func fp8E4M3OverflowsToItsNaN() {
        // 0x7E is 448 (S.1111.110), the largest finite value; 0x40 is 2.
        let (status, out, _) = Self.run(["--format", "fp8-e4m3", "0x7E", "x", "0x40"])
        #expect(status == .success)
        #expect(Self.field("bits", out) == "0x7F = 0 1111 111")
        #expect(Self.field("flags", out) == "overflow, inexact")
    }

    @Test func stochasticRoundingIsReproducibleFromItsSeed() {
        let words = ["--format", "bf16", "--rounding", "stochastic", "--seed", "42", "1", "/", "3"]
        let first = Self.run(words), second = Self.run(words)
        #expect(first.status == .success)
        #expect(first.out == second.out)
        #expect(first.out.hasPrefix("bf16: 1 / 3, rounding stochastic (seed 42)\n"))
        // Either neighbour of 1/3, never anything else.
        let bits = Self.field("bits", first.out)?.prefix(6)
        #expect(bits == "0x3EAA" || bits == "0x3EAB")
    }

    // MARK: - Bad input: one line `error: ...`, exit status 64

    @Test(arguments: [
        (["--format", "fp17", "1"], "unknown format 'fp17'"),
        (["--format", "e12m3", "1"], "unknown format 'e12m3'"),
        (["sqrt", "1", "2"], "sqrt takes 1 operand, found 2"),
        (["fma", "1", "2"], "fma takes 3 operands, found 2"),
        (["rem", "1"], "rem takes 2 operands, found 1"),
        (["1", "+"], "'+' takes 2 operands"),
        (["1", "+", "2", "3"], "'+' takes 2 operands"),
        (["/", "3"], "'/' takes 2 operands"),
        (["1", "^", "2"], "unknown operation '^'"),
        (["abc", "+", "1"], "invalid number 'abc'"),
        (["1.5.2"], "invalid number '1.5.2'"),
        (["--format", "fp16", "0x10000", "+", "1"], "bit pattern '0x10000' does not fit in fp16's 16 bits"),
        (["--bits", "--format", "fp16", "3C0G"], "invalid bit pattern '3C0G'"),
        (["--bogus", "1"], "unknown option '--bogus'"),
        (["-tininess", "before", "1"], "unknown option '-tininess'"),
        (["--rounding", "sideways", "1"], "invalid value 'sideways' for --rounding"),
        (["--seed", "-1", "1"], "invalid value '-1' for --seed"),
        ([], "missing the calculation"),
    ] as [([String], String)])
    func badInputIsAUsageError(_ arguments: [String], _ message: String) {
        let (status, out, err) = Self.run(arguments)
        #expect(status == .usage)
        #expect(out.isEmpty)
        #expect(err.hasPrefix("error: "))
        #expect(err.filter { $0 == "\n" }.count == 1, "\(err)")
        #expect(err.contains(message), "\(err)")
    }

    // MARK: - Help

    @Test func helpIsTheGoldenText() {
        let (status, out, _) = Self.run(["--help"])
        #expect(status == .success)
        #expect(out == Self.goldenHelp + "\n")
    }

    static let goldenHelp = """
        usage: precision-lab calc [options] <a> <op> <b>
               precision-lab calc [options] sqrt <a>
               precision-lab calc [options] fma <a> <b> <c>
               precision-lab calc [options] <a>

        Computes one correctly rounded operation in a floating-point format and shows
        the result's shortest decimal, its bits, its exact decimal expansion, its
        class, and the exception flags raised. A lone operand is only rounded into
        the format. Operands that the format cannot hold exactly are listed with
        what they rounded to.

          precision-lab calc --format bf16 --rounding up 1 / 3
          precision-lab calc --format fp16 sqrt 2
          precision-lab calc --format fp32 fma 1 2 3
          precision-lab calc --format fp8-e4m3 0x7E x 0x40

        operations: + - * / and rem (also 'rem <a> <b>'), sqrt, and fma (a * b + c,
                    rounded once); quote '*' from the shell, or write x
        operands:   decimal (1.5, -2e-3), hexadecimal (0x1.8p1), inf, -inf, nan, or a
                    bit pattern of the format as unsigned hex digits (0x3F80)

        options:
          --format F        fp64, fp32 (default), tf32, bf16, fp16, fp8-e5m2, fp8-e4m3,
                            or eXmY (X exponent bits 2...11, Y fraction bits 1...52,
                            IEEE-like), eXmYfn (no infinities, Y >= 2); ml_dtypes' types
                            by name (float8_e4m3fnuz, float6_e2m3fn, float4_e2m1fn, ...)
                            or short name (fp8-e4m3fnuz, fp6-e2m3, fp4-e2m1, ...), and
                            IEEE P3109's binary8p1 ... binary8p7; a bit pattern is 0x
                            and hex digits, without a sign
          --rounding MODE   nearestEven (default), nearestAway, towardZero, up, down,
                            odd (truncate, then set the last bit if inexact),
                            stochastic; TestFloat's near_even, minMag, ... work too
          --seed N          the seed of stochastic rounding (default 0)
          --tininess WHEN   underflow detected 'after' rounding (default) or 'before'
          --flush           flush subnormal operands and results to zero
          --saturate        overflow to the largest finite value instead of infinity
          --bits            read every operand as a hex bit pattern (0x optional)

        Exit status: 0 success, 64 bad usage.
        """
}
