import Foundation

/// Writes files atomically: the content goes to a temporary file in the same folder,
/// which is flushed to disk and then renamed over the target. A crash or an error
/// part-way leaves the old file as it was (and no temporary file behind, for errors).
///
///     try AtomicFile.write("# Report\n", to: "Reports/README.md")
///     try AtomicFile.write(to: "big.csv") { sink in
///         for row in rows { try sink.write(row + "\n") }
///     }
///
/// What the path names decides how it is written (`OutputDestination`): a symbolic link is
/// followed to its final target, which is replaced (the link stays a link); a FIFO or a
/// character device (`/dev/null`, `/dev/stdout`, a terminal) is opened and written in place,
/// never replaced, so those writes are not atomic; `-` is standard output, and
/// `/dev/stdout`, `/dev/stderr` and `/dev/fd/N` the descriptor they name, written where it
/// stands.
///
/// Edge cases: missing parent folders are created; the target is replaced even if it is
/// read-only, like `rename(2)`, and keeps its permissions; a target that is a folder, a
/// block device or a socket is an error naming the path.
public enum AtomicFile {
    /// Where streamed content goes before the rename.
    public struct Sink {
        fileprivate let writer: DescriptorWriter
        fileprivate let path: String

        /// Appends `text` as UTF-8.
        public func write(_ text: String) throws {
            if let error = writer.write(text) { throw FileError(.write, path: path, problem: error.description) }
        }

        /// Appends `data`.
        public func write(_ data: Data) throws {
            if let error = writer.write(data) { throw FileError(.write, path: path, problem: error.description) }
        }
    }

    /// Replaces `path` with `text` (UTF-8).
    public static func write(_ text: String, to path: String) throws {
        try write(to: path) { try $0.write(text) }
    }

    /// Replaces `path` with `data`.
    public static func write(_ data: Data, to path: String) throws {
        try write(to: path) { try $0.write(data) }
    }

    /// Replaces `path` with what `body` writes to the sink; if `body` throws, the old
    /// file stays and the error is rethrown.
    ///
    /// - Parameter standardOutput: where `-` writes (the process's standard output).
    public static func write(to path: String, standardOutput: Int32 = STDOUT_FILENO,
                             _ body: (Sink) throws -> Void) throws {
        switch try OutputDestination.resolve(path) {
        case .standardOutput:
            try body(Sink(writer: DescriptorWriter(descriptor: standardOutput), path: path))
        case let .descriptor(descriptor):
            try body(Sink(writer: DescriptorWriter(descriptor: descriptor), path: path))
        case let .stream(device):
            try writeInPlace(device, named: path, body)
        case let .file(target):
            try replace(target, named: path, body)
        }
    }

    /// Opens a FIFO or a device and writes to it, without creating or truncating anything.
    static func writeInPlace(_ device: String, named path: String, _ body: (Sink) throws -> Void) throws {
        var descriptor: Int32
        repeat {
            descriptor = open(device, O_WRONLY | O_NOCTTY | O_CLOEXEC)
        } while descriptor < 0 && errno == EINTR
        guard descriptor >= 0 else { throw FileError(.write, path: path, problem: SystemError.current.description) }
        do {
            try body(Sink(writer: DescriptorWriter(descriptor: descriptor), path: path))
        } catch {
            close(descriptor)
            throw error
        }
        guard close(descriptor) == 0 || errno == EINTR else {
            throw FileError(.write, path: path, problem: SystemError.current.description)
        }
    }

    /// Writes a temporary file beside `target` and renames it over `target`.
    static func replace(_ target: String, named path: String, _ body: (Sink) throws -> Void) throws {
        func failure(_ problem: String) -> FileError { FileError(.write, path: path, problem: problem) }
        let folder = OutputDestination.directory(of: target)
        var isFolder: ObjCBool = false
        if !FileManager.default.fileExists(atPath: folder, isDirectory: &isFolder) {
            do {
                try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            } catch {
                throw failure("cannot create the folder \(folder)")
            }
        } else if !isFolder.boolValue {
            throw failure("'\(folder)' is not a folder")
        }
        var existing = stat()
        let replacesFile = stat(target, &existing) == 0
        // The name stays within NAME_MAX (255 bytes) however long the target's is.
        let name = OutputDestination.fileName(of: target)
        let stem = name.utf8.count <= 200 ? name : "precision-lab"
        var template = Array((folder + "/." + stem + ".tmp-XXXXXX").utf8CString)
        let descriptor = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard descriptor >= 0 else { throw failure(SystemError.current.description) }
        let temporary = String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        var closed = false
        do {
            try body(Sink(writer: DescriptorWriter(descriptor: descriptor), path: path))
            guard fsync(descriptor) == 0 else { throw failure(SystemError.current.description) }
            if replacesFile {
                fchmod(descriptor, existing.st_mode & 0o7777)
                if existing.st_uid != geteuid() || existing.st_gid != getegid() {
                    _ = fchown(descriptor, existing.st_uid, existing.st_gid)   // only root may; else it is ours
                }
            } else {
                fchmod(descriptor, 0o644)
            }
            closed = true
            guard close(descriptor) == 0 || errno == EINTR else { throw failure(SystemError.current.description) }
            guard rename(temporary, target) == 0 else { throw failure(SystemError.current.description) }
        } catch {
            if !closed { close(descriptor) }
            unlink(temporary)
            throw error
        }
    }
}
