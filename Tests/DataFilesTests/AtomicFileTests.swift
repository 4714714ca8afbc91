import Foundation
import Testing
@testable import DataFiles

@Suite("Atomic file writes")
struct AtomicFileTests {
    struct Interrupted: Error {}

    func temporaryFolder() throws -> String {
        let path = NSTemporaryDirectory() + "atomic-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    @Test("a write replaces the file; a write that fails half-way leaves the old file and no debris")
    func failureLeavesOldFile() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = folder + "/report.md"
        try AtomicFile.write("old report\n", to: path)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "old report\n")

        #expect(throws: Interrupted.self) {
            try AtomicFile.write(to: path) { sink in
                try sink.write("half of a new rep")
                throw Interrupted()
            }
        }
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "old report\n")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder) == ["report.md"])

        try AtomicFile.write("new report\n", to: path)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "new report\n")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder) == ["report.md"])
    }

    @Test("missing folders are created; a folder in the way is an error naming the path")
    func folders() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try AtomicFile.write("x", to: folder + "/a/b/c.svg")
        #expect(FileManager.default.fileExists(atPath: folder + "/a/b/c.svg"))
        let error = #expect(throws: FileError.self) { try AtomicFile.write("x", to: folder + "/a") }
        #expect(error?.path == folder + "/a")
    }
}
