import Benchmarks
import DataFiles
import Experiments
import Foundation
import Reports
import SoftFloat
import Training
import TrainingArithmetic

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
    public static let help = CommandHelp(
        usage: Option.byPart.map { [.text($0.part)] + $0.options.map { .option($0.spec) } },
        discussion: """
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
                     hardware fp32 and the fraction of the measured multiply-add peak;
                     then where each configuration's time goes (phases per epoch, and
                     the cost of rounding and of random bits, by difference)
            """,
        epilogue: """
            Exit status: 0 success, 1 failure (cannot write the JSON file, no data),
            64 bad usage.
            """)

    /// Comma-separated names, each once, in the order given; an empty name is an error.
    static func names(of what: String) -> OptionValue<[String]> {
        OptionValue("a comma-separated list", naming: { text, option in
            var names: [String] = []
            for name in text.split(separator: ",", omittingEmptySubsequences: false) {
                let name = name.trimmingCharacters(in: .whitespaces)
                guard !name.isEmpty else { throw UsageError("empty \(what) name in \(option) \(Echo.quoted(text))") }
                if !names.contains(name) { names.append(name) }
            }
            return names
        })
    }

    /// The options, by name.
    enum Option {
        static let seconds = CommandOption<BenchCommand>.value(
            "--seconds", "S", help: "time of each measurement (default 0.3; round: 0.1)",
            OptionValue("a positive number of seconds") { text in
                guard let x = Double(text), x.isFinite, x > 0, x <= 3600 else { return nil }
                return x
            }) { $0.seconds = $1 }
        static let formats = CommandOption<BenchCommand>.value("--formats", "LIST", help: """
            comma-separated formats (ops default fp16,bf16,tf32,fp32,
            fp64,lns8; round default bf16,fp16,tf32,fp8-e5m2,fp8-e4m3,
            fp32; train: keep the configurations in these formats)
            """, BenchCommand.names(of: "format")) { $0.formatNames = $1 }
        static let threads = CommandOption<BenchCommand>.value(
            "--threads", "N", help: "threads of the all-cores figures, 1 to 256\n(default: all cores)", .threads) {
            $0.threads = $1
        }
        static let elements = CommandOption<BenchCommand>.value(
            "--elements", "N", help: "round: each thread's array length, 1 to 2^24", default: "16384",
            .integer(in: 1...BenchCommand.maximumElements, "a length from 1 to 16777216 (2^24)")) {
            $0.elements = $1
        }
        static let epochs = CommandOption<BenchCommand>.value(
            "--epochs", "N", help: "train: epochs per configuration, 1 to 100000", default: "2",
            .integer(in: 1...OptionValue<Int>.maximumEpochs, "a number of epochs from 1 to 100000")) { $0.epochs = $1 }
        static let configs = CommandOption<BenchCommand>.value("--configs", "LIST", help: """
            train: configurations by name (default: all), e.g.
            fp32,bf16,bf16+acc-fp32,fp16+master-fp32,bf16+stochastic,
            fp16+loss-scale
            """, BenchCommand.names(of: "configuration")) { $0.configNames = $1 }
        static let data = CommandOption<BenchCommand>.value(
            "--data", "DIR", help: "train: folder with the Fashion-MNIST IDX files (as train)", .text) {
            $0.dataDirectory = $1
        }
        static let trainLimit = CommandOption<BenchCommand>.value(
            "--train-limit", "N", help: "train: train on the first N training images only", .positiveInteger) {
            $0.trainLimit = $1
        }
        static let json = CommandOption<BenchCommand>.value(
            "--json", "FILE", help: "also write the figures as JSON", .text) { $0.jsonPath = $1 }

        /// Each part and its options, in the order its usage line lists them.
        static let byPart: [(part: String, options: [CommandOption<BenchCommand>])] = [
            ("ops", [seconds, formats, json]),
            ("round", [seconds, formats, threads, elements, json]),
            ("train", [epochs, configs, formats, threads, data, trainLimit, json]),
        ]
    }

    /// Every option; each notes its name in `givenOptions`, so that an option the part does
    /// not use is refused.
    public static let options = [Option.seconds, Option.formats, Option.threads, Option.elements, Option.epochs,
                                 Option.configs, Option.data, Option.trainLimit, Option.json].map { option in
        CommandOption<BenchCommand>(spec: option.spec) { command, value in
            try option.apply(&command, value)
            command.givenOptions.append(option.spec.name)
        }
    }

    /// The parts `bench` has.
    static let parts = Option.byPart.map(\.part)
    static let defaultFormats: [FloatFormat] = [.fp16, .bf16, .tf32, .fp32, .fp64]
    static let defaultRoundingFormats: [FloatFormat] = [.bf16, .fp16, .tf32, .fp8E5M2, .fp8E4M3, .fp32]

    var part = "ops"
    var seconds: Double?
    /// `--formats` as given: `bench train` keeps the configurations in formats so named.
    var formatNames: [String]?
    /// `--formats` of `ops` and `round`, parsed; nil for the defaults.
    var parsedFormats: [NumberFormat]?
    var threads = OptionValue<Int>.defaultThreads
    var elements = 16384
    var epochs = 2
    var configNames: [String]?
    var dataDirectory: String?
    var trainLimit: Int?
    var jsonPath: String?
    /// The options given, by name.
    var givenOptions: [String] = []

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

    public init() {}

    public mutating func readArguments(_ arguments: inout Arguments) throws {
        let words = try arguments.remaining(allowingDashes: true)
        guard let part = words.first else {
            throw UsageError("bench needs a part: \(Self.parts.joined(separator: ", ")) (e.g. 'precision-lab bench ops')")
        }
        guard Self.parts.contains(part) else {
            if part.hasPrefix("-") { throw UsageError("unknown option \(Echo.quoted(part))") }
            throw UsageError("unknown bench part \(Echo.quoted(part)) (parts: \(Self.parts.joined(separator: ", ")))")
        }
        self.part = part
        if let extra = words.dropFirst().first {
            throw UsageError(extra.hasPrefix("-") ? "unknown option \(Echo.quoted(extra))" : "unexpected argument \(Echo.quoted(extra))")
        }
        let used = Option.byPart.first { $0.part == part }?.options.map(\.spec.name) ?? []
        if let ignored = givenOptions.first(where: { !used.contains($0) }) {
            let users = Option.byPart.filter { $0.options.contains { $0.spec.name == ignored } }.map { "'bench \($0.part)'" }
            throw UsageError("\(ignored) is not an option of 'bench \(part)' (it belongs to "
                             + "\(users.joined(separator: " and ")))")
        }
        if part != "train" {
            parsedFormats = try formatNames.map { try Self.parseFormats($0, part: part) }
        }
        if part == "train", let formatNames {
            let known = Benchmark.trainingCases.map(\.format.name).reduce(into: [String]()) {
                if !$0.contains($1) { $0.append($1) }
            }
            for name in formatNames where !known.contains(name) {
                throw UsageError("no configuration of 'bench train' trains \(Echo.quoted(name)) "
                                 + "(--formats takes: \(known.joined(separator: ", ")))")
            }
        }
        if let configNames {
            let known = Benchmark.trainingCases.map(\.name)
            for name in configNames where !known.contains(name) {
                throw UsageError("unknown configuration \(Echo.quoted(name)) in --configs (known: \(known.joined(separator: ", ")))")
            }
        }
    }

    /// The longest array `bench round --elements` accepts per thread.
    static let maximumElements = 1 << 24

    /// The bytes `bench round` allocates: per thread a source and a target array of
    /// Double and the inputs made for them.
    static func roundingBytes(elements: Int, threads: Int) -> Double {
        Double(elements) * Double(threads) * 3 * Double(MemoryLayout<Double>.size)
    }

    public func validate() throws {
        if part == "round" {
            let bytes = Self.roundingBytes(elements: elements, threads: threads)
            let limit = Double(ProcessInfo.processInfo.physicalMemory) / 2
            if bytes > limit {
                throw UsageError("bench round --elements \(elements) on \(threads) threads needs "
                                 + "\(String(format: "%.1f", bytes / 1e9)) GB, more than half of this machine's "
                                 + "\(String(format: "%.1f", 2 * limit / 1e9)) GB of memory")
            }
        }
        if let jsonPath { try OutputPreflight.checkFile(jsonPath, option: "--json") }
    }

    public func run(_ io: CommandIO) throws -> ExitCode {
        let json: JSONValue
        switch part {
        case "round": json = try runRound(io)
        case "train": json = try runTrain(io)
        default: json = try runOps(io)
        }
        if let jsonPath { try io.write(json, toFile: jsonPath) }
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
