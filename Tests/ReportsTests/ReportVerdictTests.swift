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
        #expect(LearningRatesReport.bestRates(runs, after: 1) == [1, 2, 3])
        #expect(LearningRatesReport.verdicts(runs) == [.behind, .best, .best, .best, .behind])
        // More images narrow the interval: only the top remains.
        let wide = [Self.run([0.835], images: 1_000_000), Self.run([0.84], images: 1_000_000)]
        #expect(LearningRatesReport.bestRates(wide, after: 1) == [1])
    }

    @Test("a budget of k epochs reads the k-th epoch, and a run that went non-finite by then counts as missing")
    func budgets() {
        // After epoch 2: 0.825 lies within 1.96·√(0.83·0.17/5000) = 0.0104 of 0.83.
        let runs = [Self.run([0.60, 0.825, 0.84]), Self.run([0.75, 0.83, 0.70], nonFiniteAt: 3)]
        #expect(LearningRatesReport.bestRates(runs, after: 1) == [1])
        #expect(LearningRatesReport.bestRates(runs, after: 2) == [0, 1])
        #expect(LearningRatesReport.bestRates(runs, after: 3) == [0])
        #expect(LearningRatesReport.accuracy(runs[1], after: 3) == -1)
        #expect(LearningRatesReport.accuracy(runs[0], after: 4) == -1)
        #expect(LearningRatesReport.verdicts(runs) == [.best, .diverged])
    }

    @Test("a loss above ln 10 is unstable; the trend of the last epoch is read off the losses")
    func instability() {
        let runs = [Self.run([0.8, 0.8], losses: [0.6, 0.5]), Self.run([0.78, 0.79], losses: [4.0, 4.5])]
        #expect(LearningRatesReport.verdicts(runs) == [.best, .unstable])
        #expect(LearningRatesReport.lossTrend(runs[0]) == "falling")
        #expect(LearningRatesReport.lossTrend(runs[1]) == "not falling")
        #expect(LearningRatesReport.lossTrend(Self.run([0.8])) == "–")
    }
}
