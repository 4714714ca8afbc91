import DataFiles
import Foundation
import Training

/// One of `count` fixed parts of the training runs of a report sweep, for spreading a sweep
/// over machines: `report --shard 2/8` trains the second eighth and writes the results to
/// files, `report --merge` makes the reports from the files of every part.
///
///     let shard = try ReportShard(parsing: "2/8")
///     shard.select(specs)      // the runs of part 2, the same on every machine
///
/// The split is by `TrainingSpec.estimatedCost`: the runs, longest first (equal costs in
/// the order of their keys), each go to the part with the least cost so far (the first of
/// equals), so the parts take about as long and depend only on the set of runs planned.
///
/// Edge cases: a part may be empty when there are fewer runs than parts; equal specs
/// count once.
public struct ReportShard: Sendable, Equatable, CustomStringConvertible {
    /// 1-based.
    public let index: Int
    public let count: Int

    /// Part `index` of `count`; throws `ReportError` unless 1 ≤ index ≤ count.
    public init(index: Int, count: Int) throws(ReportError) {
        guard count >= 1 else { throw ReportError("the number of shards must be at least 1, not \(count)") }
        guard (1...count).contains(index) else {
            throw ReportError("shard \(index) of \(count) does not exist: the shard number is from 1 to \(count)")
        }
        self.index = index
        self.count = count
    }

    /// `I/N`, as `--shard` takes it; throws `ReportError` for anything else.
    public init(parsing text: String) throws(ReportError) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }),
              let index = Int(parts[0]), let count = Int(parts[1]) else {
            throw ReportError("expected I/N, shard I of N (1 ≤ I ≤ N), e.g. 2/8")
        }
        try self.init(index: index, count: count)
    }

    public var description: String { "\(index)/\(count)" }

    /// The runs of this part, longest first.
    public func select(_ specs: [TrainingSpec]) -> [TrainingSpec] {
        var unique: [String: TrainingSpec] = [:]
        for spec in specs where unique[spec.key] == nil { unique[spec.key] = spec }
        let ordered = unique.values.sorted {
            $0.estimatedCost != $1.estimatedCost ? $0.estimatedCost > $1.estimatedCost : $0.key < $1.key
        }
        var load = [Double](repeating: 0, count: count)
        var mine: [TrainingSpec] = []
        for spec in ordered {
            let part = load.indices.min { load[$0] != load[$1] ? load[$0] < load[$1] : $0 < $1 }!
            load[part] += spec.estimatedCost
            if part == index - 1 { mine.append(spec) }
        }
        return mine
    }

    /// Where `report --shard` writes its results: `shards/` in the output folder.
    public static func folder(in outputDirectory: String) -> String { outputDirectory + "/shards" }
}

/// The files of shard results: one JSON file a run, holding the run's key (its
/// `precision-lab train` command) and its whole result (`TrainingResult.archive`).
///
///     try ShardResults.write(result, of: spec, shard: shard, into: "Reports/shards")
///     let results = try ShardResults.load(["Reports/shards"])   // key → result
///
/// Edge cases: `load` reads the files ending in `.json` (others, and hidden ones such as
/// `AtomicFile`'s temporary files, are ignored) and throws
/// `ReportError` naming the file for one that is not a shard result, and for two files
/// with different results for one run (the measured seconds and threads aside); equal
/// duplicates are read once.
public enum ShardResults {
    static let kind = "precision-lab shard result"

    /// The file name of a run's result: its format and a hash of its key.
    static func fileName(for spec: TrainingSpec) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325   // FNV-1a, the same on every machine
        for byte in spec.key.utf8 {
            hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3
        }
        let format = String(spec.format.map { $0.isLetter || $0.isNumber || $0 == "-" ? $0 : "_" })
        let hex = String(hash, radix: 16)
        return format + "-" + String(repeating: "0", count: 16 - hex.count) + hex + ".json"
    }

    /// Writes the result of `spec` into `folder`, atomically; returns the file's path.
    @discardableResult
    public static func write(_ result: TrainingResult, of spec: TrainingSpec, shard: ReportShard,
                             into folder: String) throws -> String {
        let path = folder + "/" + fileName(for: spec)
        let document = JSONValue.object([
            ("kind", .string(kind)), ("key", .string(spec.key)), ("shard", .string(shard.description)),
            ("result", result.archive),
        ])
        try document.write(toFile: path)
        return path
    }

    /// The results in `folders`, by key, with the file each came from.
    public static func load(_ folders: [String]) throws -> [String: (result: TrainingResult, file: String)] {
        var results: [String: (result: TrainingResult, file: String)] = [:]
        for folder in folders {
            let names: [String]
            do {
                names = try FileManager.default.contentsOfDirectory(atPath: folder)
            } catch {
                throw ReportError("cannot read the shard results folder \(folder)")
            }
            for name in names.sorted() where name.hasSuffix(".json") && !name.hasPrefix(".") {
                let path = folder + "/" + name
                let (key, result) = try read(path)
                if let earlier = results[key] {
                    guard comparable(earlier.result) == comparable(result) else {
                        throw ReportError("\(earlier.file) and \(path) hold different results for one run: \(key)")
                    }
                    continue
                }
                results[key] = (result, path)
            }
        }
        return results
    }

    static func read(_ path: String) throws -> (key: String, result: TrainingResult) {
        guard let data = FileManager.default.contents(atPath: path),
              let text = String(data: data, encoding: .utf8) else {
            throw ReportError("cannot read \(path)")
        }
        do {
            let json = try JSONValue(parsing: text)
            guard json["kind"]?.stringValue == kind, let key = json["key"]?.stringValue, let result = json["result"] else {
                throw ReportError("\(path) is not a shard result (written by `precision-lab report --shard`)")
            }
            return (key, try TrainingResult(archive: result))
        } catch let error as JSONParseError {
            throw ReportError("\(path): \(error)")
        } catch let error as TrainingResult.ArchiveError {
            throw ReportError("\(path): \(error)")
        }
    }

    /// The archive of `result` without what differs between two runs of one spec.
    static func comparable(_ result: TrainingResult) -> String {
        var r = result
        r.seconds = 0
        r.configuration.threads = 1
        for i in r.epochs.indices { r.epochs[i].seconds = 0 }
        return r.archive.text()
    }
}

extension ReportSuite {
    /// What `report --shard` did.
    public struct ShardOutcome: Sendable, Equatable {
        /// The runs the selected reports plan, all parts together.
        public var plannedRuns: Int
        /// The result files this part wrote.
        public var files: [String]
    }

    /// Trains part `shard` of the runs the selected reports plan and writes each result,
    /// as it finishes, into `ReportShard.folder(in: options.outputDirectory)`; writes no report.
    ///
    ///     let outcome = try ReportSuite.trainShard(options, shard: try ReportShard(parsing: "1/3"))
    ///
    /// Edge cases: throws `ReportError` for an unknown report name, when the data cannot be
    /// loaded and a selected report needs it or plans runs (without it the parts would
    /// differ), and for the first run that fails (the results of the runs that finished are
    /// written). A part with no runs writes nothing and succeeds.
    public static func trainShard(_ options: ReportOptions, shard: ReportShard,
                                  progress: @escaping (String) -> Void = { _ in }) throws -> ShardOutcome {
        let selected = try selectedReports(options)
        let context = ReportContext(options: options, progress: progress)
        // Without the data some reports plan fewer runs, which would change every shard's part.
        if selected.contains(where: { $0.needsData }) || !selected.flatMap({ $0.plannedRuns(context) }).isEmpty {
            do {
                _ = try context.fashionMNIST()
            } catch {
                throw ReportError("cannot train shard \(shard): \(error)")
            }
        }
        let planned = selected.flatMap { $0.plannedRuns(context) }
        let mine = shard.select(planned)
        let total = Set(planned.map(\.key)).count
        let folder = ReportShard.folder(in: options.outputDirectory)
        context.currentReport = "shard \(shard)"
        context.progress("\(Markdown.count(mine.count, "run")) of the \(total) of \(selected.map { $0.name }.joined(separator: ", ")), "
                         + "\(options.threads) at a time, into \(folder)")
        guard !mine.isEmpty else { return ShardOutcome(plannedRuns: total, files: []) }
        let files = FileList()
        context.finishedRun = { spec, result in
            let path = try ShardResults.write(result, of: spec, shard: shard, into: folder)
            files.append(path)
        }
        _ = try context.train(mine)
        return ShardOutcome(plannedRuns: total, files: files.sorted)
    }

    /// Fills `context` with the shard results in `folders`, after checking that they hold
    /// every run in `planned` (each missing one is a progress line, the error names the
    /// first and the count); the context then trains nothing.
    static func merge(_ folders: [String], planned: [TrainingSpec], into context: ReportContext) throws {
        let loaded = try ShardResults.load(folders)
        let plannedKeys = Set(planned.map(\.key))
        var missing: [String] = []
        for spec in planned where loaded[spec.key] == nil && !missing.contains(spec.key) { missing.append(spec.key) }
        if !missing.isEmpty {
            for key in missing { context.progress("missing run: \(key)") }
            let more = missing.count > 1 ? " and \(missing.count - 1) more, listed above" : ""
            throw ReportError("the shard results in \(folders.joined(separator: ", ")) lack \(missing.count) of the "
                              + "\(plannedKeys.count) runs these reports need (did every `--shard I/N` finish, with the "
                              + "same options?): \(missing[0])\(more)")
        }
        let unused = loaded.keys.filter { !plannedKeys.contains($0) }.count
        context.progress("\(Markdown.count(plannedKeys.count, "run")) read from \(folders.joined(separator: ", "))"
                         + (unused > 0 ? " (\(unused) other result\(unused == 1 ? "" : "s") there not needed)" : ""))
        context.insert(loaded.filter { plannedKeys.contains($0.key) }.mapValues(\.result))
        context.trainsRuns = false
    }
}

/// Paths appended from several threads.
private final class FileList: @unchecked Sendable {
    private let lock = NSLock()
    private var files: [String] = []

    func append(_ file: String) {
        lock.lock()
        defer { lock.unlock() }
        files.append(file)
    }

    var sorted: [String] { lock.lock(); defer { lock.unlock() }; return files.sorted() }
}
