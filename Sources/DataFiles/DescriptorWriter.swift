import Foundation

/// Writes bytes to an open file descriptor with `write(2)`, and returns a failure as a
/// value instead of trapping.
///
///     if let error = DescriptorWriter.standardOutput.write("42\n") {
///         // error.code == ENOSPC for `> /dev/full`, EBADF for `>&-`, EPIPE for a closed pipe
///     }
///
/// Edge cases: a write interrupted by a signal (`EINTR`) is retried; a short write goes on
/// with the rest; a non-blocking descriptor that is full (`EAGAIN`) is waited on with
/// `poll(2)`. A broken pipe is reported as `EPIPE` only when `SIGPIPE` is ignored, as
/// `precision-lab` does; otherwise the signal ends the process first.
public struct DescriptorWriter: Sendable {
    public let descriptor: Int32

    public init(descriptor: Int32) { self.descriptor = descriptor }

    public static let standardOutput = DescriptorWriter(descriptor: STDOUT_FILENO)
    public static let standardError = DescriptorWriter(descriptor: STDERR_FILENO)

    /// Writes `text` as UTF-8; nil when every byte was written.
    public func write(_ text: String) -> SystemError? {
        var text = text
        return text.withUTF8 { write(UnsafeRawBufferPointer($0)) }
    }

    /// Writes `data`; nil when every byte was written.
    public func write(_ data: Data) -> SystemError? {
        data.withUnsafeBytes { write($0) }
    }

    /// Writes `bytes`; nil when every byte was written.
    public func write(_ bytes: UnsafeRawBufferPointer) -> SystemError? {
        guard let base = bytes.baseAddress else { return nil }
        var offset = 0
        while offset < bytes.count {
            let written = Foundation.write(descriptor, base + offset, bytes.count - offset)
            if written >= 0 {
                offset += written
                continue
            }
            let error = SystemError.current
            switch error.code {
            case EINTR:
                continue
            case EAGAIN, EWOULDBLOCK:
                var waiting = pollfd(fd: descriptor, events: Int16(POLLOUT), revents: 0)
                if poll(&waiting, 1, -1) < 0 && errno != EINTR { return .current }
            default:
                return error
            }
        }
        return nil
    }
}
