import Testing
import PrecisionLabCLI
import SoftFloat

/// Every command that takes a format name answers an unknown one with the registry's one
/// error, naming what that command accepts, as a usage error.
@Suite("format names in every command")
struct FormatNameErrorTests {
    static func run(_ arguments: [String]) -> (status: ExitCode, err: String) {
        final class Buffer: @unchecked Sendable { var err = "" }
        let buffer = Buffer()
        let io = CommandIO(out: { _ in }, err: { buffer.err += $0 }, readLine: { nil })
        return (PrecisionLab.run(arguments, io: io), buffer.err)
    }

    @Test("train, exp-range, calc and bench give FormatNameError's message, exit 64", arguments: [
        (["train", "--format", "bogus"], "bogus", NumberFormat.Kinds.all),
        (["train", "--format", "lns8-f9"], "lns8-f9", .all),
        (["train", "--format", "mxfp5"], "mxfp5", .all),
        (["train", "--accumulate", "bogus"], "bogus", .binary),
        (["exp-range", "--formats", "fp32,bogus"], "bogus", .elementwise),
        (["calc", "--format", "bogus", "1"], "bogus", .binary),
        (["calc", "--format", "lns8", "1"], "lns8", .binary),
        (["bench", "ops", "--formats", "bogus"], "bogus", .binary),
        (["bench", "round", "--formats", "lns8"], "lns8", .binary),
        (["exp-range", "--formats", "nvfp4"], "nvfp4", .elementwise),
    ])
    func oneErrorForUnknownNames(arguments: [String], name: String, accepted: NumberFormat.Kinds) {
        let (status, err) = Self.run(arguments)
        #expect(status == .usage)
        let option = arguments.contains("--accumulate") ? "--accumulate: " : ""
        #expect(err == "error: \(option)\(FormatNameError(name: name, accepted: accepted))\n", "\(arguments)")
    }

    @Test("aliases work wherever a format is named")
    func aliases() {
        #expect(Self.run(["calc", "--format", "bfloat16", "1"]).status == .success)
        #expect(Self.run(["exp-range", "--formats", "half,binary64,int8s-s4"]).status == .success)
    }
}
