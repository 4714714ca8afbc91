import Foundation
import Testing
import PrecisionLabCLI
import SoftFloat

/// Seeded, bounded fuzzing of the parsers that read untrusted text: TestFloat lines,
/// decimal and hexadecimal operand text, and the lines `convert` reads. Every input must parse or fail with the parser's
/// own clean error (one line), never trap. `PRECISION_LAB_FUZZ_ITERATIONS` raises the
/// count, `PRECISION_LAB_FUZZ_SEED` changes the inputs.
@Suite("fuzz: TestFloat lines and operand text")
struct ParserFuzzTests {
    struct Random {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func below(_ n: Int) -> Int { Int(next() % UInt64(max(n, 1))) }
        mutating func pick<T>(_ items: [T]) -> T { items[below(items.count)] }
    }

    static var iterations: Int {
        ProcessInfo.processInfo.environment["PRECISION_LAB_FUZZ_ITERATIONS"].flatMap(Int.init) ?? 5_000
    }
    static var seed: UInt64 {
        ProcessInfo.processInfo.environment["PRECISION_LAB_FUZZ_SEED"].flatMap { UInt64($0) } ?? 7
    }

    /// `text` with one to four edits drawn from `alphabet`: a character inserted, removed,
    /// replaced or repeated, or the tail cut.
    static func mutate(_ text: [UInt8], _ random: inout Random, alphabet: [UInt8]) -> [UInt8] {
        var out = text
        for _ in 0...random.below(4) {
            let at = random.below(out.count + 1)
            switch random.below(6) {
            case 0: out.insert(random.pick(alphabet), at: at)
            case 1 where at < out.count: out.remove(at: at)
            case 2 where at < out.count: out[at] = random.pick(alphabet)
            case 3: out.insert(contentsOf: Array(repeating: random.pick(alphabet), count: random.below(40)), at: at)
            case 4: out = Array(out.prefix(at))
            default: out.insert(UInt8(truncatingIfNeeded: random.next()), at: at)
            }
        }
        return out
    }

    @Test("mutated TestFloat lines are checked or rejected with TestFloatLineError")
    func testFloatLines() throws {
        var random = Random(state: Self.seed)
        let seeds: [(String, String)] = [
            ("f16_add", "3C00 3C00 4000 00"), ("f32_mulAdd", "3F800000 40000000 3F800000 40400000 00"),
            ("f64_sqrt", "4010000000000000 4000000000000000 00"), ("f32_to_i32", "3FC00000 00000002 01"),
            ("f16_lt", "3C00 4000 1 00"), ("i64_to_f64", "FFFFFFFFFFFFFFFF BFF0000000000000 00"),
        ]
        let alphabet = Array("0123456789ABCDEFabcdef \t\r-+xX.gG\u{0}".utf8) + [0xC3, 0xA9, 0xFF, 0x1B]
        var checked = 0
        for i in 0..<Self.iterations {
            let (name, line) = seeds[i % seeds.count]
            var verifier = TestFloatVerifier(function: try TestFloatFunction(name: name))
            // Two lines, so that the second is never taken for a header.
            try verifier.check(line: line)
            let bytes = Self.mutate(Array(line.utf8), &random, alphabet: alphabet)
            do {
                try bytes.withUnsafeBufferPointer { try verifier.check(line: $0) }
                checked += 1
            } catch let error as TestFloatLineError {
                #expect(error.lineNumber == 2)
                #expect(!error.description.unicodeScalars.contains { $0.value < 0x20 }, "\(error)")
                #expect(error.description.count < 400)
            }
        }
        #expect(checked > 0)
    }

    @Test("mutated operand text parses to a pattern of the format's width, or is nil")
    func operandText() {
        var random = Random(state: Self.seed &+ 1)
        let seeds = ["1.5", "-2e-3", "0x1.8p1", "inf", "-nan", "snan", "65504", "6.1035156e-05", "1e-400",
                     "0x3C00", "123456789012345678901234567890", "0.1", "-0", "1_000"]
        let alphabet = Array("0123456789abcdefABCDEFxXpPeE+-._ infINFsS".utf8) + [0xE2, 0x80, 0x8B]
        let formats: [FloatFormat] = [.fp16, .bf16, .fp32, .fp64, .fp8E4M3, .fp8E5M2,
                                      FloatFormat(exponentBitCount: 2, fractionBitCount: 1),
                                      FloatFormat(exponentBitCount: 11, fractionBitCount: 52, hasInfinity: false)]
        for i in 0..<Self.iterations {
            let bytes = Self.mutate(Array(seeds[i % seeds.count].utf8), &random, alphabet: alphabet)
            let text = String(decoding: bytes, as: UTF8.self)
            let format = formats[i % formats.count]
            var env = FloatEnvironment()
            if let bits = format.parseDecimal(text, &env) {
                let mask: UInt64 = format.bitWidth == 64 ? .max : (1 << UInt64(format.bitWidth)) - 1
                #expect(bits & ~mask == 0, "\(text) in \(format)")
                // A plain decimal numeral in fp64 is the correctly rounded value, as strtod gives it.
                if format == .fp64, text.allSatisfy({ "0123456789.-+eE".contains($0) }),
                   let double = Double(text) {
                    #expect(bits == double.bitPattern || (double.isNaN && format.isNaN(bits)), "\(text)")
                }
            }
        }
    }

    @Test("calc on mutated operands ends 0 or 64 with one error line")
    func calcOperands() {
        var random = Random(state: Self.seed &+ 2)
        let seeds = ["1.5", "0x3C00", "-inf", "1e-8", "0x1p-14", "+0x3C00"]
        let alphabet = Array("0123456789abcdefxp+-. n".utf8) + [0x07, 0x1B, 0xC3]
        for i in 0..<max(1, Self.iterations / 5) {
            let operand = String(decoding: Self.mutate(Array(seeds[i % seeds.count].utf8), &random, alphabet: alphabet),
                                 as: UTF8.self)
            var out = "", err = ""
            let io = CommandIO(out: { out += $0 }, err: { err += $0 }, readLine: { nil })
            let status = PrecisionLab.run(["calc", "--format", i % 2 == 0 ? "fp16" : "e4m3", operand, "*", "3"], io: io)
            if status == .success {
                #expect(err.isEmpty && !out.isEmpty)
            } else {
                #expect(status == .usage, "\(operand.debugDescription): \(err)")
                #expect(err.hasPrefix("error: ") && err.filter { $0 == "\n" }.count == 1, "\(err.debugDescription)")
                #expect(!err.dropLast().unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7F },
                        "\(err.debugDescription)")
            }
        }
    }

    @Test("convert on mutated lines writes one line or ends 64 with one error naming line 2")
    func convertLines() {
        var random = Random(state: Self.seed &+ 3)
        let seeds: [([String], String)] = [
            (["--to", "bf16"], "0.1 -2e-3 0x3f800000 inf"), (["--to", "e8m0"], "3 0.75 0x40400000"),
            (["--to", "mxfp8-e4m3"], "1 2 -8 0x1p-3 nan"), (["--to", "nvfp4", "--from", "fp64"], "2688 0x4008000000000000 -1"),
            (["--to", "tensor-int8"], "127 -63.5 1"), (["--to", "fp16", "--decode"], "0x3c00 7c00 0xfe00"),
            (["--to", "mxfp4-e2m1", "--decode"], "0x7f 0x1 0x2 0xf"), (["--to", "nvfp4", "--decode"], "0x3f800000 0x38 0x1 0x2"),
        ]
        let alphabet = Array("0123456789abcdefxXp+-. \tn".utf8) + [0x07, 0x1B, 0xC3, 0x0D]
        for i in 0..<max(1, Self.iterations / 5) {
            let (arguments, line) = seeds[i % seeds.count]
            let mutated = String(decoding: Self.mutate(Array(line.utf8), &random, alphabet: alphabet), as: UTF8.self)
            var input = [line, mutated]
            var out = "", err = ""
            let io = CommandIO(out: { out += $0 }, err: { err += $0 },
                               readLine: { input.isEmpty ? nil : input.removeFirst() })
            let status = PrecisionLab.run(["convert"] + arguments, io: io)
            let lines = out.filter { $0 == "\n" }.count
            if status == .success {
                #expect(err.isEmpty && lines == 2, "\(mutated.debugDescription): \(out)")
            } else {
                #expect(status == .usage, "\(mutated.debugDescription): \(err)")
                #expect(err.hasPrefix("error: line 2") && err.filter { $0 == "\n" }.count == 1, "\(err.debugDescription)")
                #expect(!err.dropLast().unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7F },
                        "\(err.debugDescription)")
                #expect(lines == 1, "the first line was written")
            }
        }
    }
}
