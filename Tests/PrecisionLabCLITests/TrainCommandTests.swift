import Foundation
import Testing
import PrecisionLabCLI

/// `precision-lab train`, run in-process on a small Fashion-MNIST look-alike written here.
@Suite("train command")
struct TrainCommandTests {
    /// Runs the command line; returns the exit status, standard output and standard error.
    static func run(_ arguments: [String]) -> (status: Int32, out: String, err: String) {
        var out = "", err = ""
        let io = CommandIO(out: { out += $0 }, err: { err += $0 }, readLine: { nil })
        let status = PrecisionLab.run(["train"] + arguments, io: io)
        return (status.rawValue, out, err)
    }

    static func idx(_ dimensions: [Int], _ data: [UInt8]) -> Data {
        var out: [UInt8] = [0, 0, 0x08, UInt8(dimensions.count)]
        for d in dimensions { out += (0..<4).reversed().map { UInt8(truncatingIfNeeded: d >> (8 * $0)) } }
        return Data(out + data)
    }

    /// A folder with uncompressed IDX files: class c lights up rows 2c and 2c + 1.
    static func fakeData(train n: Int = 80, test m: Int = 30) throws -> String {
        let dir = FileManager.default.temporaryDirectory
            .appendingPathComponent("TrainCommandTests-\(getpid())-\(UInt64.random(in: 0...UInt64.max))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        for (prefix, count) in [("train", n), ("t10k", m)] {
            let labels = (0..<count).map { UInt8($0 % 10) }
            var pixels: [UInt8] = []
            for i in 0..<count {
                for r in 0..<28 { for c in 0..<28 { pixels.append(r / 2 == Int(labels[i]) ? UInt8(150 + (c + i) % 100) : 0) } }
            }
            try idx([count, 28, 28], pixels).write(to: dir.appendingPathComponent("\(prefix)-images-idx3-ubyte"))
            try idx([count], labels).write(to: dir.appendingPathComponent("\(prefix)-labels-idx1-ubyte"))
        }
        return dir.path
    }

    static func isOneErrorLine(_ text: String) -> Bool {
        text.hasPrefix("error: ") && text.hasSuffix("\n") && text.filter { $0 == "\n" }.count == 1
    }

    @Test func unknownFormatIsAUsageError() {
        let r = Self.run(["--format", "bf17"])
        #expect(r.status == 64)
        #expect(Self.isOneErrorLine(r.err) && r.err.contains("bf17"))
    }

    @Test(arguments: [["--epochs", "-1"], ["--batch", "0"], ["--lr", "fast"], ["--validation", "some"],
                      ["--rounding", "sideways"], ["--loss", "hinge"], ["--accumulate", "fp99"], ["--bogus"],
                      ["--threads", "0"], ["--arithmetic", "magic"], ["--patience", "2", "--validation", "0"],
                      ["--loss-scale", "-4"], ["--lr-schedule", "linear"], ["--step-losses", "0"],
                      ["--no-shuffle", "yes"]])
    func badOptionsAreUsageErrors(arguments: [String]) {
        let r = Self.run(arguments)
        #expect(r.status == 64, "\(arguments): \(r.err)")
        #expect(Self.isOneErrorLine(r.err))
    }

    @Test func noExactFastPathIsAUsageError() throws {
        let r = Self.run(["--data", try Self.fakeData(), "--format", "e8m30", "--arithmetic", "fast",
                          "--validation", "10", "--epochs", "1"])
        #expect(r.status == 64 && Self.isOneErrorLine(r.err) && r.err.contains("e8m30"))
    }

    @Test func missingDataNamesTheFileAndHowToInstallIt() {
        let r = Self.run(["--data", "/nonexistent/fashion", "--format", "bf16"])
        #expect(r.status == 1)
        #expect(Self.isOneErrorLine(r.err))
        #expect(r.err.contains("/nonexistent/fashion/train-images-idx3-ubyte"))
        #expect(r.err.contains("apt-get install dataset-fashion-mnist"))
    }

    @Test func damagedDataIsAFailureNamingTheFile() throws {
        let dir = try Self.fakeData()
        let labels = URL(fileURLWithPath: dir).appendingPathComponent("t10k-labels-idx1-ubyte")
        try Data([0, 0, 8, 1, 0, 0, 0, 30, 1, 2]).write(to: labels)   // 30 labels promised, 2 present
        let r = Self.run(["--data", dir])
        #expect(r.status == 1 && Self.isOneErrorLine(r.err))
        #expect(r.err.contains(labels.path) && r.err.contains("truncated"))
    }

    @Test func trainsAndWritesEveryFigure() throws {
        let dir = try Self.fakeData()
        let json = URL(fileURLWithPath: dir).appendingPathComponent("run.json").path
        let r = Self.run(["--data", dir, "--format", "bf16", "--epochs", "3", "--batch", "8", "--lr", "0.5",
                          "--validation", "20", "--threads", "2", "--json", json])
        #expect(r.status == 0, "\(r.err)")
        #expect(r.err.isEmpty)
        let lines = r.out.split(separator: "\n")
        #expect(lines.contains { $0.hasPrefix("epoch") && $0.contains("swallowed") })
        #expect(lines.filter { $0.trimmingCharacters(in: .whitespaces).hasPrefix("3 ") }.count == 1)
        #expect(r.out.contains("test accuracy: "))
        let object = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: json))) as? [String: Any]
        let epochs = try #require(object?["epochs"] as? [[String: Any]])
        #expect(epochs.count == 3)
        #expect(epochs.allSatisfy { $0["train_loss"] is Double && $0["validation_accuracy"] is Double && $0["events"] != nil })
        let accuracy = try #require(object?["test_accuracy"] as? Double)
        #expect((0...1).contains(accuracy))
        #expect(r.out.contains(String(format: "%.2f%%", 100 * accuracy)))
        #expect(object?["format"] as? String == "bf16")
        #expect(object?["train_examples"] as? Int == 60)
    }

    @Test func schedulesShufflingAndStepLossesReachTheJSON() throws {
        let dir = try Self.fakeData()
        let json = URL(fileURLWithPath: dir).appendingPathComponent("steps.json").path
        let r = Self.run(["--data", dir, "--epochs", "2", "--batch", "20", "--validation", "20", "--lr-schedule", "cosine",
                          "--no-shuffle", "--step-losses", "5", "--json", json])
        #expect(r.status == 0, "\(r.err)")
        #expect(r.out.contains("lr 0.1 (cosine schedule), no shuffling"))
        let object = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: json))) as? [String: Any]
        #expect(object?["learning_rate_schedule"] as? String == "cosine")
        #expect(object?["shuffles"] as? Bool == false)
        // 60 training images in batches of 20: 3 steps an epoch, 6 in all, the first 5 kept.
        let steps = try #require(object?["step_losses"] as? [Double])
        #expect(steps.count == 5 && steps.allSatisfy { $0.isFinite && $0 > 0 })
        let plain = Self.run(["--data", dir, "--epochs", "1", "--validation", "20", "--json", json])
        #expect(plain.status == 0)
        let plainObject = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: json))) as? [String: Any]
        #expect(plainObject?["step_losses"] == nil && plainObject?["shuffles"] as? Bool == true)
    }

    @Test func validatesOnTheTestSetWhenAsked() throws {
        let dir = try Self.fakeData()
        let json = URL(fileURLWithPath: dir).appendingPathComponent("book.json").path
        let r = Self.run(["--data", dir, "--validation", "test", "--epochs", "1", "--batch", "16", "--json", json,
                          "--accumulate", "fp32", "--master-weights", "fp32", "--format", "fp8-e4m3"])
        #expect(r.status == 0, "\(r.err)")
        let object = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: json))) as? [String: Any]
        #expect(object?["validation_is_test"] as? Bool == true)
        #expect(object?["train_examples"] as? Int == 80)
        let epochs = try #require(object?["epochs"] as? [[String: Any]])
        #expect(epochs.first?["validation_accuracy"] as? Double == object?["test_accuracy"] as? Double)
        #expect(r.out.contains("accumulate fp32, master weights fp32"))
    }

    @Test func helpListsTheOptions() {
        let r = Self.run(["--help"])
        #expect(r.status == 0)
        for option in ["--format", "--epochs", "--lr", "--batch", "--seed", "--threads", "--data", "--validation",
                       "--loss", "--accumulate", "--master-weights", "--rounding", "--stochastic-update",
                       "--loss-scale", "--weight-decay", "--patience", "--json", "PRECISION_LAB_DATA",
                       "dataset-fashion-mnist"] where !r.out.contains(option) {
            Issue.record("usage does not mention \(option)")
        }
    }
}
