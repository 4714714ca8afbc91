import Testing
import PrecisionLabCLI

@Suite("precision-lab usage")
struct PrecisionLabUsageTests {
    static func run(_ arguments: [String]) -> (status: ExitCode, out: String, err: String) {
        final class Buffers: @unchecked Sendable { var out = "", err = "" }
        let buffers = Buffers()
        let io = CommandIO(out: { buffers.out += $0 }, err: { buffers.err += $0 }, readLine: { nil })
        let status = PrecisionLab.run(arguments, io: io)
        return (status, buffers.out, buffers.err)
    }

    /// The root help, golden except for the command list, which grows as commands are added
    /// and is checked line by line below.
    static let goldenBeforeCommands = """
        usage: precision-lab <command> [options]

        A laboratory for number formats: software floating point, bit-exact in any
        binary format (fp64 fp32 tf32 bf16 fp16 fp8-e5m2 fp8-e4m3 and any eXmY);
        softmax regression on Fashion-MNIST with every operation in a chosen format;
        and the measurements that answer the exercises of "Concise Implementation of
        Softmax Regression".

        commands:

        """

    static let goldenAfterCommands = """

        examples:
          precision-lab calc --format bf16 --rounding up 1 / 3
          echo '0.1 1e-3 448' | precision-lab convert --to fp8-e4m3
          testfloat_gen -rminMag f16_mul | precision-lab verify f16_mul -rminMag

        Run 'precision-lab help <command>' for a command's options.
        Exit status: 0 success, 1 failure, 64 usage error.

        """

    @Test(arguments: [["--help"], ["-h"], ["help"]])
    func rootHelpIsTheGoldenText(_ arguments: [String]) throws {
        let (status, out, err) = Self.run(arguments)
        #expect(status == .success)
        #expect(err.isEmpty)
        #expect(out.hasPrefix(Self.goldenBeforeCommands))
        #expect(out.hasSuffix(Self.goldenAfterCommands))
        let list = out.dropFirst(Self.goldenBeforeCommands.count).dropLast(Self.goldenAfterCommands.count)
        let lines = list.split(separator: "\n").map(String.init)
        let names = PrecisionLab.subcommands.map { $0.name }
        #expect(lines.count == names.count)
        #expect(names.contains("verify"))
        // Each line: two spaces, the name, spaces up to one shared column, the abstract.
        let first = try #require(lines.first)
        let nameEnd = 2 + first.dropFirst(2).prefix(while: { $0 != " " }).count
        let column = nameEnd + first.dropFirst(nameEnd).prefix(while: { $0 == " " }).count
        for (line, type) in zip(lines, PrecisionLab.subcommands) {
            #expect(String(line.dropFirst(column)) == type.abstract)
            #expect(line.prefix(column).trimmingSuffixSpaces == "  " + type.name)
        }
    }

    @Test func everyHelpLineFitsEightyColumns() {
        // The root help and this suite's commands (other commands test their own).
        let mine = ["verify", "calc"]
        var texts = [PrecisionLab.usage]
        texts += PrecisionLab.subcommands.filter { mine.contains($0.name) }.map { $0.usage }
        for text in texts {
            for line in text.split(separator: "\n") {
                #expect(line.count <= 80, "\(line)")
            }
        }
    }

    @Test func noArgumentsPrintsTheUsageAsAnError() {
        let (status, out, err) = Self.run([])
        #expect(status == .usage)
        #expect(out.isEmpty)
        #expect(err.hasPrefix("usage: precision-lab <command>"))
    }

    @Test func helpForACommandIsThatCommandsHelp() {
        let viaHelp = Self.run(["help", "verify"])
        let viaFlag = Self.run(["verify", "--help"])
        #expect(viaHelp.status == .success)
        #expect(viaHelp.out == viaFlag.out)
        #expect(viaHelp.out.hasPrefix("usage: precision-lab verify"))
    }

    @Test(arguments: [["frobnicate"], ["help", "frobnicate"]])
    func anUnknownCommandIsOneErrorLine(_ arguments: [String]) {
        let (status, out, err) = Self.run(arguments)
        #expect(status == .usage)
        #expect(out.isEmpty)
        #expect(err.hasPrefix("error: unknown command 'frobnicate' (commands: "))
        #expect(err.filter { $0 == "\n" }.count == 1)
        #expect(err.contains("verify"))
    }
}

private extension Substring {
    var trimmingSuffixSpaces: String {
        var s = self
        while s.last == " " { s = s.dropLast() }
        return String(s)
    }
}
