import Foundation
import Lab
import SoftFloat

/// `precision-lab bench`: speed, as figures measured side by side in one run.
///
///     precision-lab bench ops --seconds 0.3 --formats bf16,fp32 --json ops.json
///     precision-lab bench round --formats bf16,fp16
///     precision-lab bench train --epochs 2 --configs fp32,bf16,bf16+acc-fp32
///
/// Edge cases: the part comes first or after the options; an unknown part is a usage
/// error (exit 64); `bench train` without the Fashion-MNIST files is a failure (exit 1)
/// whose one line names the missing file.
public struct BenchCommand: Command {
    public static let name = "bench"
    public static let abstract = "Speed: soft-path Mop/s beside the hardware's, in one run"
    public static let usage = """
        usage: precision-lab bench ops [--seconds S] [--formats LIST] [--json FILE]
               precision-lab bench round [--seconds S] [--formats LIST] [--threads N]
                                         [--elements N] [--json FILE]
               precision-lab bench train [--epochs N] [--configs LIST] [--formats LIST]
                                         [--threads N] [--data DIR] [--train-limit N]
                                         [--json FILE]

        Measures speed and prints each figure next to the hardware's own figure for the
        same work, measured in the same run. Time is the thread's CPU time on one thread
        and the wall clock on several; other processes disturb both: read the ratios.

        parts:
          ops    operations per second of the soft path (the integer implementation of
                 every format) for add, mul, div, sqrt and mulAdd, single-threaded,
                 rounding to nearest-even, next to the same loop in hardware Float (or
                 Double, for formats Float cannot hold) and the ratio; lns8: mul, add
                 (table and Mitchell) and conversion beside Float
          round  elements per second rounding arrays of Float and Double to each format
                 (nearest-even, toward zero, stochastic), on one core and on all cores,
                 next to a plain copy and the hardware's Float16 conversion
          train  seconds per epoch of softmax regression on Fashion-MNIST (batch 256,
                 lr 0.1, validation each epoch) per format and policy, the ratio to
                 hardware fp32 and the fraction of the measured multiply-add peak

        options:
          --seconds S       time of each measurement (default 0.3; round: 0.1)
          --formats LIST    comma-separated formats (ops default fp16,bf16,tf32,fp32,
                            fp64,lns8; round default bf16,fp16,tf32,fp8-e5m2,fp8-e4m3,
                            fp32; train: keep the configurations in these formats)
          --threads N       threads of the all-cores figures (default: all cores)
          --elements N      round: length of each thread's arrays (default 16384)
          --epochs N        train: epochs per configuration (default 2)
          --configs LIST    train: configurations by name (default: all), e.g.
                            fp32,bf16,bf16+acc-fp32,fp16+master-fp32,bf16+stochastic,
                            fp16+loss-scale
          --data DIR        train: folder with the Fashion-MNIST IDX files (as train)
          --train-limit N   train: train on the first N training images only
          --json FILE       also write the figures as JSON

        Exit status: 0 success, 1 failure (cannot write the JSON file, no data),
        64 bad usage.
        """

    /// The parts `bench` has.
    static let parts = ["ops", "round", "train"]
    static let defaultFormats: [FloatFormat] = [.fp16, .bf16, .tf32, .fp32, .fp64]
    static let defaultRoundingFormats: [FloatFormat] = [.bf16, .fp16, .tf32, .fp8E5M2, .fp8E4M3, .fp32]

    var part = "ops"
    var seconds: Double?
    /// `--formats` as given: `bench train` keeps the configurations in formats so named.
    var formatNames: [String]?
    /// `--formats` of `ops` and `round`, parsed; nil for the defaults.
    var parsedFormats: [NumberFormat]?
    var threads = ProcessInfo.processInfo.activeProcessorCount
    var elements = 16384
    var epochs = 2
    var configNames: [String]?
    var dataDirectory: String?
    var trainLimit: Int?
    var jsonPath: String?

    /// The binary formats of `ops` and `round`.
    var formats: [FloatFormat] {
        guard let parsedFormats else { return part == "round" ? Self.defaultRoundingFormats : Self.defaultFormats }
        var binary: [FloatFormat] = []
        for case let .binary(format) in parsedFormats where !binary.contains(format) { binary.append(format) }
        return binary
    }

    /// `--formats` of `ops` and `round` through the registry: binary formats, and for `ops`
    /// also `lns8`, whose rows `bench ops` adds.
    static func parseFormats(_ names: [String], part: String) throws -> [NumberFormat] {
        try names.map { name in
            let format = try? NumberFormat(name: name, accepting: part == "ops" ? [.binary, .logarithmic] : .binary)
            guard let format, format.kind == .binary || format == .logarithmic(.lns8) else {
                throw UsageError("\(FormatNameError(name: name, accepted: .binary))")
            }
            return format
        }
    }

    public init(arguments: inout Arguments) throws {
        func positive(_ text: String) -> Int? { Int(text).flatMap { $0 > 0 ? $0 : nil } }
        func list(_ option: String, _ what: String) throws -> [String]? {
            guard let text = try arguments.option(option) else { return nil }
            var names: [String] = []
            for name in text.split(separator: ",", omittingEmptySubsequences: false) {
                let name = name.trimmingCharacters(in: .whitespaces)
                guard !name.isEmpty else { throw UsageError("empty \(what) name in \(option) '\(text)'") }
                if !names.contains(name) { names.append(name) }
            }
            return names
        }
        seconds = try arguments.option("--seconds", as: "a positive number of seconds", { text -> Double? in
            guard let x = Double(text), x.isFinite, x > 0, x <= 3600 else { return nil }
            return x
        })
        formatNames = try list("--formats", "format")
        if let n = try arguments.option("--threads", as: "a positive integer", positive) { threads = n }
        if let n = try arguments.option("--elements", as: "a positive integer", positive) { elements = n }
        if let n = try arguments.option("--epochs", as: "a positive integer", positive) { epochs = n }
        configNames = try list("--configs", "configuration")
        dataDirectory = try arguments.option("--data")
        trainLimit = try arguments.option("--train-limit", as: "a positive integer", positive)
        jsonPath = try arguments.option("--json")
        let words = try arguments.remaining(allowingDashes: true)
        guard let part = words.first else {
            throw UsageError("bench needs a part: \(Self.parts.joined(separator: ", ")) (e.g. 'precision-lab bench ops')")
        }
        guard Self.parts.contains(part) else {
            if part.hasPrefix("-") { throw UsageError("unknown option '\(part)'") }
            throw UsageError("unknown bench part '\(part)' (parts: \(Self.parts.joined(separator: ", ")))")
        }
        self.part = part
        if let extra = words.dropFirst().first {
            throw UsageError(extra.hasPrefix("-") ? "unknown option '\(extra)'" : "unexpected argument '\(extra)'")
        }
        if part != "train" {
            parsedFormats = try formatNames.map { try Self.parseFormats($0, part: part) }
            for (value, option) in [(configNames != nil, "--configs"), (dataDirectory != nil, "--data"),
                                    (trainLimit != nil, "--train-limit")] where value {
                throw UsageError("\(option) belongs to 'bench train'")
            }
        }
        if let configNames {
            let known = Benchmark.trainingCases.map(\.name)
            for name in configNames where !known.contains(name) {
                throw UsageError("unknown configuration '\(name)' in --configs (known: \(known.joined(separator: ", ")))")
            }
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
        let json: JSONValue
        switch part {
        case "round": json = try runRound(io)
        case "train": json = try runTrain(io)
        default: json = try runOps(io)
        }
        if let jsonPath {
            do {
                try (json.text() + "\n").write(toFile: jsonPath, atomically: true, encoding: .utf8)
            } catch {
                throw RuntimeError("cannot write '\(jsonPath)': \(error.localizedDescription)")
            }
        }
        return .success
    }

    func runOps(_ io: CommandIO) throws -> JSONValue {
        let formats = formats
        let seconds = seconds ?? 0.3
        var rows: [Benchmark.OperationRate] = []
        let total = Benchmark.operations.count * formats.count
        for operation in Benchmark.operations {
            for format in formats {
                if io.isInteractive {
                    io.progress(ProgressBar.line(label: "bench ops \(operation.shortName) \(format.name)",
                                                 done: rows.count, total: total))
                }
                rows.append(Benchmark.measure(operation, format: format, seconds: seconds))
            }
        }
        var logRows: [Benchmark.LogOperationRate] = []
        if includesLogFormat {
            for measurement in Benchmark.logMeasurements {
                if io.isInteractive {
                    io.progress(ProgressBar.line(label: "bench ops lns8 \(measurement.label)",
                                                 done: rows.count, total: total))
                }
                logRows.append(Benchmark.measure(measurement, seconds: seconds))
            }
        }
        if io.isInteractive { io.progress(ProgressBar.clear) }
        io.write(Self.table(rows, seconds: seconds))
        if !logRows.isEmpty { io.write("\n" + Self.logTable(logRows)) }
        var json = Self.json(rows, seconds: seconds)
        if case var .object(fields) = json, !logRows.isEmpty {
            fields.append(("lns8", .array(logRows.map { row in
                .object([
                    ("operation", .string(row.measurement.label)),
                    ("mops", .number(row.soft / 1e6)),
                    ("hardwareMops", .number(row.hardware / 1e6)),
                    ("hardwareOverLns8", .number(row.hardwareOverSoft)),
                ])
            })))
            json = .object(fields)
        }
        return json
    }

    /// Whether `bench ops` measures the 8-bit log format too: by default, or when
    /// `--formats` names it.
    var includesLogFormat: Bool { parsedFormats?.contains(.logarithmic(.lns8)) ?? true }

    /// The `lns8` table of `bench ops`.
    static func logTable(_ rows: [Benchmark.LogOperationRate]) -> String {
        "lns8 (8-bit log format, integer codes) beside hardware Float in the same loop\n\n"
            + columns(["op", "lns8 Mop/s", "Float Mop/s", "hw/lns8"], rightAligned: [false, true, true, true],
                      rows.map { [$0.measurement.label, figure($0.soft / 1e6), figure($0.hardware / 1e6),
                                   figure($0.hardwareOverSoft)] })
    }

    /// The table `bench ops` prints: a two-line title, a header, one row per operation and
    /// format; numbers right-aligned.
    static func table(_ rows: [Benchmark.OperationRate], seconds: Double) -> String {
        let header = ["op", "format", "soft Mop/s", "hardware", "hw Mop/s", "hw/soft"]
        let rightAligned = [false, false, true, false, true, true]
        let cells = rows.map { row in
            [row.operation.shortName, row.format.name, Self.figure(row.soft / 1e6), row.hardwareType,
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
                    ("operation", .string(row.operation.shortName)),
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
