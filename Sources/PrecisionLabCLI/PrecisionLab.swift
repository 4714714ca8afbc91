import Foundation
import SoftFloat

/// The root command: dispatches to a subcommand and maps errors to exit codes.
public enum PrecisionLab {
    /// Every subcommand, in the order help lists them.
    nonisolated(unsafe) public static let subcommands: [any Command.Type] = [
        ExpRangeCommand.self,
        VerifyCommand.self,
        CalcCommand.self,
        ConvertCommand.self,
        TrainCommand.self,
        BenchCommand.self,
        ReportCommand.self,
    ]

    public static let usage = """
        usage: precision-lab <command> [options]

        A laboratory for number formats: software floating point, bit-exact in any
        binary format (fp64 fp32 tf32 bf16 fp16 fp8-e5m2 fp8-e4m3 and any eXmY);
        softmax regression on Fashion-MNIST with every operation in a chosen format;
        and the measurements that answer the exercises of "Concise Implementation of
        Softmax Regression".

        commands:
        \(commandList)

        examples:
          precision-lab calc --format bf16 --rounding up 1 / 3
          echo '0.1 1e-3 448' | precision-lab convert --to fp8-e4m3
          testfloat_gen -rminMag f16_mul | precision-lab verify f16_mul -rminMag

        Run 'precision-lab help <command>' for a command's options.
        Exit status: 0 success, 1 failure, 64 usage error.
        """

    /// One line per subcommand: its name, padded to a column, and its abstract.
    static var commandList: String {
        let width = max(9, subcommands.map { $0.name.count }.max() ?? 0) + 2
        return subcommands.map { type in
            "  " + type.name + String(repeating: " ", count: width - type.name.count) + type.abstract
        }.joined(separator: "\n")
    }

    /// Runs the process: reads `CommandLine.arguments`, exits with the command's status.
    ///
    /// Edge cases: `SIGPIPE` is ignored, so a reader that goes away is a failed write
    /// (`EPIPE`), which ends the process quietly with status 1 (`CommandIO`), never a death
    /// by signal; so is `SIGXFSZ`, so a file beyond `ulimit -f` is a failed write (`EFBIG`)
    /// that leaves the old file in place.
    public static func main() {
        signal(SIGPIPE, SIG_IGN)
        signal(SIGXFSZ, SIG_IGN)
        let status = run(Array(CommandLine.arguments.dropFirst()), io: .standard())
        exit(status.rawValue)
    }

    /// Runs a command line in-process (tests call this with buffers).
    ///
    /// Edge cases: once standard output has failed (`CommandIO.outputFailure`) the status
    /// is 1 and the command's own error, if any, is not printed: the failed write was
    /// already reported on its one line.
    public static func run(_ arguments: [String], io: CommandIO) -> ExitCode {
        let status = dispatch(arguments, io: io)
        return io.outputFailure == nil ? status : .failure
    }

    static func dispatch(_ arguments: [String], io: CommandIO) -> ExitCode {
        guard let name = arguments.first else {
            io.err(usage)
            return .usage
        }
        if name == "--help" || name == "-h" || name == "help" {
            // `help <command>` is that command's help.
            if name == "help", arguments.count > 1 {
                guard let type = subcommands.first(where: { $0.name == arguments[1] }) else {
                    io.err("error: unknown command \(Echo.quoted(arguments[1])) (commands: \(subcommands.map { $0.name }.joined(separator: ", ")))")
                    return .usage
                }
                io.out(type.usage)
            } else {
                io.out(usage)
            }
            return .success
        }
        guard let type = subcommands.first(where: { $0.name == name }) else {
            io.err("error: unknown command \(Echo.quoted(name)) (commands: \(subcommands.map { $0.name }.joined(separator: ", ")))")
            return .usage
        }
        let rest = Array(arguments.dropFirst())
        if rest.contains("--help") || rest.contains("-h") {
            io.out(type.usage)
            return .success
        }
        do {
            return try type.parseAndRun(rest, io: io)
        } catch {
            let (message, status) = switch error {
            case let error as UsageError: (error.message, ExitCode.usage)
            case let error as RuntimeError: (error.message, ExitCode.failure)
            default: ("\(error)", ExitCode.failure)
            }
            if io.outputFailure == nil { io.err("error: \(Echo.line(message))") }
            return status
        }
    }
}
