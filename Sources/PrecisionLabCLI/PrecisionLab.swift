import Foundation

/// The root command: dispatches to a subcommand and maps errors to exit codes.
public enum PrecisionLab {
    /// Every subcommand, in the order help lists them.
    nonisolated(unsafe) public static let subcommands: [any Command.Type] = [
    ]

    public static let usage = """
        usage: precision-lab <command> [options]

        A multi-precision numerics laboratory: software floating point in any format,
        softmax regression trained in each, and the measurements that answer the
        exercises of "Concise Implementation of Softmax Regression".

        commands:
        \(subcommands.map { "  " + $0.name.padding(toLength: 11, withPad: " ", startingAt: 0) + $0.abstract }
            .joined(separator: "\n"))

        Run 'precision-lab <command> --help' for a command's options.
        """

    /// Runs the process: reads `CommandLine.arguments`, exits with the command's status.
    public static func main() {
        let status = run(Array(CommandLine.arguments.dropFirst()), io: .standard())
        exit(status.rawValue)
    }

    /// Runs a command line in-process (tests call this with buffers).
    public static func run(_ arguments: [String], io: CommandIO) -> ExitCode {
        guard let name = arguments.first else {
            io.err(usage)
            return .usage
        }
        if name == "--help" || name == "-h" || name == "help" {
            io.out(usage)
            return .success
        }
        guard let type = subcommands.first(where: { $0.name == name }) else {
            io.err("error: unknown command '\(name)' (commands: \(subcommands.map { $0.name }.joined(separator: ", ")))")
            return .usage
        }
        let rest = Array(arguments.dropFirst())
        if rest.contains("--help") || rest.contains("-h") {
            io.out(type.usage)
            return .success
        }
        do {
            return try type.parseAndRun(rest, io: io)
        } catch let error as UsageError {
            io.err("error: \(error.message)")
            return .usage
        } catch let error as RuntimeError {
            io.err("error: \(error.message)")
            return .failure
        } catch {
            io.err("error: \(error)")
            return .failure
        }
    }
}
