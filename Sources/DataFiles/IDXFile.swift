/// A file in the IDX format of MNIST and Fashion-MNIST: a magic number giving the element
/// type and the number of dimensions, the dimensions (big-endian 32-bit), then the
/// elements, row-major. Read whole, gzip-compressed or not, and checked.
///
///     let images = try IDXFile(path: "/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz")
///     images.dimensions     // [10000, 28, 28]
///     images.bytes.count    // 7_840_000
///
/// Edge cases: only unsigned-byte elements (type 0x08) are read. A missing file, damaged
/// gzip data, a wrong magic number, a zero or absurd dimension, data shorter than the
/// dimensions promise, or bytes left after the data throw `FileError`, whose message
/// names the file; nothing is loaded partially.
///
/// - Parameters:
///   - path: the file; names ending in `.gz` must hold gzip data, others may or may not.
public struct IDXFile: Sendable {
    public let path: String
    public let dimensions: [Int]
    /// The elements, row-major.
    public let bytes: [UInt8]

    /// The element type code of unsigned bytes.
    public static let unsignedByte: UInt8 = 0x08
    /// No IDX file of this project holds more elements than this (guards against absurd headers).
    public static let maximumElementCount = 1 << 31

    public init(path: String) throws {
        let content: [UInt8]
        do {
            content = try GzipFile(path: path).readAll()
        } catch let error as GzipFileError {
            throw FileError(.read, path: path, problem: Self.problem(of: error))
        }
        try self.init(content: content, path: path)
    }

    /// Parses the content of a file already read (and decompressed).
    public init(content: [UInt8], path: String) throws {
        self.path = path
        func fail(_ problem: String) -> FileError { FileError(.read, path: path, problem: problem) }
        guard content.count >= 4 else {
            throw fail(content.isEmpty ? "the file is empty" : "only \(content.count) bytes, too short for an IDX header")
        }
        let magic = content[0..<4].reduce(0) { $0 << 8 | UInt32($1) }
        guard content[0] == 0, content[1] == 0, (1...4).contains(content[3]) else {
            throw fail("wrong magic number 0x\(String(magic, radix: 16, uppercase: true)) (not an IDX file)")
        }
        guard content[2] == Self.unsignedByte else {
            throw fail("element type 0x\(String(content[2], radix: 16)) is not unsigned byte (0x08)")
        }
        let rank = Int(content[3])
        let headerCount = 4 + 4 * rank
        guard content.count >= headerCount else {
            throw fail("truncated header: \(content.count) bytes, the \(rank) dimensions need \(headerCount)")
        }
        var dimensions: [Int] = []
        var elementCount = 1
        for d in 0..<rank {
            let offset = 4 + 4 * d
            let size = Int(content[offset..<offset + 4].reduce(UInt32(0)) { $0 << 8 | UInt32($1) })
            guard size > 0 else { throw fail("dimension \(d + 1) is zero") }
            elementCount *= size
            guard elementCount <= Self.maximumElementCount else {
                throw fail("dimensions \(dimensions + [size]) are implausibly large (corrupt header?)")
            }
            dimensions.append(size)
        }
        let dataCount = content.count - headerCount
        guard dataCount >= elementCount else {
            throw fail("truncated: the header promises \(elementCount) bytes of data "
                       + "(\(dimensions.map(String.init).joined(separator: "×"))), the file holds \(dataCount)")
        }
        guard dataCount == elementCount else {
            throw fail("\(dataCount - elementCount) unexpected bytes after the \(elementCount) bytes of data")
        }
        self.dimensions = dimensions
        self.bytes = Array(content[headerCount...])
    }

    private static func problem(of error: GzipFileError) -> String {
        switch error {
        case let .cannotOpen(_, reason): return reason
        case let .notGzip(_, reason): return "not gzip data (\(reason))"
        case let .corrupt(_, reason): return "damaged gzip data (\(reason))"
        case .truncated: return "truncated gzip data"
        case let .readFailed(_, reason): return "read failed (\(reason))"
        }
    }
}
