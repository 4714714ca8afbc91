import DataFiles
import Foundation
import Reports
import SoftFloat

/// `precision-lab report`: regenerates the Markdown reports and their SVG figures.
///
///     precision-lab report --out Reports
///     precision-lab report --quick --only int8-range --out /tmp/r
///     precision-lab report --shard 2/8 --out /shared/sweep      # on 8 machines, I = 1...8
///     precision-lab report --merge /shared/sweep/shards --out Reports
///
/// Edge cases: an unknown report name or a malformed option is a usage error (exit 64);
/// a report that cannot be made (missing data, a failed run) is named on one line and the
/// status is 1, after every other report has been written. `--shard` with `--merge` is a
/// usage error; a merge whose results lack runs fails before writing anything.
public struct ReportCommand: Command {
    public static let name = "report"
    public static let abstract = "Regenerate the reports that answer the exercises, with SVG plots"
    public static let help = CommandHelp(
        usage: [[.option(out.spec), .option(quick.spec), .optionWithValue(only.spec, "NAME[,NAME...]"),
                 .option(data.spec), .option(seed.spec)],
                [.option(shardPart.spec), .option(out.spec), .option(quick.spec),
                 .optionWithValue(only.spec, "NAME[,NAME...]"), .option(data.spec), .option(seed.spec)],
                [.optionWithValue(mergeFrom.spec, "DIR[,DIR...]"), .option(out.spec), .option(quick.spec),
                 .optionWithValue(only.spec, "NAME[,NAME...]"), .option(data.spec), .option(seed.spec)]],
        discussion: """
            Runs the measurements behind each exercise and writes, into DIR (default Reports):
            README.md (the index: each exercise, its answer, a link), exp-range.md, int8-range.md,
            epochs.md, learning-rates.md, formats.md, softmax-stability.md, and their figures in
            DIR/figures. Every file is written atomically. Progress goes to standard error.

            To spread the training runs over machines (a Slurm job array, GNU parallel), run
            `--shard I/N` for I = 1 to N with the same other options: each trains a fixed Nth of
            the runs the reports need and writes each result to DIR/shards as a JSON file, and no
            report. Then `--merge DIR/shards` (folders of results, comma-separated) writes the
            reports from the results, the same as one run would, measured times aside; it trains
            nothing, and stops naming the runs missing if any are.
            """,
        optionColumn: 21, width: nil)

    static let out = CommandOption<ReportCommand>.value(
        "--out", "DIR", help: "output folder", default: "Reports", OptionValue("a folder", naming: { folder, option in
            guard !folder.isEmpty else { throw UsageError("\(option) needs a folder") }
            return folder
        })) { $0.options.outputDirectory = $1 }
    static let quick = CommandOption<ReportCommand>.flag("--quick", help: """
        small, fast sweeps (a 2,000-image subset, 1-2 epochs, few formats):
        for tests, not for conclusions
        """) { $0.options.quick = true }
    static let only = CommandOption<ReportCommand>.value(
        "--only", "NAMES", help: "only these reports (comma-separated): \(ReportSuite.names.joined(separator: ", "))",
        OptionValue("report names") { only in
            let names = only.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) }
            if let unknown = names.first(where: { !ReportSuite.names.contains($0) }) ?? (names.isEmpty ? "" : nil) {
                throw UsageError("unknown report \(Echo.quoted(unknown)) (reports: \(ReportSuite.names.joined(separator: ", ")))")
            }
            return names
        }) { $0.options.only = $1 }
    static let data = CommandOption<ReportCommand>.value("--data", "DIR", help: """
        folder with the Fashion-MNIST IDX files (default: $PRECISION_LAB_DATA,
        else /usr/share/datasets/fashion-mnist)
        """, .text) { $0.options.dataDirectory = $1 }
    static let seed = CommandOption<ReportCommand>.value("--seed", "N", help: "seed of every run", default: "0", .seed) {
        $0.options.seed = $1
    }

    static let shardPart = CommandOption<ReportCommand>.value(
        "--shard", "I/N", help: "train shard I of N of the runs, into DIR/shards; no reports",
        OptionValue("I/N, shard I of N (1 <= I <= N)", naming: { text, option in
            do throws(ReportError) {
                return try ReportShard(parsing: text)
            } catch {
                throw UsageError("invalid value \(Echo.quoted(text)) for \(option): \(error.message)")
            }
        })) { $0.shard = $1 }
    static let mergeFrom = CommandOption<ReportCommand>.value(
        "--merge", "DIRS", help: "write the reports from these folders of shard results (comma-separated)",
        OptionValue("folders", naming: { text, option in
            let folders = text.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            guard !folders.contains(where: \.isEmpty) else { throw UsageError("\(option) needs folders") }
            return folders
        })) { $0.mergeFolders = $1 }

    public static let options: [CommandOption<ReportCommand>] = [
        out, quick, only, data, seed, shardPart, mergeFrom,
        .value("--threads", "N", help: "runs or threads at once, 1 to 256 (default: all cores)", .threads) {
            $0.options.threads = $1
        },
    ]

    var options = ReportOptions()
    var shard: ReportShard?
    var mergeFolders: [String] = []

    public init() {}

    /// Checks, before any report runs, that the folder, its figures folder and the files
    /// this run replaces can be written.
    public func validate() throws {
        if shard != nil && !mergeFolders.isEmpty { throw UsageError("--shard and --merge cannot be used together") }
        if shard != nil {
            try OutputPreflight.checkFolder(ReportShard.folder(in: options.outputDirectory), files: [], option: "--out")
            return
        }
        let folder = options.outputDirectory
        let files = ["README.md"] + (options.only ?? ReportSuite.names).map { $0 + ".md" }
        try OutputPreflight.checkFolder(folder, files: files, option: "--out")
        try OutputPreflight.checkFolder(folder + "/figures", files: [], option: "--out")
    }

    public func run(_ io: CommandIO) throws -> ExitCode {
        if let shard { return try runShard(shard, io) }
        let start = ContinuousClock.now
        let outcomes = try Self.failingAtRunTime { try ReportSuite.generate(options, merging: mergeFolders) { io.err($0) } }
        let elapsed = (ContinuousClock.now - start).components
        let seconds = Double(elapsed.seconds) + Double(elapsed.attoseconds) * 1e-18
        for outcome in outcomes where outcome.status == .written {
            io.out("wrote \(outcome.file) (\(outcome.figures.count) figure\(outcome.figures.count == 1 ? "" : "s"), "
                   + String(format: "%.1f s", outcome.seconds) + ")")
        }
        io.out("wrote \(options.outputDirectory)/README.md; " + String(format: "%.1f s in all", seconds))
        if let problems = Self.problems(outcomes) { throw RuntimeError(problems) }
        return .success
    }

    /// `--shard`: trains the shard's runs and writes their results.
    func runShard(_ shard: ReportShard, _ io: CommandIO) throws -> ExitCode {
        let outcome = try Self.failingAtRunTime { try ReportSuite.trainShard(options, shard: shard) { io.err($0) } }
        io.out("shard \(shard): wrote \(outcome.files.count) of the \(outcome.plannedRuns) results to "
               + ReportShard.folder(in: options.outputDirectory))
        return .success
    }

    /// `body`'s value; a file or report error becomes a run-time failure (exit 1) with its message.
    static func failingAtRunTime<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as FileError {
            throw RuntimeError(error.description)
        } catch let error as ReportError {
            throw RuntimeError(error.message)
        }
    }

    /// The reports not written, in one line: those skipped or failed for the same reason
    /// are named together before it once, `epochs, formats skipped: cannot load ...`.
    static func problems(_ outcomes: [ReportSuite.Outcome]) -> String? {
        var groups: [(what: String, names: [String])] = []
        for outcome in outcomes {
            let what: String
            switch outcome.status {
            case .written: continue
            case let .skipped(reason): what = "skipped: \(reason)"
            case let .failed(reason): what = "failed: \(reason)"
            }
            if let i = groups.firstIndex(where: { $0.what == what }) {
                groups[i].names.append(outcome.name)
            } else {
                groups.append((what, [outcome.name]))
            }
        }
        guard !groups.isEmpty else { return nil }
        return groups.map { $0.names.joined(separator: ", ") + " " + $0.what }.joined(separator: "; ")
    }
}
