import Foundation
import SoftFloat

/// One subcommand of `precision-lab`, in the shape of swift-argument-parser's
/// `ParsableCommand`: each option declared once (its parsing and its help), then
/// `validate()`, then `run(_:)`.
///
///     struct Hello: Command {
///         static let name = "hello"
///         static let abstract = "Greets."
///         static let help = CommandHelp(usage: [[.text("[options]")]], discussion: "Greets someone.")
///         static let options: [CommandOption<Hello>] = [
///             .value("--name", "NAME", help: "whom to greet", default: "world", .text) { $0.who = $1 },
///         ]
///         var who = "world"
///         func run(_ io: CommandIO) throws -> ExitCode { io.out("hello \(who)"); return .success }
///     }
///
/// Edge cases: `--help` anywhere prints `usage` and exits 0 before parsing; words left
/// after the options and `readArguments` are a usage error.
public protocol Command {
    static var name: String { get }
    /// One line for the root command's list.
    static var abstract: String { get }
    /// The prose and layout of the help.
    static var help: CommandHelp { get }
    /// Every option, in the order help lists them and the parser looks for them.
    static var options: [CommandOption<Self>] { get }
    /// Whether the words are read from left to right, a later option overriding an earlier
    /// one (`verify`, as TestFloat); otherwise each option is looked for in turn.
    static var readsInOrder: Bool { get }
    /// The full help text (tested as golden text).
    static var usage: String { get }
    /// The command with every option at its default.
    init()
    /// Reads the words the options left (the command's arguments); throws `UsageError`.
    mutating func readArguments(_ arguments: inout Arguments) throws
    /// Reads one word that is no option, for a command that `readsInOrder`.
    mutating func read(argument: String) throws
    /// Checks option combinations; throws `UsageError`.
    func validate() throws
    func run(_ io: CommandIO) throws -> ExitCode
}

extension Command {
    public static var readsInOrder: Bool { false }

    public static var usage: String { help.text(name: name, options: optionSpecs) }

    /// What every option is, hidden ones too, in declaration order.
    public static var optionSpecs: [OptionSpec] { options.map(\.spec) }

    public mutating func readArguments(_ arguments: inout Arguments) throws {}

    public mutating func read(argument: String) throws {
        throw UsageError("unexpected argument \(Echo.quoted(argument))")
    }

    public func validate() throws {}

    /// The command that `words` ask for, validated.
    ///
    ///     let command = try TrainCommand.parse(["--format", "bf16"])
    ///
    /// Edge cases: throws `UsageError` for anything malformed or left over.
    public static func parse(_ words: [String]) throws -> Self {
        var command = Self()
        var arguments = Arguments(words)
        if readsInOrder {
            try arguments.readInOrder(options, into: &command) { try $0.read(argument: $1) }
        } else {
            try arguments.read(options, into: &command)
        }
        try command.readArguments(&arguments)
        try arguments.expectEmpty()
        try command.validate()
        return command
    }

    /// Parses `words`, validates, and runs.
    public static func parseAndRun(_ words: [String], io: CommandIO) throws -> ExitCode {
        try parse(words).run(io)
    }
}

/// The process exit status: 0 success, 1 failure, 64 usage error (BSD `EX_USAGE`).
public struct ExitCode: Equatable, Sendable, CustomStringConvertible {
    public let rawValue: Int32
    public init(_ rawValue: Int32) { self.rawValue = rawValue }
    public static let success = ExitCode(0)
    public static let failure = ExitCode(1)
    public static let usage = ExitCode(64)
    public var description: String { String(rawValue) }
}

/// Bad input on the command line or in what a command reads: reported as one line
/// `error: <message>` and exit status 64.
public struct UsageError: Error, CustomStringConvertible, Equatable {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// A failure while running (a missing data file, a failed check): one line
/// `error: <message>` and exit status 1.
public struct RuntimeError: Error, CustomStringConvertible, Equatable {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
