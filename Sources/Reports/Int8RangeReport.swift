import DataFiles
import Experiments
import Foundation
import SoftFloat
import Training

/// Exercise 2: INT8 holds only 1…255; a log-scaled 8-bit format (`lns8`) extends the
/// range without more bits. Do multiplication and addition still work?
///
/// Measures, with no data needed: the encodings' ranges and steps; exhaustive error
/// tables over all 65,536 operand pairs of ×, ÷, +, − for `lns8` (and each F in a
/// summary), linear INT8 and a signed scaled INT8; associativity and distributivity on
/// seeded triples; the Gaussian-logarithm table against Mitchell's approximation. With
/// the data, it also measures the magnitudes softmax regression needs (from an fp32 run)
/// to justify `lns8`'s default F.
public struct Int8RangeReport: LabReport {
    public static let name = "int8-range"
    public static let title = "Exercise 2: INT8, log-scaled — do multiplication and addition still work?"
    public static let needsData = false

    public init() {}

    /// The signed linear variant the report sets beside the others: steps of 1/16, ±7.94.
    static let signedInt8 = LinearInt8Format(signed: true, scale: 0x1p-4)

    public func make(_ context: ReportContext) throws -> ReportDocument {
        let triples = context.quick ? 100_000 : 1_000_000
        let lns8 = LogFormat.lns8
        let mitchell = LogFormat(fractionBits: LogFormat.defaultFractionBits, addition: .mitchell)
        let int8 = LinearInt8Format.int8, int8s = Self.signedInt8
        let allF = (0...6).map { LogFormat(fractionBits: $0) }

        context.progress("exhaustive tables: 65,536 pairs × 4 operations × \(allF.count + 3) formats")
        let logTables = allF.map { ArithmeticTables.operations($0) }
        let mitchellTables = (0...6).map { ArithmeticTables.operations(LogFormat(fractionBits: $0, addition: .mitchell)) }
        let int8Table = ArithmeticTables.operations(int8)
        let int8sTable = ArithmeticTables.operations(int8s)
        let defaultTable = logTables[LogFormat.defaultFractionBits]
        let mitchellTable = mitchellTables[LogFormat.defaultFractionBits]

        context.progress("associativity and distributivity: \(Markdown.integer(triples)) triples per format")
        let threads = context.options.threads, seed = context.seed
        let logLaws = allF.map { ArithmeticTables.algebra($0, triples: triples, seed: seed, threads: threads) }
        let mitchellLaws = ArithmeticTables.algebra(mitchell, triples: triples, seed: seed, threads: threads)
        let int8Laws = ArithmeticTables.algebra(int8, triples: triples, seed: seed, threads: threads)
        let int8sLaws = ArithmeticTables.algebra(int8s, triples: triples, seed: seed, threads: threads)
        let defaultLaws = logLaws[LogFormat.defaultFractionBits]

        // Magnitudes softmax regression needs.
        let magnitudes = try measureMagnitudes(context)
        let scaled = try measureScaled(context)

        var report = ReportWriter(name: Self.name, title: Self.title)
        let ranges = Self.ranges()
        let answer = answerText(default: defaultTable, mitchell: mitchellTable, int8: int8Table,
                                laws: defaultLaws, int8Laws: int8Laws, int8sLaws: int8sLaws, magnitudes: magnitudes,
                                scaled: scaled)
        report.provenance(context, data: magnitudes.dataNote, extra: [
            "Exhaustive tables: every one of the 256 × 256 operand pairs, rounding to nearest-even; the exact result "
                + "is computed in `Double` from the operands' values. Laws: \(Markdown.integer(triples)) triples of "
                + "codes drawn uniformly (NaN excluded) with SplitMix64 from seed \(seed).",
        ])
        report.answer(answer)

        // 1. Encodings.
        report.document.heading("The encodings side by side")
        report.document.paragraph("""
            **INT8** (`int8`): a code q in 0…255 stands for q × scale, scale 1 — the exercise's 1…255 and zero. \
            **Scaled signed INT8** (`\(int8s.name)`): q in −127…127 times 1/16, one scale per tensor. \
            **lns8** (`lns8-fF`): a sign bit and L = 2^F·log2|x| as a 7-bit two's-complement integer, so \
            |x| = 2^(L/2^F) for L in −63…63; the code of L = −64 is zero (positive sign) or NaN (negative sign); \
            there is no infinity: results beyond the largest magnitude saturate to it. `lns8` is F = \
            \(LogFormat.defaultFractionBits). Relative step: the gap from a value to the next, relative to the \
            value, at full precision (at the top of INT8's range, in fp8's normal binades) and at its largest \
            anywhere (INT8's 1 → 2 and fp8's least subnormal → the next are 100%; lns8's is the same everywhere).
            """)
        var rows: [[String]] = []
        for r in ranges {
            let isDefault = r.name == lns8.name
            rows.append([isDefault ? "**\(r.name)** (default)" : r.name, Markdown.significant(r.leastNonzero, 3),
                         Markdown.significant(r.largest, 5), Markdown.fixed(r.decades, 1),
                         Markdown.percent(r.relativeStep, 1), Markdown.percent(r.largestRelativeStep, 1),
                         r.name.hasPrefix("int8") ? "absolute step \(Markdown.significant(r.leastNonzero, 3))"
                            : r.name.hasPrefix("lns8") ? "×\(Markdown.fixed(1 + r.relativeStep, 4)) per code"
                            : "\(r.hasSubnormals ? "subnormals from " + Markdown.significant(r.leastNonzero, 3) : "")"])
        }
        report.document.table(["format", "least magnitude", "largest", "decades", "relative step (full precision)",
                               "largest relative step", "step"], rows,
                              alignments: [.left, .right, .right, .right, .right, .right, .left])
        var chart = SVGRangeChart(title: "Dynamic range of the 8-bit formats", axisLabel: "magnitude (log scale)",
                                  rows: ranges.map(\.chartRow),
                                  caption: "Each bar runs from the least positive magnitude to the largest. lns8-fF "
                                    + "trades range for step: every extra fraction bit halves log2 of the range and "
                                    + "takes the square root of the step ratio.")
        chart.markers = [(1, "1")]
        report.figure("ranges", svg: chart.render(), alt: "dynamic range of int8, int8s, lns8-f0…f6 and fp8")
        report.figure("steps", svg: stepPlot(ranges: ranges), alt: "relative step against magnitude")

        // 2. Exhaustive tables.
        report.document.heading("Exhaustive error tables: all 65,536 operand pairs")
        report.document.paragraph("""
            Errors are measured against the exact result, in the format's own units: for lns8 in log-domain units, \
            |L_result − 2^F·log2|exact||, where one unit is one code (a factor 2^(1/2^F)); for INT8 in steps of the \
            scale. *Exact*: error below 10⁻⁹ units. *Not correctly rounded*: error above half a unit (round to \
            nearest would have given another code). Each pair is in exactly one class: undefined (a NaN operand or \
            0 ÷ 0), division by zero, saturated (the exact result lies beyond the range), underflowed (nonzero but \
            below the least magnitude), or in range; errors are over the in-range pairs.
            """)
        for (format, table) in [(lns8.name + " (table)", defaultTable), (mitchell.name, mitchellTable),
                                (int8.name, int8Table), (int8s.name, int8sTable)] {
            report.document.heading("\(format)", level: 3)
            report.document.table(operationHeader, table.map(operationRow), alignments: operationAlignment)
        }

        // 3. Summary over F.
        report.document.heading("lns8 for every F: the range/step trade-off in numbers")
        var fRows: [[String]] = []
        for f in 0...6 {
            let t = logTables[f], laws = logLaws[f], r = FormatRange(allF[f])
            let product = t[0], sum = t[2], difference = t[3]
            fRows.append([f == LogFormat.defaultFractionBits ? "**\(f)**" : "\(f)",
                          "\(Markdown.significant(r.leastNonzero, 2)) … \(Markdown.significant(r.largest, 3))",
                          Markdown.percent(r.relativeStep, 1),
                          Markdown.percent(Double(product.saturated + product.underflowed) / Double(product.pairs), 1),
                          Markdown.percent(Double(product.exact) / Double(max(1, product.inRange)), 1),
                          Markdown.fixed(sum.maxError, 3), Markdown.fixed(sum.meanError, 3),
                          Markdown.fixed(difference.maxError, 3),
                          Markdown.fixed(mitchellTables[f][2].maxError, 3),
                          Markdown.percent(Double(laws.associativityFailures) / Double(laws.triples), 1),
                          Markdown.percent(Double(laws.distributivityFailures) / Double(laws.triples), 1)])
        }
        report.document.table(["F", "range", "rel. step", "× out of range", "× exact (in range)", "+ max err",
                               "+ mean err", "− max err", "+ max err (Mitchell)", "assoc. fails", "distrib. fails"],
                              fRows, alignments: [.right] + Array(repeating: .right, count: 10))
        report.document.paragraph("Errors in log-domain units of that F; “out of range” counts products that "
                                  + "saturate or underflow among all 65,536 pairs.")

        // 4. Laws.
        report.document.heading("Do the algebraic laws survive?")
        var lawRows: [[String]] = []
        for laws in [defaultLaws, mitchellLaws, int8Laws, int8sLaws] {
            lawRows.append([laws.format,
                            Markdown.percent(Double(laws.associativityFailures) / Double(laws.triples), 2),
                            inRangeRate(laws.associativityFailuresInRange, laws.associativityInRange),
                            Markdown.percent(Double(laws.distributivityFailures) / Double(laws.triples), 2),
                            inRangeRate(laws.distributivityFailuresInRange, laws.distributivityInRange)])
        }
        report.document.table(["format", "(a+b)+c ≠ a+(b+c)", "… where nothing saturates", "a(b+c) ≠ ab+ac",
                               "… where nothing saturates"], lawRows,
                              alignments: [.left, .right, .right, .right, .right])
        report.document.paragraph("“Where nothing saturates”: among the triples whose four operations raised neither "
                                  + "overflow nor underflow (their count in parentheses): the failures there come "
                                  + "from rounding alone.")

        // 5. Table vs Mitchell.
        report.document.heading("Addition: lookup table or Mitchell's approximation")
        let g = GaussianLogarithm.shared(fractionBits: LogFormat.defaultFractionBits)
        let significant = g.significantEntries
        report.document.paragraph("""
            lns8 adds through the Gaussian logarithms s(k) = 2^F·log2(1 + 2^(−k/2^F)) and \
            d(k) = 2^F·log2(1 − 2^(−k/2^F)), k = |L_a − L_b|: a table of \(GaussianLogarithm.entryCount) entries per \
            function (k = 0…126), of which \(significant.sum) (s) and \(significant.difference) (d) are at least half \
            a unit and can change a result at F = \(LogFormat.defaultFractionBits). Mitchell's approximation replaces \
            both with piecewise-linear formulas (2^t ≈ 2^⌊t⌋(1 + t − ⌊t⌋), log2(1 + y) ≈ y): no table, no multiplier.
            """)
        var mRows: [[String]] = []
        for f in 0...6 {
            for op in [2, 3] {
                let t = logTables[f][op], m = mitchellTables[f][op]
                mRows.append(["\(f)", t.operation.mathSymbol, Markdown.fixed(t.maxError, 3), Markdown.fixed(t.meanError, 3),
                              Markdown.fixed(m.maxError, 3), Markdown.fixed(m.meanError, 3),
                              share(m.notCorrectlyRounded, m.inRange)])
            }
        }
        report.document.table(["F", "op", "table: max err", "table: mean err", "Mitchell: max err",
                               "Mitchell: mean err", "Mitchell: not correctly rounded"], mRows,
                              alignments: [.right, .center, .right, .right, .right, .right, .right])
        report.figure("addition-errors", svg: histogramPlot(table: defaultTable[2], mitchell: mitchellTable[2]),
                      alt: "distribution of lns8 addition errors, table and Mitchell")

        // 6. Choosing F.
        report.document.heading("Choosing F: range against step")
        report.document.paragraph(magnitudes.introduction)
        let candidates = allF.map(FormatRange.init) + [FormatRange(int8), FormatRange(int8s),
                                                        FormatRange(FloatFormat.fp8E4M3)]
        let rounders = allF.map { f in Self.rounder(f) } + [Self.rounder(int8), Self.rounder(int8s),
                                                            Self.rounder(FloatFormat.fp8E4M3)]
        var qRows: [[String]] = []
        for q in magnitudes.quantities {
            qRows.append([q.name, Markdown.integer(q.magnitudes.count), Markdown.significant(q.quantile(0), 2),
                          Markdown.significant(q.quantile(0.5), 2), Markdown.significant(q.quantile(1), 2)]
                         + candidates.map { Markdown.percent(q.fractionHeld(by: $0), 1) })
        }
        report.document.heading("Share of each quantity inside the range", level: 3)
        report.document.table(["quantity", "values", "least", "median", "largest"] + candidates.map(\.name), qRows,
                              alignments: [.left, .right, .right, .right, .right]
                                + Array(repeating: .right, count: candidates.count))
        report.document.paragraph("Each format column: the share of the nonzero magnitudes inside the format's range "
                                  + "(neither underflowing nor saturating).")
        let errors = magnitudes.quantities.map { q in rounders.map { q.weightedRelativeError($0) } }
        let unweighted = magnitudes.quantities.map { q in rounders.map { q.meanRelativeError($0) } }
        func mean(_ rows: [[Double]], _ c: Int) -> Double { rows.map { $0[c] }.reduce(0, +) / Double(max(1, rows.count)) }
        let meanErrors = candidates.indices.map { mean(errors, $0) }
        let meanUnweighted = candidates.indices.map { mean(unweighted, $0) }
        var eRows = zip(magnitudes.quantities, errors).map { q, e in [q.name] + e.map { Markdown.percent($0, 1) } }
        eRows.append(["**mean over the quantities**"] + meanErrors.map { "**\(Markdown.percent($0, 1))**" })
        eRows.append(["mean, counting every value equally"] + meanUnweighted.map { Markdown.percent($0, 1) })
        report.document.heading("Relative error of storing each quantity", level: 3)
        report.document.table(["quantity"] + candidates.map(\.name), eRows,
                              alignments: [.left] + Array(repeating: .right, count: candidates.count))
        report.document.paragraph("Σ|round(m) − m| / Σm over the nonzero magnitudes m of each quantity, rounded to "
                                  + "nearest; a value that underflows to zero (or overflows) contributes all of m. "
                                  + "This weighs each value by its size, as the sums of the forward and backward "
                                  + "passes do. The last row instead averages |round(m) − m| / m over the values "
                                  + "(a lost value counts as 100%), so that the many tiny probabilities and logit "
                                  + "gradients of confidently classified images count as much as the large ones.")
        report.document.paragraph(choiceText(magnitudes.quantities, formats: allF,
                                             meanErrors: Array(meanErrors[0..<allF.count]),
                                             unweighted: Array(meanUnweighted[0..<allF.count])))

        // 7. Scaled formats.
        writeScaled(scaled, into: &report)
        return report.finish(answer: answer)
    }

    // MARK: - Tables

    let operationHeader = ["op", "in range", "exact", "not correctly rounded", "max error", "mean error",
                           "saturated", "underflowed", "undefined", "÷ 0"]
    let operationAlignment: [Markdown.Alignment] = [.center] + Array(repeating: .right, count: 9)

    func operationRow(_ s: OperationStatistics) -> [String] {
        [s.operation.mathSymbol, Markdown.integer(s.inRange), share(s.exact, s.inRange),
         share(s.notCorrectlyRounded, s.inRange), Markdown.fixed(s.maxError, 3), Markdown.fixed(s.meanError, 3),
         Markdown.integer(s.saturated), Markdown.integer(s.underflowed), Markdown.integer(s.undefined),
         Markdown.integer(s.divisionByZero)]
    }

    func share(_ part: Int, _ whole: Int) -> String {
        "\(Markdown.integer(part)) (\(Markdown.percent(Double(part) / Double(max(1, whole)), 1)))"
    }

    func inRangeRate(_ failures: Int, _ count: Int) -> String {
        "\(Markdown.percent(Double(failures) / Double(max(1, count)), 2)) (of \(Markdown.integer(count)))"
    }

    // MARK: - Figures

    /// The formats of the encodings table and the steps figure, in the table's order.
    static func ranges() -> [FormatRange] {
        [FormatRange(LinearInt8Format.int8), FormatRange(signedInt8)]
            + (0...6).map { FormatRange(LogFormat(fractionBits: $0)) }
            + [FormatRange(FloatFormat.fp8E4M3), FormatRange(FloatFormat.fp8E5M2)]
    }

    /// One series per format of `ranges`, named as the table names it: the relative gap from
    /// each positive value to the next (INT8, INT8s and the fp8 formats value by value;
    /// lns8-fF's constant step as a line across its range).
    static func stepSeries(_ ranges: [FormatRange]) -> [PlotSeries] {
        func gaps(_ values: [Double]) -> [(x: Double, y: Double)] {
            zip(values, values.dropFirst()).map { (x: $0.0, y: ($0.1 - $0.0) / $0.0) }
        }
        var series: [PlotSeries] = []
        for r in ranges {
            if let format = [LinearInt8Format.int8, signedInt8].first(where: { $0.name == r.name }) {
                series.append(PlotSeries(name: r.name,
                                         points: gaps(format.orderedCodes.map(format.toDouble).filter { $0 > 0 })))
            } else if let f = (0...6).first(where: { LogFormat(fractionBits: $0).name == r.name }) {
                series.append(PlotSeries(name: r.name, points: [(r.leastNonzero, r.relativeStep), (r.largest, r.relativeStep)],
                                         dashed: f != LogFormat.defaultFractionBits))
            } else if let format = [FloatFormat.fp8E4M3, .fp8E5M2].first(where: { $0.name == r.name }) {
                let values = (format.leastNonzeroMagnitude...format.maxFiniteMagnitude).map(format.toDouble)
                series.append(PlotSeries(name: r.name, points: gaps(values)))
            }
        }
        return series
    }

    func stepPlot(ranges: [FormatRange]) -> String {
        var plot = SVGPlot(title: "Resolution: the gap to the next value, relative to the value",
                           xAxis: PlotAxis("magnitude", scale: .log10, lower: 1e-6, upper: 1e6),
                           yAxis: PlotAxis("relative step", scale: .log10, lower: 1e-3, upper: 2))
        plot.series = Self.stepSeries(ranges)
        let beyond = ranges.filter { $0.name.hasPrefix("lns8") && ($0.leastNonzero < 1e-6 || $0.largest > 1e6) }
            .map(\.name)
        plot.caption = "Every format of the table above. INT8's relative step is 1/q: fine near its largest value, "
            + "100% at its least. lns8-fF's is the same factor 2^(1/2^F) everywhere in its range: one horizontal "
            + "line per F, from F = 0 (100%) down to F = 6"
            + (beyond.isEmpty ? "" : " (\(beyond.joined(separator: " and ")) run beyond the plot on both sides)")
            + "; the fp8 formats' saw-tooth repeats in each binade and rises to 100% in their subnormals."
        return plot.render()
    }

    func histogramPlot(table: OperationStatistics, mitchell: OperationStatistics) -> String {
        var plot = SVGPlot(title: "lns8 addition: how far results lie from the exact sum",
                           xAxis: PlotAxis("error (log-domain units, bins of \(OperationStatistics.histogramBinWidth))"),
                           yAxis: PlotAxis("operand pairs", scale: .log10))
        func points(_ s: OperationStatistics) -> [(x: Double, y: Double)] {
            s.errorHistogram.enumerated().map {
                (x: (Double($0.offset) + 0.5) * OperationStatistics.histogramBinWidth, y: Double($0.element))
            }
        }
        plot.series = [PlotSeries(name: "table (correctly rounded)", points: points(table), markers: true),
                       PlotSeries(name: "Mitchell", points: points(mitchell), dashed: true, markers: true)]
        plot.referenceLines = [PlotReferenceLine(x: 0.5, label: "½ unit")]
        plot.caption = "All in-range operand pairs of lns8 + (F = \(LogFormat.defaultFractionBits)). Empty bins leave "
            + "gaps (a log axis cannot show 0). The table keeps every error within half a unit; Mitchell's "
            + "approximation spreads beyond it."
        return plot.render()
    }

    // MARK: - Magnitudes

    struct Magnitudes {
        var quantities: [SoftmaxMagnitudes.Quantity]
        var dataNote: String?
        var introduction: String
    }

    func measureMagnitudes(_ context: ReportContext) throws -> Magnitudes {
        let model = SoftmaxRegression(inputs: 784, classes: 10)
        let initial = model.initialWeights(standardDeviation: 0.01, seed: context.seed)
        guard context.hasData else {
            let pixels = (1...255).map { Double($0) / 255 }
            return Magnitudes(
                quantities: SoftmaxMagnitudes.beforeTraining(pixels: pixels, initialWeights: initial),
                dataNote: nil,
                introduction: "The Fashion-MNIST data was not found at `\(context.dataDirectory)`, so only what is "
                    + "known before training is measured: the pixel values k/255 the data format allows, and the "
                    + "initial weights drawn as the trainer draws them. With the data the report also measures "
                    + "logits, probabilities, gradients and updates of a trained model.")
        }
        let spec = Self.baselineSpec(context)
        context.progress("fp32 baseline run for the magnitudes")
        let result = try context.train([spec])[0]
        let data = try context.data(for: spec)
        let batches = context.quick ? 2 : 10
        let quantities = SoftmaxMagnitudes.measure(train: data.train, weights: result.weights, bias: result.bias,
                                                   initialWeights: initial, learningRate: spec.configuration.learningRate,
                                                   batches: batches)
        return Magnitudes(
            quantities: quantities,
            dataNote: ReportWriter.dataDescription(context, spec.data)
                + "; magnitudes from `\(spec.command)`",
            introduction: "The magnitudes below come from softmax regression trained in fp32 "
                + "(`\(spec.command)`, test accuracy \(Markdown.percent(result.testAccuracy, 1))): the trained "
                + "weights, and — computed in `Double` from them over the first \(batches * 256) training images — "
                + "the logits, probabilities, logit gradients, the batch gradients of the weights and the updates "
                + "lr·g of one more step.")
    }

    public static func plannedRuns(_ context: ReportContext) -> [TrainingSpec] {
        [baselineSpec(context)] + trainedSpecs(context)
    }

    /// The fp32 run whose model the magnitudes come from (shared with the formats report).
    /// Rounds a magnitude to a format and back.
    static func rounder(_ f: LogFormat) -> (Double) -> Double {
        { x in var env = FloatEnvironment(); return f.toDouble(f.fromDouble(x, &env)) }
    }

    static func rounder(_ f: LinearInt8Format) -> (Double) -> Double {
        { x in var env = FloatEnvironment(); return f.toDouble(f.fromDouble(x, &env)) }
    }

    static func rounder(_ f: FloatFormat) -> (Double) -> Double {
        { x in var env = FloatEnvironment(); return f.toDouble(f.fromDouble(x, &env)) }
    }

    static func baselineSpec(_ context: ReportContext) -> TrainingSpec {
        context.quick
            ? TrainingSpec(format: "fp32", seed: context.seed, epochs: 2, data: .quick)
            : TrainingSpec(format: "fp32", seed: context.seed, epochs: 10)
    }

    // MARK: - Text

    func answerText(default t: [OperationStatistics], mitchell m: [OperationStatistics], int8: [OperationStatistics],
                    laws: AlgebraStatistics, int8Laws: AlgebraStatistics, int8sLaws: AlgebraStatistics,
                    magnitudes: Magnitudes, scaled: ScaledMeasurement?) -> String {
        let r = FormatRange(LogFormat.lns8)
        let product = t[0], sum = t[2], difference = t[3]
        let intProduct = int8[0], intSum = int8[2]
        func pct(_ a: Int, _ b: Int) -> String { Markdown.percent(Double(a) / Double(max(1, b)), 1) }
        let f = LogFormat.defaultFractionBits
        let least = Markdown.significant(r.leastNonzero, 2), largest = Markdown.significant(r.largest, 3)
        let decades = Markdown.fixed(r.decades, 1)
        let intDecades = Markdown.fixed(FormatRange(LinearInt8Format.int8).decades, 1)
        let step = Markdown.fixed(1 + r.relativeStep, 3)
        let productExact = pct(product.exact, product.inRange), productInRange = Markdown.integer(product.inRange)
        let productOut = pct(product.saturated + product.underflowed, product.pairs)
        let intOut = pct(intProduct.saturated, intProduct.pairs)
        let sumExact = pct(sum.exact, sum.inRange), intSumExact = pct(intSum.exact, intSum.inRange)
        let sumMax = Markdown.fixed(sum.maxError, 3), sumMean = Markdown.fixed(sum.meanError, 3)
        let factor = Markdown.fixed(Foundation.exp2(sum.maxError / LogFormat.lns8.scale), 3)
        let differenceMax = Markdown.fixed(difference.maxError, 3)
        let mitchellMax = Markdown.fixed(m[2].maxError, 3), mitchellMiss = pct(m[2].notCorrectlyRounded, m[2].inRange)
        let assoc = pct(laws.associativityFailures, laws.triples)
        let distrib = pct(laws.distributivityFailures, laws.triples)
        let signedAssoc = pct(int8sLaws.associativityFailures, int8sLaws.triples)
        let signedDistrib = pct(int8sLaws.distributivityFailures, int8sLaws.triples)
        let signedAssocInRange = pct(int8sLaws.associativityFailuresInRange, int8sLaws.associativityInRange)
        let signedDistribInRange = pct(int8sLaws.distributivityFailuresInRange, int8sLaws.distributivityInRange)
        let unsignedAssoc = pct(int8Laws.associativityFailures, int8Laws.triples)
        let text = """
            Multiplication works, and better than in INT8; addition works only approximately. \
            In lns8 (F = \(f): magnitudes \(least) to \(largest), \(decades) decades against INT8's \(intDecades), \
            at a constant step of ×\(step)) a product is exact on \(productExact) of the \(productInRange) operand \
            pairs that stay in range; \(productOut) of all pairs saturate or underflow, where INT8 saturates on \
            \(intOut). Addition is exact on only \(sumExact) of in-range pairs (INT8: \(intSumExact) of the pairs \
            that do not saturate); through the \(GaussianLogarithm.entryCount)-entry tables it is correctly rounded, \
            with a largest error of \(sumMax) log units (a factor \(factor)) and a mean of \(sumMean); subtraction \
            likewise (max \(differenceMax)). Mitchell's approximation needs no table but reaches \(mitchellMax) \
            units and misses the correctly rounded sum on \(mitchellMiss) of pairs. The laws break: (a+b)+c ≠ \
            a+(b+c) on \(assoc) and a(b+c) ≠ ab+ac on \(distrib) of random lns8 triples, against \(signedAssoc) \
            and \(signedDistrib) for the signed INT8 (\(Self.signedInt8.name)); among its triples where nothing \
            saturates, associativity fails on \(signedAssocInRange) and distributivity on \(signedDistribInRange): \
            the sums of a fixed step are exact, its products are rounded to the step (unsigned INT8: associativity \
            fails on \(unsignedAssoc)).
            """
        return text + (scaled.map(scaledAnswer) ?? "")
    }

    /// The scaled formats' part of the answer, from the measured rows.
    func scaledAnswer(_ m: ScaledMeasurement) -> String {
        func row(_ name: String) -> ScaledRow? { m.rows.first { $0.name == name } }
        guard let tensor = row("tensor-int8"), let mxint8 = row("mxint8"), let mxfp4 = row("mxfp4-e2m1"),
              let nvfp4 = row("nvfp4"), let lns8 = row(LogFormat.lns8.name) else { return "" }
        func acc(_ r: ScaledRow) -> String { Markdown.percent(r.testAccuracy, 1) }
        func err(_ r: ScaledRow) -> String { Markdown.percent(r.gradientError, 1) }
        return " The answer practice chose is a shared scale: with one FP32 scale per tensor INT8's 127 steps "
            + "cover any range, and with one power of two per 32 values (MXINT8) each block gets its own. Products "
            + "of scaled values are exact (elements multiply exactly, scales add exponents); sums need a common "
            + "scale and break the laws when re-quantised. On the model's own tensors the weight gradient "
            + "XᵀE computed from quantised operands is off by \(err(tensor)) (tensor-int8), \(err(mxint8)) (mxint8), "
            + "\(err(mxfp4)) (mxfp4-e2m1) and \(err(nvfp4)) (nvfp4), against \(err(lns8)) for lns8; the fp32 model "
            + "classifies with quantised images and weights at \(acc(tensor)), \(acc(mxint8)), \(acc(mxfp4)) and "
            + "\(acc(nvfp4)) (lns8 \(acc(lns8)), unquantised \(Markdown.percent(m.referenceAccuracy, 1)))"
            + inferenceVerdict(m) + "."
    }

    /// Whether the quantised forward passes differ from the unquantised one by more than the
    /// 95% binomial interval of the test images (normal approximation).
    func inferenceVerdict(_ m: ScaledMeasurement) -> String {
        let p = m.referenceAccuracy
        let halfWidth = Spread.binomialHalfWidth95(p, images: m.testImages)
        let scaled = m.rows.filter(\.scaled)
        let within = scaled.filter { abs($0.testAccuracy - p) <= halfWidth }
        let interval = "±\(Markdown.fixed(halfWidth * 100, 1)) points, the 95% binomial interval of "
            + "\(Markdown.integer(m.testImages)) test images"
        if within.count == scaled.count { return ": no measurable difference (\(interval))" }
        let outside = scaled.filter { abs($0.testAccuracy - p) > halfWidth }.map(\.name)
        return "; beyond \(interval): " + outside.joined(separator: ", ")
    }

    func choiceText(_ quantities: [SoftmaxMagnitudes.Quantity], formats: [LogFormat], meanErrors: [Double],
                    unweighted: [Double]) -> String {
        func argmin(_ v: [Double]) -> Int { v.indices.min { v[$0] < v[$1] } ?? LogFormat.defaultFractionBits }
        let best = argmin(meanErrors), bestUnweighted = argmin(unweighted)
        let defaultF = LogFormat.defaultFractionBits
        func describe(_ f: Int) -> String { "F = \(f) (\(Markdown.percent(meanErrors[f], 1)))" }
        var text = "Over the quantities softmax regression computes, \(describe(best)) stores them with the smallest "
        text += "mean error"
        let neighbours = [best - 1, best + 1].filter { meanErrors.indices.contains($0) }
        if !neighbours.isEmpty {
            text += ", against " + neighbours.map(describe).joined(separator: " and ")
        }
        text += ": a coarser step rounds every value more, a finer one loses the small gradients and updates "
        text += "below its range."
        text += best == defaultF
            ? " This is why lns8's default is F = \(defaultF)."
            : " On this measurement F = \(best) would serve better than the default F = \(defaultF)."
        if bestUnweighted != best {
            text += " Counting every value equally instead, F = \(bestUnweighted) comes first "
            text += "(\(Markdown.percent(unweighted[bestUnweighted], 1)) against \(Markdown.percent(unweighted[best], 1))): "
            text += "its wider range keeps the tiny probabilities and logit gradients that F = \(best) flushes to zero, "
            text += "values too small to move any sum they enter."
        }
        if let updates = quantities.first(where: { $0.name.hasPrefix("updates") }) {
            let r = FormatRange(formats[defaultF])
            let below = updates.magnitudes.filter { $0 < r.leastNonzero }.count
            let share = Markdown.percent(Double(below) / Double(max(1, updates.magnitudes.count)), 1)
            let least = Markdown.significant(r.leastNonzero, 2)
            let median = Markdown.significant(updates.quantile(0.5), 2)
            let swallow = Markdown.percent(1 - Foundation.exp2(-0.5 / formats[defaultF].scale), 0)
            text += " At F = \(defaultF), \(share) of the updates lr·g lie below lns8's least magnitude \(least) (median "
            text += "\(median)), and an update smaller than about \(swallow) of its weight leaves the weight "
            text += "unchanged — the case for FP32 master weights or stochastic rounding in lns8."
        }
        return text
    }
}
