import Foundation
import Testing
import DataFiles

/// Gzip files are built here by hand (stored deflate blocks, CRC-32 computed bit by bit),
/// so the reader is checked against data zlib did not write.
@Suite("GzipFile")
struct GzipFileTests {
    /// CRC-32 (IEEE, reflected), one bit at a time.
    static func crc32(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = (crc >> 1) ^ (crc & 1 == 1 ? 0xEDB8_8320 : 0) }
        }
        return ~crc
    }

    /// A gzip member holding `payload` in stored (uncompressed) deflate blocks.
    static func gzip(_ payload: [UInt8]) -> [UInt8] {
        var out: [UInt8] = [0x1F, 0x8B, 8, 0, 0, 0, 0, 0, 0, 255]
        var offset = 0
        repeat {
            let count = min(65535, payload.count - offset)
            let last = offset + count == payload.count
            out.append(last ? 1 : 0)
            out += [UInt8(count & 0xFF), UInt8(count >> 8), UInt8(~count & 0xFF), UInt8((~count >> 8) & 0xFF)]
            out += payload[offset..<offset + count]
            offset += count
        } while offset < payload.count
        func le32(_ v: UInt32) -> [UInt8] { (0..<4).map { UInt8(truncatingIfNeeded: v >> (8 * $0)) } }
        out += le32(crc32(payload))
        out += le32(UInt32(truncatingIfNeeded: payload.count))
        return out
    }

    static func temporaryFile(_ name: String, _ bytes: [UInt8]) throws -> String {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("GzipFileTests-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let url = directory.appendingPathComponent(name)
        try Data(bytes).write(to: url)
        return url.path
    }

    static let text = "first line\nsecond\r\n\nlast without newline"

    @Test func readsLinesOfAGzipFile() throws {
        let path = try Self.temporaryFile("lines.txt.gz", Self.gzip(Array(Self.text.utf8)))
        let file = try GzipFile(path: path)
        var lines: [String] = []
        while let line = file.readLine() { lines.append(line) }
        #expect(lines == ["first line", "second", "", "last without newline"])
        #expect(file.error == nil)
    }

    @Test func readAllReturnsTheWholePayloadAcrossManyBlocks() throws {
        var generator = SystemRandomNumberGenerator()
        let payload = (0..<300_000).map { _ in UInt8.random(in: 0...255, using: &generator) }
        let path = try Self.temporaryFile("blob.gz", Self.gzip(payload))
        #expect(try GzipFile(path: path).readAll() == payload)
    }

    @Test func longLinesSpanningBuffersComeBackWhole() throws {
        let long = String(repeating: "0123456789ABCDEF", count: 20_000)
        let path = try Self.temporaryFile("long.gz", Self.gzip(Array("\(long)\nx\n\(long)".utf8)))
        let file = try GzipFile(path: path)
        #expect(file.readLine() == long)
        #expect(file.readLine() == "x")
        #expect(file.readLine() == long)
        #expect(file.readLine() == nil)
    }

    @Test func readAllAfterALineReturnsTheRest() throws {
        let path = try Self.temporaryFile("rest.gz", Self.gzip(Array("head\ntail\n".utf8)))
        let file = try GzipFile(path: path)
        #expect(file.readLine() == "head")
        #expect(try file.readAll() == Array("tail\n".utf8))
    }

    @Test func plainFilesNotNamedGzAreReadAsTheyAre() throws {
        let path = try Self.temporaryFile("plain.txt", Array(Self.text.utf8))
        let file = try GzipFile(path: path)
        #expect(try file.readAll() == Array(Self.text.utf8))
    }

    @Test func aMissingFileIsReportedByName() throws {
        let path = "/nonexistent-dir/none.gz"
        #expect(throws: GzipFileError.cannotOpen(path: path, reason: "no such file")) {
            try GzipFile(path: path)
        }
        let error = GzipFileError.cannotOpen(path: path, reason: "no such file")
        #expect(error.description.contains(path))
    }

    @Test func aGzNameWithoutGzipDataIsRejected() throws {
        let path = try Self.temporaryFile("fake.gz", Array("not compressed\n".utf8))
        #expect(throws: GzipFileError.notGzip(path: path, reason: "no gzip header")) {
            try GzipFile(path: path)
        }
    }

    @Test func aTruncatedFileIsAnErrorNotAShortRead() throws {
        let whole = Self.gzip(Array(String(repeating: "abc\n", count: 1000).utf8))
        let path = try Self.temporaryFile("cut.gz", Array(whole.prefix(whole.count / 2)))
        #expect(throws: GzipFileError.truncated(path: path)) { try GzipFile(path: path).readAll() }

        let file = try GzipFile(path: path)
        var count = 0
        while file.readLine() != nil { count += 1 }
        #expect(count < 1000)
        #expect(file.error == .truncated(path: path))
        #expect(throws: GzipFileError.truncated(path: path)) { try file.checkError() }
    }

    @Test func damagedDataIsReportedAsCorrupt() throws {
        var bytes = Self.gzip(Array(String(repeating: "abc\n", count: 100).utf8))
        bytes[bytes.count - 6] ^= 0xFF  // inside the CRC-32
        let path = try Self.temporaryFile("bad.gz", bytes)
        #expect {
            try GzipFile(path: path).readAll()
        } throws: { error in
            guard case let .corrupt(errorPath, _)? = error as? GzipFileError else { return false }
            return errorPath == path && "\(error)".contains(path)
        }
    }

    @Test(.enabled(if: FileManager.default.fileExists(atPath: GzipFileTests.sharedVectors),
                   "the TestFloat vectors beside the project are absent"))
    func readsARealTestFloatFile() throws {
        // The README of the vectors gives 46,464 cases for two-operand functions.
        let file = try GzipFile(path: Self.sharedVectors)
        var count = 0
        while try file.nextLineBytes({ #expect($0.count == 4 + 1 + 4 + 1 + 4 + 1 + 2) }) { count += 1 }
        #expect(count == 46_464)
    }

    static let sharedVectors = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("shared/testfloat/f16_add.rnear_even.tv.gz").path
}
