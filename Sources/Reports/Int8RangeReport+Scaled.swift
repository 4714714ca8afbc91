import DataFiles
import Experiments
import Foundation
import SoftFloat
import Training

/// Exercise 2's other answer: extend INT8's range with a scale — one per tensor, one per
/// block of 32 (OCP MX) or two levels (NVFP4) — measured on the tensors softmax regression
/// multiplies: the images and trained weights of the forward product, the images and logit
/// gradients of the weight gradient, each quantised along its product's reduction axis.
extension Int8RangeReport {
    /// The scaled formats of the section, and the elementwise formats set beside them.
    static let scaledNames = ["tensor-int8", "tensor-int8-pow2", "mxint8", "mxfp8-e4m3", "mxfp4-e2m1", "nvfp4"]

    struct ScaledSubject {
        var name: String
        /// Quantises a matrix along its rows; nil for the unquantised reference.
        var quantise: (ScaledQuantisation.Matrix) -> (ScaledQuantisation.Matrix, ScalingEvents?)
        var scaled: Bool
    }

    static var scaledSubjects: [ScaledSubject] {
        let scaled = scaledNames.map { name -> ScaledSubject in
            let format = try! NumberFormat(name: name, accepting: .scaled).scaledFormat!
            return ScaledSubject(name: name, quantise: { m in
                let (q, events) = ScaledQuantisation.quantise(m, in: format)
                return (q, events)
            }, scaled: true)
        }
        func elementwise(_ name: String, _ round: @escaping (Double) -> Double) -> ScaledSubject {
            ScaledSubject(name: name, quantise: { (ScaledQuantisation.quantise($0, rounding: round), nil) }, scaled: false)
        }
        return scaled + [
            elementwise(signedInt8.name, rounder(signedInt8)),
            elementwise(LogFormat.lns8.name, rounder(LogFormat.lns8)),
            elementwise(FloatFormat.fp8E4M3.name, rounder(FloatFormat.fp8E4M3)),
            elementwise(FloatFormat.bf16.name, rounder(FloatFormat.bf16)),
        ]
    }

    struct ScaledRow {
        var name: String
        var scaled: Bool
        /// Σ|q − x| / Σ|x| of images, weights (forward), images and logit gradients (batch axis).
        var operandErrors: [Double]
        var clippedShare: Double?
        var flushedShare: Double?
        var logitError: Double
        var gradientError: Double
        var testAccuracy: Double
        var laws: ScaledQuantisation.Laws
        /// The test accuracy of a run trained in the format (a scaled one with its recipe).
        var trainedAccuracy: Double? = nil
    }

    struct ScaledMeasurement {
        var rows: [ScaledRow]
        var referenceAccuracy: Double
        var images: Int
        var testImages: Int
        var batch: Int
        var triples: Int
        var command: String
        /// The runs trained in each subject's format: epochs and seed.
        var trainedEpochs: Int
        var trainedSeed: UInt64
    }

    /// A run trained in each subject's format (scaled formats with their recipe), the
    /// seed's experiment: shared with the formats report where it has the same run.
    static func trainedSpecs(_ context: ReportContext) -> [TrainingSpec] {
        guard context.hasData else { return [] }
        return scaledSubjects.map(\.name).filter(context.canTrain).map {
            TrainingSpec(format: $0, seed: context.seed, epochs: context.quick ? 1 : 10, data: context.dataBudget)
        }
    }

    /// Measures every subject on the fp32 baseline model; nil without the data.
    func measureScaled(_ context: ReportContext) throws -> ScaledMeasurement? {
        guard context.hasData else { return nil }
        let spec = Self.baselineSpec(context)
        let result = try context.train([spec])[0]
        let data = try context.data(for: spec)
        guard let test = data.test else { return nil }
        let d = data.train.dimension, c = data.train.classes
        let images = context.quick ? 256 : 1024, testCount = min(test.count, context.quick ? 500 : 10_000)
        let batch = 256, triples = context.quick ? 100 : 2000
        func pixels(_ set: Dataset, _ n: Int) -> ScaledQuantisation.Matrix {
            ScaledQuantisation.Matrix(rows: n, columns: d, values: (0..<n).flatMap { i in (0..<d).map { set.feature(i, $0) } })
        }
        // Weights are stored input-major (k × classes); a class's row runs along the features.
        let wt = ScaledQuantisation.Matrix(rows: d, columns: c, values: result.weights).transposed()
        let x = pixels(data.train, images), xt = pixels(test, testCount)
        let xb = pixels(data.train, batch)
        // Logit gradients (p − y)/B of the first batch, in Double, from the fp32 model.
        let z = ScaledQuantisation.product(xb, transposed: wt)
        var dz = [Double](repeating: 0, count: batch * c)
        for i in 0..<batch {
            let logits = (0..<c).map { z[i, $0] + result.bias[$0] }
            let top = logits.max()!
            let e = logits.map { Foundation.exp($0 - top) }
            let sum = e.reduce(0, +)
            for j in 0..<c { dz[i * c + j] = (e[j] / sum - (Int(data.train.labels[i]) == j ? 1 : 0)) / Double(batch) }
        }
        let dzt = ScaledQuantisation.Matrix(rows: batch, columns: c, values: dz).transposed()
        let xbt = xb.transposed()
        let exactLogits = ScaledQuantisation.product(x, transposed: wt).values
        let exactGradient = ScaledQuantisation.product(xbt, transposed: dzt).values

        context.progress("scaled formats: \(Self.scaledSubjects.count) subjects on \(images) images, "
                         + "\(testCount) test images, \(triples) law triples")
        let trained = Self.trainedSpecs(context)
        let trainedResults = Dictionary(uniqueKeysWithValues: zip(trained.map(\.format), try context.train(trained)))
        var rows = Self.scaledSubjects.map { subject -> ScaledRow in
            var events = ScalingEvents()
            func q(_ m: ScaledQuantisation.Matrix) -> ScaledQuantisation.Matrix {
                let (result, e) = subject.quantise(m)
                if let e { events += e }
                return result
            }
            let qx = q(x), qw = q(wt), qxb = q(xbt), qdz = q(dzt)
            let errors = [ScaledQuantisation.relativeError(qx.values, x.values),
                          ScaledQuantisation.relativeError(qw.values, wt.values),
                          ScaledQuantisation.relativeError(qxb.values, xbt.values),
                          ScaledQuantisation.relativeError(qdz.values, dzt.values)]
            let nonzero = [x, wt, xbt, dzt].map { $0.values.filter { $0 != 0 }.count }.reduce(0, +)
            let logits = ScaledQuantisation.product(qx, transposed: qw).values
            let gradient = ScaledQuantisation.product(qxb, transposed: qdz).values
            let testLogits = ScaledQuantisation.product(subject.quantise(xt).0, transposed: qw)
            var correct = 0
            for i in 0..<testCount {
                let scores = (0..<c).map { testLogits[i, $0] + result.bias[$0] }
                if scores.indices.max(by: { scores[$0] < scores[$1] }) == Int(test.labels[i]) { correct += 1 }
            }
            let laws: ScaledQuantisation.Laws
            if subject.scaled, let format = try? NumberFormat(name: subject.name, accepting: .scaled).scaledFormat {
                laws = ScaledQuantisation.laws(wt, in: format, blockLength: format.blockSize ?? 32, triples: triples,
                                               seed: context.seed)
            } else {
                laws = Self.elementwiseLaws(wt, subject, blockLength: 32, triples: triples, seed: context.seed)
            }
            let denominator = Double(max(1, nonzero))
            let clipped: Double? = subject.scaled ? Double(events[.clipped]) / denominator : nil
            let flushed: Double? = subject.scaled ? Double(events[.flushedToZero]) / denominator : nil
            let logitError = ScaledQuantisation.relativeError(logits, exactLogits)
            let gradientError = ScaledQuantisation.relativeError(gradient, exactGradient)
            let accuracy = Double(correct) / Double(testCount)
            return ScaledRow(name: subject.name, scaled: subject.scaled, operandErrors: errors, clippedShare: clipped,
                             flushedShare: flushed, logitError: logitError, gradientError: gradientError,
                             testAccuracy: accuracy, laws: laws)
        }
        for k in rows.indices { rows[k].trainedAccuracy = trainedResults[rows[k].name]?.testAccuracy }
        let reference = ScaledQuantisation.product(xt, transposed: wt)
        var correct = 0
        for i in 0..<testCount {
            let scores = (0..<c).map { reference[i, $0] + result.bias[$0] }
            if scores.indices.max(by: { scores[$0] < scores[$1] }) == Int(test.labels[i]) { correct += 1 }
        }
        return ScaledMeasurement(rows: rows, referenceAccuracy: Double(correct) / Double(testCount), images: images,
                                 testImages: testCount, batch: batch, triples: triples, command: spec.command,
                                 trainedEpochs: trained.first?.configuration.epochs ?? 0, trainedSeed: context.seed)
    }

    /// The same laws for an elementwise format: every result rounded value by value.
    static func elementwiseLaws(_ source: ScaledQuantisation.Matrix, _ subject: ScaledSubject, blockLength: Int,
                                triples: Int, seed: UInt64) -> ScaledQuantisation.Laws {
        var random = SplitMix64(seed: seed)
        func q(_ v: [Double]) -> [Double] {
            subject.quantise(ScaledQuantisation.Matrix(rows: 1, columns: v.count, values: v)).0.values
        }
        func draw() -> [Double] {
            let r = Int(random.next() % UInt64(source.rows))
            let start = Int(random.next() % UInt64(source.columns - blockLength + 1))
            return q(Array(source.row(r).dropFirst(start).prefix(blockLength)))
        }
        var laws = ScaledQuantisation.Laws()
        for _ in 0..<triples {
            let a = draw(), b = draw(), c = draw()
            for i in 0..<blockLength {
                let q1 = { (x: Double) in q([x])[0] }
                let left = q1(q1(a[i] + b[i]) + c[i]), right = q1(a[i] + q1(b[i] + c[i]))
                let product = q1(a[i] * q1(b[i] + c[i])), expanded = q1(q1(a[i] * b[i]) + q1(a[i] * c[i]))
                laws.elements += 1
                if left != right { laws.associativityFailures += 1 }
                if product != expanded { laws.distributivityFailures += 1 }
            }
        }
        return laws
    }

    /// The section: ranges, operand and product errors, the laws, inference accuracy.
    func writeScaled(_ m: ScaledMeasurement?, into report: inout ReportWriter) {
        report.document.heading("The answer practice chose: a scale per tensor or per block")
        report.document.paragraph("""
            A scaled format keeps 8 (or fewer) bits per element and moves the range into a shared scale: one FP32 \
            scale per tensor (`tensor-int8`: amax / 127), one E8M0 power of two per block of 32 (OCP MX v1.0: \
            `mxint8`, `mxfp8-e4m3`, `mxfp4-e2m1`), or two levels (NVIDIA's `nvfp4`: an E4M3 scale per 16 E2M1 \
            elements and an FP32 scale per tensor). Within one scale the range is the element's; across scales it \
            is the scale's.
            """)
        var rangeRows: [[String]] = []
        for name in Self.scaledNames {
            let format = try! NumberFormat(name: name, accepting: .scaled).scaledFormat!
            let (least, largest, step, scales) = Self.scaledRange(format)
            rangeRows.append([name, format.blockSize.map(String.init) ?? "tensor",
                              "\(Markdown.significant(least, 3)) … \(Markdown.significant(largest, 3))",
                              Markdown.fixed(Foundation.log10(largest / least), 1),
                              Markdown.percent(step, 1), scales])
        }
        report.document.table(["format", "elements per scale", "element magnitudes (one scale)", "decades",
                               "relative step at the block maximum", "scales"], rangeRows,
                              alignments: [.left, .right, .right, .right, .right, .left])
        guard let m = m else {
            report.document.paragraph("The Fashion-MNIST data was not found, so the measurements on the model's "
                                      + "tensors are left out.")
            return
        }
        report.document.paragraph("""
            Measured on the fp32 model of `\(m.command)`: the first \(Markdown.integer(m.images)) training images and \
            the trained weights, quantised along the 784 features (the forward product's reduction axis), and the \
            first batch of \(m.batch) images and its logit gradients (p − y)/B, quantised along the batch (the weight \
            gradient's). Products are taken exactly in `Double` from the decoded values, so the product errors are \
            the quantisation's alone. Elementwise formats round each value on its own, for comparison.
            """)
        var rows: [[String]] = []
        for r in m.rows {
            rows.append([r.scaled ? "**\(r.name)**" : r.name] + r.operandErrors.map { Markdown.percent($0, 2) }
                        + [r.clippedShare.map { Markdown.percent($0, 3) } ?? "–",
                           r.flushedShare.map { Markdown.percent($0, 2) } ?? "–",
                           Markdown.percent(r.logitError, 2), Markdown.percent(r.gradientError, 2)])
        }
        report.document.table(["format", "images (features)", "weights (features)", "images (batch)",
                               "logit gradients (batch)", "clipped", "flushed to zero", "logits XW", "weight gradient XᵀE"],
                              rows, alignments: [.left] + Array(repeating: .right, count: 8))
        report.document.paragraph("Operand and product columns: Σ|q − x| / Σ|x|. Clipped and flushed: the share of "
                                  + "the nonzero operand values that the scaling clamped to the largest element or "
                                  + "rounded to zero (counted by the encoder; – for elementwise formats).")
        var lawRows: [[String]] = []
        for r in m.rows {
            lawRows.append([r.scaled ? "**\(r.name)**" : r.name,
                            Markdown.percent(Double(r.laws.associativityFailures) / Double(max(1, r.laws.elements)), 2),
                            Markdown.percent(Double(r.laws.distributivityFailures) / Double(max(1, r.laws.elements)), 2),
                            Markdown.percent(r.testAccuracy, 2), Markdown.percent(r.trainedAccuracy, 2)])
        }
        report.document.heading("Multiplication, addition and the laws in a scaled format", level: 3)
        report.document.paragraph("""
            Products of two elements are exact (E2M1 × E2M1 needs 4 significant bits, E4M3 × E4M3 8, INT8 × INT8 \
            14) and scales multiply by adding exponents, so a matrix product of scaled operands is exact up to its \
            accumulation, which hardware does in FP32. Sums inside a block share a scale; a sum whose result must \
            be stored again is re-quantised, and that is where the laws break. The table draws \
            \(Markdown.integer(m.triples)) triples of blocks (32 values; 16 for nvfp4) from the trained weights, \
            stores A, B, C in the format, and compares q(q(A + B) + C) with q(A + q(B + C)) and q(A ∘ q(B + C)) \
            with q(q(A ∘ B) + q(A ∘ C)) element by element (∘: elementwise product; each q() re-quantises the whole \
            block). "Quantised forward" is the test accuracy of the fp32-trained model when its forward product \
            takes the quantised images and weights (\(Markdown.integer(m.testImages)) test images; unquantised: \
            \(Markdown.percent(m.referenceAccuracy, 2))). "Trained" is the test accuracy of a run trained in the \
            format itself (seed \(m.trainedSeed), \(Markdown.count(m.trainedEpochs, "epoch"))): a scaled format with \
            its recipe (every product's operands quantised along the reduction axis, FP32 sums and master weights, \
            the rest FP32), an elementwise one pure (every operation in the format).
            """)
        report.document.table(["format", "(A+B)+C ≠ A+(B+C)", "A(B+C) ≠ AB+AC", "test accuracy, quantised forward",
                               "test accuracy, trained"],
                              lawRows, alignments: [.left, .right, .right, .right, .right])
        report.document.paragraph(lawNotes(m))
    }

    /// What the laws table shows, from its own rows: formats that hold most weights at zero,
    /// and the per-tensor scale against its power-of-two variant.
    func lawNotes(_ m: ScaledMeasurement) -> String {
        func row(_ name: String) -> ScaledRow? { m.rows.first { $0.name == name } }
        func share(_ r: ScaledRow, _ n: Int) -> String { Markdown.percent(Double(n) / Double(max(1, r.laws.elements)), 1) }
        var notes: [String] = []
        let lost = m.rows.filter { $0.operandErrors[1] > 0.5 }
        if !lost.isEmpty {
            notes.append(lost.map { "\($0.name) loses \(Markdown.percent($0.operandErrors[1], 0)) of the weights' "
                + "magnitude (most round to zero), so its laws hold on zeros" }.joined(separator: "; ") + ".")
        }
        if let fp32Scale = row("tensor-int8"), let pow2 = row("tensor-int8-pow2") {
            notes.append("With an FP32 scale amax / 127, re-quantising a sum picks a new scale that is not a power "
                + "of two apart from the old one, and the elements move: associativity fails on "
                + "\(share(fp32Scale, fp32Scale.laws.associativityFailures)) of elements for tensor-int8, against "
                + "\(share(pow2, pow2.laws.associativityFailures)) for tensor-int8-pow2, whose scales are powers of two.")
        }
        if let mx = row("mxfp8-e4m3"), let clipped = mx.clippedShare, clipped > 0 {
            notes.append("mxfp8-e4m3 clips \(Markdown.percent(clipped, 1)) of its operands: the specification's "
                + "scale 2^(⌊log2 amax⌋ − 8) puts a block's maximum anywhere in [256, 512) "
                + "over the scale, and E4M3 stops at 448; `convert --scale-rule ceiling` chooses the scale that never clips.")
        }
        return notes.joined(separator: " ")
    }

    /// The magnitudes one scale covers, the relative step at the top of the element format,
    /// and what the scales are.
    static func scaledRange(_ format: ScaledFormat) -> (least: Double, largest: Double, step: Double, scales: String) {
        let element = format.element
        switch element {
        case let .float(f):
            let r = FormatRange(f)
            let scales: String
            switch format {
            case .mx: scales = "E8M0: 2^-127 … 2^127"
            case .nvfp4: scales = "E4M3 per block × FP32 per tensor"
            case .tensor: scales = "FP32 (amax / \(Markdown.significant(r.largest, 5)))"
            }
            return (r.leastNonzero, r.largest, r.relativeStep, scales)
        case .int8:
            switch format {
            case .mx: return (0x1p-6, 127 * 0x1p-6, 1.0 / 127, "E8M0: 2^-127 … 2^127")
            default: return (1, 127, 1.0 / 127, "FP32 (amax / 127)")
            }
        }
    }
}
