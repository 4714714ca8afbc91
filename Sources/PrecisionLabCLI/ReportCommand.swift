import DataFiles
import Foundation
import Reports

/// `precision-lab report`: regenerates the Markdown reports and their SVG figures.
///
///     precision-lab report --out Reports
///     precision-lab report --quick --only int8-range --out /tmp/r
///
/// Edge cases: an unknown report name or a malformed option is a usage error (exit 64);
/// a report that cannot be made (missing data, a failed run) is named on one line and the
/// status is 1, after every other report has been written.
public struct ReportCommand: Command {
    public static let name = "report"
    public static let abstract = "Regenerate the reports that answer the exercises, with SVG plots"
    public static let usage = """
        usage: precision-lab report [--out DIR] [--quick] [--only NAME[,NAME...]] [--data DIR] [--seed N]

        Runs the measurements behind each exercise and writes, into DIR (default Reports):
        README.md (the index: each exercise, its answer, a link), exp-range.md, int8-range.md,
        epochs.md, learning-rates.md, formats.md, softmax-stability.md, and their figures in
        DIR/figures. Every file is written atomically. Progress goes to standard error.

        options:
          --out DIR          output folder (default Reports)
          --quick            small, fast sweeps (a 2,000-image subset, 1-2 epochs, few formats):
                             for tests, not for conclusions
          --only NAMES       only these reports (comma-separated): \(ReportSuite.names.joined(separator: ", "))
          --data DIR         folder with the Fashion-MNIST IDX files (default: $PRECISION_LAB_DATA,
                             else /usr/share/datasets/fashion-mnist)
          --seed N           seed of every run (default 0)
          --threads N        runs or threads at once (default: all cores)
        """

    var options = ReportOptions()

    public init(arguments: inout Arguments) throws {
        if let out = try arguments.option("--out") {
            guard !out.isEmpty else { throw UsageError("--out needs a folder") }
            options.outputDirectory = out
        }
        options.quick = arguments.flag("--quick")
        if let only = try arguments.option("--only") {
            let names = only.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) }
            if let unknown = names.first(where: { !ReportSuite.names.contains($0) }) ?? (names.isEmpty ? "" : nil) {
                throw UsageError("unknown report '\(unknown)' (reports: \(ReportSuite.names.joined(separator: ", ")))")
            }
            options.only = names
        }
        options.dataDirectory = try arguments.option("--data")
        if let seed = try arguments.option("--seed", as: "an integer from 0 to 2^64-1", { UInt64($0) }) {
            options.seed = seed
        }
        if let threads = try arguments.option("--threads", as: "a positive integer", {
            Int($0).flatMap { $0 > 0 ? $0 : nil }
        }) {
            options.threads = threads
        }
    }

    public func run(_ io: CommandIO) throws -> ExitCode {
        let start = ContinuousClock.now
        let outcomes: [ReportSuite.Outcome]
        do {
            outcomes = try ReportSuite.generate(options) { io.err($0) }
        } catch let error as AtomicFile.WriteError {
            throw RuntimeError(error.description)
        } catch let error as ReportError {
            throw RuntimeError(error.message)
        }
        let elapsed = (ContinuousClock.now - start).components
        let seconds = Double(elapsed.seconds) + Double(elapsed.attoseconds) * 1e-18
        for outcome in outcomes where outcome.status == .written {
            io.out("wrote \(outcome.file) (\(outcome.figures.count) figure\(outcome.figures.count == 1 ? "" : "s"), "
                   + String(format: "%.1f s", outcome.seconds) + ")")
        }
        io.out("wrote \(options.outputDirectory)/README.md; " + String(format: "%.1f s in all", seconds))
        let problems = outcomes.compactMap { outcome -> String? in
            switch outcome.status {
            case .written: return nil
            case let .skipped(reason): return "\(outcome.name) skipped: \(reason)"
            case let .failed(reason): return "\(outcome.name) failed: \(reason)"
            }
        }
        if !problems.isEmpty {
            throw RuntimeError(problems.joined(separator: "; "))
        }
        return .success
    }
}
