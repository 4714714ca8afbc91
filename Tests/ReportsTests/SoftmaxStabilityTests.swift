import DataFiles
import Foundation
@testable import Reports
import SoftFloat
import Testing
@testable import Training
import TrainingArithmetic

/// The softmax-stability report's measurements: the losses just below the first failure
/// against the exact loss, the reasons given for each failure, and how a run whose
/// parameters went NaN scores its accuracy.
@Suite("softmax-stability report")
struct SoftmaxStabilityTests {
    static let failures = SoftmaxStabilityReport.formats.map { f in
        SoftmaxStabilityReport.scenarios.map { SoftmaxStabilityReport.firstFailure(f, $0) }
    }

    @Test("the exact losses follow their formulas: ln 10 at t = 0, t + 9e^−t for large t")
    func exactLosses() {
        let s = SoftmaxStabilityReport.scenarios
        // At t = 0 every pattern has ten equal logits: the loss is ln 10.
        for scenario in s { #expect(abs(scenario.exact(0) - log(10.0)) < 1e-15, "\(scenario.name)") }
        // log(1 + 9e^−30) = 9e^−30 − 40.5e^−60 + …: 9e^−30 to a relative 1e-12.
        let tiny = 9 * exp(-30.0)
        #expect(abs(s[0].exact(30) - tiny) / tiny < 1e-12)
        #expect(abs(s[1].exact(30) - (30 + tiny)) <= (30.0).ulp && s[3].exact(30) == s[1].exact(30))
    }

    @Test("just below the least failing t, every row holds the exact, naive and fused losses at that same t")
    func sameT() throws {
        for (f, format) in SoftmaxStabilityReport.formats.enumerated() {
            for (k, scenario) in SoftmaxStabilityReport.scenarios.enumerated() {
                let r = Self.failures[f][k]
                let previous = try #require(r.previous, "\(format.name), \(scenario.name) never fails")
                let a = SoftArithmetic(format: format)
                let logits = scenario.logits(previous)
                #expect(r.exactBefore == scenario.exact(previous))
                #expect(r.naiveBefore == SoftmaxStabilityReport.loss(a, .naive, logits: logits, label: scenario.label).0)
                #expect(r.fusedBefore == SoftmaxStabilityReport.loss(a, .logSumExp, logits: logits,
                                                                      label: scenario.label).0)
                let naive = try #require(r.naiveBefore), exact = try #require(r.exactBefore)
                #expect(naive.isFinite, "the naive loss is finite just below the least failing t")
                #expect(r.naiveErrorBefore == abs(naive - exact) / exact)
            }
        }
    }

    @Test("fp32's naive loss is already off by more than half a percent just before it fails; the fused is not")
    func naiveWrongBeforeFailure() throws {
        // Pattern 4 (one logit 0, nine −t): exp(−t) is subnormal near t = 103.97 in fp32.
        let f = try #require(SoftmaxStabilityReport.formats.firstIndex(of: .fp32))
        let r = Self.failures[f][3]
        #expect(try #require(r.naiveErrorBefore) > 0.005)
        #expect(try #require(r.fusedErrorBefore) < 1e-6)
        let text = try #require(SoftmaxStabilityReport.errorBeforeFailureText(Self.failures))
        // The sentence carries each format's largest error as the table prints it.
        for (f, format) in SoftmaxStabilityReport.formats.enumerated() {
            let worse = Self.failures[f].compactMap { r -> Double? in
                guard let n = r.naiveErrorBefore, let u = r.fusedErrorBefore, n > u else { return nil }
                return n
            }
            guard let largest = worse.max() else { continue }
            #expect(text.contains("\(format.name) \(SoftmaxStabilityReport.errorText(largest))"), "\(format.name): \(text)")
        }
        let table = SoftmaxStabilityReport.failureTable(Self.failures.map { $0[3] })
        let row = try #require(table.rows.first { $0[0] == "fp32" })
        #expect(row.contains(SoftmaxStabilityReport.errorText(r.naiveErrorBefore)))
        #expect(table.header.count == row.count)
    }

    @Test("each reason says what the value shows: NaN where the table shows NaN, ∞ where it shows ∞")
    func reasonsMatchValues() throws {
        for (f, format) in SoftmaxStabilityReport.formats.enumerated() {
            for (k, scenario) in SoftmaxStabilityReport.scenarios.enumerated() {
                let r = Self.failures[f][k]
                let value = try #require(r.naiveAt), reason = try #require(r.reason)
                let what = "\(format.name), \(scenario.name): \(value), \(reason)"
                #expect(!reason.contains("is not finite"), "a vague reason: \(what)")
                if value.isNaN {
                    #expect(reason.hasSuffix("NaN"), "NaN shown, the reason ends otherwise: \(what)")
                } else {
                    #expect(value == .infinity && reason.hasSuffix("is ∞"), "\(what)")
                }
            }
        }
        // fp8-e4m3 (E4M3FN) has no infinity: its exp overflows to NaN, and log(0) is NaN.
        let e4m3 = try #require(SoftmaxStabilityReport.formats.firstIndex(of: .fp8E4M3))
        for k in [0, 1] {
            let reason = try #require(Self.failures[e4m3][k].reason)
            #expect(reason.contains("overflowed to NaN in fp8-e4m3") && reason.contains("no ∞"), "\(reason)")
        }
        let underflow = try #require(Self.failures[e4m3][3].reason)
        #expect(underflow.contains("log(0) is NaN") && !underflow.hasSuffix("is ∞"), "\(underflow)")
    }

    @Test("a NaN logit gives no predicted class, so the image counts as wrong")
    func nanLogitHasNoClass() {
        let model = SoftmaxRegression(inputs: 1, classes: 3)
        let fp64 = FastArithmetic<Double>(format: .fp64)!
        let z: [Double] = [0, .nan, 1]
        #expect(z.withUnsafeBufferPointer { model.predictedClass(fp64, logits: $0.baseAddress!) } == nil)
        let finite: [Double] = [0, 2, 1]
        #expect(finite.withUnsafeBufferPointer { model.predictedClass(fp64, logits: $0.baseAddress!) } == 1)
    }

    @Test("NaN parameters are counted, and an image gets a NaN logit through a NaN bias or a NaN weight it uses")
    func undefinedPredictions() {
        // 3 images of 2 pixels, 2 classes; weights input-major: w[k·2 + j].
        let test = Dataset(reals: [0, 1, 1, 0, 0, 0], labels: [0, 1, 0], dimension: 2, classes: 2)
        let weightNaN = SoftmaxStabilityReport.undefinedPredictions(weights: [0.1, .nan, 0.2, 0.3], bias: [0, 0],
                                                                    test: test)
        // Only image 1 has pixel 0 lit, which meets the NaN weight w[0, 1].
        #expect(weightNaN == .init(nanParameters: 1, parameters: 6, imagesWithNaNLogit: 1, images: 3))
        let biasNaN = SoftmaxStabilityReport.undefinedPredictions(weights: [0.1, 0.2, 0.2, 0.3], bias: [0, .nan],
                                                                  test: test)
        #expect(biasNaN == .init(nanParameters: 1, parameters: 6, imagesWithNaNLogit: 3, images: 3))
        let finite = SoftmaxStabilityReport.undefinedPredictions(weights: [0.1, 0.2, 0.2, 0.3], bias: [0, 0],
                                                                 test: test)
        #expect(finite.imagesWithNaNLogit == 0 && finite.nanParameters == 0)

        var run = ReportVerdictTests.run([0.1])
        run.testAccuracy = 0
        run.firstNonFinite = NonFiniteEvent(epoch: 2, step: 306, example: 190, reason: "test")
        let text = SoftmaxStabilityReport.accuracyExplanation(format: "fp16", result: run, biasNaN)
        #expect(text.contains("1 of its 6 parameters") && text.contains("3 of the 3 test images"), "\(text)")
        #expect(text.contains("step 306") && text.contains("0 of 3 right") && text.contains("0.00%"), "\(text)")
    }
}
