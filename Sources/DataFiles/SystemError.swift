import Foundation

/// An error number from a system call (`errno`), as a value.
///
///     if let error = DescriptorWriter.standardOutput.write("hello\n") {
///         print(error)   // "No space left on device" (ENOSPC)
///     }
///
/// Edge cases: `description` is the C library's text for the number (`strerror`), which
/// names no file: callers add the path.
public struct SystemError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The `errno` value, e.g. `EPIPE` or `ENOSPC`.
    public let code: Int32

    public init(code: Int32) { self.code = code }

    /// The error of the last failed system call on this thread.
    public static var current: SystemError { SystemError(code: errno) }

    /// Whether the reader of a pipe or socket has gone away (`EPIPE`).
    public var isBrokenPipe: Bool { code == EPIPE }

    public var description: String { String(cString: strerror(code)) }
}
