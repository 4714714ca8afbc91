import Foundation
import Testing
@testable import DataFiles

/// Atomic writes to what a path names: through links, into FIFOs and devices, to `-`.
@Suite("Atomic writes to links, FIFOs, devices and descriptors")
struct AtomicFileDestinationTests {
    struct Interrupted: Error {}

    func temporaryFolder() throws -> String { try makeTemporaryFolder("atomic-destination") }

    func contents(_ path: String) throws -> String { try String(contentsOfFile: path, encoding: .utf8) }

    func isLink(_ path: String) -> Bool {
        var info = stat()
        return lstat(path, &info) == 0 && info.st_mode & S_IFMT == S_IFLNK
    }

    @Test("a link is followed: its final target is replaced and the links stay links")
    func linkFollowed() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try FileManager.default.createDirectory(atPath: folder + "/runs", withIntermediateDirectories: false)
        try AtomicFile.write("old\n", to: folder + "/runs/7.json")
        #expect(symlink("runs/7.json", folder + "/latest.json") == 0)
        #expect(symlink(folder + "/latest.json", folder + "/link.json") == 0)

        try AtomicFile.write("new\n", to: folder + "/link.json")

        #expect(isLink(folder + "/link.json"))
        #expect(isLink(folder + "/latest.json"))
        #expect(try contents(folder + "/runs/7.json") == "new\n")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder).sorted() == ["latest.json", "link.json", "runs"])
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder + "/runs") == ["7.json"])
    }

    @Test("a dangling link gets its target created")
    func danglingLink() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        #expect(symlink("made.json", folder + "/link.json") == 0)
        try AtomicFile.write("made\n", to: folder + "/link.json")
        #expect(isLink(folder + "/link.json"))
        #expect(try contents(folder + "/made.json") == "made\n")
    }

    @Test("a write that fails through a link leaves the target, the link and the folders as they were")
    func failureThroughLink() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try AtomicFile.write("old\n", to: folder + "/target.json")
        #expect(symlink("target.json", folder + "/link.json") == 0)
        #expect(throws: Interrupted.self) {
            try AtomicFile.write(to: folder + "/link.json") { sink in
                try sink.write("half of the ne")
                throw Interrupted()
            }
        }
        #expect(isLink(folder + "/link.json"))
        #expect(try contents(folder + "/target.json") == "old\n")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder).sorted() == ["link.json", "target.json"])
    }

    @Test("a replaced file keeps its permissions")
    func permissionsKept() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = folder + "/private.json"
        try AtomicFile.write("old\n", to: path)
        #expect(chmod(path, 0o600) == 0)
        try AtomicFile.write("new\n", to: path)
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        #expect(try contents(path) == "new\n")
    }

    @Test("a FIFO is written into, not replaced")
    func fifoWrittenInPlace() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let fifo = folder + "/fifo"
        #expect(mkfifo(fifo, 0o600) == 0)
        final class Received: @unchecked Sendable { var data = Data() }
        let received = Received()
        let done = DispatchSemaphore(value: 0)
        let reader = Thread {
            if let handle = FileHandle(forReadingAtPath: fifo) {
                received.data = handle.readDataToEndOfFile()
                try? handle.close()
            }
            done.signal()
        }
        reader.start()
        defer {
            // Should the write not have opened the FIFO, the reader would wait for ever.
            let unblock = open(fifo, O_WRONLY | O_NONBLOCK)
            if unblock >= 0 { close(unblock) }
        }
        try AtomicFile.write("through the fifo\n", to: fifo)
        #expect(done.wait(timeout: .now() + 30) == .success)
        #expect(String(decoding: received.data, as: UTF8.self) == "through the fifo\n")
        var info = stat()
        #expect(lstat(fifo, &info) == 0 && info.st_mode & S_IFMT == S_IFIFO)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder) == ["fifo"])
    }

    @Test("/dev/null is written into, and its entry is not replaced")
    func characterDeviceWrittenInPlace() throws {
        var before = stat()
        try #require(lstat("/dev/null", &before) == 0)
        try AtomicFile.write("discarded\n", to: "/dev/null")
        var after = stat()
        try #require(lstat("/dev/null", &after) == 0)
        #expect(after.st_mode & S_IFMT == S_IFCHR)
        #expect(after.st_ino == before.st_ino && after.st_rdev == before.st_rdev)
        let debris = try FileManager.default.contentsOfDirectory(atPath: "/dev").filter { $0.hasPrefix(".null.tmp") }
        #expect(debris.isEmpty)
    }

    @Test("/dev/full is written into and the failure names it")
    func fullDevice() throws {
        let error = #expect(throws: FileError.self) { try AtomicFile.write("x\n", to: "/dev/full") }
        #expect(error?.description == "cannot write /dev/full: No space left on device")
    }

    @Test("- is standard output; /dev/fd/N is descriptor N")
    func descriptors() throws {
        for name in ["-", "/dev/fd/{write}"] {
            var ends: [Int32] = [0, 0]
            try #require(pipe(&ends) == 0)
            let path = name.replacingOccurrences(of: "{write}", with: String(ends[1]))
            try AtomicFile.write(to: path, standardOutput: ends[1]) { try $0.write("to the pipe\n") }
            close(ends[1])
            let read = FileHandle(fileDescriptor: ends[0], closeOnDealloc: true).readDataToEndOfFile()
            #expect(String(decoding: read, as: UTF8.self) == "to the pipe\n", "\(name)")
        }
    }

    @Test("a folder, a missing name or an empty one is refused before the body runs")
    func refusedBeforeWork() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        for path in [folder, "", folder + "/x/"] {
            var ran = false
            #expect(throws: FileError.self) {
                try AtomicFile.write(to: path) { _ in ran = true }
            }
            #expect(!ran, "\(path)")
        }
    }
}
