import Foundation
import Testing
import PrecisionLabCLI
import SoftFloat

/// ln 2 to 40 decimal places, as published in OEIS A002162 (https://oeis.org/A002162).
private let ln2Digits = "6931471805599453094172321214581765680755"

/// k × ln 2 rounded to `n` significant digits, by exact decimal multiplication of the
/// published digits (which carry far more digits than needed).
private func ln2Multiple(_ k: Int, significantDigits n: Int) -> String {
    // digits of |k| × 0.6931… as an integer string with 40 implied decimals
    var product: [Int] = []
    var carry = 0
    for d in ln2Digits.reversed().map({ Int(String($0))! }) {
        let v = d * abs(k) + carry
        product.append(v % 10)
        carry = v / 10
    }
    while carry > 0 { product.append(carry % 10); carry /= 10 }
    var digits = Array(product.reversed())
    var point = digits.count - ln2Digits.count  // digits before the decimal point
    while digits.first == 0 { digits.removeFirst(); point -= 1 }
    var kept = Array(digits[..<n])
    if digits[n] >= 5 {
        var i = n - 1
        while kept[i] == 9 { kept[i] = 0; i -= 1 }
        kept[i] += 1
    }
    var text = kept.map(String.init).joined()
    text.insert(".", at: text.index(text.startIndex, offsetBy: point))
    return (k < 0 ? "-" : "") + text
}

@Suite("exp-range command")
struct ExpRangeCommandTests {
    static func run(_ arguments: [String]) -> (status: ExitCode, out: String, err: String) {
        final class Buffers: @unchecked Sendable { var out = "", err = "" }
        let buffers = Buffers()
        let io = CommandIO(out: { buffers.out += $0 }, err: { buffers.err += $0 }, readLine: { nil })
        let status = PrecisionLab.run(["exp-range"] + arguments, io: io)
        return (status, buffers.out, buffers.err)
    }

    /// The table's lines for one format (its first line starts with the name).
    static func lines(of format: String, _ out: String) -> [Substring] {
        let all = out.split(separator: "\n")
        guard let start = all.firstIndex(where: { $0.hasPrefix(format + " ") }) else { return [] }
        return Array(all[start..<min(all.count, start + 3)])
    }

    @Test("with no options: the seven binary formats, three events each, INT8 and lns8, and the FP32 rule of thumb")
    func defaultTable() {
        let (status, out, err) = Self.run([])
        #expect(status == .success)
        #expect(err.isEmpty)
        for name in ["fp64", "fp32", "tf32", "bf16", "fp16", "fp8-e5m2", "fp8-e4m3"] {
            let rows = Self.lines(of: name, out)
            #expect(rows.count == 3, "\(name)")
            let events = rows.compactMap { $0.split(separator: " ").first { ["overflow", "normal", "zero"].contains($0) } }
            #expect(events == ["overflow", "normal", "zero"], "\(name)")
        }
        #expect(out.split(separator: "\n").contains { $0.hasPrefix("int8 ") && $0.contains("overflow") })
        #expect(Self.lines(of: "lns8", out).count == 3)
        #expect(out.contains("Rule of thumb for FP32"))
        #expect(out.contains("exp(90) = inf (overflow)"))
        #expect(out.contains("exp(-90) = ") && out.contains("subnormal"))
    }

    @Test("thresholds that are multiples of ln 2 agree with the published digits of ln 2")
    func multiplesOfLn2() {
        let (_, nearest, _) = Self.run(["--formats", "fp32"])
        #expect(nearest.contains(ln2Multiple(-126, significantDigits: 22)))  // normal: ln 2^-126
        #expect(nearest.contains(ln2Multiple(-150, significantDigits: 22)))  // zero: ln 2^-150
        let (_, towardZero, _) = Self.run(["--formats", "fp32", "--rounding", "towardZero"])
        #expect(towardZero.contains(ln2Multiple(128, significantDigits: 22)))  // overflow: ln 2^128
        #expect(towardZero.contains(ln2Multiple(-149, significantDigits: 22)))  // zero: ln 2^-149
        let (_, flushed, _) = Self.run(["--formats", "bf16", "--no-subnormals", "--rounding", "down"])
        #expect(Self.lines(of: "bf16", flushed).last?.contains(ln2Multiple(-126, significantDigits: 22)) == true)
    }

    @Test("--formats chooses the rows, custom widths included")
    func chosenFormats() {
        let (status, out, err) = Self.run(["--formats", "bf16,fp16,e6m9"])
        #expect(status == .success && err.isEmpty)
        #expect(Self.lines(of: "bf16", out).count == 3)
        #expect(Self.lines(of: "fp16", out).count == 3)
        #expect(Self.lines(of: "e6m9", out).count == 3)
        #expect(Self.lines(of: "fp32", out).isEmpty)
    }

    @Test("--formats int8,lns8-f3: the 8-bit rows, INT8 without a normal row")
    func eightBitFormats() throws {
        let (status, out, err) = Self.run(["--formats", "int8,lns8-f3"])
        #expect(status == .success && err.isEmpty)
        let all = out.split(separator: "\n")
        let int8 = try #require(all.firstIndex { $0.hasPrefix("int8 ") })
        #expect(all[int8].contains("overflow") && all[int8].contains("ln(255.5)"))
        #expect(all[int8 + 1].contains("zero") && all[int8 + 1].contains("ln(0.5)"))
        let lns = Self.lines(of: "lns8-f3", out)
        #expect(lns.count == 3)
        #expect(lns.map { $0.contains("(overflow)") || $0.contains("(underflow)") } == [true, true, true])
        #expect(out.contains("overflow saturates to the largest value"))
        let (jsonStatus, json, _) = Self.run(["--formats", "int8,lns8", "--format", "json", "--rounding", "down"])
        #expect(jsonStatus == .success)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        let rows = try #require(object["rows"] as? [[String: Any]])
        #expect(rows.compactMap { ($0["entries"] as? [Any])?.count } == [2, 3])
        let (bad, badOut, badErr) = Self.run(["--formats", "lns8-f9"])
        #expect(bad == .usage && badOut.isEmpty && badErr.hasPrefix("error: "))
        #expect(badErr.contains("lns8-fN (N = 0...6)"))
    }

    @Test("--format json, csv and markdown")
    func outputFormats() throws {
        let (s1, json, _) = Self.run(["--formats", "fp16,fp8-e4m3", "--format", "json"])
        #expect(s1 == .success)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        let rows = try #require(object["rows"] as? [[String: Any]])
        #expect(rows.compactMap { $0["format"] as? String } == ["fp16", "fp8-e4m3"])
        #expect(rows.allSatisfy { ($0["entries"] as? [Any])?.count == 3 })

        let (s2, csv, _) = Self.run(["--formats", "fp16,fp8-e4m3", "--format", "csv", "--rounding", "up"])
        #expect(s2 == .success)
        let lines = csv.split(separator: "\n")
        #expect(lines.count == 7)
        #expect(lines[0].hasPrefix("format,rounding,subnormals,saturates,event,threshold"))
        #expect(lines.dropFirst().allSatisfy { $0.contains(",up,true,false,") })

        let (s3, markdown, _) = Self.run(["--formats", "fp16", "--format", "markdown"])
        #expect(s3 == .success)
        #expect(markdown.contains("| format | event | threshold x |"))
        #expect(markdown.split(separator: "\n").filter { $0.hasPrefix("| fp16 |") }.count == 3)
    }

    @Test("--saturate and fp8-e4m3: overflow gives the largest finite value, not NaN")
    func saturation() {
        let (_, plain, _) = Self.run(["--formats", "fp8-e4m3"])
        #expect(Self.lines(of: "fp8-e4m3", plain).first?.contains("nan (overflow)") == true)
        let (_, saturated, _) = Self.run(["--formats", "fp8-e4m3", "--saturate"])
        #expect(Self.lines(of: "fp8-e4m3", saturated).first?.contains("448.0 (overflow)") == true)
    }

    @Test("bad options: one line on standard error and exit status 64",
          arguments: [["--formats", "fp12"], ["--formats", "bf16,,fp16"], ["--rounding", "sideways"],
                      ["--format", "xml"], ["--bogus"], ["--formats"], ["extra"]])
    func badOptions(arguments: [String]) {
        let (status, out, err) = Self.run(arguments)
        #expect(status == .usage)
        #expect(out.isEmpty)
        #expect(err.hasPrefix("error: ") && err.hasSuffix("\n") && err.dropLast().split(separator: "\n").count == 1,
                "\(err)")
    }

    /// The help text, golden.
    static let goldenUsage = """
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
          --formats LIST    comma-separated formats, by default every named binary
                            format (fp64 ... fp8-e4m3, ml_dtypes' fnuz, FP6 and FP4
                            types, binary8p1 ... binary8p7), int8, lns8;
                            any eXmY works too (X exponent bits 2...11, Y fraction
                            bits 1...52, IEEE-like; suffix fn for no infinities,
                            with Y >= 2), and lns8-fN
                            (N = 0...6), int8s, int8-sN (scale 2^-N)
          --rounding MODE   nearestEven (default), nearestAway, towardZero, up, down, odd,
                            stochastic; TestFloat's near_even, minMag, ... work too
          --no-subnormals   flush subnormal results (and arguments) to zero
          --saturate        overflow to the largest finite value instead of infinity
          --format F        table (default), markdown, json or csv

        Exit status: 0 success, 1 failure (cannot write the output), 64 bad usage.

        """

    @Test("--help prints the golden usage text")
    func help() {
        let (status, out, err) = Self.run(["--help"])
        #expect(status == .success)
        #expect(err.isEmpty)
        #expect(out == Self.goldenUsage)
    }
}
