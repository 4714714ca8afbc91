import Foundation
import Testing
@testable import Reports

@Suite("Markdown")
struct MarkdownTests {
    @Test("tables have aligned pipes and read back cell for cell")
    func tableRoundTrip() {
        let headers = ["format", "accuracy", "note"]
        let rows = [["fp32", "82.91%", "a | b"], ["bf16", "7%", "line\nbreak"], ["fp8-e4m3", "10.0%"]]
        let text = Markdown.table(headers: headers, rows: rows, alignments: [.left, .right, .center])
        let lines = text.split(separator: "\n").map(String.init)
        #expect(lines.count == 2 + rows.count)
        // Every line has the same length and its pipes in the same columns.
        let pipeColumns = lines.map { line in line.enumerated().filter { $0.element == "|" }.map(\.offset) }
        #expect(Set(lines.map(\.count)).count == 1)
        let unescaped = pipeColumns[0]
        for (line, columns) in zip(lines, pipeColumns) where !line.contains("\\|") {
            #expect(columns == unescaped)
        }
        #expect(lines[1].hasPrefix("|:-") && lines[1].contains("-:|"))
        let parsed = Markdown.parseTable(text)
        #expect(parsed?.count == 4)
        #expect(parsed?[0] == headers)
        #expect(parsed?[1] == ["fp32", "82.91%", "a \\| b"])
        #expect(parsed?[2][2] == "line break")
        #expect(parsed?[3] == ["fp8-e4m3", "10.0%", ""])
    }

    @Test("malformed tables are rejected")
    func malformed() {
        #expect(Markdown.parseTable("| a | b |\n| c | d |") == nil)
        #expect(Markdown.parseTable("| a | b |\n|---|---|\n| 1 |") == nil)
        #expect(Markdown.tables(in: "text\n\n| a |\n|---|\n| 1 |\n\nmore\n").count == 1)
    }

    @Test("numbers are formatted for reading")
    func numbers() {
        #expect(Markdown.integer(65_536) == "65,536")
        #expect(Markdown.integer(-1_000_000) == "−1,000,000")
        #expect(Markdown.percent(0.8374, 1) == "83.7%")
        #expect(Markdown.fixed(.nan, 2) == "NaN" && Markdown.fixed(.infinity, 2) == "∞" && Markdown.fixed(nil, 2) == "–")
        #expect(Markdown.significant(1.2345e-7) == "1.23e-07")
        #expect(Markdown.significant(0.012345) == "0.0123")
        #expect(Markdown.significant(55109.0, 3) == "55109")
        #expect(Markdown.points(-0.004) == "−0.4 pp" && Markdown.points(0.012) == "+1.2 pp")
        #expect(Markdown.duration(95.2) == "1 min 35 s")
    }

    @Test("negative numbers and interval bounds take the minus sign U+2212, as percentage points do")
    func minusSign() {
        #expect(Markdown.signedFixed(-0.77, 2) == "\u{2212}0.77")
        #expect(Markdown.signedFixed(0.59, 2) == "0.59")
        #expect(Markdown.signedFixed(-0.001, 2) == "0.00", "a value that rounds to zero has no sign")
        #expect(Markdown.signedFixed(.nan, 2) == "NaN" && Markdown.signedFixed(-.infinity, 2) == "−∞")
        // Worked by hand: means 0.81 and 0.84, each variance of the mean 0.0001, se = 0.014142,
        // Welch's df = 2, t = 4.303, half-width 0.060854: −0.0909 to 0.0309.
        let straddling = Spread.differenceText(Spread(values: [0.80, 0.82]), Spread(values: [0.83, 0.85]))
        #expect(straddling.text == "\u{2212}3.00 pp (\u{2212}9.09 to 3.09)", "\(straddling.text)")
        #expect(straddling.differs == false)
        // Means 0.805 and 0.905, se = 0.0070711, half-width 0.030427: −0.1304 to −0.0696.
        let below = Spread.differenceText(Spread(values: [0.80, 0.81]), Spread(values: [0.90, 0.91]))
        #expect(below.text == "\u{2212}10.00 pp (\u{2212}13.04 to \u{2212}6.96)", "\(below.text)")
        #expect(below.differs == true)
        #expect(!below.text.contains("-"), "no ASCII hyphen-minus in \(below.text)")
    }

    @Test("code blocks fence longer than any backtick run inside")
    func codeFence() {
        let block = Markdown.codeBlock("a ``` b")
        #expect(block.hasPrefix("````\n") && block.hasSuffix("````\n"))
    }
}
