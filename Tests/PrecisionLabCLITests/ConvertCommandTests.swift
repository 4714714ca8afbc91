import DataFiles
import Foundation
import Testing
import PrecisionLabCLI
import SoftFloat

/// `precision-lab convert`: codes of every small format read back, exact rounding of
/// decimal text, hand-computed blocks of each scaled kind, random scaled tensors through
/// encode → decode → encode, the stochastic counters, and malformed lines.
@Suite("convert command")
struct ConvertCommandTests {
    struct Outcome {
        var status: ExitCode
        var out: String
        var err: String
        /// The lines of standard output, without the last newline.
        var lines: [String] { out.isEmpty ? [] : out.dropLast().split(separator: "\n", omittingEmptySubsequences: false).map(String.init) }
    }

    /// Runs `precision-lab convert <arguments>` in-process with `input` as standard input.
    static func convert(_ arguments: [String], input: [String]) -> Outcome {
        final class Buffers: @unchecked Sendable { var out = "", err = "", next = 0 }
        let buffers = Buffers()
        let io = CommandIO(out: { buffers.out += $0 }, err: { buffers.err += $0 }, readLine: {
            guard buffers.next < input.count else { return nil }
            defer { buffers.next += 1 }
            return input[buffers.next]
        })
        let status = PrecisionLab.run(["convert"] + arguments, io: io)
        return Outcome(status: status, out: buffers.out, err: buffers.err)
    }

    /// The output lines of a run that must succeed.
    static func lines(_ arguments: [String], _ input: [String]) -> [String] {
        let outcome = convert(arguments, input: input)
        #expect(outcome.status == .success, "\(arguments): \(outcome.err)")
        #expect(outcome.err.isEmpty)
        return outcome.lines
    }

    static func hex(_ code: UInt64, bits: Int) -> String {
        let digits = String(code, radix: 16)
        return "0x" + String(repeating: "0", count: (bits + 3) / 4 - digits.count) + digits
    }

    // MARK: - Elementwise formats

    /// Every binary format of at most 8 bits: the registry's named ones and every eXmY and
    /// eXmYfn of that width.
    static let smallFormats: [FloatFormat] = {
        var formats = NumberFormat.namedFormats.compactMap { $0.format.floatFormat }.filter { $0.bitWidth <= 8 }
        for w in 2...6 {
            for f in 1...(7 - w) {
                formats.append(try! FloatFormat(name: "e\(w)m\(f)"))
                if f >= 2 { formats.append(try! FloatFormat(name: "e\(w)m\(f)fn")) }
            }
        }
        return formats
    }()

    @Test("every code of every binary format of at most 8 bits: decode, then encode, gives it back")
    func smallFormatsRoundTrip() throws {
        #expect(Self.smallFormats.count > 30)
        for format in Self.smallFormats {
            let codes = (0..<(UInt64(1) << UInt64(format.bitWidth))).filter { !format.isNaN($0) }
            let line = codes.map { Self.hex($0, bits: format.bitWidth) }.joined(separator: " ")
            let decoded = Self.lines(["--to", format.name, "--decode"], [line])
            try #require(decoded.count == 1)
            let values = decoded[0].split(separator: " ")
            #expect(values.count == codes.count)
            // Each value is the code's exact value: it parses back to the same Double.
            for (code, value) in zip(codes, values) {
                #expect(Double(String(value)) == format.toDouble(code), "\(format.name) \(code) \(value)")
            }
            let encoded = Self.lines(["--to", format.name], decoded)
            #expect(encoded == [line], "\(format.name)")
            // Bit patterns of the format itself come through unchanged too.
            #expect(Self.lines(["--to", format.name, "--from", format.name], [line]) == [line], "\(format.name)")
            // NaN codes decode to nan, which encodes to a NaN.
            if let nan = (0..<(UInt64(1) << UInt64(format.bitWidth))).first(where: format.isNaN) {
                let text = Self.lines(["--to", format.name, "--decode"], [Self.hex(nan, bits: format.bitWidth)])
                #expect(text == ["nan"])
                let back = Self.lines(["--to", format.name], text)
                let code = try #require(back.first.flatMap { UInt64($0.dropFirst(2), radix: 16) })
                #expect(format.isNaN(code))
            }
        }
    }

    @Test("every E8M0 code: decode, then encode, gives it back; 0xff is nan")
    func e8m0RoundTrip() {
        let codes = (0..<255).map { Self.hex(UInt64($0), bits: 8) }
        let decoded = Self.lines(["--to", "e8m0", "--decode"], [codes.joined(separator: " ")])
        let values = decoded.first?.split(separator: " ") ?? []
        #expect(values.count == 255)
        for (c, value) in values.enumerated() {
            #expect(Double(String(value)) == Double(sign: .plus, exponent: c - 127, significand: 1))
        }
        #expect(Self.lines(["--to", "e8m0"], decoded) == [codes.joined(separator: " ")])
        #expect(Self.lines(["--to", "e8m0", "--decode"], ["0xff"]) == ["nan"])
        #expect(Self.lines(["--to", "e8m0", "--saturate"], ["1e50"]) == ["0xfe"])
        // Ties go to the larger power of two (the even significand); 0, negatives and inf are NaN.
        #expect(Self.lines(["--to", "e8m0"], ["3 0.75 1e-50 1e50 0 -1 inf"])
                == ["0x81 0x7f 0x00 0xff 0xff 0xff 0xff"])
        // Just below the tie 3 rounds down, which a rounding through fp64 to nearest would not see.
        #expect(Self.lines(["--to", "e8m0"], ["2.99999999999999999999999"]) == ["0x80"])
    }

    @Test("decimal text is rounded once, exactly: bf16 midpoints go to even, a digit beyond decides")
    func decimalIsRoundedExactly() {
        // m = 1 + j/256 for odd j lies halfway between the bf16 values 1 + (j-1)/256 and
        // 1 + (j+1)/256; its exact decimal is (256 + j) * 5^8 / 10^8.
        for j in stride(from: 1, to: 256, by: 2) {
            let digits = String((256 + j) * 390_625)
            let midpoint = digits.prefix(1) + "." + digits.dropFirst()
            let lower = UInt64(0x3F80 + (j - 1) / 2), upper = lower + 1
            let even = lower & 1 == 0 ? lower : upper
            let line = "\(midpoint) \(midpoint)00000000000000000001 \(midpoint.dropLast())49999999999999999999 -\(midpoint)"
            let want = [even, upper, lower, even | 0x8000].map { Self.hex($0, bits: 16) }.joined(separator: " ")
            #expect(Self.lines(["--to", "bf16"], [line]) == [want], "\(midpoint)")
        }
        #expect(Self.lines(["--to", "fp32"], ["0.1"]) == ["0x3dcccccd"])
        #expect(Self.lines(["--to", "fp32", "--rounding", "down"], ["0.1"]) == ["0x3dcccccc"])
        #expect(Self.lines(["--to", "fp8-e4m3"], ["448 464 1e9"]) == ["0x7e 0x7e 0x7f"])
        #expect(Self.lines(["--to", "fp8-e4m3", "--saturate"], ["1e9 -inf"]) == ["0x7e 0xfe"])
    }

    @Test("hex words are bit patterns of --from; a hex float is a number")
    func hexInputOfTheSourceFormat() {
        #expect(Self.lines(["--to", "bf16"], ["0x3dcccccd 0x3f800000 0x1.8p1"]) == ["0x3dcd 0x3f80 0x4040"])
        #expect(Self.lines(["--to", "bf16", "--from", "fp64"], ["0x3fb999999999999a"]) == ["0x3dcd"])
        #expect(Self.lines(["--to", "fp32", "--from", "bf16"], ["0x3f80 0xff80"]) == ["0x3f800000 0xff800000"])
        #expect(Self.lines(["--to", "mxfp8-e4m3", "--from", "fp64"], ["0x4020000000000000"]) == ["0x7a 0x78"])
        // Leading zeros are fine; 64-bit codes reach 0xffffffffffffffff and stop there.
        #expect(Self.lines(["--to", "fp16", "--from", "fp16"], ["0x000000000000000000003c00"]) == ["0x3c00"])
        #expect(Self.lines(["--to", "fp64", "--decode"], ["0xffffffffffffffff 0x3ff0000000000000 4000000000000000"]) == ["nan 1 2"])
        for (arguments, line) in [(["--to", "fp64", "--decode"], "0x1ffffffffffffffff"),
                                  (["--to", "fp64", "--from", "fp64"], "0x10000000000000000")] {
            let outcome = Self.convert(arguments, input: [line])
            #expect(outcome.status == .usage, "\(outcome.err)")
            #expect(outcome.err.contains("does not fit in 64 bits") || outcome.err.contains("does not fit in fp64's 64 bits"),
                    "\(outcome.err)")
        }
    }

    @Test("a failed standard output: one error line, status 1, no further line read")
    func failedOutput() {
        final class Log: @unchecked Sendable { var err = "", reads = 0 }
        let log = Log()
        let io = CommandIO(writingOut: { _ in SystemError(code: ENOSPC) }, writingErr: { log.err += $0; return nil },
                           readLine: { log.reads += 1; return "1 2" })
        #expect(PrecisionLab.run(["convert", "--to", "bf16"], io: io) == .failure)
        #expect(log.err == "error: cannot write standard output: No space left on device\n")
        #expect(log.reads == 1)
    }

    @Test("empty and blank lines give empty lines; events count the flags")
    func emptyLinesAndEvents() {
        let outcome = Self.convert(["--to", "bf16", "--events"], input: ["1", "", "  \t", "0.1 1e40"])
        #expect(outcome.status == .success)
        #expect(outcome.lines == ["0x3f80", "", "", "0x3dcd 0x7f80"])
        #expect(outcome.err == "events: 4 lines, 3 numbers; inexact 2, overflow 1, underflow 0, invalid 0\n")
    }

    // MARK: - Scaled formats, hand-computed

    /// The E4M3 code of a value it holds exactly, normal and positive: 2^e × m/8.
    static func e4m3(_ v: Double) -> UInt64 {
        let e = Int(v.exponent)
        let m = UInt64(v.significand * 8) - 8
        return UInt64(e + 7) << 3 | m
    }

    @Test("an MXFP8 block whose amax is a power of two: the scale 2^(2-8), the elements exact")
    func mxPowerOfTwoBlock() {
        // E4M3 values times 2^-6: amax 256 × 2^-6 = 4 = 2^2, and emax of E4M3 is 8.
        let elements = Array(1...16) + Array(stride(from: 18, through: 32, by: 2))
            + Array(stride(from: 36, through: 60, by: 4)) + [256]
        let values = elements.map { Double($0) / 64 }
        #expect(values.count == 32)
        let line = values.map { "\($0)" }.joined(separator: " ")
        let want = ([Self.hex(127 - 6, bits: 8)] + values.map { Self.hex(Self.e4m3($0 * 64), bits: 8) })
            .joined(separator: " ")
        #expect(Self.lines(["--to", "mxfp8-e4m3"], [line]) == [want])
        #expect(Self.lines(["--to", "mxfp8-e4m3", "--decode"], [want]) == [values.map { Self.exact($0) }.joined(separator: " ")])
    }

    /// The exact decimal of small dyadic test values.
    static func exact(_ v: Double) -> String {
        FloatFormat.fp64.exactDecimal(v.bitPattern)
    }

    @Test("MX: a NaN makes the NaN scale, zeros the least scale, a 33rd number a second block")
    func mxSpecialBlocks() {
        let outcome = Self.convert(["--to", "mxfp8-e4m3", "--events"], input: [
            "1 nan 2", "0 0 0", (1...33).map { _ in "1" }.joined(separator: " "),
        ])
        #expect(outcome.status == .success, "\(outcome.err)")
        let one = Self.hex(Self.e4m3(256), bits: 8)    // 1 / 2^(0-8)
        #expect(outcome.lines == [
            "0xff 0x00 0x00 0x00",
            "0x00 0x00 0x00 0x00",
            (["0x77"] + Array(repeating: one, count: 32) + ["0x77", one]).joined(separator: " "),
        ])
        #expect(outcome.err == "events: 3 lines, 4 blocks, 39 elements; clipped 0, flushed to zero 0, "
                + "zero blocks 1, scale overflows 1, scale underflows 0\n")
        #expect(Self.lines(["--to", "mxfp8-e4m3", "--decode"], outcome.lines)
                == ["nan nan nan", "0 0 0", Array(repeating: "1", count: 33).joined(separator: " ")])
    }

    @Test("MX scale rules: 500 clips under floor, not under ceiling; 600 clips under nearest")
    func mxScaleRules() {
        // amax 500: floor gives 2^(8-8) = 1 and 500 clips to 448; ceiling gives 2 (250 fits).
        #expect(Self.lines(["--to", "mxfp8-e4m3"], ["500 1"]) == ["0x7f 0x7e 0x38"])
        #expect(Self.lines(["--to", "mxfp8-e4m3", "--scale-rule", "ceiling"], ["500 1"]) == ["0x80 0x78 0x30"])
        // amax 600: floor gives 2^(9-8) = 2 (300 rounds to 288); nearest rounds log2(600/448)
        // = 0.42 to 0, and 600 clips to 448.
        #expect(Self.lines(["--to", "mxfp8-e4m3"], ["600 1"]) == ["0x80 0x79 0x30"])
        #expect(Self.lines(["--to", "mxfp8-e4m3", "--scale-rule", "nearest"], ["600 1"]) == ["0x7f 0x7e 0x38"])
        #expect(Self.lines(["--to", "mxint8"], ["1 -0.5 0.015625"]) == ["0x7f 0x40 0xe0 0x01"])
    }

    @Test("NVFP4 with two blocks: tensor scale 1, block scales 448 and 2, hand-computed elements")
    func nvfp4TwoBlocks() {
        // amax 2688 = 6 × 448 gives s_t = 1; block 1: s_b = E4M3(2688 / 6) = 448 (0x7e),
        // elements 6, 3, -1, 0 (E2M1 0x7, 0x5, 0xa, 0x0); block 2: amax 12, s_b = 2 (0x40),
        // elements 12/2 = 6, 3/2 = 1.5, 1/2 = 0.5, -2/2 = -1.
        let block1 = ["2688", "1344", "-448"] + Array(repeating: "0", count: 13)
        let line = (block1 + ["12", "3", "1", "-2"]).joined(separator: " ")
        let want = "0x3f800000 0x7e 0x7 0x5 0xa" + String(repeating: " 0x0", count: 13) + " 0x40 0x7 0x3 0x1 0xa"
        #expect(Self.lines(["--to", "nvfp4"], [line]) == [want])
        #expect(Self.lines(["--to", "nvfp4", "--decode"], [want]) == [line])
    }

    @Test("per-tensor INT8 and FP8: scale amax / max, elements v / s")
    func perTensor() {
        // s = 127 / 127 = 1; -63.5 rounds to the even -64.
        #expect(Self.lines(["--to", "tensor-int8"], ["127 -63.5 1"]) == ["0x3f800000 0x7f 0xc0 0x01"])
        // s = 254 / 127 = 2.
        #expect(Self.lines(["--to", "tensor-int8"], ["254 3"]) == ["0x40000000 0x7f 0x02"])
        #expect(Self.lines(["--to", "tensor-fp8-e4m3"], ["448 1 -2"]) == ["0x3f800000 0x7e 0x38 0xc0"])
        // A power-of-two scale: the least 2^e with 200 / 2^e <= 127 is 2.
        #expect(Self.lines(["--to", "tensor-int8-pow2"], ["200 -1"]) == ["0x40000000 0x64 0x00"])
        #expect(Self.lines(["--to", "tensor-int8", "--decode"], ["0x40000000 0x7f 0x81 0x00"]) == ["254 -254 0"])
    }

    // MARK: - Random scaled tensors

    static let scaledNames = ["mxfp8-e4m3", "mxfp8-e5m2", "mxfp6-e2m3", "mxfp6-e3m2", "mxfp4-e2m1", "mxint8",
                              "nvfp4", "tensor-int8", "tensor-int8-pow2", "tensor-fp8-e4m3", "tensor-fp8-e5m2"]

    /// Lines of random fp32 bit patterns: magnitudes over many binades, some zeros, lengths
    /// that end in partial blocks.
    static func randomLines(seed: UInt64, count: Int) -> [String] {
        var random = SplitMix64(seed: seed)
        return (0..<count).map { _ in
            let length = 1 + Int(random.next() % 70)
            let centre = Int(random.next() % 60) - 30
            return (0..<length).map { _ -> String in
                if random.next() % 16 == 0 { return "0" }
                let e = centre + Int(random.next() % 24) - 12
                let m = Float(random.next() % (1 << 23)) / Float(1 << 23) + 1
                let v = (random.next() & 1 == 0 ? 1 : -1) * m * Float(sign: .plus, exponent: e, significand: 1)
                return Self.hex(UInt64(v.bitPattern), bits: 32)
            }.joined(separator: " ")
        }
    }

    /// MX in every mode; the formats with FP32 scales when the elements round to nearest (a
    /// directed rounding can put the tensor's largest element below the largest code, and
    /// the decoded values then ask for a smaller scale).
    @Test("random blocks and tensors: encode, decode, encode gives the same codes", arguments: scaledNames)
    func scaledRoundTrip(name: String) {
        let modes = name.hasPrefix("mx") ? ["nearestEven", "nearestAway", "towardZero", "up", "down", "odd", "stochastic"]
            : ["nearestEven", "nearestAway"]
        for rounding in modes {
            let input = Self.randomLines(seed: UInt64(name.count) * 31 + UInt64(rounding.count), count: 40)
            let codes = Self.lines(["--to", name, "--rounding", rounding], input)
            #expect(codes.count == input.count)
            let values = Self.lines(["--to", name, "--decode"], codes)
            #expect(zip(values, input).allSatisfy { $0.split(separator: " ").count == $1.split(separator: " ").count })
            // The decoded values are exact: read them as fp64, they encode to the same codes.
            #expect(Self.lines(["--to", name, "--from", "fp64"], values) == codes, "\(name) \(rounding)")
        }
    }

    // MARK: - Stochastic rounding

    @Test("stochastic rounding: number k of line n draws at counter k of key (seed, 0, n, 0)")
    func stochasticCounters() {
        let seed: UInt64 = 5
        // 1 + 2^-8 lies halfway between two bf16 values: up when the 13 bits are below 2^12.
        let line = Array(repeating: "1.00390625", count: 64).joined(separator: " ")
        let run = Self.lines(["--to", "bf16", "--rounding", "stochastic", "--seed", "\(seed)"], [line, line])
        for n in 1...2 {
            let bits = StochasticBits(seed: seed, site: 0, step: UInt64(n), element: 0)
            let want = (0..<64).map { k in bits.draw(at: UInt64(k)) < 4096 ? "0x3f81" : "0x3f80" }
            #expect(run[n - 1] == want.joined(separator: " "))
        }
        #expect(run[0] != run[1])
        // In an MX block: amax 8 gives the scale 2^-5, and 1 + 2^-4 becomes 34, halfway
        // between the E4M3 values 32 (0x60) and 36 (0x61).
        let block = (["8"] + Array(repeating: "1.0625", count: 40)).joined(separator: " ")
        let mx = Self.lines(["--to", "mxfp8-e4m3", "--rounding", "stochastic", "--seed", "\(seed)"], [block])
        let bits = StochasticBits(seed: seed, site: 0, step: 1, element: 0)
        let elements = (1..<32).map { k in bits.draw(at: UInt64(k)) < 4096 ? "0x61" : "0x60" }
        let words = mx.first?.split(separator: " ").map(String.init) ?? []
        #expect(words.count == 43)
        #expect(Array(words.prefix(33)) == ["0x7a", "0x78"] + elements)
        #expect(Self.lines(["--to", "mxfp8-e4m3", "--rounding", "stochastic", "--seed", "\(seed)"], [block]) == mx)
    }

    // MARK: - Malformed lines

    @Test("a malformed line is one error naming it, after the lines before it", arguments: [
        (["--to", "bf16"], ["1", "2 1.2.3"], "line 2, word 2: invalid number '1.2.3'"),
        (["--to", "bf16"], ["1", "", "0x1ffffffff"], "line 3, word 1: bit pattern '0x1ffffffff' does not fit in fp32's 32 bits"),
        (["--to", "mxfp8-e4m3"], ["1", "2 x"], "line 2, word 2: invalid number 'x'"),
        (["--to", "bf16", "--decode"], ["0x3f80", "0x3f800"], "line 2, word 1: code '0x3f800' does not fit in 16 bits"),
        (["--to", "mxfp4-e2m1", "--decode"], ["0x7f 0x1", "0x7f 0x1 0x10"], "line 2, word 3: code '0x10' does not fit in 4 bits"),
        (["--to", "mxfp8-e4m3", "--decode"], ["0x7f 0x38", "0x7f"], "line 2: 1 code does not make blocks of mxfp8-e4m3"),
        (["--to", "nvfp4", "--decode"], ["0x3f800000 0x38 0x2", "0x3f800000 0x38"], "line 2: 2 codes do not make an nvfp4 tensor"),
        (["--to", "tensor-int8", "--decode"], ["0x3f800000 0x01", "0x3f800000"], "line 2: 1 code does not make a tensor-int8 tensor"),
    ] as [([String], [String], String)])
    func malformedLine(arguments: [String], input: [String], names: String) {
        let outcome = Self.convert(arguments, input: input)
        #expect(outcome.status == .usage)
        #expect(outcome.err.hasPrefix("error: " + names), "\(outcome.err)")
        #expect(outcome.err.filter { $0 == "\n" }.count == 1)
        #expect(outcome.lines.count == input.count - 1)
    }

    @Test("the help is the golden text and fits 80 columns")
    func goldenHelp() {
        let outcome = Self.convert(["--help"], input: [])
        #expect(outcome.status == .success)
        #expect(outcome.out == Self.goldenHelp + "\n")
        for line in outcome.out.split(separator: "\n") { #expect(line.count <= 80, "\(line)") }
    }

    static let goldenHelp = """
        usage: precision-lab convert --to F [options] < lines

        Reads lines of whitespace-separated numbers on standard input, rounds them into
        a format and writes their codes as hex bit patterns, one line per input line;
        with --decode, reads codes and writes their exact decimal values. For scripts,
        and for checking the lab against other libraries.

          echo '0.1 1 0x3f800000' | precision-lab convert --to bf16
          precision-lab convert --to mxfp8-e4m3 --scale-rule ceiling < x.txt
          precision-lab convert --to nvfp4 < x.txt | precision-lab convert \\
              --to nvfp4 --decode

        numbers: decimal text (1.5, -2e-3, 0x1.8p1, inf, nan) or a bit pattern of
          the --from format (0x and hex digits, no sign). A binary format or e8m0
          rounds decimal text once, from its exact value. A scaled format encodes
          the --from values: decimal text is first rounded (nearest-even) into
          --from, then scaled; --rounding rounds the elements, scales round to
          nearest-even.
        codes: lowercase hex, 0x, zero-padded to the field's width:
          binary, e8m0  one code per number
          mx...         per block of 32 numbers (the last may be shorter): the
                        E8M0 scale, then the elements
          nvfp4         the FP32 tensor scale; then per block of 16 numbers its
                        E4M3 scale, then its 16 (or fewer) E2M1 elements
          tensor-...    the FP32 scale, then every element
        --decode reads that layout (0x optional) and writes each element's value
          in exact decimal (nan, inf, -0 as such), one per element. Encoded
          again, the values give the codes back: MX in every mode, the formats
          with FP32 scales when rounding to nearest (away from the ends of the
          scale's range).
        An empty line gives an empty line. Lines are written as they are read: a
        malformed line stops the run with one error naming it, the lines before
        it already written. Stochastic rounding: number k (from 0) of line n (from
        1) takes the bits of key (seed, site 0, step n, element 0) at counter k.

        options:
          --to F            a binary format (fp32, bf16, fp16, fp8-e4m3, fp4-e2m1,
                            binary8p3, eXmY, ...; see calc --help), e8m0, or a scaled
                            one: mxfp8-e4m3 mxfp8-e5m2 mxfp6-e2m3 mxfp6-e3m2
                            mxfp4-e2m1 mxint8 nvfp4 tensor-int8 tensor-int8-pow2
                            tensor-fp8-e4m3 tensor-fp8-e5m2
          --from F          the binary format of 0x bit patterns, and what a scaled
                            format encodes from (default fp32)
          --rounding MODE   nearestEven (default), nearestAway, towardZero, up, down,
                            odd, stochastic (see --seed)
          --seed N          the seed of stochastic rounding (default 0)
          --scale-rule RULE MX scales: floor (OCP's, may clip), ceiling (clips
                            nothing) or nearest (default floor)
          --saturate        binary formats, e8m0: overflow gives the largest finite
          --decode          read codes, write their exact decimal values
          --events          at the end, one line on standard error: what scaling did
                            (clipped, flushed to zero, zero blocks, scale overflows and
                            underflows) or, for a binary format, the flags raised

        Exit status: 0 success, 1 output failed, 64 bad usage or a malformed line.
        """
}
