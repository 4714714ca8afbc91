import Foundation

/// One subcommand of `precision-lab`, in the shape of swift-argument-parser's
/// `ParsableCommand`: parse, then `validate()`, then `run(_:)`.
///
///     struct Hello: Command {
///         static let name = "hello"
///         static let abstract = "Greets."
///         static let usage = "usage: precision-lab hello [--name NAME]"
///         var who = "world"
///         init(arguments: inout Arguments) throws {
///             if let n = try arguments.option("--name") { who = n }
///         }
///         func run(_ io: CommandIO) throws -> ExitCode { io.out("hello \(who)"); return .success }
///     }
///
/// Edge cases: `--help` anywhere prints `usage` and exits 0 before parsing; arguments left
/// unparsed are a usage error.
public protocol Command {
    static var name: String { get }
    /// One line for the root command's list.
    static var abstract: String { get }
    /// The full help text (tested as golden text).
    static var usage: String { get }
    /// Reads the command's options; throws `UsageError` for anything malformed.
    init(arguments: inout Arguments) throws
    /// Checks option combinations; throws `UsageError`.
    func validate() throws
    func run(_ io: CommandIO) throws -> ExitCode
}

extension Command {
    public func validate() throws {}

    /// Parses `words`, validates, and runs.
    public static func parseAndRun(_ words: [String], io: CommandIO) throws -> ExitCode {
        var arguments = Arguments(words)
        let command = try Self(arguments: &arguments)
        try arguments.expectEmpty()
        try command.validate()
        return try command.run(io)
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

/// Where a command reads and writes: the process's streams, or buffers in tests.
public final class CommandIO: @unchecked Sendable {
    private let writeOut: (String) -> Void
    private let writeErr: (String) -> Void
    private let readLineIn: () -> String?
    /// Whether standard error is a terminal (progress bars draw only then).
    public let isInteractive: Bool

    public init(out: @escaping (String) -> Void, err: @escaping (String) -> Void,
                readLine: @escaping () -> String?, isInteractive: Bool = false) {
        self.writeOut = out
        self.writeErr = err
        self.readLineIn = readLine
        self.isInteractive = isInteractive
    }

    /// Writes `text` and a newline to standard output.
    public func out(_ text: String) { writeOut(text + "\n") }
    /// Writes `text` as it is (no newline) to standard output.
    public func write(_ text: String) { writeOut(text) }
    /// Writes `text` and a newline to standard error.
    public func err(_ text: String) { writeErr(text + "\n") }
    /// Writes `text` as it is to standard error (progress lines use `\r`).
    public func progress(_ text: String) { writeErr(text) }
    /// The next line of standard input, without its newline.
    public func readLine() -> String? { readLineIn() }

    /// The process's own streams.
    public static func standard() -> CommandIO {
        CommandIO(
            out: { FileHandle.standardOutput.write(Data($0.utf8)) },
            err: { FileHandle.standardError.write(Data($0.utf8)) },
            readLine: { Swift.readLine(strippingNewline: true) },
            isInteractive: isatty(STDERR_FILENO) != 0)
    }
}
