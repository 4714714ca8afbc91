import Foundation
import Testing
import PrecisionLabCLI
import SoftFloat

@Suite("verify command")
struct VerifyCommandTests {
    struct Outcome {
        var status: ExitCode
        var out: String
        var err: String
        var outLines: [String] { out.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init) }
        var errLines: [String] { err.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init) }
    }

    /// Runs `precision-lab <arguments>` in-process with `input` as standard input.
    static func run(_ arguments: [String], input: [String] = []) -> Outcome {
        final class Buffers: @unchecked Sendable { var out = "", err = "", next = 0 }
        let buffers = Buffers()
        let io = CommandIO(out: { buffers.out += $0 }, err: { buffers.err += $0 }, readLine: {
            guard buffers.next < input.count else { return nil }
            defer { buffers.next += 1 }
            return input[buffers.next]
        })
        let status = PrecisionLab.run(arguments, io: io)
        return Outcome(status: status, out: buffers.out, err: buffers.err)
    }

    static func hex(_ v: UInt32) -> String {
        let t = String(v, radix: 16, uppercase: true)
        return String(repeating: "0", count: 8 - t.count) + t
    }

    /// `f32_mul` cases whose expected results come from the hardware (`Float`, round to
    /// nearest even) and whose inexact flag comes from the exact product in `Double`.
    /// Exponents stay small so nothing overflows or underflows.
    static func hardwareMultiplications(count: Int, seed: UInt64) -> [String] {
        var random = SplitMix64(seed: seed)
        func operand() -> Float {
            let sign: UInt32 = random.next() & 1 == 0 ? 0 : 1
            let exponent = UInt32(127 - 20 + Int(random.next() % 41))
            let fraction = UInt32(truncatingIfNeeded: random.next()) & 0x7F_FFFF
            return Float(bitPattern: sign << 31 | exponent << 23 | fraction)
        }
        return (0..<count).map { _ in
            let a = operand(), b = operand()
            let product = a * b
            let inexact = Double(product) != Double(a) * Double(b)
            return "\(hex(a.bitPattern)) \(hex(b.bitPattern)) \(hex(product.bitPattern)) \(inexact ? "01" : "00")"
        }
    }

    // MARK: - Passing and failing cases

    @Test func hardwareProductsAllPass() {
        let lines = Self.hardwareMultiplications(count: 2000, seed: 7)
        let outcome = Self.run(["verify", "f32_mul"], input: lines)
        #expect(outcome.status == .success)
        #expect(outcome.outLines == ["2000 passed, 0 failed"])
        #expect(outcome.err.isEmpty)
    }

    @Test func theReadmeExampleOfTestFloatPasses() {
        // From the TestFloat vectors' README: f16_add of 87FF and E850.
        let outcome = Self.run(["verify", "f16_add"], input: ["87FF E850 E850 01"])
        #expect(outcome.status == .success)
        #expect(outcome.outLines == ["1 passed, 0 failed"])
    }

    @Test func aWrongExpectedResultIsReportedAsAFailure() {
        // 1 + 1 = 2 exactly; the second line claims 1 + 1 = 3.
        let outcome = Self.run(["verify", "f32_add"], input: [
            "3F800000 3F800000 40000000 00",
            "3F800000 3F800000 40400000 00",
        ])
        #expect(outcome.status == .failure)
        #expect(outcome.outLines == [
            "line 2: 3F800000 3F800000 -> expected 40400000 flags 00 (none), got 40000000 flags 00 (none)",
            "1 passed, 1 failed",
        ])
        #expect(outcome.err.isEmpty)
    }

    @Test func wrongFlagsAloneAreAFailureAndNamed() {
        // 1 / 3 is inexact; the line claims no flags.
        let outcome = Self.run(["verify", "f32_div"], input: ["3F800000 40400000 3EAAAAAB 00"])
        #expect(outcome.status == .failure)
        #expect(outcome.outLines.first == "line 1: 3F800000 40400000 -> expected 3EAAAAAB flags 00 (none), got 3EAAAAAB flags 01 (inexact)")
    }

    @Test func maxErrorsLimitsThePrintedMismatches() {
        let wrong = Array(repeating: "3F800000 3F800000 40400000 00", count: 3)
        let outcome = Self.run(["verify", "f32_add", "--max-errors", "1"], input: wrong)
        #expect(outcome.status == .failure)
        #expect(outcome.outLines.count == 3)
        #expect(outcome.outLines[0].hasPrefix("line 1: "))
        #expect(outcome.outLines[1].contains("2 more mismatches not shown"))
        #expect(outcome.outLines[2] == "0 passed, 3 failed")
    }

    @Test func emptyInputIsAFailure() {
        let outcome = Self.run(["verify", "f32_add"], input: ["", "  "])
        #expect(outcome.status == .failure)
        #expect(outcome.outLines == ["0 passed, 0 failed"])
        #expect(outcome.errLines.count == 1)
        #expect(outcome.err.hasPrefix("error: no test cases"))
    }

    // MARK: - Rounding, tininess, exactness and NaNs

    /// 1/3 in binary32: ...AAAAAB to nearest, ...AAAAAA toward zero.
    static let thirdTowardZero = "3F800000 40400000 3EAAAAAA 01"

    @Test(arguments: [
        ["-rminMag"], ["--rounding", "minMag"], ["--rounding=towardZero"], ["--rounding", "rminMag"],
        ["-rmax", "--rounding", "minMag"],  // the last option wins, as in TestFloat
    ])
    func roundingSpellings(_ options: [String]) {
        let outcome = Self.run(["verify", "f32_div"] + options, input: [Self.thirdTowardZero])
        #expect(outcome.status == .success, "\(options): \(outcome.out)")
    }

    /// Round to odd, worked by hand: 1 + 2^-24 is a tie that nearest-even takes to 1 and odd
    /// to 1 + 2^-23; 2 × max does not reach infinity; 2^-127 + 2^-150 is a subnormal whose
    /// truncation, 2^22 units of 2^-149, is even.
    static let roundedToOdd = (function: "f32_add", cases: ["3F800000 33800000 3F800001 01",
                                                            "7F7FFFFF 7F7FFFFF 7F7FFFFF 05"])
    static let subnormalToOdd = "00800000 3F000001 00400001 03"

    @Test(arguments: [["-rodd"], ["--rounding", "odd"], ["--rounding=rodd"]])
    func roundToOdd(_ options: [String]) {
        let sums = Self.run(["verify", Self.roundedToOdd.function] + options, input: Self.roundedToOdd.cases)
        #expect(sums.status == .success, "\(options): \(sums.out)")
        #expect(sums.outLines.last == "2 passed, 0 failed")
        let product = Self.run(["verify", "f32_mul"] + options, input: [Self.subnormalToOdd])
        #expect(product.status == .success, "\(options): \(product.out)")
        // The same cases fail to nearest-even, so the option did change the mode.
        #expect(Self.run(["verify", Self.roundedToOdd.function, "-rnear_even"],
                         input: Self.roundedToOdd.cases).outLines.last == "0 passed, 2 failed")
    }

    @Test func theDefaultRoundingIsNearestEven() {
        #expect(Self.run(["verify", "f32_div"], input: [Self.thirdTowardZero]).status == .failure)
        #expect(Self.run(["verify", "f32_div"], input: ["3F800000 40400000 3EAAAAAB 01"]).status == .success)
    }

    /// 2^-14 − 2^-27 as an fp16 fused multiply-add: it rounds to the least normal number
    /// 2^-14, so it is tiny before rounding but not after.
    static let tinyOnlyBeforeRounding = ["8400 0800 0400 0400 01", "8400 0800 0400 0400 03"]

    @Test func tininessAfterRoundingIsTheDefault() {
        let after = Self.tinyOnlyBeforeRounding[0], before = Self.tinyOnlyBeforeRounding[1]
        #expect(Self.run(["verify", "f16_mulAdd"], input: [after]).status == .success)
        #expect(Self.run(["verify", "f16_mulAdd", "--tininess", "after"], input: [after]).status == .success)
        #expect(Self.run(["verify", "f16_mulAdd"], input: [before]).status == .failure)
    }

    @Test(arguments: [["-tininessbefore"], ["--tininess", "before"], ["--tininess=before"]])
    func tininessBeforeRounding(_ options: [String]) {
        let before = Self.tinyOnlyBeforeRounding[1]
        #expect(Self.run(["verify", "f16_mulAdd"] + options, input: [before]).status == .success)
    }

    @Test func exactnessFollowsTestFloatsDefaultOfNotExact() {
        // roundToInt(1.5) to nearest even is 2; inexact only under -exact.
        let notExact = "3FC00000 40000000 00", exact = "3FC00000 40000000 01"
        #expect(Self.run(["verify", "f32_roundToInt"], input: [notExact]).status == .success)
        #expect(Self.run(["verify", "f32_roundToInt", "-notexact"], input: [notExact]).status == .success)
        #expect(Self.run(["verify", "f32_roundToInt", "-exact"], input: [exact]).status == .success)
        #expect(Self.run(["verify", "f32_roundToInt", "--exact"], input: [exact]).status == .success)
        #expect(Self.run(["verify", "f32_roundToInt", "--exact"], input: [notExact]).status == .failure)
        // -2.5 to i32 toward zero is -2 (FFFFFFFE); inexact only under -exact.
        #expect(Self.run(["verify", "f32_to_i32_r_minMag"], input: ["C0200000 FFFFFFFE 00"]).status == .success)
        #expect(Self.run(["verify", "f32_to_i32_r_minMag", "-exact"], input: ["C0200000 FFFFFFFE 01"]).status == .success)
    }

    @Test func anExpectedNaNMatchesAnyNaNUnlessCheckNaNs() {
        // 0/0 is invalid; x86's default NaN is FFC00000.
        let otherNaN = "00000000 00000000 7FC00001 10"
        let defaultNaN = "00000000 00000000 FFC00000 10"
        #expect(Self.run(["verify", "f32_div"], input: [otherNaN]).status == .success)
        #expect(Self.run(["verify", "f32_div", "--check-nans"], input: [otherNaN]).status == .failure)
        #expect(Self.run(["verify", "f32_div", "--check-nans"], input: [defaultNaN]).status == .success)
        // A NaN expected never matches a number.
        #expect(Self.run(["verify", "f32_add"], input: ["3F800000 3F800000 7FC00000 00"]).status == .failure)
    }

    @Test func comparisonsAndIntegersUseTheirOwnWidths() {
        #expect(Self.run(["verify", "f64_lt"], input: ["3FF0000000000000 4000000000000000 1 00"]).status == .success)
        #expect(Self.run(["verify", "i32_to_f16"], input: ["FFFFFFFF BC00 00"]).status == .success)
        #expect(Self.run(["verify", "f16_to_ui64"], input: ["4000 0000000000000002 00"]).status == .success)
        #expect(Self.run(["verify", "f32_to_bf16"], input: ["3F800000 3F80 00"]).status == .success)
        // Lower-case hex and tabs are accepted.
        #expect(Self.run(["verify", "f32_add"], input: ["3f800000\t3f800000 40000000 0"]).status == .success)
    }

    // MARK: - Input files

    @Test func readsCasesFromAFile() throws {
        let path = FileManager.default.temporaryDirectory
            .appendingPathComponent("verify-\(getpid())-\(UInt32.random(in: 0...UInt32.max)).txt").path
        try Self.hardwareMultiplications(count: 100, seed: 3).joined(separator: "\n")
            .write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let outcome = Self.run(["verify", "f32_mul", "--input", path])
        #expect(outcome.status == .success)
        #expect(outcome.outLines == ["100 passed, 0 failed"])
    }

    // Needs the shared TestFloat vectors; skipped where they are absent.
    @Test(.enabled(if: TestFloatConformanceTests.vectorsPresent, "TestFloat vectors absent"))
    func readsAGzipVectorFileEndToEnd() throws {
        let path = TestFloatConformanceTests.folder + "/f16_sqrt.rmax.tv.gz"
        let outcome = Self.run(["verify", "f16_sqrt", "-rmax", "--input", path])
        #expect(outcome.status == .success)
        let summary = try #require(outcome.outLines.last)
        #expect(summary.hasSuffix(" passed, 0 failed") && !summary.hasPrefix("0 "), "\(summary)")
        // The same file under another rounding mode disagrees somewhere.
        #expect(Self.run(["verify", "f16_sqrt", "-rmin", "--input", path]).status == .failure)
    }

    @Test func aMissingInputFileIsOneErrorLineNamingIt() {
        let outcome = Self.run(["verify", "f32_mul", "--input", "/nonexistent/cases.tv.gz"])
        #expect(outcome.status == .failure)
        #expect(outcome.errLines == ["error: cannot open '/nonexistent/cases.tv.gz': no such file"])
    }

    // MARK: - Bad input: one line `error: ...`, exit status 64

    @Test(arguments: [
        (["verify", "f32_frobnicate"], [String](), "f32_frobnicate"),
        (["verify"], [], "missing the function"),
        (["verify", "f32_add", "f32_mul"], [], "unexpected argument 'f32_mul'"),
        (["verify", "f32_add", "--bogus"], [], "unknown option '--bogus'"),
        (["verify", "f32_add", "-rsideways"], [], "unknown option '-rsideways'"),
        (["verify", "f32_add", "--rounding", "sideways"], [], "unknown rounding mode 'sideways'"),
        (["verify", "f32_add", "--rounding", "stochastic"], [], "stochastic"),
        (["verify", "f32_add", "--rounding"], [], "--rounding needs a value"),
        (["verify", "f32_add", "--tininess", "during"], [], "during"),
        (["verify", "f32_add", "--max-errors", "-3"], [], "--max-errors"),
        (["verify", "f16_add"], ["87FF E850 E850 01", "87FG E850 E850 01"], "line 2: operand 1 '87FG' is not a hexadecimal number"),
        (["verify", "f16_add"], ["87FF E850 E850"], "line 1: expected 4 hex numbers for f16_add (2 operands, result, flags), found 3"),
        (["verify", "f16_sqrt"], ["3C00 3C00 00 00"], "line 1: expected 3 hex numbers for f16_sqrt (1 operand, result, flags), found 4"),
        (["verify", "f16_add"], ["87FF 1E850 E850 01"], "line 1: operand 2 '1E850' does not fit in 16 bits"),
        (["verify", "f16_add"], ["87FF E850 E850 20"], "line 1: flags '20' has bits beyond the five exception flags"),
        (["verify", "f16_add"], ["87FF E850 E8-0 01"], "line 1: result 'E8-0' is not a hexadecimal number"),
        (["verify", "f64_add"], ["1 2 100000000000000003 00"], "line 1: result '100000000000000003' does not fit in 64 bits"),
        (["verify", "f16_add"], ["3C00 3C00 3C00 4000 00"], "line 1: expected 4 hex numbers for f16_add (2 operands, result, flags), found 5"),
        (["verify", "f16_add"], ["3C00 3C00 4000 00", "3C00 3C00"], "line 2: expected 4 hex numbers for f16_add (2 operands, result, flags), found 2"),
        (["verify", "f16_add"], ["3C00 3C00 4000 00", "prefix 3C00 4000 00"], "line 2: operand 1 'prefix' is not a hexadecimal number"),
    ] as [([String], [String], String)])
    func badInputIsAUsageError(_ arguments: [String], _ input: [String], _ message: String) {
        let outcome = Self.run(arguments, input: input)
        #expect(outcome.status == .usage)
        #expect(outcome.errLines.count == 1, "\(outcome.err)")
        #expect(outcome.err.hasPrefix("error: "))
        #expect(outcome.err.contains(message), "\(outcome.err)")
    }

    // MARK: - Help

    @Test func helpIsTheGoldenText() {
        let outcome = Self.run(["verify", "--help"])
        #expect(outcome.status == .success)
        #expect(outcome.out == Self.goldenHelp + "\n")
    }

    static let goldenHelp = """
        usage: precision-lab verify <function> [options] < cases

        Checks this library's arithmetic against Berkeley TestFloat. Reads the lines
        that 'testfloat_gen <function>' writes (operands, expected result and expected
        flags, in hex), computes every case, and compares result bits and exception
        flags. Prints the first mismatches, then 'N passed, M failed'.

          testfloat_gen -rminMag f32_mul | precision-lab verify f32_mul -rminMag
          precision-lab verify f16_sqrt --rounding max --input f16_sqrt.rmax.tv.gz

        A first line that is not made of hex numbers (the text of testfloat_gen's
        -prefix) is skipped. When an option is repeated, the last one wins, as in
        TestFloat (the other commands refuse a repeated option).

        options:
          --rounding MODE   near_even (default), near_maxMag, minMag, min, max or odd
                            (or nearestEven, nearestAway, towardZero, down, up);
                            TestFloat's -rnear_even -rnear_maxMag -rminMag -rmin -rmax
                            -rodd
          --tininess WHEN   underflow tininess detected 'after' rounding (default) or
                            'before'; TestFloat's -tininessafter -tininessbefore
          --exact           rounding to an integer raises inexact (TestFloat's -exact);
                            the default is TestFloat's -notexact
          --check-nans      an expected NaN must match bit for bit (default: any NaN)
          --max-errors N    print at most N mismatches (default 10)
          --input FILE      read the cases from FILE, gzip-compressed or plain,
                            instead of standard input

        functions (TestFloat's names):
          f16_, f32_, f64_ with add sub mul mulAdd div rem sqrt roundToInt
                                eq le lt eq_signaling le_quiet lt_quiet
          conversions among f16 f32 f64, and f32_to_bf16, bf16_to_f32
          to and from i32 i64 ui32 ui64: i32_to_f16, f64_to_ui64, f32_to_i32_r_minMag

        Exit status: 0 every case passed, 1 a case failed or the input had no case,
        64 bad usage or a malformed line.
        """

    @Test func everyListedFunctionNameIsAccepted() {
        for name in TestFloatFunction.allNames {
            #expect(throws: Never.self, "\(name)") { try TestFloatFunction(name: name) }
        }
        #expect(TestFloatFunction.allNames.count == Set(TestFloatFunction.allNames).count)
    }
}
