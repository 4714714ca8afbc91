import Foundation
import Testing
import PrecisionLabCLI

/// A corpus of bad input over every command: options, operands, TestFloat lines, data
/// folders and output paths, run in-process. Each case must end with its exit status and
/// one line `error: ...` naming the problem, and leave every file of a folder of
/// bystanders (a file, a symbolic link to it, a folder) as it was.
///
/// `$D` in a word is the bystanders' folder, `$DATA` a small valid data folder, `$BAD` a
/// data folder with damaged files, `$EMPTY` an empty folder.
@Suite("bad input corpus")
struct BadInputCorpusTests {
    struct Case: CustomStringConvertible, Sendable {
        var arguments: [String]
        var input: [String] = []
        var status: Int32 = 64
        /// What the one error line must contain.
        var names: String
        var description: String { arguments.joined(separator: " ").prefix(80).description }
    }

    static func usage(_ arguments: [String], _ names: String) -> Case { Case(arguments: arguments, names: names) }
    static func failure(_ arguments: [String], _ names: String) -> Case {
        Case(arguments: arguments, status: 1, names: names)
    }
    static func verify(_ lines: [String], _ names: String, status: Int32 = 64,
                       function: String = "f16_add") -> Case {
        Case(arguments: ["verify", function], input: lines, status: status, names: names)
    }

    static let long = String(repeating: "x", count: 100_000)
    static let escape = "--form\u{1B}[2J\u{7}"

    static let train: [Case] = [
        usage(["train", "--format", "fp12"], "unknown format 'fp12'"),
        usage(["train", "--format", ""], "unknown format ''"),
        usage(["train", "--format", "e+5m2"], "unknown format 'e+5m2'"),
        usage(["train", "--format", "e05m02"], "unknown format 'e05m02'"),
        usage(["train", "--format", "e2m1fn"], "'e2m1fn' is not supported"),
        usage(["train", "--format", "e12m3"], "unknown format 'e12m3'"),
        usage(["train", "--format", "lns9"], "unknown format 'lns9'"),
        usage(["train", "--format", "lns8-f9"], "unknown format 'lns8-f9'"),
        usage(["train", "--format", "bf16", "--rest", "fp16"], "--rest applies to the scaled formats"),
        usage(["train", "--format", "nvfp4", "--scale-rule", "ceiling"], "--scale-rule applies to the MX formats"),
        usage(["train", "--format", "mxfp4", "--scale-rule", "sideways"], "floor, ceiling or nearest"),
        usage(["train", "--format", "mxfp4", "--rest", "lns8"], "--rest"),
        usage(["train", "--format", "mxint8", "--arithmetic", "soft"], "--arithmetic does not apply to mxint8"),
        usage(["train", "--format", "fp32", "--amax-history", "4"], "--amax-history applies to the scaled formats"),
        usage(["train", "--format", "tensor-int8", "--amax-history", "0"], "--amax-history"),
        usage(["train", "--format", "int8-s99"], "unknown format 'int8-s99'"),
        usage(["train", "--format", long], "unknown format 'xxxxxxxx"),
        usage(["train", "--format"], "option --format needs a value"),
        usage(["train", "--format", "fp16", "--format", "bf16"], "option --format is given more than once"),
        usage(["train", "--format=fp16", "--format", "bf16"], "option --format is given more than once"),
        usage(["train", "--epochs", "-1"], "invalid value '-1' for --epochs"),
        usage(["train", "--epochs", "abc"], "invalid value 'abc' for --epochs"),
        usage(["train", "--epochs", "100001"], "invalid value '100001' for --epochs"),
        usage(["train", "--epochs", "9223372036854775807"], "for --epochs"),
        usage(["train", "--epochs", "1", "--epochs", "2"], "option --epochs is given more than once"),
        usage(["train", "--lr", "nan"], "invalid value 'nan' for --lr"),
        usage(["train", "--lr", "inf"], "invalid value 'inf' for --lr"),
        usage(["train", "--lr", "1e400"], "invalid value '1e400' for --lr"),
        usage(["train", "--lr", ""], "invalid value '' for --lr"),
        usage(["train", "--batch", "0"], "invalid value '0' for --batch"),
        usage(["train", "--batch", "-5"], "invalid value '-5' for --batch"),
        usage(["train", "--batch", "99999999999999999999"], "invalid value '99999999999999999999' for --batch"),
        usage(["train", "--data", "$DATA", "--validation", "5", "--batch", "9999999999"], "--batch 9999999999 is larger than the training set"),
        usage(["train", "--data", "$DATA", "--validation", "5", "--batch", "9223372036854775807"], "is larger than the training set (75 images)"),
        usage(["train", "--data", "$DATA", "--validation", "5", "--batch", "76"], "--batch 76 is larger"),
        usage(["train", "--threads", "0"], "invalid value '0' for --threads"),
        usage(["train", "--threads", "1000"], "expected a number of threads from 1 to 256"),
        usage(["train", "--threads", "257"], "from 1 to 256"),
        usage(["train", "--threads", "-1"], "for --threads"),
        usage(["train", "--threads", "two"], "for --threads"),
        usage(["train", "--seed", "-1"], "invalid value '-1' for --seed"),
        usage(["train", "--seed", "18446744073709551616"], "for --seed"),
        usage(["train", "--validation", "-1"], "invalid value '-1' for --validation"),
        usage(["train", "--validation", "all"], "invalid value 'all' for --validation"),
        usage(["train", "--data", "$DATA", "--validation", "99999"], "--validation 99999 leaves no training images"),
        usage(["train", "--train-limit", "0"], "invalid value '0' for --train-limit"),
        usage(["train", "--loss", "hinge"], "invalid value 'hinge' for --loss"),
        usage(["train", "--accumulate", "lns8"], "--accumulate"),
        usage(["train", "--accumulate", "e2m1fn"], "'e2m1fn' is not supported"),
        usage(["train", "--master-weights", "bogus"], "--master-weights: unknown format 'bogus'"),
        usage(["train", "--rounding", "sideways"], "invalid value 'sideways' for --rounding"),
        usage(["train", "--loss-scale", "0"], "invalid value '0' for --loss-scale"),
        usage(["train", "--loss-scale", "-1"], "for --loss-scale"),
        usage(["train", "--loss-scale", "inf"], "for --loss-scale"),
        usage(["train", "--weight-decay", "-1"], "invalid value '-1' for --weight-decay"),
        usage(["train", "--weight-decay", "nan"], "for --weight-decay"),
        usage(["train", "--patience", "0"], "invalid value '0' for --patience"),
        usage(["train", "--patience", "3", "--validation", "0"], "--patience needs validation data"),
        usage(["train", "--arithmetic", "turbo"], "invalid value 'turbo' for --arithmetic"),
        usage(["train", "--data", "$DATA", "--validation", "5", "--format", "lns8", "--arithmetic", "fast", "--epochs", "0"], "no fast path for lns8"),
        usage(["train", "--json", "$D/sub"], "--json"),
        usage(["train", "--json", "$D/missing/x.json"], "--json"),
        usage(["train", "--json", "$D/keep.json/x.json"], "--json"),
        usage(["train", "--bogus"], "unknown option '--bogus'"),
        usage(["train", "extra"], "unexpected argument 'extra'"),
        usage(["train", escape], "unknown option '--form\\x1B[2J\\x07'"),
        usage(["train", "--" + long], "unknown option '--xxxx"),
        usage(["train", "--stochastic-update", "--stochastic-update"], "--stochastic-update is given more than once"),
        failure(["train", "--data", "/nonexistent-folder"], "/nonexistent-folder/train-images-idx3-ubyte"),
        failure(["train", "--data", "$EMPTY"], "train-images-idx3-ubyte"),
        failure(["train", "--data", "$BAD"], "train-images-idx3-ubyte"),
        failure(["train", "--data", "$D/keep.json"], "keep.json"),
    ]

    static let calc: [Case] = [
        usage(["calc"], "missing the calculation"),
        usage(["calc", "1", "+"], "'+' takes 2 operands"),
        usage(["calc", "1", "+", "2", "3"], "'+' takes 2 operands"),
        usage(["calc", "+", "1", "2"], "'+' takes 2 operands"),
        usage(["calc", "1", "^", "2"], "unknown operation '^'"),
        usage(["calc", "sqrt"], "sqrt takes 1 operand, found 0"),
        usage(["calc", "sqrt", "1", "2"], "sqrt takes 1 operand, found 2"),
        usage(["calc", "fma", "1", "2"], "fma takes 3 operands, found 2"),
        usage(["calc", "rem", "1"], "takes 2 operands"),
        usage(["calc", "--format", "fp12", "1"], "unknown format 'fp12'"),
        usage(["calc", "--format", "lns8", "1"], "format 'lns8' is a logarithmic 8-bit format, not accepted here"),
        usage(["calc", "--format", "e2m1fn", "1"], "S.11.1"),
        usage(["calc", "--format", "e4m01", "1"], "unknown format 'e4m01'"),
        usage(["calc", "--format", "fp16", "+0x3C00"], "a bit pattern has no sign: '+0x3C00'"),
        usage(["calc", "--format", "fp16", "-0x3C00"], "a bit pattern has no sign: '-0x3C00'"),
        usage(["calc", "--format", "fp16", "1", "+", "+0x3C00"], "no sign"),
        usage(["calc", "--format", "fp16", "0x1FFFF"], "bit pattern '0x1FFFF' does not fit in fp16's 16 bits"),
        usage(["calc", "--format", "fp16", "0x10000000000000000"], "does not fit"),
        usage(["calc", "--format", "fp16", "--bits", "3C0G"], "invalid bit pattern '3C0G'"),
        usage(["calc", "--format", "fp16", "--bits", "-3C00"], "no sign"),
        usage(["calc", "abc"], "invalid number 'abc'"),
        usage(["calc", "1.2.3"], "invalid number '1.2.3'"),
        usage(["calc", "0x"], "invalid number '0x'"),
        usage(["calc", ""], "invalid number ''"),
        usage(["calc", long], "invalid number 'xxxxxxxxxx"),
        usage(["calc", "1\u{7}"], "invalid number '1\\x07'"),
        usage(["calc", "1\u{202E}"], "invalid number '1\\u{202E}'"),
        usage(["calc", "--rounding", "bogus", "1"], "invalid value 'bogus' for --rounding"),
        usage(["calc", "--seed", "x", "1"], "invalid value 'x' for --seed"),
        usage(["calc", "--tininess", "never", "1"], "invalid value 'never' for --tininess"),
        usage(["calc", "--format", "fp16", "--format", "bf16", "1"], "option --format is given more than once"),
        usage(["calc", "--bits", "--bits", "1"], "option --bits is given more than once"),
        usage(["calc", "--bogus", "1"], "unknown option '--bogus'"),
        usage(["calc", "--format"], "option --format needs a value"),
    ]

    static let verifyCases: [Case] = [
        usage(["verify"], "missing the function to verify"),
        usage(["verify", "f16_bogus"], "unknown function 'f16_bogus'"),
        usage(["verify", long], "unknown function 'xxxxxxx"),
        usage(["verify", "f16_add", "f32_mul"], "unexpected argument 'f32_mul'"),
        usage(["verify", "f16_add", "--rounding", "stochastic"], "stochastic rounding has no TestFloat reference"),
        usage(["verify", "f16_add", "--rounding", "sideways"], "unknown rounding mode 'sideways'"),
        usage(["verify", "f16_add", "--rounding", "stochastic"], "stochastic rounding has no TestFloat reference"),
        usage(["verify", "f16_add", "--max-errors", "-1"], "invalid value '-1' for --max-errors"),
        usage(["verify", "f16_add", "--tininess", "never"], "invalid value 'never' for --tininess"),
        usage(["verify", "f16_add", "-rbogus"], "unknown option '-rbogus'"),
        usage(["verify", "f16_add", "--input"], "option --input needs a value"),
        verify(["3C00 3C00 4000"], "line 1: expected 4 hex numbers for f16_add (2 operands, result, flags), found 3"),
        verify(["3C00 3C00 4000 00 00"], "line 1: expected 4 hex numbers for f16_add"),
        verify(["3C00 3C00 3C00 4000 00"], "found 5"),
        verify(["3C00 3C00 4000 00", "1 2 3 4 5 6 7 8 9"], "line 2: expected 4 hex numbers"),
        verify(["3C00 3C00 4000 00", "header after the first"], "line 2: operand 1 'header' is not a hexadecimal number"),
        verify(["3C00 3C00 4000 00", "header after the first line"], "line 2: expected 4 hex numbers for f16_add"),
        verify(["3C00 3C0G 4000 00"], "line 1: operand 2 '3C0G' is not a hexadecimal number"),
        verify(["3C00 3C00 4000 20"], "line 1: flags '20' has bits beyond the five exception flags"),
        verify(["3C00 3C00 14000 00"], "line 1: result '14000' does not fit in 16 bits"),
        verify(["3C00 \u{1B}[2J 4000 00"], "'\\x1B[2J'"),
        verify(["3C00 3C00 4000 00", "3C00 " + long + " 4000 00"], "line 2: operand 2 'xxxx"),
        verify(["3C00 3C00 4000 00", "3C00\u{0}3C00 3C00 4000 00"], "\\x00"),
        verify(["3C00 3C00 4000 -0"], "line 1: flags '-0' is not a hexadecimal number"),
        verify(["3C00 3C00 4000 00", "0x3C00 3C00 4000 00"], "line 2: operand 1 '0x3C00' is not a hexadecimal number"),
        verify(["0x3C00 3C00 4000 00"], "no test cases in standard input", status: 1),
        verify([], "no test cases in standard input", status: 1),
        verify(["", "   ", "\t"], "no test cases in standard input", status: 1),
        verify(["testfloat_gen f16_add"], "no test cases in standard input", status: 1),
        verify(["3C00 00"], "line 1: expected 3 hex numbers for f16_sqrt", function: "f16_sqrt"),
        verify(["3C00 3C00 3C00 4000 00 00"], "line 1: expected 5 hex numbers for f16_mulAdd (3 operands",
               function: "f16_mulAdd"),
        verify(["3F800000 100000000 00"], "line 1: result '100000000' does not fit in 32 bits", function: "f32_to_i32"),
        failure(["verify", "f16_add", "--input", "/nonexistent-file.tv"], "/nonexistent-file.tv"),
        failure(["verify", "f16_add", "--input", "$D/sub"], "sub"),
        failure(["verify", "f16_add", "--input", "$D/broken.gz"], "broken.gz"),
        failure(["verify", "f16_add", "--input", "$D/keep.json"], "no test cases in '"),
        failure(["verify", "f16_add", "--input", "$D/link.json"], "no test cases in '"),
        failure(["verify", "f16_add", "--input", "$D/empty.tv"], "no test cases in '"),
    ]

    static func convert(_ arguments: [String], _ lines: [String], _ names: String) -> Case {
        Case(arguments: ["convert"] + arguments, input: lines, names: names)
    }

    static let convertCases: [Case] = [
        usage(["convert"], "missing --to F"),
        usage(["convert", "--to", "fp12"], "unknown format 'fp12'"),
        usage(["convert", "--to", "lns8"], "format 'lns8' is a logarithmic 8-bit format, not accepted here"),
        usage(["convert", "--to", "bf16", "--from", "mxfp4"], "--from: format 'mxfp4' is a scaled"),
        usage(["convert", "--to", "bf16", "--scale-rule", "ceiling"], "--scale-rule applies to the MX formats"),
        usage(["convert", "--to", "mxfp4", "--scale-rule", "up"], "invalid value 'up' for --scale-rule"),
        usage(["convert", "--to", "nvfp4", "--saturate"], "--saturate applies to the binary formats and e8m0"),
        usage(["convert", "--to", "bf16", "--decode", "--rounding", "up"], "--rounding has no use with --decode"),
        usage(["convert", "--to", "bf16", "--to", "fp16"], "option --to is given more than once"),
        usage(["convert", "--to", "bf16", "extra"], "unexpected argument 'extra'"),
        convert(["--to", "bf16"], ["1 2", "1.2.3"], "line 2, word 1: invalid number '1.2.3'"),
        convert(["--to", "bf16"], ["1 \u{1B}[2J"], "line 1, word 2: invalid number '\\x1B[2J'"),
        convert(["--to", "bf16"], [long], "line 1, word 1: invalid number 'xxxxxxxx"),
        convert(["--to", "fp16"], ["-0x3c00"], "a bit pattern has no sign: '-0x3c00'"),
        convert(["--to", "fp16", "--from", "fp16"], ["0x10000"], "line 1, word 1: bit pattern '0x10000' does not fit in fp16's 16 bits"),
        convert(["--to", "fp16"], ["0x100000000000000000"], "does not fit in fp32's 32 bits"),
        convert(["--to", "nvfp4"], ["1 nan(", ""], "line 1, word 2: invalid number 'nan('"),
        convert(["--to", "fp16", "--decode"], ["0x3c00 3c0g"], "line 1, word 2: code '3c0g' is not a hexadecimal number"),
        convert(["--to", "fp8-e4m3", "--decode"], ["0x100"], "line 1, word 1: code '0x100' does not fit in 8 bits"),
        convert(["--to", "mxfp8-e4m3", "--decode"], ["0x7f 0x38", Array(repeating: "0x38", count: 34).joined(separator: " ")],
                "line 2: 34 codes do not make blocks"),
        convert(["--to", "nvfp4", "--decode"], ["0x3f800000"], "line 1: 1 code does not make an nvfp4 tensor"),
        convert(["--to", "tensor-fp8-e4m3", "--decode"], ["0x1ffffffff 0x38"], "code '0x1ffffffff' does not fit in 32 bits (the FP32 scale)"),
        convert(["--to", "e8m0", "--decode"], ["0x"], "line 1, word 1: code '0x' is not a hexadecimal number"),
    ]

    static let expRange: [Case] = [
        usage(["exp-range", "--formats", "fp12"], "unknown format 'fp12'"),
        usage(["exp-range", "--formats", ""], "--formats"),
        usage(["exp-range", "--formats", "bf16,,fp16"], "--formats"),
        usage(["exp-range", "--formats", "e2m1fn"], "'e2m1fn' is not supported"),
        usage(["exp-range", "--formats", "e+5m2"], "unknown format 'e+5m2'"),
        usage(["exp-range", "--rounding", "sideways"], "for --rounding"),
        usage(["exp-range", "--format", "yaml"], "for --format"),
        usage(["exp-range", "--format", "csv", "--format", "json"], "option --format is given more than once"),
        usage(["exp-range", "--saturate=yes"], "unknown option '--saturate=yes'"),
        usage(["exp-range", "--saturate", "--saturate"], "option --saturate is given more than once"),
        usage(["exp-range", "fp16"], "unexpected argument 'fp16'"),
        usage(["exp-range", "--bogus"], "unknown option '--bogus'"),
        usage(["exp-range", "--formats"], "option --formats needs a value"),
    ]

    static let bench: [Case] = [
        usage(["bench"], "bench needs a part"),
        usage(["bench", "sprint"], "unknown bench part 'sprint'"),
        usage(["bench", long], "unknown bench part 'xxxx"),
        usage(["bench", "ops", "round"], "unexpected argument 'round'"),
        usage(["bench", "ops", "--seconds", "0"], "invalid value '0' for --seconds"),
        usage(["bench", "ops", "--seconds", "4000"], "for --seconds"),
        usage(["bench", "ops", "--seconds", "nan"], "for --seconds"),
        usage(["bench", "ops", "--formats", "fp12"], "unknown format 'fp12'"),
        usage(["bench", "ops", "--formats", ""], "empty format name in --formats"),
        usage(["bench", "round", "--formats", "lns8"], "format 'lns8' is a logarithmic 8-bit format, not accepted here"),
        usage(["bench", "ops", "--elements", "5"], "--elements is not an option of 'bench ops'"),
        usage(["bench", "ops", "--threads", "2"], "--threads is not an option of 'bench ops'"),
        usage(["bench", "ops", "--epochs", "1"], "--epochs is not an option of 'bench ops'"),
        usage(["bench", "train", "--seconds", "1"], "--seconds is not an option of 'bench train'"),
        usage(["bench", "train", "--elements", "5"], "--elements is not an option of 'bench train'"),
        usage(["bench", "round", "--configs", "fp32"], "--configs is not an option of 'bench round'"),
        usage(["bench", "round", "--data", "/x"], "--data is not an option of 'bench round'"),
        usage(["bench", "round", "--train-limit", "5"], "--train-limit is not an option of 'bench round'"),
        usage(["bench", "round", "--elements", "0"], "invalid value '0' for --elements"),
        usage(["bench", "round", "--elements", "99999999999999"], "expected a length from 1 to 16777216"),
        usage(["bench", "round", "--elements", "16777217"], "for --elements"),
        usage(["bench", "round", "--threads", "1000"], "expected a number of threads from 1 to 256"),
        usage(["bench", "round", "--threads", "0"], "for --threads"),
        usage(["bench", "train", "--epochs", "0"], "invalid value '0' for --epochs"),
        usage(["bench", "train", "--epochs", "100001"], "for --epochs"),
        usage(["bench", "train", "--configs", "fp32,bf17"], "unknown configuration 'bf17'"),
        usage(["bench", "train", "--configs", ""], "empty configuration name in --configs"),
        usage(["bench", "round", "--json", "$D/sub"], "--json"),
        usage(["bench", "ops", "--seconds", "1", "--seconds", "2"], "option --seconds is given more than once"),
        usage(["bench", "--bogus", "ops"], "unknown option '--bogus'"),
        failure(["bench", "train", "--data", "/nonexistent-folder", "--configs", "fp32"], "/nonexistent-folder"),
    ]

    static let report: [Case] = [
        usage(["report", "--only", "bogus"], "unknown report 'bogus'"),
        usage(["report", "--only", ""], "unknown report ''"),
        usage(["report", "--only", long], "unknown report 'xxxx"),
        usage(["report", "--out", ""], "--out needs a folder"),
        usage(["report", "--out", "$D/keep.json"], "--out"),
        usage(["report", "--out", "$D/keep.json/deeper"], "--out"),
        usage(["report", "--threads", "0"], "invalid value '0' for --threads"),
        usage(["report", "--threads", "100000"], "for --threads"),
        usage(["report", "--seed", "x"], "invalid value 'x' for --seed"),
        usage(["report", "--quick", "--quick"], "option --quick is given more than once"),
        usage(["report", "--out", "$D/a", "--out", "$D/b"], "option --out is given more than once"),
        usage(["report", "--bogus"], "unknown option '--bogus'"),
        usage(["report", "now"], "unexpected argument 'now'"),
    ]

    static let root: [Case] = [
        usage(["bogus"], "unknown command 'bogus'"),
        usage([""], "unknown command ''"),
        usage([long], "unknown command 'xxxx"),
        usage(["\u{1B}]0;title\u{7}"], "unknown command '\\x1B]0;title\\x07'"),
        usage(["help", "bogus"], "unknown command 'bogus'"),
        usage(["TRAIN"], "unknown command 'TRAIN'"),
    ]

    static let all: [Case] = train + calc + convertCases + verifyCases + expRange + bench + report + root

    /// The folders the cases name, made once.
    final class Folders: Sendable {
        let bystanders: String, data: String, bad: String, empty: String
        init() throws {
            let root = FileManager.default.temporaryDirectory
                .appendingPathComponent("BadInputCorpus-\(getpid())-\(UInt64.random(in: 0...UInt64.max))").path
            bystanders = root + "/bystanders"
            bad = root + "/bad"
            empty = root + "/empty"
            for folder in [bystanders + "/sub", bad, empty] {
                try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            }
            try Data("KEEP\n".utf8).write(to: URL(fileURLWithPath: bystanders + "/keep.json"))
            try FileManager.default.createSymbolicLink(atPath: bystanders + "/link.json", withDestinationPath: "keep.json")
            try Data([0x1F, 0x8B, 0x08, 0x00, 0x00]).write(to: URL(fileURLWithPath: bystanders + "/broken.gz"))
            try Data().write(to: URL(fileURLWithPath: bystanders + "/empty.tv"))
            data = try TrainCommandTests.fakeData(train: 80, test: 30)
            for name in ["train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte",
                         "t10k-labels-idx1-ubyte"] {
                try Data([0, 0, 8, 3, 0, 0]).write(to: URL(fileURLWithPath: bad + "/" + name))
            }
        }

        func expand(_ word: String) -> String {
            word.replacingOccurrences(of: "$DATA", with: data).replacingOccurrences(of: "$BAD", with: bad)
                .replacingOccurrences(of: "$EMPTY", with: empty).replacingOccurrences(of: "$D", with: bystanders)
        }

        /// Every entry of the bystanders' folder and what it holds (a link: its target).
        func snapshot() throws -> [String: String] {
            var entries: [String: String] = [:]
            for name in try FileManager.default.contentsOfDirectory(atPath: bystanders) {
                let path = bystanders + "/" + name
                if let target = try? FileManager.default.destinationOfSymbolicLink(atPath: path) {
                    entries[name] = "link " + target
                } else if let data = FileManager.default.contents(atPath: path) {
                    entries[name] = "file " + data.base64EncodedString()
                } else {
                    entries[name] = "folder"
                }
            }
            return entries
        }
    }

    static let folders = Result { try Folders() }

    @Test("the corpus has at least 150 cases over every command")
    func corpusSize() {
        #expect(Self.all.count >= 150)
        let commands = Set(Self.all.compactMap { $0.arguments.first })
        for type in PrecisionLab.subcommands { #expect(commands.contains(type.name), "\(type.name)") }
    }

    @Test("verify skips the header line of testfloat_gen -prefix, and only a first line")
    func prefixHeaderIsSkipped() {
        var lines = ["f16_add cases, level 1", "3C00 3C00 4000 00"]
        var out = "", err = ""
        let io = CommandIO(out: { out += $0 }, err: { err += $0 },
                           readLine: { lines.isEmpty ? nil : lines.removeFirst() })
        #expect(PrecisionLab.run(["verify", "f16_add"], io: io) == .success)
        #expect(out == "1 passed, 0 failed\n" && err.isEmpty, "\(out) \(err)")
    }

    @Test(arguments: all)
    func badInputIsOneLineAndItsStatus(_ c: Case) throws {
        let folders = try Self.folders.get()
        let before = try folders.snapshot()
        final class Buffers: @unchecked Sendable { var out = "", err = "", lines: [String] = [] }
        let buffers = Buffers()
        buffers.lines = c.input
        let io = CommandIO(out: { buffers.out += $0 }, err: { buffers.err += $0 },
                           readLine: { buffers.lines.isEmpty ? nil : buffers.lines.removeFirst() })
        let status = PrecisionLab.run(c.arguments.map(folders.expand), io: io)
        #expect(status.rawValue == c.status, "\(buffers.err)")
        let lines = buffers.err.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.count == 2 && lines[1].isEmpty, "one line: \(buffers.err.prefix(400))")
        #expect(buffers.err.hasPrefix("error: "), "\(buffers.err.prefix(400))")
        #expect(buffers.err.contains(folders.expand(c.names)), "\(buffers.err.prefix(400))")
        #expect(buffers.err.count < 700, "a short line: \(buffers.err.count) characters")
        #expect(!buffers.err.unicodeScalars.contains { $0.value < 0x20 && $0 != "\n" || $0.value == 0x7F },
                "no control character in \(buffers.err.debugDescription.prefix(400))")
        #expect(try folders.snapshot() == before, "no bystander changed")
    }
}
