import Foundation
import Testing
import DataFiles

/// IDX files written by the tests, plain and gzip-compressed, good and damaged.
@Suite("IDXFile and FashionMNIST")
struct IDXFileTests {
    /// A gzip member holding `payload` in stored deflate blocks (CRC-32 bit by bit).
    static func gzip(_ payload: [UInt8]) -> [UInt8] {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in payload {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = (crc >> 1) ^ (crc & 1 == 1 ? 0xEDB8_8320 : 0) }
        }
        crc = ~crc
        var out: [UInt8] = [0x1F, 0x8B, 8, 0, 0, 0, 0, 0, 0, 255]
        var offset = 0
        repeat {
            let count = min(65535, payload.count - offset)
            out.append(offset + count == payload.count ? 1 : 0)
            out += [UInt8(count & 0xFF), UInt8(count >> 8), UInt8(~count & 0xFF), UInt8((~count >> 8) & 0xFF)]
            out += payload[offset..<offset + count]
            offset += count
        } while offset < payload.count
        for v in [crc, UInt32(truncatingIfNeeded: payload.count)] {
            out += (0..<4).map { UInt8(truncatingIfNeeded: v >> (8 * $0)) }
        }
        return out
    }

    /// An IDX file of unsigned bytes with the given dimensions and data.
    static func idx(_ dimensions: [Int], _ data: [UInt8]) -> [UInt8] {
        var out: [UInt8] = [0, 0, 0x08, UInt8(dimensions.count)]
        for d in dimensions { out += (0..<4).reversed().map { UInt8(truncatingIfNeeded: d >> (8 * $0)) } }
        return out + data
    }

    static func directory() throws -> URL {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("IDXFileTests-\(getpid())-\(UInt64.random(in: 0...UInt64.max))")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    static func write(_ bytes: [UInt8], _ name: String, in directory: URL) throws -> String {
        let url = directory.appendingPathComponent(name)
        try Data(bytes).write(to: url)
        return url.path
    }

    /// A small Fashion-MNIST look-alike: `n` training and `m` test images of 28 × 28.
    static func fakeFashionMNIST(train n: Int = 40, test m: Int = 20, gzip compressed: Bool = true) throws -> URL {
        let dir = try directory()
        for (prefix, count) in [("train", n), ("t10k", m)] {
            var pixels: [UInt8] = []
            var labels: [UInt8] = []
            for i in 0..<count {
                let label = UInt8(i % 10)
                labels.append(label)
                // Class c lights up rows 2c...2c+2: an easy problem.
                for r in 0..<28 {
                    for c in 0..<28 {
                        pixels.append(r / 2 == Int(label) ? UInt8(100 + (r * 7 + c * 3 + i) % 156) : UInt8((r + c + i) % 3))
                    }
                }
            }
            let images = idx([count, 28, 28], pixels)
            let labelFile = idx([count], labels)
            let suffix = compressed ? ".gz" : ""
            _ = try write(compressed ? gzip(images) : images, "\(prefix)-images-idx3-ubyte\(suffix)", in: dir)
            _ = try write(compressed ? gzip(labelFile) : labelFile, "\(prefix)-labels-idx1-ubyte\(suffix)", in: dir)
        }
        return dir
    }

    @Test func readsPlainAndCompressedFiles() throws {
        let dir = try Self.directory()
        let data: [UInt8] = (0..<24).map { UInt8($0 * 10) }
        let content = Self.idx([2, 3, 4], data)
        for path in [try Self.write(content, "plain-idx3-ubyte", in: dir),
                     try Self.write(Self.gzip(content), "packed-idx3-ubyte.gz", in: dir)] {
            let file = try IDXFile(path: path)
            #expect(file.dimensions == [2, 3, 4])
            #expect(file.bytes == data)
        }
    }

    /// The error thrown when reading `bytes` as the file `name`.
    static func failure(_ bytes: [UInt8], name: String) throws -> FileError? {
        let path = try write(bytes, name, in: try directory())
        do {
            _ = try IDXFile(path: path)
            return nil
        } catch let error as FileError {
            #expect(error.path == path)
            #expect(error.description.hasPrefix(path))
            #expect(!error.description.contains("\n"))
            return error
        }
    }

    @Test func rejectsTruncatedData() throws {
        let full = Self.idx([3, 28, 28], [UInt8](repeating: 7, count: 3 * 784))
        let error = try #require(try Self.failure(Array(full.dropLast(100)), name: "short-idx3-ubyte"))
        #expect(error.problem.contains("truncated"))
        let header = try #require(try Self.failure(Array(full.prefix(10)), name: "header-idx3-ubyte"))
        #expect(header.problem.contains("truncated header"))
    }

    @Test func rejectsWrongMagicAndExtraBytes() throws {
        var bad = Self.idx([4], [1, 2, 3, 4])
        bad[0] = 0x1F
        let magic = try #require(try Self.failure(bad, name: "magic-idx1-ubyte"))
        #expect(magic.problem.contains("magic"))
        var float = Self.idx([4], [1, 2, 3, 4])
        float[2] = 0x0D
        #expect(try Self.failure(float, name: "float-idx1-ubyte")?.problem.contains("unsigned byte") == true)
        let extra = try #require(try Self.failure(Self.idx([4], [1, 2, 3, 4, 5]), name: "extra-idx1-ubyte"))
        #expect(extra.problem.contains("1 unexpected bytes"))
        #expect(try Self.failure(Self.idx([0], []), name: "zero-idx1-ubyte")?.problem.contains("zero") == true)
        #expect(try Self.failure([], name: "empty-idx1-ubyte")?.problem.contains("empty") == true)
    }

    @Test func rejectsBadGzip() throws {
        let good = Self.gzip(Self.idx([2, 28, 28], [UInt8](repeating: 1, count: 2 * 784)))
        var corrupt = good
        corrupt[corrupt.count - 6] ^= 0xFF    // the CRC no longer matches
        let damaged = try #require(try Self.failure(corrupt, name: "crc-idx3-ubyte.gz"))
        #expect(damaged.problem.contains("gzip"))
        let cut = try #require(try Self.failure(Array(good.prefix(good.count / 2)), name: "cut-idx3-ubyte.gz"))
        #expect(cut.problem.contains("gzip"))
        let notGzip = try #require(try Self.failure(Self.idx([1], [9]), name: "plain-but-named-idx1-ubyte.gz"))
        #expect(notGzip.problem.contains("gzip"))
        let missing = try Self.directory().appendingPathComponent("absent-idx1-ubyte.gz").path
        #expect(throws: FileError.self) { try IDXFile(path: missing) }
    }

    @Test func loadsAFashionMNISTFolder() throws {
        for compressed in [true, false] {
            let dir = try Self.fakeFashionMNIST(train: 30, test: 12, gzip: compressed)
            let data = try FashionMNIST.load(from: dir.path)
            #expect(data.train.count == 30 && data.test.count == 12)
            #expect(data.train.dimension == 784 && data.train.classes == 10)
            #expect(data.train.labels.prefix(3) == [0, 1, 2])
            let values = (0..<784).map { data.train.feature(5, $0) }
            #expect(values.allSatisfy { (0...1).contains($0) })
            #expect(values.contains { $0 > 0.3 })
        }
    }

    @Test func namesTheMissingFileAndHowToGetTheData() throws {
        let dir = try Self.fakeFashionMNIST()
        let missing = dir.appendingPathComponent("t10k-labels-idx1-ubyte.gz").path
        try FileManager.default.removeItem(atPath: missing)
        #expect {
            try FashionMNIST.load(from: dir.path)
        } throws: { error in
            let text = String(describing: error)
            return text.contains(missing) && text.contains("apt-get install dataset-fashion-mnist")
                && !text.contains("\n")
        }
    }

    @Test func rejectsInconsistentFiles() throws {
        let dir = try Self.fakeFashionMNIST(train: 30, test: 10)
        // Labels for a different number of images.
        _ = try Self.write(Self.gzip(Self.idx([29], [UInt8](repeating: 1, count: 29))),
                           "train-labels-idx1-ubyte.gz", in: dir)
        #expect { try FashionMNIST.load(from: dir.path) } throws: { "\($0)".contains("29 labels for 30 images") }
        // A label that is not a class.
        _ = try Self.write(Self.gzip(Self.idx([30], [UInt8](repeating: 12, count: 30))),
                           "train-labels-idx1-ubyte.gz", in: dir)
        #expect { try FashionMNIST.load(from: dir.path) } throws: { "\($0)".contains("label 12") }
        // Images that are not 28 × 28.
        _ = try Self.write(Self.gzip(Self.idx([30, 27, 29], [UInt8](repeating: 0, count: 30 * 27 * 29))),
                           "train-images-idx3-ubyte.gz", in: dir)
        #expect { try FashionMNIST.load(from: dir.path) } throws: { "\($0)".contains("28×28") }
    }

    @Test func directoryOverrides() {
        #expect(FashionMNIST.directory(override: "/a", environment: ["PRECISION_LAB_DATA": "/b"]) == "/a")
        #expect(FashionMNIST.directory(override: nil, environment: ["PRECISION_LAB_DATA": "/b"]) == "/b")
        #expect(FashionMNIST.directory(override: nil, environment: [:]) == FashionMNIST.defaultDirectory)
    }
}
