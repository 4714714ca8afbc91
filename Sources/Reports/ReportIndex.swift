import Foundation

/// The index of the reports, `README.md`: each exercise, its one-paragraph answer, a link.
///
///     let text = ReportIndex.render(entries, options: options)
///
/// Edge cases: a report not generated (yet) is listed with the reason instead of an answer.
public enum ReportIndex {
    public struct Entry: Sendable {
        public var name: String
        public var title: String
        /// The answer paragraph, or nil when the report is missing.
        public var answer: String?
        /// Why the report is missing.
        public var missing: String?

        public init(name: String, title: String, answer: String?, missing: String? = nil) {
            self.name = name
            self.title = title
            self.answer = answer
            self.missing = missing
        }
    }

    /// The run that wrote the index: how long it took and what it regenerated.
    struct Run: Sendable {
        var seconds: Double
        var reports: [String]
        var complete: Bool
        var dataDirectory: String
        var hasData: Bool
        /// Written from shard results (`--merge`): the training ran elsewhere.
        var merged = false
        /// The distinct training runs behind the reports and the sum of their times.
        var trainingRuns = 0
        var trainingSeconds = 0.0
    }

    public static func render(_ entries: [Entry], options: ReportOptions) -> String {
        render(entries, options: options, run: nil)
    }

    static func render(_ entries: [Entry], options: ReportOptions, run: Run?) -> String {
        var doc = MarkdownDocument()
        doc.heading("precision-lab reports", level: 1)
        doc.paragraph("""
            The exercises of *Dive into Deep Learning*'s "Concise Implementation of Softmax Regression", \
            answered with measurements of this project: bit-exact software floating point in every format, \
            an 8-bit logarithmic format, and softmax regression on Fashion-MNIST trained with every operation \
            rounded to the format. Each report states the command, seed and data it came from; every number \
            in them was measured by that command, except cited references, which are marked *(cited)*.
            """)
        doc.paragraph("Regenerate everything with `\(options.commandLine())` (one report: `--only NAME`; "
                      + "a small fast version: `--quick`).")
        if let run {
            let cores = ProcessInfo.processInfo.activeProcessorCount
            let which = run.complete ? "every report" : run.reports.joined(separator: ", ")
            let missingData = run.hasData ? "" : " (not found by this run: the reports that need it are missing)"
            let threads = Markdown.count(options.threads, "thread")
            let machine = Markdown.count(cores, "core")
            var text = "To reproduce on Debian: `apt-get update && apt-get install -y dataset-fashion-mnist zlib1g-dev`, "
            text += "then `swift build -c release` and `.build/release/precision-lab report` from the repository's "
            text += "top folder. Data: Debian's `dataset-fashion-mnist` at `" + run.dataDirectory + "`" + missingData
            text += ". The seeds each report uses are in its header. "
            if run.merged {
                text += "This index was last written by `report --merge` of " + which + " from shard results, in "
                text += Markdown.duration(run.seconds) + "; its " + Markdown.count(run.trainingRuns, "training run")
                text += " took " + Markdown.duration(run.trainingSeconds) + " in all (each run's own time, added), "
                text += "on a machine with " + machine + ". Each report's header gives the run time of its own runs."
            } else {
                text += "This index was last written by a run of " + which + " that took "
                text += Markdown.duration(run.seconds) + " with " + threads + " on a machine with " + machine + "."
            }
            doc.paragraph(text)
        }
        doc.table(["report", "question"], entries.map { e in
            [e.answer == nil ? e.name : Markdown.link(e.name + ".md", e.name + ".md"), e.title]
        })
        for e in entries {
            doc.heading(e.title)
            if let answer = e.answer {
                doc.paragraph(answer)
                doc.paragraph("→ " + Markdown.link("Full report: \(e.name).md", e.name + ".md"))
            } else {
                doc.paragraph("*Not generated: \(e.missing ?? "not run yet").*")
            }
        }
        return doc.text
    }

    /// The answer paragraph of a report already on disk (the paragraph that starts with
    /// `**Answer.**`), or nil.
    public static func answer(inReportAt path: String) -> String? {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return nil }
        for paragraph in text.components(separatedBy: "\n\n") where paragraph.hasPrefix("**Answer.** ") {
            return String(paragraph.dropFirst("**Answer.** ".count)).trimmingCharacters(in: .whitespacesAndNewlines)
        }
        return nil
    }
}
