import Testing
import SoftFloat
import Training

/// Every NaN or infinite loss is traced to a counted event, named in the format where it
/// happened.
@Suite("non-finite results are attributed to counted events")
struct NonFiniteAttributionTests {
    static let data = TrainerTests.data

    @Test("a learning rate beyond fp16 is one counted overflow, and the diagnosis names it")
    func learningRateOverflow() throws {
        var configuration = TrainerTests.configuration(epochs: 1)
        configuration.learningRate = 1e30
        let result = try TrainerTests.run(.fp16, .soft, configuration: configuration)
        #expect(result.setupEvents.overflows == 1)
        let reason = try #require(result.firstNonFinite?.reason)
        #expect(reason.contains("the learning rate 1e+30 overflowed to inf in fp16"), "\(reason)")
    }

    @Test("a batch size beyond a finite format's largest value is counted each step and named")
    func batchSizeOverflow() throws {
        // e3m2fn: largest finite 24, so a batch of 32 rounds to NaN.
        var configuration = TrainerTests.configuration(epochs: 1)
        configuration.batchSize = 32
        let format = try FloatFormat(name: "e3m2fn")
        let result = try TrainerTests.run(format, .soft, configuration: configuration)
        // 240 examples: 7 batches of 32 (NaN in e3m2fn) and one of 16 (finite).
        #expect(result.epochs[0].steps == 8)
        #expect(result.epochs[0].events.overflows >= 7)
        let reason = try #require(result.firstNonFinite?.reason)
        #expect(reason.contains("the batch size 32 overflowed to NaN in e3m2fn"), "\(reason)")
        #expect(!result.epochs[0].trainLoss.isFinite || result.firstNonFinite != nil)
    }

    @Test("a naive loss that overflows exp in fp16 leaves NaN parameters, and an image with a NaN logit counts as wrong")
    func naiveOverflowAccuracy() throws {
        var configuration = TrainerTests.configuration(epochs: 2)
        configuration.learningRate = 30
        configuration.loss = .naive
        let result = try TrainerTests.run(.fp16, .soft, configuration: configuration)
        let reason = try #require(result.firstNonFinite?.reason)
        #expect(reason.contains("overflowed to ∞ in fp16"), "\(reason)")
        // The NaN reaches the gradients and the update: the bias, added to every logit, is NaN,
        // so every test image has a NaN logit, gets no predicted class and counts as wrong.
        let nanBias = result.bias.filter(\.isNaN).count
        #expect(nanBias > 0, "\(result.bias)")
        #expect(result.testAccuracy == 0)
    }

    @Test("rounding the initial weights to the master format is counted there, not in the training format")
    func masterSetupEvents() throws {
        let result = try TrainerTests.run(.fp32, .soft, configuration: TrainerTests.configuration(epochs: 1),
                                          policy: TrainingPolicy(masterWeights: try FloatFormat(name: "e2m1")))
        let master = try #require(result.masterSetupEvents)
        #expect(master.underflowsToZero > 0)
        #expect(result.setupEvents.underflowsToZero == 0)
        #expect(try TrainerTests.run(.fp32, .soft, configuration: TrainerTests.configuration(epochs: 1))
            .masterSetupEvents == nil)
    }
}
