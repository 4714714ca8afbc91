import DataFiles
import Foundation
import Testing
@testable import PrecisionLabCLI

/// Where commands write: destinations checked before the work, `-`, and a standard output
/// that fails.
@Suite("command output destinations")
struct OutputDestinationCommandTests {
    final class Buffers: @unchecked Sendable { var out = "", err = "" }

    static func run(_ arguments: [String]) -> (status: ExitCode, out: String, err: String) {
        let buffers = Buffers()
        let io = CommandIO(out: { buffers.out += $0 }, err: { buffers.err += $0 }, readLine: { nil })
        let status = PrecisionLab.run(arguments, io: io)
        return (status, buffers.out, buffers.err)
    }

    func temporaryFolder() throws -> String {
        let path = NSTemporaryDirectory() + "command-output-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    @Test("train --json on a folder fails at once, before the data is even looked for")
    func trainChecksBeforeWork() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let (status, out, err) = Self.run(["train", "--data", "/nonexistent/data", "--epochs", "1", "--json", folder])
        #expect(status == .usage)
        #expect(out.isEmpty)
        #expect(err == "error: --json: cannot write \(folder): it is a folder\n")
    }

    @Test("train and bench --json into a missing folder or through a file fail at once", arguments: [
        ["train", "--data", "/nonexistent/data", "--json", "{folder}/missing/run.json"],
        ["train", "--data", "/nonexistent/data", "--json", "{folder}/plain/run.json"],
        ["bench", "train", "--data", "/nonexistent/data", "--json", "{folder}/missing/run.json"],
        ["bench", "ops", "--json", "{folder}/plain/run.json"],
        ["bench", "ops", "--json", ""],
    ])
    func jsonChecked(template: [String]) throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try "x".write(toFile: folder + "/plain", atomically: false, encoding: .utf8)
        let arguments = template.map { $0.replacingOccurrences(of: "{folder}", with: folder) }
        let (status, out, err) = Self.run(arguments)
        #expect(status == .usage)
        #expect(out.isEmpty)
        #expect(err.hasPrefix("error: --json: cannot write \(arguments.last!): "), "\(err)")
        #expect(err.filter { $0 == "\n" }.count == 1)
    }

    @Test("report --out where no folder can be made fails before any report runs", arguments: [
        "{folder}/plain", "{folder}/plain/reports", "/proc/reports", "{folder}/with-folder-index",
    ])
    func reportChecksBeforeWork(template: String) throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try "x".write(toFile: folder + "/plain", atomically: false, encoding: .utf8)
        // An index that is a folder cannot be replaced.
        try FileManager.default.createDirectory(atPath: folder + "/with-folder-index/README.md",
                                                withIntermediateDirectories: true)
        let out = template.replacingOccurrences(of: "{folder}", with: folder)
        let (status, stdout, err) = Self.run(["report", "--quick", "--only", "exp-range", "--out", out])
        #expect(status == .usage)
        #expect(stdout.isEmpty)
        #expect(err.hasPrefix("error: --out: cannot write \(out)"), "\(err)")
        #expect(err.filter { $0 == "\n" }.count == 1, "no progress: no report ran")
        #expect(!FileManager.default.fileExists(atPath: folder + "/with-folder-index/exp-range.md"))
    }

    @Test("--json - writes the JSON to standard output after the table")
    func jsonToStandardOutput() throws {
        let (status, out, err) = Self.run(["bench", "ops", "--seconds", "0.001", "--formats", "fp64", "--json", "-"])
        #expect(status == .success, "\(err)")
        let start = try #require(out.range(of: "\n{\n"))
        let json = out[out.index(after: start.lowerBound)...]
        let object = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any]
        #expect(object?["part"] as? String == "ops")
        #expect(out.hasPrefix("bench ops"))
    }
}
