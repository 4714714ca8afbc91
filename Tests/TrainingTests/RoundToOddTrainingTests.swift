import SoftFloat
import Testing
import Training
import TrainingArithmetic

/// Training with every operation rounded to odd.
@Suite("Training under round to odd")
struct RoundToOddTrainingTests {
    @Test func fastAndSoftAndThreadCountsAgree() throws {
        let policy = TrainingPolicy(rounding: .odd)
        let configuration = TrainerTests.configuration(epochs: 3)
        let soft = try TrainerTests.run(.bf16, .soft, configuration: configuration, policy: policy)
        let fast = try TrainerTests.run(.bf16, .fast, configuration: configuration, policy: policy)
        let two = try TrainerTests.run(.bf16, .soft, configuration: TrainerTests.configuration(epochs: 3, threads: 2),
                                       policy: policy)
        #expect(TrainerTests.fingerprint(fast) == TrainerTests.fingerprint(soft))
        #expect(TrainerTests.fingerprint(two) == TrainerTests.fingerprint(soft))
        // The mode is in force: other bits than nearest-even's, and still learning.
        let even = try TrainerTests.run(.bf16, .soft, configuration: configuration)
        #expect(TrainerTests.fingerprint(even) != TrainerTests.fingerprint(soft))
        #expect(try #require(soft.testAccuracy) > 0.9)
    }

    @Test func theEightBitFormatsTrainToo() throws {
        for format in [NumberFormat.logarithmic(.lns8), .linear(LinearInt8Format(name: "int8s-s4")!)] {
            let one = try TrainingRun.train(format: format, path: .automatic,
                                            configuration: TrainerTests.configuration(epochs: 2),
                                            policy: TrainingPolicy(rounding: .odd), data: TrainerTests.data)
            let two = try TrainingRun.train(format: format, path: .automatic,
                                            configuration: TrainerTests.configuration(epochs: 2, threads: 2),
                                            policy: TrainingPolicy(rounding: .odd), data: TrainerTests.data)
            #expect(TrainerTests.fingerprint(one) == TrainerTests.fingerprint(two), "\(format.name)")
        }
    }
}
