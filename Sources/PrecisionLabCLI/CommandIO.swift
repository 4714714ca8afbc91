import DataFiles
import Foundation

/// Where a command reads and writes: the process's streams, or buffers in tests.
///
///     let io = CommandIO.standard()
///     io.out("3")                       // a line on standard output
///     io.err("error: bad input")        // a line on standard error
///
/// Edge cases: when standard output cannot be written (closed, `/dev/full`, a reader that
/// has gone), the first failure is kept in `outputFailure` and all later output is
/// dropped. It is reported once, as `error: cannot write standard output: <reason>` on
/// standard error, except a broken pipe (`EPIPE`), which is quiet: the reader stopped
/// because it had what it wanted. `PrecisionLab.run` then returns status 1; the process's
/// own streams (`standard()`) end the process at once with status 1 instead of finishing
/// work no one will read. A failure to write standard error is ignored: there is nowhere
/// left to report it, and the exit status still tells.
public final class CommandIO: @unchecked Sendable {
    private let writeOut: (String) -> SystemError?
    private let writeErr: (String) -> SystemError?
    private let readLineIn: () -> String?
    private let endsProcessOnOutputFailure: Bool
    private let lock = NSLock()
    private var failure: SystemError?
    /// Whether standard error is a terminal (progress bars draw only then).
    public let isInteractive: Bool

    /// Streams that cannot fail (buffers in tests).
    public convenience init(out: @escaping (String) -> Void, err: @escaping (String) -> Void,
                            readLine: @escaping () -> String?, isInteractive: Bool = false) {
        self.init(writingOut: { out($0); return nil }, writingErr: { err($0); return nil },
                  readLine: readLine, isInteractive: isInteractive)
    }

    /// Streams whose writes report failures, as `DescriptorWriter` does.
    ///
    /// - Parameter endsProcessOnOutputFailure: whether a failed write to standard output ends
    ///   the process (status 1) once it is reported.
    public init(writingOut: @escaping (String) -> SystemError?, writingErr: @escaping (String) -> SystemError?,
                readLine: @escaping () -> String?, isInteractive: Bool = false,
                endsProcessOnOutputFailure: Bool = false) {
        self.writeOut = writingOut
        self.writeErr = writingErr
        self.readLineIn = readLine
        self.isInteractive = isInteractive
        self.endsProcessOnOutputFailure = endsProcessOnOutputFailure
    }

    /// The first failed write to standard output, if any.
    public var outputFailure: SystemError? {
        lock.lock()
        defer { lock.unlock() }
        return failure
    }

    /// Writes `text` and a newline to standard output.
    public func out(_ text: String) { emit(text + "\n") }
    /// Writes `text` as it is (no newline) to standard output.
    public func write(_ text: String) { emit(text) }
    /// Writes `text` and a newline to standard error.
    public func err(_ text: String) { progress(text + "\n") }
    /// Writes `text` as it is to standard error (progress lines use `\r`).
    public func progress(_ text: String) {
        lock.lock()
        defer { lock.unlock() }
        _ = writeErr(text)
    }
    /// The next line of standard input, without its newline.
    public func readLine() -> String? { readLineIn() }

    private func emit(_ text: String) {
        lock.lock()
        defer { lock.unlock() }
        guard failure == nil, let error = writeOut(text) else { return }
        failure = error
        if !error.isBrokenPipe { _ = writeErr("error: cannot write standard output: \(error)\n") }
        if endsProcessOnOutputFailure { exit(ExitCode.failure.rawValue) }
    }

    /// The process's own streams, written with `write(2)`.
    ///
    /// Edge cases: a standard descriptor that is closed is first held by `/dev/null`,
    /// opened the wrong way round (output read-only, input write-only), so that using it
    /// still fails (`EBADF`) and no file opened later takes its number and receives the
    /// output meant for the stream.
    public static func standard() -> CommandIO {
        holdClosedStandardDescriptors()
        return CommandIO(
            writingOut: { DescriptorWriter.standardOutput.write($0) },
            writingErr: { DescriptorWriter.standardError.write($0) },
            readLine: { Swift.readLine(strippingNewline: true) },
            isInteractive: isatty(STDERR_FILENO) != 0,
            endsProcessOnOutputFailure: true)
    }

    /// Opens `/dev/null` in the unusable direction on each closed standard descriptor.
    static func holdClosedStandardDescriptors() {
        for (descriptor, mode) in [(STDIN_FILENO, O_WRONLY), (STDOUT_FILENO, O_RDONLY), (STDERR_FILENO, O_RDONLY)]
        where fcntl(descriptor, F_GETFD) < 0 && errno == EBADF {
            let held = open("/dev/null", mode)
            if held >= 0 && held != descriptor {
                dup2(held, descriptor)
                close(held)
            }
        }
    }
}
