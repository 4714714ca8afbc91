/// A file that could not be read or written: its path, and what is wrong.
///
///     FileError(.read, path: "t10k-labels-idx1-ubyte.gz", problem: "truncated gzip data")
///     // t10k-labels-idx1-ubyte.gz: truncated gzip data
///     FileError(.write, path: "run.json", problem: "No space left on device")
///     // cannot write run.json: No space left on device
public struct FileError: Error, Equatable, CustomStringConvertible {
    public enum Access: Equatable, Sendable {
        case read
        case write
    }

    public let access: Access
    public let path: String
    public let problem: String

    public init(_ access: Access, path: String, problem: String) {
        self.access = access
        self.path = path
        self.problem = problem
    }

    public var description: String {
        switch access {
        case .read: return "\(path): \(problem)"
        case .write: return "cannot write \(path): \(problem)"
        }
    }
}
