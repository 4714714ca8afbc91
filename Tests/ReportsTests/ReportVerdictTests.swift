import Foundation
@testable import Reports
import SoftFloat
import Testing
@testable import Training

/// The judgements the reports draw from runs: ties within the binomial interval, the
/// budgets read off a run's epochs, divergence.
@Suite("report verdicts")
struct ReportVerdictTests {
    /// A run of `accuracies.count` epochs with these validation accuracies on `images`
    /// images and these training losses.
    static func run(_ accuracies: [Double], losses: [Double]? = nil, images: Int = 5000,
                    nonFiniteAt epoch: Int? = nil) -> TrainingResult {
        let losses = losses ?? accuracies.map { _ in 0.5 }
        let epochs = zip(accuracies, losses).enumerated().map { k, v in
            EpochRecord(epoch: k + 1, trainLoss: v.1, trainAccuracy: v.0, validationLoss: 0.5,
                        validationAccuracy: v.0, seconds: 0, steps: 10, events: NumericalEvents())
        }
        return TrainingResult(
            format: "fp32", arithmetic: "test", policy: TrainingPolicy(), configuration: TrainingConfiguration(),
            trainCount: 2560, validationCount: images, testCount: 0, validationIsTest: false, epochs: epochs,
            testLoss: nil, testAccuracy: nil,
            firstNonFinite: epoch.map { NonFiniteEvent(epoch: $0, step: $0 * 10, example: nil, reason: "test") },
            bestEpoch: nil, stoppedEarly: false, setupEvents: NumericalEvents(), weights: [], bias: [],
            masterWeights: nil, seconds: 0)
    }

    @Test("the binomial half-width is 1.96·√(p(1−p)/n), worked by hand")
    func binomial() {
        // p = 0.85, n = 5000: √(0.1275 / 5000) = √0.0000255 = 0.0050498; × 1.96 = 0.0098975.
        #expect(abs(Spread.binomialHalfWidth95(0.85, images: 5000) - 0.0098975) < 1e-6)
        // p = 0.5, n = 10000: √(0.25 / 10000) = 0.005; × 1.96 = 0.0098.
        #expect(abs(Spread.binomialHalfWidth95(0.5, images: 10_000) - 0.0098) < 1e-12)
        #expect(Spread.binomialHalfWidth95(0.5, images: 0) == .infinity)
    }

    @Test("rates within the interval of the best tie; those below it are behind")
    func ties() {
        // Half-width at 0.84 on 5000 images: 1.96·√(0.84·0.16/5000) = 0.01016: 0.8305 ties, 0.82 does not.
        let runs = [Self.run([0.70]), Self.run([0.835]), Self.run([0.84]), Self.run([0.8305]), Self.run([0.82])]
        #expect(LearningRatesReport.bestRates(runs.map { [$0] }, after: 1) == [1, 2, 3])
        #expect(LearningRatesReport.verdicts(runs.map { [$0] }) == [.behind, .best, .best, .best, .behind])
        // More images narrow the interval: only the top remains.
        let wide = [Self.run([0.835], images: 1_000_000), Self.run([0.84], images: 1_000_000)]
        #expect(LearningRatesReport.bestRates(wide.map { [$0] }, after: 1) == [1])
    }

    @Test("a budget of k epochs reads the k-th epoch, and a run that went non-finite by then counts as missing")
    func budgets() {
        // After epoch 2: 0.825 lies within 1.96·√(0.83·0.17/5000) = 0.0104 of 0.83.
        let runs = [Self.run([0.60, 0.825, 0.84]), Self.run([0.75, 0.83, 0.70], nonFiniteAt: 3)]
        #expect(LearningRatesReport.bestRates(runs.map { [$0] }, after: 1) == [1])
        #expect(LearningRatesReport.bestRates(runs.map { [$0] }, after: 2) == [0, 1])
        #expect(LearningRatesReport.bestRates(runs.map { [$0] }, after: 3) == [0])
        #expect(LearningRatesReport.accuracies([runs[1]], after: 3)[0].isNaN)
        #expect(LearningRatesReport.accuracies([runs[0]], after: 4)[0].isNaN)
        #expect(LearningRatesReport.verdicts(runs.map { [$0] }) == [.best, .diverged])
    }

    @Test("a loss above ln 10 is unstable; the trend of the last epoch is read off the losses")
    func instability() {
        let runs = [Self.run([0.8, 0.8], losses: [0.6, 0.5]), Self.run([0.78, 0.79], losses: [4.0, 4.5])]
        #expect(LearningRatesReport.verdicts(runs.map { [$0] }) == [.best, .unstable])
        #expect(LearningRatesReport.lossTrend([runs[0]]) == "falling")
        #expect(LearningRatesReport.lossTrend([runs[1]]) == "not falling")
        #expect(LearningRatesReport.lossTrend([Self.run([0.8])]) == "–")
    }

    @Test("over seeds, a rate ties with the top when the paired 95% t interval of the difference includes 0")
    func pairedTies() {
        // Top rate: 0.840, 0.842, 0.838 (mean 0.840). Rate A: 0.839, 0.841, 0.836: differences 0.001,
        // 0.001, 0.002, mean 0.00133, sd 0.000577, t(2) = 4.303: half-width 0.00143, interval
        // (−0.0001, 0.0028) includes 0: a tie. Rate B: 0.830, 0.833, 0.829: differences 0.010, 0.009,
        // 0.009, mean 0.00933, sd 0.000577: interval (0.0079, 0.0108): behind, though B lies within
        // one binomial interval (±0.0102 on 5000 images) of the top.
        let top = [0.840, 0.842, 0.838].map { Self.run([$0]) }
        let a = [0.839, 0.841, 0.836].map { Self.run([$0]) }
        let b = [0.830, 0.833, 0.829].map { Self.run([$0]) }
        #expect(LearningRatesReport.bestRates([b, top, a], after: 1) == [1, 2])
        #expect(LearningRatesReport.verdicts([b, top, a]) == [.behind, .best, .best])
        let d = Spread.paired([0.840, 0.842, 0.838], [0.839, 0.841, 0.836])!
        #expect(abs(d.mean - 0.0013333) < 1e-6)
        #expect(abs(d.lower - (0.0013333 - 0.0014342)) < 1e-6)
        #expect(Spread.pairedText([0.840, 0.842, 0.838], [0.830, 0.833, 0.829]).differs == true)
        #expect(Spread.paired([0.8], [0.7]) == nil)
    }

    @Test("a rate whose loss is above ln 10 is no candidate for best, whatever its accuracy")
    func unstableIsNoCandidate() {
        let steady = Self.run([0.80], losses: [0.5]), wild = Self.run([0.83], losses: [4.0])
        #expect(LearningRatesReport.bestRates([[steady], [wild]], after: 1) == [0])
        #expect(LearningRatesReport.isCandidate([wild], after: 1) == false)
    }

    @Test("the step curve is the mean over seeds, NaN from a non-finite step")
    func stepCurve() {
        var a = Self.run([0.8]), b = Self.run([0.8])
        a.stepLosses = [2.3, 1.0, 0.5]
        b.stepLosses = [2.1, .infinity, 0.7, 0.4]
        let curve = LearningRatesReport.stepCurve([a, b])
        #expect(curve.count == 3)
        #expect(abs(curve[0] - 2.2) < 1e-12 && curve[1].isNaN && abs(curve[2] - 0.6) < 1e-12)
    }

    @Test("early stopping, decay and batch are judged by the paired interval")
    func fixVerdicts() {
        #expect(EpochsReport.verdict(true, "+0.40 pp") == "better")
        #expect(EpochsReport.verdict(true, "−0.40 pp") == "worse")
        #expect(EpochsReport.verdict(false, "+0.40 pp") == "no measurable difference")
        #expect(EpochsReport.verdict(nil, "–") == "–")
        // Epoch noise over the last quarter of 8 epochs (epochs 6-8): changes 0.01, −0.01 → sd 0.01414.
        let r = Self.run([0.5, 0.6, 0.7, 0.8, 0.80, 0.81, 0.82, 0.81])
        #expect(abs(EpochsReport.epochNoise(r)! - 0.0141421) < 1e-6)
        #expect(EpochsReport.signed(-0.00004, 4) == "+0.0000")
        #expect(EpochsReport.signed(-0.0123, 4) == "−0.0123")
    }
}
