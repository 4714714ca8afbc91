import CZlib
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A file read through zlib: gzip-compressed data is decompressed on the fly, and a file
/// that is not compressed at all is read as it is.
///
///     let file = try GzipFile(path: "train-images-idx3-ubyte.gz")
///     let bytes = try file.readAll()
///
///     let vectors = try GzipFile(path: "f16_add.rnear_even.tv.gz")
///     while let line = vectors.readLine() { ... }
///     try vectors.checkError()        // a damaged stream ends the lines early
///
/// Edge cases: a missing or unreadable file throws `GzipFileError.cannotOpen`; a file whose
/// name ends in `.gz` but holds no gzip data throws `.notGzip`; corrupt or truncated
/// compressed data throws `.corrupt` / `.truncated` from `readAll()` and `nextLine()`, while
/// `readLine()` returns nil and keeps the error in `error` (and `checkError()` throws it).
/// Lines end at `\n`; a `\r` before it is removed; the last line need not end in `\n`.
/// Bytes that are not UTF-8 are repaired (U+FFFD) by `readLine()`.
public final class GzipFile {
    /// The path the file was opened with (errors name it).
    public let path: String
    /// The first read error met, if any; reading stops at it.
    public private(set) var error: GzipFileError?

    private var handle: gzFile?
    private var buffer: [UInt8]
    private var start = 0
    private var end = 0
    private var atEndOfStream = false

    private static let chunkSize = 1 << 16

    /// Opens `path` for reading.
    ///
    /// - Parameters:
    ///   - path: a gzip-compressed file, or a plain one (read as it is) unless its name ends
    ///     in `.gz`.
    public init(path: String) throws {
        self.path = path
        self.buffer = [UInt8](repeating: 0, count: GzipFile.chunkSize)
        var status = stat()
        guard stat(path, &status) == 0 else {
            throw GzipFileError.cannotOpen(path: path, reason: GzipFile.describeErrno(errno))
        }
        if (status.st_mode & S_IFMT) == S_IFDIR {
            throw GzipFileError.cannotOpen(path: path, reason: "it is a directory")
        }
        guard let handle = gzopen(path, "rb") else {
            throw GzipFileError.cannotOpen(path: path, reason: GzipFile.describeErrno(errno))
        }
        self.handle = handle
        _ = gzbuffer(handle, UInt32(GzipFile.chunkSize))
        if path.hasSuffix(".gz"), gzdirect(handle) != 0 {
            let empty = status.st_size == 0
            gzclose(handle)
            self.handle = nil
            throw GzipFileError.notGzip(path: path, reason: empty ? "the file is empty" : "no gzip header")
        }
    }

    deinit {
        if let handle { gzclose(handle) }
    }

    /// Reads everything left in the file, decompressed.
    ///
    ///     let bytes = try GzipFile(path: "t10k-labels-idx1-ubyte.gz").readAll()
    ///
    /// Edge cases: after some lines were read, returns the rest; throws on damaged data.
    public func readAll() throws -> [UInt8] {
        try checkError()
        var result = Array(buffer[start..<end])
        start = end
        while !atEndOfStream {
            try fill(appendingTo: &result)
        }
        return result
    }

    /// The next line without its line ending, or nil at the end of the file or at an error
    /// (see `error`).
    public func readLine() -> String? {
        do {
            return try nextLine()
        } catch {
            return nil
        }
    }

    /// The next line without its line ending, or nil at the end of the file; throws on
    /// damaged data.
    public func nextLine() throws -> String? {
        var text: String?
        try nextLineBytes { bytes in text = String(decoding: bytes, as: UTF8.self) }
        return text
    }

    /// Hands the next line's bytes (without `\n` or `\r\n`) to `body`, without making a
    /// `String`; returns false at the end of the file.
    ///
    ///     while try file.nextLineBytes({ bytes in count += bytes.count }) {}
    ///
    /// Edge cases: the bytes are valid only inside `body`.
    @discardableResult
    public func nextLineBytes(_ body: (UnsafeBufferPointer<UInt8>) throws -> Void) throws -> Bool {
        try checkError()
        while true {
            if let newline = buffer[start..<end].firstIndex(of: UInt8(ascii: "\n")) {
                let lineStart = start
                start = newline + 1
                var lineEnd = newline
                if lineEnd > lineStart, buffer[lineEnd - 1] == UInt8(ascii: "\r") { lineEnd -= 1 }
                try buffer.withUnsafeBufferPointer { all in
                    try body(UnsafeBufferPointer(rebasing: all[lineStart..<lineEnd]))
                }
                return true
            }
            if atEndOfStream {
                guard start < end else { return false }
                let lineStart = start
                var lineEnd = end
                start = end
                if buffer[lineEnd - 1] == UInt8(ascii: "\r") { lineEnd -= 1 }
                try buffer.withUnsafeBufferPointer { all in
                    try body(UnsafeBufferPointer(rebasing: all[lineStart..<lineEnd]))
                }
                return true
            }
            // Keep the partial line, make room, read more.
            if start > 0 {
                let pending = end - start
                if pending > 0 {
                    buffer.withUnsafeMutableBufferPointer { b in
                        _ = memmove(b.baseAddress!, b.baseAddress! + start, pending)
                    }
                }
                start = 0
                end = pending
            }
            if buffer.count - end < GzipFile.chunkSize / 2 {
                buffer.append(contentsOf: repeatElement(0, count: buffer.count))
            }
            try fillBuffer()
        }
    }

    /// Throws the read error met so far, if any.
    public func checkError() throws {
        if let error { throw error }
    }

    // MARK: - Reading

    /// Reads one chunk into `buffer[end...]`.
    private func fillBuffer() throws {
        guard let handle else { atEndOfStream = true; return }
        let room = buffer.count - end
        let count = buffer.withUnsafeMutableBufferPointer { b in
            gzread(handle, b.baseAddress! + end, UInt32(room))
        }
        try account(count, handle)
        end += Int(max(count, 0))
    }

    /// Reads one chunk and appends it to `result`.
    private func fill(appendingTo result: inout [UInt8]) throws {
        guard let handle else { atEndOfStream = true; return }
        let count = buffer.withUnsafeMutableBufferPointer { b in
            gzread(handle, b.baseAddress!, UInt32(b.count))
        }
        try account(count, handle)
        if count > 0 { result.append(contentsOf: buffer[0..<Int(count)]) }
    }

    /// Turns a `gzread` return value into end-of-stream or an error.
    private func account(_ count: Int32, _ handle: gzFile) throws {
        if count < 0 {
            var code: Int32 = 0
            let message = gzerror(handle, &code).map { String(cString: $0) } ?? "unknown error"
            let failure: GzipFileError
            if code == Z_ERRNO {
                failure = .readFailed(path: path, reason: GzipFile.describeErrno(errno))
            } else {
                failure = .corrupt(path: path, reason: message)
            }
            error = failure
            atEndOfStream = true
            throw failure
        }
        if count == 0 {
            atEndOfStream = true
            // zlib reports a stream cut short as an error, found once reading stops.
            var code: Int32 = 0
            _ = gzerror(handle, &code)
            if code == Z_BUF_ERROR {
                let failure = GzipFileError.truncated(path: path)
                error = failure
                throw failure
            }
            if code != Z_OK {
                let message = gzerror(handle, &code).map { String(cString: $0) } ?? "unknown error"
                let failure = GzipFileError.corrupt(path: path, reason: message)
                error = failure
                throw failure
            }
        }
    }

    private static func describeErrno(_ code: Int32) -> String {
        switch code {
        case ENOENT: return "no such file"
        case EACCES: return "permission denied"
        case EISDIR: return "it is a directory"
        default: return String(cString: strerror(code))
        }
    }
}

/// Why a `GzipFile` could not be read; every message names the file.
public enum GzipFileError: Error, Equatable, CustomStringConvertible {
    /// The file does not exist or cannot be opened.
    case cannotOpen(path: String, reason: String)
    /// The name ends in `.gz` but the content is not gzip data.
    case notGzip(path: String, reason: String)
    /// The compressed data is damaged.
    case corrupt(path: String, reason: String)
    /// The compressed data ends before the end of the gzip stream.
    case truncated(path: String)
    /// The operating system failed a read.
    case readFailed(path: String, reason: String)

    /// The file concerned.
    public var path: String {
        switch self {
        case let .cannotOpen(path, _), let .notGzip(path, _), let .corrupt(path, _),
             let .truncated(path), let .readFailed(path, _):
            return path
        }
    }

    public var description: String {
        switch self {
        case let .cannotOpen(path, reason): return "cannot open '\(path)': \(reason)"
        case let .notGzip(path, reason): return "'\(path)' is not a gzip file: \(reason)"
        case let .corrupt(path, reason): return "'\(path)' has damaged gzip data: \(reason)"
        case let .truncated(path): return "'\(path)' ends before its gzip data is complete (truncated file?)"
        case let .readFailed(path, reason): return "cannot read '\(path)': \(reason)"
        }
    }
}
