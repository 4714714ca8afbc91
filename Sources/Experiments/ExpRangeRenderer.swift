import DataFiles
import Foundation
import SoftFloat
import TrainingArithmetic

/// How the exp-range table is written.
public enum ExpRangeOutputFormat: String, CaseIterable, Sendable {
    /// Aligned columns for a terminal.
    case table
    case markdown
    case json
    case csv
}

/// Writes an `ExpRangeTable` as an aligned terminal table, Markdown, JSON or CSV.
///
///     let text = ExpRangeRenderer.render(table, as: .markdown)
///
/// Edge cases: a threshold that cannot be reached prints as `never`; an argument beyond
/// the finite ones prints as `-inf`/`inf`, or `none` in a format without infinities.
public enum ExpRangeRenderer {
    public static func render(_ table: ExpRangeTable, as format: ExpRangeOutputFormat) -> String {
        switch format {
        case .table: return text(table)
        case .markdown: return markdown(table)
        case .json: return json(table)
        case .csv: return csv(table)
        }
    }

    static let header = ["format", "event", "threshold x", "defined as", "bound x", "bits",
                         "exp(bound)", "next x", "bits", "exp(next)"]

    /// The cells of each entry, in `header` order.
    static func cells(_ row: ExpRangeRow, _ entry: ExpRangeEntry) -> [String] {
        let next = entry.neighbour
        return [row.format, entry.event.rawValue,
                entry.threshold?.decimal ?? "never", entry.threshold?.definition ?? "-",
                entry.bound.argument, entry.bound.argumentBits, result(entry.bound),
                next?.argument ?? "none", next?.argumentBits ?? "-", next.map(result) ?? "-"]
    }

    static func result(_ s: ExpRangeSample) -> String {
        s.flags.isEmpty ? s.result : "\(s.result) (\(s.flags.joined(separator: ", ")))"
    }

    /// One line on the options.
    static func title(_ table: ExpRangeTable) -> String {
        let o = table.options
        return "exp(x) by format: rounding \(o.rounding.rawValue), subnormals \(o.subnormals ? "on" : "flushed"), "
            + "overflow \(o.saturates ? "saturates" : "to infinity (NaN without infinities)")"
    }

    /// What the columns mean.
    static func legend(_ table: ExpRangeTable) -> [String] {
        var lines = [
            "overflow: exp(x) overflows for x above the threshold; bound: the largest x that does not.",
            "normal: the exact exp(x) is below the least normal number for x below the threshold; "
                + "bound: the smallest x whose exp is normal.",
            "zero: exp(x) rounds to zero for x at or below the threshold; bound: the smallest x whose exp is not zero.",
            "Thresholds are correctly rounded to \(ExpRangeThreshold.significantDigits) digits; "
                + "next: the representable x just beyond the bound.",
        ]
        if table.rows.contains(where: { (try? NumberFormat(name: $0.format))?.eightBitFormat != nil }) {
            lines.append("int8 and lns8 have no infinity: overflow saturates to the largest value (with the overflow "
                         + "flag), and their nonzero values are all normal (lns8) or all evenly spaced (int8, no normal row).")
        }
        if table.options.rounding == .stochastic {
            lines.append("Stochastic rounding: beyond a threshold the event becomes possible; "
                         + "the results shown are one draw (seed 0).")
        }
        return lines
    }

    /// The comparison with the book's [−90, 90] for FP32.
    public static func ruleOfThumbSentence(_ r: ExpRangeRuleOfThumb) -> String {
        func number(_ x: Double) -> String { x == x.rounded() ? String(Int(x)) : String(x) }
        let overflow = r.fp32.entry(.overflow)
        let normal = r.fp32.entry(.normal)
        let zero = r.fp32.entry(.zero)
        var high = "exp(\(number(r.high))) = \(result(r.atHigh))"
        if r.atHigh.flags.contains("overflow") {
            high += ", past the overflow threshold \(overflow?.threshold?.decimal ?? "?")"
        } else {
            high += ", still finite"
        }
        var low = "exp(\(number(r.low))) = \(result(r.atLow))"
        if r.atLow.result == "0.0" {
            low += ", rounded to zero"
        } else if let t = normal?.threshold, t.value > r.low {
            low += ", subnormal with reduced precision (normal results end at \(t.decimal)"
                + (zero?.threshold.map { "; zero at or below \($0.decimal))" } ?? ")")
        } else {
            low += ", normal"
        }
        let safe = "[\(normal?.bound.argument ?? "?"), \(overflow?.bound.argument ?? "?")]"
        return "Rule of thumb for FP32, exp safe on [\(number(r.low)), \(number(r.high))]: \(high); \(low). "
            + "The representable range with normal, finite results is \(safe)."
    }

    static func text(_ table: ExpRangeTable) -> String {
        var rows = [header]
        for row in table.rows {
            for (i, entry) in row.entries.enumerated() {
                var c = cells(row, entry)
                if i > 0 { c[0] = "" }
                rows.append(c)
            }
        }
        let widths = header.indices.map { column in rows.map { $0[column].count }.max() ?? 0 }
        func line(_ cells: [String]) -> String {
            var text = zip(cells, widths).map { $0.padding(toLength: $1, withPad: " ", startingAt: 0) }
                .joined(separator: "  ")
            while text.last == " " { text.removeLast() }
            return text
        }
        var lines = [title(table), ""]
        lines.append(line(rows[0]))
        lines.append(widths.map { String(repeating: "-", count: $0) }.joined(separator: "  "))
        lines += rows.dropFirst().map(line)
        lines.append("")
        lines += legend(table)
        lines.append("")
        lines.append(ruleOfThumbSentence(table.ruleOfThumb))
        return lines.joined(separator: "\n") + "\n"
    }

    static func markdown(_ table: ExpRangeTable) -> String {
        func row(_ cells: [String]) -> String {
            "| " + cells.map { $0.replacingOccurrences(of: "|", with: "\\|") }.joined(separator: " | ") + " |"
        }
        var lines = ["**\(title(table))**", "", row(header), "|" + String(repeating: "---|", count: header.count)]
        for r in table.rows {
            for entry in r.entries {
                var c = cells(r, entry)
                c[4] = "`\(c[4])`"; c[5] = "`\(c[5])`"; c[7] = "`\(c[7])`"; c[8] = "`\(c[8])`"
                lines.append(row(c))
            }
        }
        lines.append("")
        lines += legend(table).map { "- " + $0 }
        lines.append("")
        lines.append(ruleOfThumbSentence(table.ruleOfThumb))
        return lines.joined(separator: "\n") + "\n"
    }

    /// The table as JSON: every field of every row, keys sorted, in the layout the table's
    /// JSON has always had (Foundation's `JSONEncoder`), readable back with `JSONDecoder`.
    static func json(_ table: ExpRangeTable) -> String {
        func sample(_ s: ExpRangeSample) -> JSONValue {
            .object([("argument", .string(s.argument)), ("argumentBits", .string(s.argumentBits)),
                     ("result", .string(s.result)), ("resultBits", .string(s.resultBits)),
                     ("flags", .array(s.flags.map(JSONValue.string)))])
        }
        func row(_ r: ExpRangeRow) -> JSONValue {
            .object([("format", .string(r.format)), ("entries", .array(r.entries.map { e in
                // An absent threshold or neighbour has no key, as Codable wrote it.
                var fields: [(String, JSONValue)] = [("event", .string(e.event.rawValue))]
                if let t = e.threshold {
                    fields.append(("threshold", .object([("decimal", .string(t.decimal)), ("value", .number(t.value)),
                                                         ("definition", .string(t.definition))])))
                }
                fields.append(("bound", sample(e.bound)))
                if let n = e.neighbour { fields.append(("neighbour", sample(n))) }
                fields.append(("beyondRange", .bool(e.beyondRange)))
                return .object(fields)
            }))])
        }
        let o = table.options, r = table.ruleOfThumb
        let document: JSONValue = .object([
            ("options", .object([("rounding", .string(o.rounding.rawValue)), ("subnormals", .bool(o.subnormals)),
                                 ("saturates", .bool(o.saturates))])),
            ("rows", .array(table.rows.map(row))),
            ("ruleOfThumb", .object([("low", .number(r.low)), ("high", .number(r.high)), ("atHigh", sample(r.atHigh)),
                                     ("atLow", sample(r.atLow)), ("fp32", row(r.fp32))])),
        ])
        return document.text(layout: .foundation) + "\n"
    }

    static func csv(_ table: ExpRangeTable) -> String {
        func field(_ s: String) -> String {
            s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" })
                ? "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : s
        }
        let o = table.options
        var lines = [["format", "rounding", "subnormals", "saturates", "event", "threshold", "definition",
                      "bound", "bound_bits", "exp_bound", "exp_bound_bits", "exp_bound_flags",
                      "next", "next_bits", "exp_next", "exp_next_bits", "exp_next_flags"].joined(separator: ",")]
        for r in table.rows {
            for e in r.entries {
                let n = e.neighbour
                let cells = [r.format, o.rounding.rawValue, String(o.subnormals), String(o.saturates), e.event.rawValue,
                             e.threshold?.decimal ?? "", e.threshold?.definition ?? "",
                             e.bound.argument, e.bound.argumentBits, e.bound.result, e.bound.resultBits,
                             e.bound.flags.joined(separator: "|"),
                             n?.argument ?? "", n?.argumentBits ?? "", n?.result ?? "", n?.resultBits ?? "",
                             n?.flags.joined(separator: "|") ?? ""]
                lines.append(cells.map(field).joined(separator: ","))
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
