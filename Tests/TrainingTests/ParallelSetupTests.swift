import DataFiles
import SoftFloat
import Testing
import Training
import TrainingArithmetic

/// The parts of a run outside the training steps that the threads share: the rounded
/// feature rows, their bound index, the 8-bit tables and the evaluation passes. Each must
/// give the same bits for any number of threads.
@Suite("Setup and evaluation on several threads")
struct ParallelSetupTests {
    /// Byte images with many zero pixels and more
    /// examples than one block of the feature rows (1024), so blocks meet inside the data.
    static func images(count: Int, dimension: Int = 50, classes: Int = 4, seed: UInt64) -> Dataset {
        var random = SplitMix64(seed: seed)
        var bytes: [UInt8] = []
        var labels: [UInt8] = []
        for i in 0..<count {
            let c = i % classes
            labels.append(UInt8(c))
            for k in 0..<dimension {
                let draw = random.next()
                if draw % 3 == 0 { bytes.append(0); continue }
                let base = k % classes == c ? 160 : 20
                bytes.append(UInt8(truncatingIfNeeded: base + Int(draw >> 58)))  // base + 0…63
            }
        }
        return Dataset(bytes: bytes, divisor: 255, labels: labels, dimension: dimension, classes: classes)
    }

    static func contents<S>(_ rows: FeatureRows<S>, _ bits: (S) -> UInt64) -> [UInt64] {
        let n = rows.count
        var out = (0...n).map { UInt64(rows.starts[$0]) }
        out += (0..<rows.starts[n]).map { UInt64(rows.indices[$0]) << 32 | bits(rows.values[$0]) }
        if let positions = rows.boundPositions {
            out += (0..<n * rows.boundCount).map { UInt64(positions[$0]) }
        }
        return out
    }

    @Test(arguments: [FloatFormat.bf16, .fp8E4M3])
    func featureRowsDoNotDependOnTheThreads(format: FloatFormat) throws {
        let data = Self.images(count: 2_500, seed: 7)
        let work = try #require(FastArithmetic<Float>(format: format))
        var results: [[UInt64]] = []
        var underflows: [Int] = []
        for threads in [1, 2, 3] {
            var events = NumericalEvents()
            let parallel = ParallelChunks(threads: threads)
            let rows = FeatureRows(data, in: work, parallel: parallel, events: &events)
            rows.indexBounds([0, 7, 25, 49, 50], parallel: parallel)
            results.append(Self.contents(rows) { UInt64($0.bitPattern) })
            underflows.append(events.underflowsToZero)
        }
        #expect(results[0] == results[1] && results[0] == results[2])
        #expect(underflows[0] == underflows[1] && underflows[0] == underflows[2])
        // The rows are the pixels that round to something other than +0, in order.
        var events = NumericalEvents()
        let single = FeatureRows(data, in: work, events: &events)
        #expect(Self.contents(single) { UInt64($0.bitPattern) } == Array(results[0].prefix(2_501 + single.starts[2_500])))
        guard case let .bytes(bytes, divisor) = data.features else { Issue.record("not bytes"); return }
        var env = FloatEnvironment()
        let kept = bytes.filter { $0 != 0 && work.fromDouble(Double($0) / divisor, &env) != 0 }.count
        #expect(single.starts[2_500] == kept)
    }

    /// The rows' least nonzero feature magnitude, which lets the dense kernels skip their
    /// check per block, is the least over every stored value that is not zero, read back
    /// in `Double` here; values that round to zero (fp4's small pixels) do not count.
    @Test(arguments: [FloatFormat.fp32, .bf16, .fp4E2M1])
    func leastMagnitudeIsTheLeastNonzeroValue(format: FloatFormat) throws {
        let work = SoftArithmetic(format: format)
        for data in [Self.images(count: 1_500, seed: 11),
                     Dataset(reals: [0, 0.001, -0.25, 0, 0.75, 0.0004, 0, 0.5], labels: [0, 1], dimension: 4, classes: 2)] {
            var events = NumericalEvents()
            let rows = FeatureRows(data, in: work, parallel: ParallelChunks(threads: 2), events: &events)
            let stored = (0..<rows.starts[rows.count]).map { abs(work.toDouble(rows.values[$0])) }.filter { $0 != 0 }
            #expect(!stored.isEmpty)
            #expect(rows.leastMagnitude == (stored.min() ?? .infinity))
        }
    }

    /// Validation every epoch and the test pass, with byte features split over blocks and
    /// evaluation chunks: the same losses and accuracies whatever the thread count, in the
    /// fast, soft and 8-bit arithmetic.
    @Test func evaluationDoesNotDependOnTheThreads() throws {
        let data = TrainingData(train: Self.images(count: 1_100, seed: 1), validation: Self.images(count: 1_300, seed: 2),
                                test: Self.images(count: 700, seed: 3))
        for (format, path, policy) in [(NumberFormat.binary(.bf16), ArithmeticPath.fast, TrainingPolicy()),
                                       (.binary(.fp16), .soft, TrainingPolicy(rounding: .stochastic)),
                                       (.logarithmic(.lns8), .automatic, TrainingPolicy()),
                                       (.linear(.int8), .automatic, TrainingPolicy(rounding: .odd))] {
            let runs = try [1, 2, 3].map { threads in
                try TrainingRun.train(format: format, path: path,
                                      configuration: TrainerTests.configuration(epochs: 2, threads: threads),
                                      policy: policy, data: data)
            }
            let figures: [[Double]] = runs.map { run in
                let validation: [Double] = run.epochs.flatMap { e -> [Double] in
                    [e.validationLoss ?? -1, e.validationAccuracy ?? -1]
                }
                return validation + [run.testLoss ?? -1, run.testAccuracy ?? -1]
            }
            #expect(figures[0].map(\.bitPattern) == figures[1].map(\.bitPattern), "\(format.name)")
            #expect(figures[0].map(\.bitPattern) == figures[2].map(\.bitPattern), "\(format.name)")
            #expect(figures[0].allSatisfy { $0.isFinite && $0 >= 0 }, "\(format.name): \(figures[0])")
            #expect(TrainerTests.fingerprint(runs[0]) == TrainerTests.fingerprint(runs[1]), "\(format.name)")
        }
    }

    @Test func eightBitTablesDoNotDependOnTheThreads() {
        let one = EightBitOperationTables(format: LogFormat.lns8, threads: 1)
        let two = EightBitOperationTables(format: LogFormat.lns8, threads: 2)
        for rounding in EightBitOperationTables.roundingModes {
            for operation in EightBitOperationTables.operations {
                let count = operation == .exp || operation == .log ? 256 : 65_536
                let a = one.results(operation, rounding: rounding)!, b = two.results(operation, rounding: rounding)!
                #expect((0..<count).allSatisfy { a[$0] == b[$0] }, "\(operation) \(rounding)")
            }
        }
    }
}
