import Foundation
import Testing
import DataFiles

/// A small seeded generator for the fuzz tests (SplitMix64), so a failure replays.
struct FuzzRandom {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func below(_ n: Int) -> Int { Int(next() % UInt64(max(n, 1))) }
    mutating func byte() -> UInt8 { UInt8(truncatingIfNeeded: next()) }

    /// `bytes` with one to four mutations: bytes overwritten (often with 0, 0xFF or a
    /// header-like value), inserted, deleted, the tail cut off or random bytes appended.
    mutating func mutate(_ bytes: [UInt8]) -> [UInt8] {
        var out = bytes
        for _ in 0...below(4) {
            switch below(6) {
            case 0 where !out.isEmpty: out[below(out.count)] = [0, 0xFF, 0x08, 0x80, byte()][below(5)]
            case 1: out.insert(byte(), at: below(out.count + 1))
            case 2 where !out.isEmpty: out.remove(at: below(out.count))
            case 3: out = Array(out.prefix(below(out.count + 1)))
            case 4: out += (0..<below(64)).map { _ in byte() }
            default: if !out.isEmpty { out[below(out.count)] ^= UInt8(1 << below(8)) }
            }
        }
        return out
    }
}

/// How many mutated inputs each fuzz test tries: `PRECISION_LAB_FUZZ_ITERATIONS`, else a
/// few thousand (seconds in a debug build).
func fuzzIterations(_ standard: Int) -> Int {
    ProcessInfo.processInfo.environment["PRECISION_LAB_FUZZ_ITERATIONS"].flatMap(Int.init) ?? standard
}

/// The seed of the fuzz tests: `PRECISION_LAB_FUZZ_SEED`, else fixed.
func fuzzSeed() -> UInt64 {
    ProcessInfo.processInfo.environment["PRECISION_LAB_FUZZ_SEED"].flatMap { UInt64($0) } ?? 12
}

@Suite("fuzz: IDX and gzip files")
struct DataFileFuzzTests {
    static func idx(_ dimensions: [Int], _ data: [UInt8]) -> [UInt8] {
        var out: [UInt8] = [0, 0, 0x08, UInt8(dimensions.count)]
        for d in dimensions { out += (0..<4).reversed().map { UInt8(truncatingIfNeeded: d >> (8 * $0)) } }
        return out + data
    }

    @Test("mutated IDX contents parse or throw FileError, and a parse is consistent")
    func idxContents() {
        var random = FuzzRandom(seed: fuzzSeed())
        let seeds = [Self.idx([3, 4, 4], (0..<48).map { UInt8($0) }), Self.idx([10], Array(repeating: 7, count: 10)),
                     Self.idx([2, 2, 2, 2], Array(repeating: 1, count: 16))]
        var parsed = 0
        for i in 0..<fuzzIterations(20_000) {
            let content = random.mutate(seeds[i % seeds.count])
            do {
                let file = try IDXFile(content: content, path: "fuzz.idx")
                parsed += 1
                #expect(file.bytes.count == file.dimensions.reduce(1, *))
                #expect(file.bytes.count + 4 + 4 * file.dimensions.count == content.count)
            } catch let error as FileError {
                #expect(!error.description.contains("\n") && error.description.contains("fuzz.idx"))
            } catch {
                Issue.record("not an FileError: \(error)")
            }
        }
        #expect(parsed > 0, "some mutations are still valid files")
    }

    @Test("mutated gzip files read or throw a clean error, through GzipFile and IDXFile")
    func gzipFiles() throws {
        var random = FuzzRandom(seed: fuzzSeed() &+ 1)
        let folder = try makeTemporaryFolder("DataFileFuzz")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let payload = Self.idx([5, 3, 3], (0..<45).map { UInt8($0 * 3) })
        let seeds = [GzipFileTests.gzip(payload), GzipFileTests.gzip(Array("3C00 3C00 4000 00\n".utf8))]
        for i in 0..<fuzzIterations(1_500) {
            let bytes = random.mutate(seeds[i % seeds.count])
            let path = folder + "/case\(i % 7).gz"
            try Data(bytes).write(to: URL(fileURLWithPath: path))
            do {
                _ = try GzipFile(path: path).readAll()
            } catch let error as GzipFileError {
                #expect(!error.description.contains("\n"))
            } catch {
                Issue.record("not a GzipFileError: \(error)")
            }
            do {
                _ = try IDXFile(path: path)
            } catch is FileError {
            } catch {
                Issue.record("not an FileError: \(error)")
            }
        }
    }
}
