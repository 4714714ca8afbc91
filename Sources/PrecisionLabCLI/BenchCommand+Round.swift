import Benchmarks
import DataFiles
import Experiments
import Foundation
import Reports
import SoftFloat
import Training
import TrainingArithmetic

/// `bench round`: the array rounder's rate per format, source type and mode.
extension BenchCommand {
    func runRound(_ io: CommandIO) throws -> JSONValue {
        let formats = formats
        let seconds = seconds ?? 0.1
        var jobs: [(label: String, measure: () -> Benchmark.RoundingRate?)] = []
        for source in Benchmark.RoundingSource.allCases {
            for format in formats {
                for mode in ArrayRounder<Float>.supportedModes {
                    jobs.append(("\(source.rawValue) \(format.name) \(mode.rawValue)", {
                        Benchmark.measureRounding(source, format: format, rounding: mode, elements: elements,
                                                  threads: threads, seconds: seconds)
                    }))
                }
            }
        }
        if io.isInteractive { io.progress(ProgressBar.line(label: "bench round references", done: 0, total: jobs.count)) }
        let references = Benchmark.measureRoundingReferences(elements: elements, threads: threads, seconds: seconds)
        var rows: [Benchmark.RoundingRate] = []
        for (done, job) in jobs.enumerated() {
            if io.isInteractive {
                io.progress(ProgressBar.line(label: "bench round \(job.label)", done: done, total: jobs.count))
            }
            if let row = job.measure() { rows.append(row) }
        }
        if io.isInteractive { io.progress(ProgressBar.clear) }
        io.write(Self.roundTable(rows, references: references, elements: elements, seconds: seconds))
        return Self.roundJSON(rows, references: references, elements: elements, seconds: seconds)
    }

    /// The table `bench round` prints: the reference loops, then one row per source type,
    /// format and mode, in G elements/s, with the ratios to the source type's copy and
    /// hardware conversion on one core.
    static func roundTable(_ rows: [Benchmark.RoundingRate], references: [Benchmark.RoundingRate],
                           elements: Int, seconds: Double) -> String {
        let threads = (rows + references).first?.threads ?? 1
        func reference(_ source: String, copy: Bool) -> Benchmark.RoundingRate? {
            references.first { $0.source == source && ($0.name == "copy") == copy }
        }
        let header = ["from", "to", "rounding", "1 core", "\(threads) cores", "/copy", "/cvt"]
        let cells = (references + rows).map { row -> [String] in
            let copy = reference(row.source, copy: true)?.oneCore ?? .nan
            let conversion = reference(row.source, copy: false)?.oneCore ?? .nan
            return [row.source, row.name, row.rounding?.rawValue ?? "-", figure(row.oneCore / 1e9, digits: 2),
                    figure(row.allCores / 1e9, digits: 2), figure(row.oneCore / copy, digits: 2),
                    figure(row.oneCore / conversion, digits: 2)]
        }
        var text = "bench round: G elements/s, arrays of \(elements) per thread, best of 3 runs of "
            + "\(seconds) s\n"
        text += "references: a plain copy, and the conversion the compiler emits, Float(Float16(x))\n"
            + "(a runtime call where the build does not enable F16C) or Double(Float(x))\n\n"
        text += columns(header, rightAligned: [false, false, false, true, true, true, true], cells)
        return text
    }

    static func roundJSON(_ rows: [Benchmark.RoundingRate], references: [Benchmark.RoundingRate],
                          elements: Int, seconds: Double) -> JSONValue {
        func object(_ row: Benchmark.RoundingRate) -> JSONValue {
            .object([
                ("source", .string(row.source)),
                ("target", .string(row.name)),
                ("rounding", row.rounding.map { .string($0.rawValue) } ?? .null),
                ("oneCoreGElementsPerSecond", .number(row.oneCore / 1e9)),
                ("allCoresGElementsPerSecond", .number(row.allCores / 1e9)),
                ("threads", .int(row.threads)),
            ])
        }
        return .object([
            ("part", .string("round")),
            ("seconds", .number(seconds)),
            ("elements", .int(elements)),
            ("references", .array(references.map(object))),
            ("measurements", .array(rows.map(object))),
        ])
    }

    /// A table with a header line, columns separated by three spaces, numbers right-aligned.
    static func columns(_ header: [String], rightAligned: [Bool], _ cells: [[String]]) -> String {
        let widths = header.indices.map { column in
            ([header] + cells).map { $0[column].count }.max() ?? 0
        }
        func line(_ fields: [String]) -> String {
            var text = fields.indices.map { column in
                let pad = String(repeating: " ", count: widths[column] - fields[column].count)
                return rightAligned[column] ? pad + fields[column] : fields[column] + pad
            }.joined(separator: "   ")
            while text.last == " " { text.removeLast() }
            return text + "\n"
        }
        return line(header) + cells.map(line).joined()
    }

    /// A number with `digits` decimals, or more below 1 so that two significant digits show.
    static func figure(_ x: Double, digits: Int) -> String {
        guard x.isFinite else { return "-" }
        let needed = x > 0 && x < 1 ? 1 - Int(Foundation.log10(x).rounded(.down)) : 0
        return String(format: "%.\(max(digits, min(needed, 12)))f", x)
    }
}
