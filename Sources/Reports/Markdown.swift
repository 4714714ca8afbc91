import Foundation

/// Building blocks of GitHub-flavoured Markdown: headings, paragraphs, tables with
/// aligned pipes, code blocks, images and links.
///
///     var doc = MarkdownDocument()
///     doc.heading("Results")
///     doc.table(["format", "accuracy"], [["fp32", "82.9%"], ["bf16", "82.1%"]], alignments: [.left, .right])
///     doc.image("figures/accuracy.svg", alt: "accuracy per epoch")
///     let text = doc.text
///
/// Edge cases: table cells are escaped (`|` becomes `\|`, newlines become spaces), so a
/// cell never breaks a row; rows shorter than the header are padded with empty cells.
public struct MarkdownDocument: Sendable {
    public private(set) var text = ""

    public init() {}

    /// `# text` (level 1) … `###### text`.
    public mutating func heading(_ title: String, level: Int = 2) {
        block(String(repeating: "#", count: min(6, max(1, level))) + " " + title)
    }

    /// A paragraph (lines are kept as written).
    public mutating func paragraph(_ content: String) { block(content) }

    /// A bulleted list.
    public mutating func bullets(_ items: [String]) {
        block(items.map { "- " + $0.replacingOccurrences(of: "\n", with: "\n  ") }.joined(separator: "\n"))
    }

    /// A fenced code block.
    public mutating func code(_ content: String, language: String = "") {
        block(Markdown.codeBlock(content, language: language))
    }

    /// A table with aligned pipes.
    public mutating func table(_ headers: [String], _ rows: [[String]], alignments: [Markdown.Alignment] = []) {
        block(Markdown.table(headers: headers, rows: rows, alignments: alignments))
    }

    /// An embedded image.
    public mutating func image(_ path: String, alt: String) { block(Markdown.image(path, alt: alt)) }

    /// Markdown written as it is, as its own block.
    public mutating func block(_ markdown: String) {
        if !text.isEmpty { text += "\n" }
        text += markdown
        if !markdown.hasSuffix("\n") { text += "\n" }
    }
}

/// Markdown helpers.
public enum Markdown {
    public enum Alignment: Sendable {
        case left, right, center
    }

    /// A table: header, separator, rows, each column padded to its widest cell.
    ///
    ///     Markdown.table(headers: ["a", "b"], rows: [["1", "22"]], alignments: [.left, .right])
    ///     // | a | b  |
    ///     // |:--|---:|
    ///     // | 1 | 22 |
    public static func table(headers: [String], rows: [[String]], alignments: [Alignment] = []) -> String {
        let columns = max(headers.count, rows.map(\.count).max() ?? 0)
        func cells(_ row: [String]) -> [String] {
            (0..<columns).map { $0 < row.count ? escapeCell(row[$0]) : "" }
        }
        let header = cells(headers)
        let body = rows.map(cells)
        let widths = (0..<columns).map { column in
            max(3, ([header] + body).map { $0[column].count }.max() ?? 0)
        }
        func alignment(_ column: Int) -> Alignment { column < alignments.count ? alignments[column] : .left }
        func pad(_ cell: String, _ column: Int) -> String {
            let space = String(repeating: " ", count: widths[column] - cell.count)
            switch alignment(column) {
            case .right: return space + cell
            case .left: return cell + space
            case .center:
                let half = space.count / 2
                return String(repeating: " ", count: half) + cell + String(repeating: " ", count: space.count - half)
            }
        }
        func line(_ row: [String]) -> String {
            "| " + row.enumerated().map { pad($0.element, $0.offset) }.joined(separator: " | ") + " |"
        }
        let separator = "|" + (0..<columns).map { column -> String in
            let dashes = widths[column]
            switch alignment(column) {
            case .left: return ":" + String(repeating: "-", count: dashes + 1)
            case .right: return String(repeating: "-", count: dashes + 1) + ":"
            case .center: return ":" + String(repeating: "-", count: dashes) + ":"
            }
        }.joined(separator: "|") + "|"
        return ([line(header), separator] + body.map(line)).joined(separator: "\n") + "\n"
    }

    /// A cell's text with `|` escaped and line breaks turned into spaces.
    public static func escapeCell(_ text: String) -> String {
        text.replacingOccurrences(of: "\r\n", with: " ")
            .replacingOccurrences(of: "\n", with: " ")
            .replacingOccurrences(of: "|", with: "\\|")
    }

    /// A fenced code block whose fence is longer than any run of backticks inside.
    public static func codeBlock(_ content: String, language: String = "") -> String {
        var longest = 0, run = 0
        for c in content {
            run = c == "`" ? run + 1 : 0
            longest = max(longest, run)
        }
        let fence = String(repeating: "`", count: max(3, longest + 1))
        return fence + language + "\n" + content + (content.hasSuffix("\n") ? "" : "\n") + fence + "\n"
    }

    /// `![alt](path)`.
    public static func image(_ path: String, alt: String) -> String {
        "![\(alt.replacingOccurrences(of: "]", with: "\\]"))](\(path.replacingOccurrences(of: " ", with: "%20")))"
    }

    /// `[text](target)`.
    public static func link(_ text: String, _ target: String) -> String { "[\(text)](\(target))" }

    /// `code` in backticks.
    public static func inlineCode(_ text: String) -> String {
        text.contains("`") ? "`` \(text) ``" : "`\(text)`"
    }

    /// Parses a table written by `table` back into cells (header first); nil when the
    /// text is not a well-formed table (for checks and tests).
    public static func parseTable(_ text: String) -> [[String]]? {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: true).map(String.init)
        guard lines.count >= 2 else { return nil }
        func split(_ line: String) -> [String]? {
            guard line.hasPrefix("|"), line.hasSuffix("|"), line.count >= 2 else { return nil }
            var cells: [String] = [], current = "", escaped = false
            for c in line.dropFirst().dropLast() {
                if escaped { current.append(c); escaped = false; continue }
                if c == "\\" { escaped = true; current.append(c); continue }
                if c == "|" { cells.append(current.trimmingCharacters(in: .whitespaces)); current = ""; continue }
                current.append(c)
            }
            cells.append(current.trimmingCharacters(in: .whitespaces))
            return cells
        }
        guard let header = split(lines[0]), let separator = split(lines[1]), separator.count == header.count,
              separator.allSatisfy({ cell in !cell.isEmpty && cell.allSatisfy { $0 == "-" || $0 == ":" } && cell.contains("-") })
        else { return nil }
        var rows = [header]
        for line in lines.dropFirst(2) {
            guard let row = split(line), row.count == header.count else { return nil }
            rows.append(row)
        }
        return rows
    }

    /// Every table in a Markdown document (runs of lines starting with `|`), parsed;
    /// nil for a run that is not a well-formed table.
    public static func tables(in document: String) -> [[[String]]?] {
        var tables: [[[String]]?] = []
        var current: [String] = []
        var inCode = false
        for line in document.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("```") { inCode.toggle() }
            if !inCode && line.hasPrefix("|") {
                current.append(String(line))
            } else if !current.isEmpty {
                tables.append(parseTable(current.joined(separator: "\n")))
                current = []
            }
        }
        if !current.isEmpty { tables.append(parseTable(current.joined(separator: "\n"))) }
        return tables
    }
}
