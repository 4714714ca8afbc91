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
/// Edge cases: missing parent folders are created; the target is replaced even if it is
/// read-only, like `rename(2)`; a target that is a folder is an error.
public enum AtomicFile {
    /// An error writing a file, naming it.
    public struct WriteError: Error, CustomStringConvertible, Equatable {
        public let path: String
        public let problem: String
        public var description: String { "cannot write \(path): \(problem)" }
    }

    /// Where streamed content goes before the rename.
    public struct Sink {
        fileprivate let descriptor: Int32
        fileprivate let path: String

        /// Appends `text` as UTF-8.
        public func write(_ text: String) throws { try write(Data(text.utf8)) }

        /// Appends `data`.
        public func write(_ data: Data) throws {
            try data.withUnsafeBytes { (buffer: UnsafeRawBufferPointer) in
                var offset = 0
                while offset < buffer.count {
                    let written = Foundation.write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
                    if written < 0 {
                        if errno == EINTR { continue }
                        throw WriteError(path: path, problem: String(cString: strerror(errno)))
                    }
                    offset += written
                }
            }
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
    public static func write(to path: String, _ body: (Sink) throws -> Void) throws {
        let url = URL(fileURLWithPath: path)
        let folder = url.deletingLastPathComponent().path
        var isFolder: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isFolder), isFolder.boolValue {
            throw WriteError(path: path, problem: "it is a folder")
        }
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        } catch {
            throw WriteError(path: path, problem: "cannot create the folder \(folder)")
        }
        var template = Array((folder + "/." + url.lastPathComponent + ".tmp-XXXXXX").utf8CString)
        let descriptor = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard descriptor >= 0 else {
            throw WriteError(path: path, problem: String(cString: strerror(errno)))
        }
        let temporary = String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        var closed = false
        do {
            try body(Sink(descriptor: descriptor, path: path))
            guard fsync(descriptor) == 0 else { throw WriteError(path: path, problem: String(cString: strerror(errno))) }
            fchmod(descriptor, 0o644)
            closed = true
            guard close(descriptor) == 0 else { throw WriteError(path: path, problem: String(cString: strerror(errno))) }
            guard rename(temporary, path) == 0 else {
                throw WriteError(path: path, problem: String(cString: strerror(errno)))
            }
        } catch {
            if !closed { close(descriptor) }
            unlink(temporary)
            throw error
        }
    }
}
