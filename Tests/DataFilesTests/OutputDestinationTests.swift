import Foundation
import Testing
@testable import DataFiles

/// What a path means as an output, and the checks made before any work.
@Suite("Output destinations")
struct OutputDestinationTests {
    func temporaryFolder() throws -> String { try makeTemporaryFolder("destination") }

    @Test("the folder of a path, without Foundation", arguments: [
        ("x", "."), ("x.json", "."), ("/x", "/"), ("/", "/"), ("a/b.json", "a"), ("a//b.json", "a"),
        ("/tmp/a/b", "/tmp/a"), ("a/b/", "a"), ("./x", "."), ("../x", ".."),
    ])
    func directories(path: String, folder: String) {
        #expect(OutputDestination.directory(of: path) == folder)
    }

    @Test func fileNames() {
        #expect(OutputDestination.fileName(of: "x") == "x")
        #expect(OutputDestination.fileName(of: "a/b.json") == "b.json")
        #expect(OutputDestination.fileName(of: "/b") == "b")
    }

    @Test("links are followed to their final target; devices, FIFOs and descriptors are named as such")
    func resolution() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try "old".write(toFile: folder + "/target.json", atomically: false, encoding: .utf8)
        try FileManager.default.createDirectory(atPath: folder + "/runs", withIntermediateDirectories: false)
        try "old".write(toFile: folder + "/runs/7.json", atomically: false, encoding: .utf8)
        #expect(symlink("target.json", folder + "/link.json") == 0)
        #expect(symlink("runs/7.json", folder + "/latest.json") == 0)
        #expect(symlink(folder + "/latest.json", folder + "/chain.json") == 0)
        #expect(symlink("new.json", folder + "/dangling.json") == 0)
        #expect(mkfifo(folder + "/fifo", 0o600) == 0)

        #expect(try OutputDestination.resolve(folder + "/target.json") == .file(folder + "/target.json"))
        #expect(try OutputDestination.resolve(folder + "/link.json") == .file(folder + "/target.json"))
        #expect(try OutputDestination.resolve(folder + "/chain.json") == .file(folder + "/runs/7.json"))
        #expect(try OutputDestination.resolve(folder + "/dangling.json") == .file(folder + "/new.json"))
        #expect(try OutputDestination.resolve(folder + "/fifo") == .stream(folder + "/fifo"))
        #expect(try OutputDestination.resolve("/dev/null") == .stream("/dev/null"))
        #expect(try OutputDestination.resolve("-") == .standardOutput)
        #expect(try OutputDestination.resolve("/dev/stdout") == .descriptor(1))
        #expect(try OutputDestination.resolve("/dev/stderr") == .descriptor(2))
        #expect(try OutputDestination.resolve("/dev/fd/7") == .descriptor(7))
        #expect(try OutputDestination.resolve("/proc/self/fd/12") == .descriptor(12))
        #expect(try OutputDestination.resolve("x") == .file("x"))   // one character: no Foundation crash
    }

    @Test("what cannot be written is refused with the path and the reason", arguments: [
        ("", "the file name is empty"),
        ("{folder}", "it is a folder"),
        ("{folder}/to-folder", "it is a folder"),
        ("{folder}/missing/x.json", "no such directory '{folder}/missing'"),
        ("{folder}/plain/x.json", "Not a directory"),
        ("{folder}/new/", "cannot end in '/'"),
        ("{folder}/loop", "Too many levels of symbolic links"),
    ])
    func refusals(template: String, problem: String) throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try "x".write(toFile: folder + "/plain", atomically: false, encoding: .utf8)
        #expect(symlink(folder, folder + "/to-folder") == 0)
        #expect(symlink("loop2", folder + "/loop") == 0)
        #expect(symlink("loop", folder + "/loop2") == 0)
        let path = template.replacingOccurrences(of: "{folder}", with: folder)
        let error = #expect(throws: FileError.self) { try OutputDestination.check(path) }
        #expect(error?.path == path)
        #expect(error?.problem.contains(problem.replacingOccurrences(of: "{folder}", with: folder)) == true,
                "\(String(describing: error))")
        #expect(error?.description.hasPrefix("cannot write \(path): ") == true)
    }

    @Test("the check creates nothing: a missing folder may be made later, and the probe file is gone")
    func checkLeavesNothing() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        #expect(try OutputDestination.check(folder + "/a.json") == .file(folder + "/a.json"))
        try OutputDestination.check(folder + "/new/deeper/a.json", creatingFolders: true)
        try OutputDestination.checkFolder(folder + "/reports/figures")
        #expect(throws: FileError.self) { try OutputDestination.check(folder + "/new/a.json") }
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder) == [])
    }

    @Test("a folder where no file can be created is refused before the work")
    func unwritableFolder() throws {
        // Permissions do not stop root; /proc refuses every new file, whoever asks.
        let error = #expect(throws: FileError.self) { try OutputDestination.check("/proc/run.json") }
        #expect(error?.problem.hasPrefix("folder '/proc': ") == true, "\(String(describing: error))")
        #expect(throws: FileError.self) { try OutputDestination.checkFolder("/proc/reports/figures") }
        if geteuid() != 0 {
            let folder = try temporaryFolder()
            defer {
                chmod(folder, 0o700)
                try? FileManager.default.removeItem(atPath: folder)
            }
            #expect(chmod(folder, 0o500) == 0)
            let denied = #expect(throws: FileError.self) { try OutputDestination.check(folder + "/a.json") }
            #expect(denied?.problem.contains("Permission denied") == true)
        }
    }

    @Test("a descriptor that is not open for writing is refused")
    func readOnlyDescriptor() throws {
        let descriptor = open("/dev/null", O_RDONLY)
        try #require(descriptor >= 0)
        defer { close(descriptor) }
        #expect(throws: FileError.self) { try OutputDestination.check("/dev/fd/\(descriptor)") }
    }
}
