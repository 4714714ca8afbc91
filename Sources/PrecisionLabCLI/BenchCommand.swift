import Foundation
import Lab
import SoftFloat

/// `precision-lab bench`: speed, as figures measured side by side in one run.
///
///     precision-lab bench ops --seconds 0.3 --formats bf16,fp32 --json ops.json
///
/// Edge cases: the part comes first or after the options; a part that is planned but not
/// built yet answers "not yet available" with exit status 64, as an unknown part does.
public struct BenchCommand: Command {
    public static let name = "bench"
    public static let abstract = "Speed: soft-path Mop/s beside the hardware's, in one run"
    public static let usage = """
        usage: precision-lab bench ops [--seconds S] [--formats LIST] [--json FILE]

        Measures speed and prints each figure next to the hardware's own figure for the
        same work, measured in the same run. Time is the thread's CPU time, which other
        processes disturb less than the clock on the wall; still, read the ratios.

        parts:
          ops    operations per second of the soft path (the integer implementation of
                 every format) for add, mul, div, sqrt and mulAdd, single-threaded,
                 rounding to nearest-even, next to the same loop in hardware Float (or
                 Double, for formats Float cannot hold) and the ratio

        options:
          --seconds S       time of each measurement (default 0.3)
          --formats LIST    comma-separated formats (default fp16,bf16,tf32,fp32,fp64);
                            any name calc accepts, e.g. fp8-e4m3 or e6m9
          --json FILE       also write the figures as JSON

        Exit status: 0 success, 1 failure (cannot write the JSON file), 64 bad usage.
        """

    /// The parts `bench` has, and those it will have.
    static let parts = ["ops"]
    static let plannedParts = ["round", "train"]
    static let defaultFormats: [FloatFormat] = [.fp16, .bf16, .tf32, .fp32, .fp64]

    var seconds = 0.3
    var formats = BenchCommand.defaultFormats
    var jsonPath: String?

    public init(arguments: inout Arguments) throws {
        if let value = try arguments.option("--seconds", as: "a positive number of seconds", { text -> Double? in
            guard let x = Double(text), x.isFinite, x > 0, x <= 3600 else { return nil }
            return x
        }) {
            seconds = value
        }
        if let list = try arguments.option("--formats") {
            var parsed: [FloatFormat] = []
            for name in list.split(separator: ",", omittingEmptySubsequences: false) {
                let name = name.trimmingCharacters(in: .whitespaces)
                guard !name.isEmpty else { throw UsageError("empty format name in --formats '\(list)'") }
                let format: FloatFormat
                do { format = try FloatFormat(name: name) } catch { throw UsageError("\(error)") }
                if !parsed.contains(format) { parsed.append(format) }
            }
            formats = parsed
        }
        jsonPath = try arguments.option("--json")
        let words = try arguments.remaining(allowingDashes: true)
        guard let part = words.first else {
            throw UsageError("bench needs a part: \(Self.parts.joined(separator: ", ")) (e.g. 'precision-lab bench ops')")
        }
        if Self.plannedParts.contains(part) { throw UsageError("bench \(part) is not yet available") }
        guard Self.parts.contains(part) else {
            if part.hasPrefix("-") { throw UsageError("unknown option '\(part)'") }
            throw UsageError("unknown bench part '\(part)' (parts: \(Self.parts.joined(separator: ", ")))")
        }
        if let extra = words.dropFirst().first {
            throw UsageError(extra.hasPrefix("-") ? "unknown option '\(extra)'" : "unexpected argument '\(extra)'")
        }
    }

    public func validate() throws {
        if let jsonPath {
            let directory = (jsonPath as NSString).deletingLastPathComponent
            var isDirectory: ObjCBool = false
            let folder = directory.isEmpty ? "." : directory
            guard FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory), isDirectory.boolValue else {
                throw UsageError("--json: no such directory '\(folder)'")
            }
        }
    }

    public func run(_ io: CommandIO) throws -> ExitCode {
        var rows: [Benchmark.OperationRate] = []
        let total = Benchmark.Operation.allCases.count * formats.count
        for operation in Benchmark.Operation.allCases {
            for format in formats {
                if io.isInteractive {
                    io.progress(ProgressBar.line(label: "bench ops \(operation.rawValue) \(format.name)",
                                                 done: rows.count, total: total))
                }
                rows.append(Benchmark.measure(operation, format: format, seconds: seconds))
            }
        }
        if io.isInteractive { io.progress(ProgressBar.clear) }
        io.write(Self.table(rows, seconds: seconds))
        if let jsonPath {
            do {
                try (Self.json(rows, seconds: seconds).text() + "\n").write(toFile: jsonPath, atomically: true, encoding: .utf8)
            } catch {
                throw RuntimeError("cannot write '\(jsonPath)': \(error.localizedDescription)")
            }
        }
        return .success
    }

    /// The table `bench ops` prints: a two-line title, a header, one row per operation and
    /// format; numbers right-aligned.
    static func table(_ rows: [Benchmark.OperationRate], seconds: Double) -> String {
        let header = ["op", "format", "soft Mop/s", "hardware", "hw Mop/s", "hw/soft"]
        let rightAligned = [false, false, true, false, true, true]
        let cells = rows.map { row in
            [row.operation.rawValue, row.format.name, Self.figure(row.soft / 1e6), row.hardwareType,
             Self.figure(row.hardware / 1e6), Self.figure(row.hardwareOverSoft)]
        }
        let widths = header.indices.map { column in
            ([header] + cells).map { $0[column].count }.max() ?? 0
        }
        func line(_ fields: [String]) -> String {
            fields.indices.map { column in
                let pad = String(repeating: " ", count: widths[column] - fields[column].count)
                return rightAligned[column] ? pad + fields[column] : fields[column] + pad
            }.joined(separator: "   ").trimmingTrailingSpaces() + "\n"
        }
        var text = "bench ops: soft path, single thread, nearest-even, \(seconds) CPU s per measurement\n"
        text += "hardware: the same loop in Float or Double, in the same run\n\n"
        text += line(header)
        for row in cells { text += line(row) }
        return text
    }

    /// The figures as JSON, rates in Mop/s.
    static func json(_ rows: [Benchmark.OperationRate], seconds: Double) -> JSONValue {
        .object([
            ("part", .string("ops")),
            ("seconds", .number(seconds)),
            ("threads", .int(1)),
            ("rounding", .string(RoundingMode.nearestEven.rawValue)),
            ("measurements", .array(rows.map { row in
                .object([
                    ("operation", .string(row.operation.rawValue)),
                    ("format", .string(row.format.name)),
                    ("softMops", .number(row.soft / 1e6)),
                    ("hardware", .string(row.hardwareType)),
                    ("hardwareMops", .number(row.hardware / 1e6)),
                    ("hardwareOverSoft", .number(row.hardwareOverSoft)),
                ])
            })),
        ])
    }

    /// A rate or ratio with one decimal.
    static func figure(_ x: Double) -> String {
        String(format: "%.1f", x)
    }
}

extension String {
    fileprivate func trimmingTrailingSpaces() -> String {
        var text = self
        while text.last == " " { text.removeLast() }
        return text
    }
}
