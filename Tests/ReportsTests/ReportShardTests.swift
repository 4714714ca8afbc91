import DataFiles
import Foundation
@testable import Reports
import SoftFloat
import Testing
@testable import Training

/// `report --shard I/N` and `report --merge`: the split of the runs, the exact archive of a
/// result, and three shards merged against one run.
@Suite("report --shard and --merge", .serialized)
struct ReportShardTests {
    static let hasData = ReportGenerationTests.hasData

    func temporaryFolder() throws -> String { try ReportGenerationTests().temporaryFolder() }

    // MARK: JSON

    @Test("JSON text reads back as the value that wrote it, doubles to the bit")
    func jsonRoundTrip() throws {
        let doubles: [Double] = [0.1, -0.0, Double(bitPattern: 0x0000_0000_0000_07d0), .leastNonzeroMagnitude, .greatestFiniteMagnitude, 1 / 3, .leastNormalMagnitude.nextDown,
                                 123456789012345680, 0.83, -2.5e-7]
        let value: JSONValue = .object([
            ("text", .string("quote \" backslash \\ tab \t newline \n é 𝄞 \u{1}")),
            ("numbers", .array(doubles.map(JSONValue.number))),
            ("int", .int(-42)), ("big", .int(Int.max)), ("flags", .array([.bool(true), .bool(false), .null])),
            ("empty", .object([])), ("nothing", .array([])),
        ])
        let back = try JSONValue(parsing: value.text())
        #expect(back.text() == value.text())
        let read = back["numbers"]?.arrayValue?.compactMap(\.doubleValue) ?? []
        #expect(read.map(\.bitPattern) == doubles.map(\.bitPattern))
        #expect(back["text"]?.stringValue == "quote \" backslash \\ tab \t newline \n é 𝄞 \u{1}")
        #expect(back["big"]?.intValue == Int.max)
        #expect(try JSONValue(parsing: #"["\ud834\udd1e", "\u00e9"]"#).arrayValue?.compactMap(\.stringValue) == ["𝄞", "é"])
    }

    @Test("malformed JSON is refused with its place", arguments: [
        "", "[1,]", "{\"a\":1,}", "01", "1.", ".5", "-", "1e", "[1] 2", "{'a': 1}", "\"\u{1}\"", "\"\\ud800\"",
        "\"\\x\"", "tru", "nul", "[1e999]", "{\"a\" 1}", "[\"open", String(repeating: "[", count: 600),
    ])
    func jsonErrors(text: String) {
        #expect(throws: JSONParseError.self) { _ = try JSONValue(parsing: text) }
    }

    // MARK: The archive of a result

    /// A result with every optional field set and the awkward doubles.
    static func sampleResult() throws -> TrainingResult {
        var events = NumericalEvents()
        events.overflows = 1
        events.underflowsToZero = 2
        events.nans = 3
        events.swallowedUpdates = 4
        events.saturations = 5
        var scaling = ScalingEvents()
        scaling.blocks = 10
        scaling.elements = 320
        for (k, event) in ScalingEvent.allCases.enumerated() { scaling[event] = k + 7 }
        let nanPayload = Double(bitPattern: 0x7ff8_0000_0000_1234)
        let epochs = [
            EpochRecord(epoch: 1, trainLoss: 0.6931471805599453, trainAccuracy: 0.75, validationLoss: .nan,
                        validationAccuracy: nil, seconds: 1.25, steps: 8, events: events, scaling: scaling),
            EpochRecord(epoch: 2, trainLoss: .infinity, trainAccuracy: 0.1, validationLoss: -.infinity,
                        validationAccuracy: 0.5, seconds: 0.1, steps: 8, events: NumericalEvents(), scaling: nil),
        ]
        let policy = TrainingPolicy(accumulation: try FloatFormat(name: "fp32"), masterWeights: try FloatFormat(name: "e6m9"),
                                    rounding: .stochastic, stochasticUpdate: true, lossScale: 1024)
        var configuration = TrainingConfiguration(epochs: 2, learningRate: 0.1, batchSize: 64, seed: UInt64.max, threads: 3,
                                                  loss: .naive, weightDecay: 1e-4, patience: 2,
                                                  initialStandardDeviation: 0.01, skipsZeroFeatures: false)
        configuration.schedule = .cosine
        configuration.shuffles = false
        configuration.recordedSteps = 3
        var result = TrainingResult(
            format: "bf16", arithmetic: "soft-float", policy: policy, configuration: configuration, trainCount: 2000,
            validationCount: 500, testCount: 10_000, validationIsTest: false, epochs: epochs, testLoss: nanPayload,
            testAccuracy: 0.8125, firstNonFinite: NonFiniteEvent(epoch: 2, step: 9, example: 3, reason: "log 0 \"quoted\""),
            bestEpoch: 1, stoppedEarly: true, setupEvents: events, masterSetupEvents: NumericalEvents(),
            weights: [0.1, -0.0, .leastNonzeroMagnitude, .nan, -.infinity, 1 / 3], bias: [.greatestFiniteMagnitude, -1e-300],
            masterWeights: [0.2, -.nan], seconds: 12.375, recipe: "MX: blocks of 32")
        result.stepLosses = [2.302585092994046, .infinity, nanPayload]
        return result
    }

    static func bits(_ xs: [Double]?) -> [UInt64]? { xs?.map(\.bitPattern) }
    static func bits(_ x: Double?) -> UInt64? { x?.bitPattern }

    @Test("a result's archive reads back equal, field by field, NaNs and infinities included")
    func archiveRoundTrip() throws {
        let result = try Self.sampleResult()
        let back = try TrainingResult(archive: try JSONValue(parsing: result.archive.text()))
        #expect(back.format == result.format && back.arithmetic == result.arithmetic && back.recipe == result.recipe)
        #expect(back.policy == result.policy)
        #expect(back.configuration == result.configuration)
        #expect(back.trainCount == result.trainCount && back.validationCount == result.validationCount)
        #expect(back.testCount == result.testCount && back.validationIsTest == result.validationIsTest)
        #expect(back.epochs.count == result.epochs.count)
        for (a, b) in zip(back.epochs, result.epochs) {
            #expect(a.epoch == b.epoch && a.steps == b.steps && a.events == b.events && a.scaling == b.scaling)
            #expect(Self.bits(a.trainLoss) == Self.bits(b.trainLoss))
            #expect(Self.bits(a.trainAccuracy) == Self.bits(b.trainAccuracy))
            #expect(Self.bits(a.validationLoss) == Self.bits(b.validationLoss))
            #expect(Self.bits(a.validationAccuracy) == Self.bits(b.validationAccuracy))
            #expect(Self.bits(a.seconds) == Self.bits(b.seconds))
        }
        #expect(Self.bits(back.testLoss) == Self.bits(result.testLoss))
        #expect(Self.bits(back.testAccuracy) == Self.bits(result.testAccuracy))
        #expect(back.firstNonFinite == result.firstNonFinite)
        #expect(back.bestEpoch == result.bestEpoch && back.stoppedEarly == result.stoppedEarly)
        #expect(back.setupEvents == result.setupEvents && back.masterSetupEvents == result.masterSetupEvents)
        #expect(Self.bits(back.weights) == Self.bits(result.weights))
        #expect(Self.bits(back.bias) == Self.bits(result.bias))
        #expect(Self.bits(back.masterWeights) == Self.bits(result.masterWeights))
        #expect(Self.bits(back.stepLosses) == Self.bits(result.stepLosses))
        #expect(back.configuration.schedule == .cosine && !back.configuration.shuffles)
        #expect(back.seconds == result.seconds)
        // The optional fields left out read back as absent.
        var plain = result
        plain.masterWeights = nil
        plain.masterSetupEvents = nil
        plain.firstNonFinite = nil
        plain.recipe = nil
        plain.policy = TrainingPolicy()
        plain.configuration.patience = nil
        let plainBack = try TrainingResult(archive: try JSONValue(parsing: plain.archive.text()))
        #expect(plainBack.masterWeights == nil && plainBack.masterSetupEvents == nil && plainBack.firstNonFinite == nil)
        #expect(plainBack.recipe == nil && plainBack.policy == TrainingPolicy() && plainBack.configuration.patience == nil)
    }

    @Test("a damaged archive names the field")
    func archiveErrors() throws {
        guard case var .object(members) = try Self.sampleResult().archive else {
            Issue.record("the archive is not an object")
            return
        }
        members.removeAll { $0.0 == "bias" }
        #expect(throws: TrainingResult.ArchiveError("field 'bias' is missing")) {
            _ = try TrainingResult(archive: .object(members))
        }
        members = members.map { $0.0 == "weights" ? ($0.0, .array([.string("many")])) : $0 }
        members.append(("bias", .array([])))
        #expect(throws: TrainingResult.ArchiveError("field 'weights' is not a list of numbers")) {
            _ = try TrainingResult(archive: .object(members))
        }
    }

    // MARK: The split

    @Test("bad shard numbers are refused, naming the range", arguments: [
        ("0/3", "from 1 to 3"), ("4/3", "from 1 to 3"), ("1/0", "at least 1"), ("a/b", "expected I/N"),
        ("3", "expected I/N"), ("1/3/4", "expected I/N"), ("-1/3", "expected I/N"), ("", "expected I/N"),
        ("1/", "expected I/N"), ("１/3", "expected I/N"),
    ])
    func badShards(text: String, message: String) {
        do {
            _ = try ReportShard(parsing: text)
            Issue.record("'\(text)' was accepted")
        } catch {
            #expect(error.message.contains(message), "\(error.message)")
        }
    }

    @Test("the shards split the runs into disjoint parts of about equal cost, the same each time")
    func split() throws {
        let context = ReportContext(options: ReportOptions(quick: false))
        let planned = ReportSuite.reports.flatMap { $0.plannedRuns(context) }
        let keys = Set(planned.map(\.key))
        #expect(keys.count > 10)
        let costs = Dictionary(planned.map { ($0.key, $0.estimatedCost) }) { a, _ in a }
        let total = costs.values.reduce(0, +), largest = costs.values.max() ?? 0
        for n in [1, 2, 3, 7, keys.count + 2] {
            var seen: [String] = []
            for i in 1...n {
                let shard = try ReportShard(index: i, count: n)
                let part = shard.select(planned)
                #expect(part.map(\.key) == shard.select(planned.reversed()).map(\.key), "the order planned does not matter")
                seen += part.map(\.key)
                let cost = part.map(\.estimatedCost).reduce(0, +)
                #expect(cost <= total / Double(n) + largest, "shard \(i)/\(n) costs \(cost) of \(total)")
            }
            #expect(seen.count == keys.count && Set(seen) == keys, "\(n) shards hold every run once")
        }
    }

    // MARK: Three shards against one run

    /// Every Markdown and SVG file under `folder`, by path relative to it.
    func files(_ folder: String) throws -> [String: Data] {
        var files: [String: Data] = [:]
        let names = try FileManager.default.subpathsOfDirectory(atPath: folder)
        for name in names where name.hasSuffix(".md") || name.hasSuffix(".svg") {
            files[name] = FileManager.default.contents(atPath: folder + "/" + name)
        }
        return files
    }

    @Test("three shards merged write the same reports as one run, to the byte (times fixed)",
          .enabled(if: hasData, "Fashion-MNIST is not installed: skipping the runs"))
    func threeShardsMerged() throws {
        let shardFolder = try temporaryFolder(), merged = try temporaryFolder(), single = try temporaryFolder()
        defer {
            for folder in [shardFolder, merged, single] { try? FileManager.default.removeItem(atPath: folder) }
        }
        // Small runs (64 images each way) and every measured time fixed, so that the files compare.
        var options = ReportOptions(outputDirectory: shardFolder, quick: true,
                                    only: ["learning-rates", "softmax-stability"], threads: 2)
        options.fixedSeconds = 1.5
        options.imageLimit = 64
        let context = ReportContext(options: options)
        let runs = Set(ReportSuite.reports.filter { options.only!.contains($0.name) }.flatMap { $0.plannedRuns(context) }
            .map(\.key)).count
        #expect(runs >= 6)
        var written: [String] = []
        for i in 1...3 {
            let outcome = try ReportSuite.trainShard(options, shard: try ReportShard(index: i, count: 3))
            written += outcome.files
            #expect(outcome.plannedRuns == runs)
            #expect(!outcome.files.isEmpty, "shard \(i) of 3 has runs")
        }
        let results = ReportShard.folder(in: shardFolder)
        #expect(written.count == runs && Set(written).count == runs)
        #expect(!FileManager.default.fileExists(atPath: shardFolder + "/learning-rates.md"), "a shard writes no report")

        options.outputDirectory = merged
        let mergedOutcomes = try ReportSuite.generate(options, merging: [results])
        #expect(mergedOutcomes.allSatisfy { $0.status == .written }, "\(mergedOutcomes.map(\.status))")
        options.outputDirectory = single
        let singleOutcomes = try ReportSuite.generate(options)
        #expect(singleOutcomes.allSatisfy { $0.status == .written })

        let fromShards = try files(merged), fromOne = try files(single)
        #expect(fromShards.keys.sorted() == fromOne.keys.sorted())
        #expect(fromOne.keys.contains("learning-rates.md") && fromOne.keys.contains { $0.hasPrefix("figures/") })
        for (name, data) in fromOne where name != "README.md" {
            #expect(fromShards[name] == data, "\(name) differs")
        }
        // The index says how it was written; apart from that line it is the same.
        func index(_ files: [String: Data]) -> (said: [String], rest: [String]) {
            let lines = String(decoding: files["README.md"] ?? Data(), as: UTF8.self).split(separator: "\n").map(String.init)
            return (lines.filter { $0.contains("This index was last written") },
                    lines.filter { !$0.contains("This index was last written") })
        }
        #expect(index(fromShards).rest == index(fromOne).rest && !index(fromOne).rest.isEmpty)
        #expect(index(fromShards).said.first?.contains("`report --merge`") == true)
        #expect(index(fromOne).said.first?.contains("`report --merge`") == false)

        // A missing run is named, and nothing is written.
        let missingFile = written.sorted()[0]
        let saved = try Data(contentsOf: URL(fileURLWithPath: missingFile))
        try FileManager.default.removeItem(atPath: missingFile)
        options.outputDirectory = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: options.outputDirectory) }
        do {
            _ = try ReportSuite.generate(options, merging: [results])
            Issue.record("a merge with a run missing went ahead")
        } catch let error as ReportError {
            #expect(error.message.contains("lack 1 of the \(runs) runs"), "\(error.message)")
            let json = try JSONValue(parsing: String(decoding: saved, as: UTF8.self))
            #expect(error.message.contains(json["key"]?.stringValue ?? "?"), "the missing run is named")
        }
        #expect(!FileManager.default.fileExists(atPath: options.outputDirectory + "/learning-rates.md"))

        // Two files that disagree about one run are refused; equal copies are fine.
        try saved.write(to: URL(fileURLWithPath: missingFile))
        let copyFolder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: copyFolder) }
        let (savedKey, savedResult) = try ShardResults.read(missingFile)
        var changed = savedResult
        changed.seconds += 1
        let spec = TrainingSpec(format: savedResult.format, seed: 0)
        let copy = try ShardResults.write(changed, of: spec, shard: try ReportShard(index: 1, count: 1), into: copyFolder)
        try rewriteKey(copy, to: savedKey)
        #expect(try ShardResults.load([results, copyFolder]).count == runs, "a copy differing in its time only is one run")
        changed.weights[0] = changed.weights[0].nextUp
        try ShardResults.write(changed, of: spec, shard: try ReportShard(index: 1, count: 1), into: copyFolder)
        try rewriteKey(copy, to: savedKey)
        #expect(throws: ReportError.self) { _ = try ShardResults.load([results, copyFolder]) }
    }

    /// Sets the key of the result file at `path`.
    func rewriteKey(_ path: String, to key: String) throws {
        guard case var .object(members) = try JSONValue(parsing: try String(contentsOfFile: path, encoding: .utf8)) else {
            return
        }
        members = members.map { $0.0 == "key" ? ("key", .string(key)) : $0 }
        try JSONValue.object(members).write(toFile: path)
    }
}
