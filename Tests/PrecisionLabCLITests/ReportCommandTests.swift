import Foundation
import Testing
import PrecisionLabCLI

@Suite("precision-lab report")
struct ReportCommandTests {
    static func run(_ arguments: [String]) -> (status: ExitCode, out: String, err: String) {
        final class Buffers: @unchecked Sendable { var out = "", err = "" }
        let buffers = Buffers()
        let io = CommandIO(out: { buffers.out += $0 }, err: { buffers.err += $0 }, readLine: { nil })
        let status = PrecisionLab.run(arguments, io: io)
        return (status, buffers.out, buffers.err)
    }

    @Test("the help names every report and option")
    func help() {
        let (status, out, _) = Self.run(["help", "report"])
        #expect(status == .success)
        #expect(out.hasPrefix("usage: precision-lab report [--out DIR] [--quick] [--only NAME[,NAME...]]"))
        for word in ["--out", "--quick", "--only", "--data", "--seed", "exp-range", "int8-range", "epochs",
                     "learning-rates", "formats", "softmax-stability"] {
            #expect(out.contains(word), "help mentions \(word)")
        }
    }

    @Test("bad options are usage errors on one line", arguments: [
        (["report", "--only", "nope"], "unknown report 'nope'"),
        (["report", "--seed", "-1"], "invalid value '-1' for --seed"),
        (["report", "--threads", "0"], "invalid value '0' for --threads"),
        (["report", "--frobnicate"], "unknown option '--frobnicate'"),
        (["report", "--shard", "0/3"], "invalid value '0/3' for --shard: shard 0 of 3 does not exist"),
        (["report", "--shard", "4/3"], "invalid value '4/3' for --shard: shard 4 of 3 does not exist"),
        (["report", "--shard", "a/b"], "invalid value 'a/b' for --shard: expected I/N"),
        (["report", "--shard", "1/2", "--merge", "shards"], "--shard and --merge cannot be used together"),
        (["report", "--merge", "a,,b"], "--merge needs folders"),
    ])
    func usageErrors(arguments: [String], message: String) {
        let (status, out, err) = Self.run(arguments)
        #expect(status == .usage)
        #expect(out.isEmpty)
        #expect(err.hasPrefix("error: ") && err.contains(message) && err.split(separator: "\n").count == 1)
    }

    @Test("one quick report is written into the folder asked for, with the index")
    func writesReport() throws {
        let folder = NSTemporaryDirectory() + "report-command-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let (status, out, err) = Self.run(["report", "--quick", "--only", "exp-range", "--out", folder])
        #expect(status == .success, "\(err)")
        #expect(out.contains("wrote \(folder)/exp-range.md"))
        #expect(err.contains("[exp-range]"))   // progress on standard error
        for file in ["README.md", "exp-range.md", "figures/exp-range-dynamic-range.svg"] {
            #expect(FileManager.default.fileExists(atPath: folder + "/" + file), "\(file) exists")
        }
    }

    @Test("a merge from a folder that is not there fails on one line, writing no report")
    func mergeWithoutResults() throws {
        let folder = NSTemporaryDirectory() + "report-command-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let (status, _, err) = Self.run(["report", "--quick", "--only", "epochs", "--out", folder,
                                         "--merge", folder + "/no-shards"])
        #expect(status == .failure)
        #expect(err.hasPrefix("error: ") && err.contains("cannot read the shard results folder \(folder)/no-shards"))
        #expect(!FileManager.default.fileExists(atPath: folder + "/epochs.md"))
    }

    @Test("a shard without the data fails on one line naming the data, writing no result")
    func shardWithoutData() throws {
        let folder = NSTemporaryDirectory() + "report-command-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let (status, out, err) = Self.run(["report", "--quick", "--only", "epochs", "--out", folder,
                                           "--shard", "2/3", "--data", "/nonexistent/data"])
        #expect(status == .failure)
        #expect(out.isEmpty)
        let lastLine = err.split(separator: "\n").last.map(String.init) ?? ""
        #expect(lastLine.hasPrefix("error: cannot train shard 2/3: ") && lastLine.contains("/nonexistent/data"))
        let written = (try? FileManager.default.contentsOfDirectory(atPath: folder + "/shards")) ?? []
        #expect(written.isEmpty)
    }

    @Test("a report that needs missing data fails with one line naming the data, after writing the others")
    func missingData() throws {
        let folder = NSTemporaryDirectory() + "report-command-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let (status, _, err) = Self.run(["report", "--quick", "--only", "exp-range,epochs", "--out", folder,
                                         "--data", "/nonexistent/data"])
        #expect(status == .failure)
        let lastLine = err.split(separator: "\n").last.map(String.init) ?? ""
        #expect(lastLine.hasPrefix("error: epochs skipped: ") && lastLine.contains("/nonexistent/data"))
        #expect(FileManager.default.fileExists(atPath: folder + "/exp-range.md"))
        #expect(!FileManager.default.fileExists(atPath: folder + "/epochs.md"))
    }
}
