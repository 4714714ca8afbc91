import DataFiles
import Foundation
import SoftFloat
import Testing
import TrainingArithmetic
@testable import Training

/// Learning-rate schedules, training without shuffling, and the per-step losses, in the
/// elementwise trainer and in a scaled recipe.
@Suite("Schedules, shuffling and step losses")
struct ScheduleTests {
    @Test("the schedules' factors, worked by hand")
    func factors() {
        let step = (1...10).map { LearningRateSchedule.step.factor(epoch: $0, of: 10) }
        #expect(step == [1, 1, 1, 1, 1, 0.1, 0.1, 0.01, 0.01, 0.01])
        #expect((1...50).filter { LearningRateSchedule.step.factor(epoch: $0, of: 50) == 1 }.count == 25)
        #expect((1...50).filter { LearningRateSchedule.step.factor(epoch: $0, of: 50) == 0.01 }.count == 13)
        // cos(π·0/4) = 1, cos(π/4) = √2/2, cos(π/2) = 0, cos(3π/4) = −√2/2.
        let cosine = (1...4).map { LearningRateSchedule.cosine.factor(epoch: $0, of: 4) }
        let expected = [1, (1 + 0.5.squareRoot()) / 2, 0.5, (1 - 0.5.squareRoot()) / 2]
        #expect(zip(cosine, expected).allSatisfy { abs($0 - $1) < 1e-15 })
        #expect(LearningRateSchedule.constant.factor(epoch: 7, of: 3) == 1)
        var c = TrainingConfiguration(epochs: 4, learningRate: 0.5)
        c.schedule = .cosine
        #expect(c.learningRate(epoch: 3) == 0.25)
    }

    @Test("a schedule runs its first epoch at the full rate, then changes the run; the constant one changes nothing",
          arguments: [FloatFormat.fp32, .bf16])
    func scheduleChangesLaterEpochs(format: FloatFormat) throws {
        var constant = TrainerTests.configuration(epochs: 3)
        constant.recordedSteps = 1000
        let base = try TrainerTests.run(format, .automatic, configuration: constant)
        for schedule in [LearningRateSchedule.step, .cosine] {
            var c = constant
            c.schedule = schedule
            let scheduled = try TrainerTests.run(format, .automatic, configuration: c)
            #expect(scheduled.epochs[0].trainLoss.bitPattern == base.epochs[0].trainLoss.bitPattern)
            #expect(scheduled.epochs[0].validationLoss == base.epochs[0].validationLoss)
            #expect(scheduled.epochs[2].trainLoss != base.epochs[2].trainLoss, "\(schedule)")
        }
        // One epoch: every schedule is the constant rate, to the bit.
        var one = TrainerTests.configuration(epochs: 1)
        let reference = TrainerTests.fingerprint(try TrainerTests.run(format, .automatic, configuration: one))
        one.schedule = .cosine
        #expect(TrainerTests.fingerprint(try TrainerTests.run(format, .automatic, configuration: one)) == reference)
    }

    @Test("the step losses are the epoch's minibatch means: weighted by batch size they give the epoch's loss")
    func stepLosses() throws {
        var c = TrainerTests.configuration(epochs: 2)
        c.recordedSteps = 1000
        let r = try TrainerTests.run(.fp32, .automatic, configuration: c)
        // 240 images in batches of 16: 15 steps an epoch.
        #expect(r.stepLosses.count == 30)
        let first = r.stepLosses[0..<15].reduce(0, +) * 16 / 240
        #expect(abs(first - r.epochs[0].trainLoss) < 1e-12)
        // Small initial weights: the first loss is close to ln 3 (three classes).
        #expect(abs(r.stepLosses[0] - Foundation.log(3.0)) < 0.05)
        c.recordedSteps = 4
        #expect(try TrainerTests.run(.fp32, .automatic, configuration: c).stepLosses == Array(r.stepLosses.prefix(4)))
        c.recordedSteps = 0
        #expect(try TrainerTests.run(.fp32, .automatic, configuration: c).stepLosses.isEmpty)
    }

    @Test("without shuffling every epoch visits the images in order, and the run differs from the shuffled one")
    func noShuffle() throws {
        var c = TrainerTests.configuration(epochs: 2)
        #expect(c.order(epoch: 1, count: 5) != Array(0..<5) || c.order(epoch: 2, count: 5) != Array(0..<5))
        #expect(c.order(epoch: 1, count: 100) != c.order(epoch: 2, count: 100))
        let shuffled = try TrainerTests.run(.fp32, .automatic, configuration: c)
        c.shuffles = false
        #expect(c.order(epoch: 1, count: 100) == Array(0..<100) && c.order(epoch: 9, count: 100) == Array(0..<100))
        let ordered = try TrainerTests.run(.fp32, .automatic, configuration: c)
        #expect(TrainerTests.fingerprint(ordered) != TrainerTests.fingerprint(shuffled))
        c.threads = 2
        #expect(TrainerTests.fingerprint(try TrainerTests.run(.fp32, .automatic, configuration: c))
                == TrainerTests.fingerprint(ordered))
    }

    @Test("a scaled recipe follows the schedule and keeps its step losses")
    func scaledSchedule() throws {
        let recipe = try ScaledTrainingTests.recipe("mxfp8-e4m3")
        var c = TrainerTests.configuration(epochs: 3)
        c.recordedSteps = 20
        let base = try TrainingRun.train(recipe: recipe, configuration: c, policy: TrainingPolicy(),
                                         data: ScaledTrainingTests.data)
        #expect(base.stepLosses.count == 20)
        c.schedule = .step
        let stepped = try TrainingRun.train(recipe: recipe, configuration: c, policy: TrainingPolicy(),
                                            data: ScaledTrainingTests.data)
        #expect(stepped.epochs[0].trainLoss.bitPattern == base.epochs[0].trainLoss.bitPattern)
        #expect(stepped.epochs[2].trainLoss != base.epochs[2].trainLoss)
    }
}
