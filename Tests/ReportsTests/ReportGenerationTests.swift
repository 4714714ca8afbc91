import DataFiles
import Foundation
@testable import Reports
import SoftFloat
import Testing
import Training

/// Runs `report --quick` (through the library the command calls) into a temporary folder
/// and checks what it wrote.
@Suite("report --quick", .serialized)
struct ReportGenerationTests {
    static let dataDirectory = FashionMNIST.directory(override: nil)
    static let hasData = FileManager.default.fileExists(
        atPath: FashionMNIST.path(of: FashionMNIST.fileNames.trainImages, in: dataDirectory))

    func temporaryFolder() throws -> String {
        let path = NSTemporaryDirectory() + "reports-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    /// Checks one written report: its tables are well-formed, its figures exist and parse.
    func checkReport(_ folder: String, _ name: String, minimumTables: Int, minimumFigures: Int) throws {
        let text = try String(contentsOfFile: "\(folder)/\(name).md", encoding: .utf8)
        #expect(text.hasPrefix("# "), "\(name).md starts with its title")
        #expect(text.contains("**Answer.** "), "\(name).md answers its question")
        #expect(text.contains("precision-lab report"), "\(name).md states its command")
        let tables = Markdown.tables(in: text)
        #expect(tables.count >= minimumTables, "\(name).md has \(tables.count) tables")
        for (k, table) in tables.enumerated() {
            #expect(table != nil, "table \(k) of \(name).md is malformed")
            if let table { #expect(table.count >= 2, "table \(k) of \(name).md has rows") }
        }
        // Every image the report embeds exists and is well-formed SVG.
        let images = text.components(separatedBy: "](figures/").dropFirst().map { $0.prefix { $0 != ")" } }
        #expect(images.count >= minimumFigures, "\(name).md embeds \(images.count) figures")
        for image in images {
            let path = "\(folder)/figures/\(image)"
            let svg = try String(contentsOfFile: path, encoding: .utf8)
            let parsed = XMLCheck.parse(svg)
            #expect(parsed.error == nil, "\(image): \(parsed.error ?? "")")
            #expect(parsed.elements.first == "svg")
        }
    }

    @Test("the reports that need no data are written, checked, and reproducible from the seed")
    func withoutData() throws {
        let folder = try temporaryFolder(), again = try temporaryFolder()
        defer {
            try? FileManager.default.removeItem(atPath: folder)
            try? FileManager.default.removeItem(atPath: again)
        }
        var options = ReportOptions(outputDirectory: folder, quick: true, dataDirectory: "/nonexistent/fashion-mnist")
        let outcomes = try ReportSuite.generate(options)
        // Without data: the reports that need it are skipped, naming the data; the others are written.
        for outcome in outcomes {
            let type = ReportSuite.reports.first { $0.name == outcome.name }!
            if type.needsData {
                guard case let .skipped(reason) = outcome.status else {
                    Issue.record("\(outcome.name) should be skipped without data")
                    continue
                }
                #expect(reason.contains("/nonexistent/fashion-mnist"))
            } else {
                #expect(outcome.status == .written, "\(outcome.name): \(outcome.status)")
            }
        }
        try checkReport(folder, "exp-range", minimumTables: 1, minimumFigures: 1)
        try checkReport(folder, "int8-range", minimumTables: 8, minimumFigures: 3)
        try checkReport(folder, "softmax-stability", minimumTables: 4, minimumFigures: 1)
        // int8-range fills every cell of its tables (a blank cell is a value left out without a note).
        let int8Range = try String(contentsOfFile: folder + "/int8-range.md", encoding: .utf8)
        for (k, table) in Markdown.tables(in: int8Range).enumerated() {
            for row in table ?? [] {
                #expect(!row.contains { $0.trimmingCharacters(in: .whitespaces).isEmpty },
                        "table \(k) of int8-range.md has a blank cell in \(row)")
            }
        }
        let index = try String(contentsOfFile: folder + "/README.md", encoding: .utf8)
        #expect(index.contains("(int8-range.md)") && index.contains("(exp-range.md)"))
        #expect(index.contains("Not generated"))
        #expect(Markdown.tables(in: index).allSatisfy { $0 != nil })

        // The same seed gives the same report, to the byte.
        options.outputDirectory = again
        options.only = ["int8-range"]
        _ = try ReportSuite.generate(options)
        let first = try String(contentsOfFile: folder + "/int8-range.md", encoding: .utf8)
        let second = try String(contentsOfFile: again + "/int8-range.md", encoding: .utf8)
        #expect(first == second)
        // The index of the second run still lists the report it did not regenerate.
        let secondIndex = try String(contentsOfFile: again + "/README.md", encoding: .utf8)
        #expect(secondIndex.contains("(int8-range.md)"))
    }

    @Test("an unknown report name is refused")
    func unknownName() throws {
        #expect(throws: ReportError.self) {
            _ = try ReportSuite.generate(ReportOptions(outputDirectory: NSTemporaryDirectory(), quick: true,
                                                       only: ["no-such-report"]))
        }
    }

    @Test("every report, quick, with the Fashion-MNIST data",
          .enabled(if: hasData, "Fashion-MNIST is not installed at \(dataDirectory): skipping the reports that train"))
    func withData() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let outcomes = try ReportSuite.generate(ReportOptions(outputDirectory: folder, quick: true))
        for outcome in outcomes {
            #expect(outcome.status == .written, "\(outcome.name): \(outcome.status)")
        }
        #expect(outcomes.count == ReportSuite.reports.count)
        try checkReport(folder, "exp-range", minimumTables: 1, minimumFigures: 1)
        try checkReport(folder, "int8-range", minimumTables: 9, minimumFigures: 3)
        try checkReport(folder, "epochs", minimumTables: 2, minimumFigures: 3)
        try checkReport(folder, "learning-rates", minimumTables: 1, minimumFigures: 3)
        try checkReport(folder, "formats", minimumTables: 1, minimumFigures: 2)
        try checkReport(folder, "softmax-stability", minimumTables: 5, minimumFigures: 2)
        let index = try String(contentsOfFile: folder + "/README.md", encoding: .utf8)
        for type in ReportSuite.reports {
            #expect(index.contains("(\(type.name).md)"), "the index links \(type.name).md")
        }
        #expect(!index.contains("Not generated"))
        // The cited reference is marked as cited wherever it appears.
        let formats = try String(contentsOfFile: folder + "/formats.md", encoding: .utf8)
        #expect(formats.contains("83.7%") && formats.contains("(cited)"))
    }
}
