import DataFiles
import SoftFloat
import TrainingArithmetic

/// The figures of one epoch.
///
/// The training loss and accuracy are averages over the epoch's minibatches as they were
/// trained (the parameters change along the way), as the book reports them; validation
/// figures come from a full pass after the epoch.
public struct EpochRecord: Sendable, Equatable {
    /// 1-based.
    public var epoch: Int
    public var trainLoss: Double
    public var trainAccuracy: Double
    public var validationLoss: Double?
    public var validationAccuracy: Double?
    /// Wall-clock seconds of the epoch, evaluation included.
    public var seconds: Double
    public var steps: Int
    /// The numerical events of the epoch's training steps.
    public var events: NumericalEvents
    /// With a scaled format: what the scaling of the epoch's operands clipped, flushed and
    /// found empty.
    public var scaling: ScalingEvents? = nil
}

/// Where a run's time went, in wall-clock seconds summed over its epochs, phase by phase
/// as the trainer runs them (`bench train` prints them; nothing else depends on them).
///
///     let start = ContinuousClock.now
///     forwardPhase(...)
///     phases.add(.forward, since: start)
///
/// The elementwise trainer has `forward` (every example's logits, loss and logit gradient),
/// `backward` (the weight gradient's products, its rounding and the update, fused row by
/// row) and `evaluation`; a scaled recipe splits its step into `quantisation` (the four
/// operands and their transposes), `forward` (the logits' products), `rest` (softmax, loss
/// and logit gradient), `backward` (the weight gradient's products) and `update`.
public struct PhaseTimes: Sendable, Equatable {
    public enum Phase: String, CaseIterable, Sendable {
        case quantisation, forward, rest, backward, update, evaluation
    }

    private var seconds = [Double](repeating: 0, count: Phase.allCases.count)

    public init() {}

    public subscript(_ phase: Phase) -> Double {
        get { seconds[Phase.allCases.firstIndex(of: phase)!] }
        set { seconds[Phase.allCases.firstIndex(of: phase)!] = newValue }
    }

    /// Adds the time from `start` to now to `phase`.
    mutating func add(_ phase: Phase, since start: ContinuousClock.Instant) {
        self[phase] += (ContinuousClock.now - start).seconds
    }

    /// Every phase's seconds added.
    public var total: Double { seconds.reduce(0, +) }
}

/// The first training step that produced an infinity or a NaN, and why.
public struct NonFiniteEvent: Sendable, Equatable {
    public var epoch: Int
    /// The step counted from the start of training, 1-based.
    public var step: Int
    /// The example's position in its batch (0-based), when an example's loss was the cause.
    public var example: Int?
    public var reason: String

    public var description: String {
        "step \(step) (epoch \(epoch)\(example.map { ", example \($0) of the batch" } ?? "")): \(reason)"
    }
}

/// Everything a training run measured.
public struct TrainingResult: Sendable {
    public var format: String
    /// How the arithmetic was carried out (fast path or soft-float path).
    public var arithmetic: String
    public var policy: TrainingPolicy
    public var configuration: TrainingConfiguration
    public var trainCount: Int
    public var validationCount: Int
    public var testCount: Int
    /// The validation set is the test set (the book's choice).
    public var validationIsTest: Bool
    public var epochs: [EpochRecord]
    public var testLoss: Double?
    public var testAccuracy: Double?
    public var firstNonFinite: NonFiniteEvent?
    /// With early stopping: the epoch whose parameters were kept.
    public var bestEpoch: Int?
    public var stoppedEarly: Bool
    /// Events while rounding the data, the initial weights and (without a master format)
    /// the update's constants to the format.
    public var setupEvents: NumericalEvents
    /// With master weights: the events of rounding the initial weights and the update's
    /// constants to the master format.
    public var masterSetupEvents: NumericalEvents? = nil
    /// The trained weights (input-major) and bias, exactly.
    public var weights: [Double]
    public var bias: [Double]
    /// With master weights: the master copy, exactly.
    public var masterWeights: [Double]?
    public var seconds: Double
    /// With a scaled format: the recipe, in words (`ScaledRecipe.description`).
    public var recipe: String? = nil
    /// The mean training loss of each of the first `configuration.recordedSteps` minibatches.
    public var stepLosses: [Double] = []
    /// Where the epochs' time went (measured; not part of the results).
    public var phases = PhaseTimes()

    /// Every figure, for scripts and reports: the keys `epochs` (a list of per-epoch
    /// records) and `test_accuracy` (a fraction), and the run's settings.
    public var json: JSONValue {
        func events(_ e: NumericalEvents) -> JSONValue {
            .object([("overflows", .int(e.overflows)), ("underflows_to_zero", .int(e.underflowsToZero)),
                     ("nans", .int(e.nans)), ("swallowed_updates", .int(e.swallowedUpdates)),
                     ("saturations", .int(e.saturations))])
        }
        func scalingEvents(_ e: ScalingEvents) -> JSONValue {
            .object([("blocks", .int(e.blocks)), ("elements", .int(e.elements)), ("clipped", .int(e[.clipped])),
                     ("flushed_to_zero", .int(e[.flushedToZero])), ("zero_blocks", .int(e[.zeroBlocks])),
                     ("scale_overflows", .int(e[.scaleOverflows])), ("scale_underflows", .int(e[.scaleUnderflows]))])
        }
        let records: [JSONValue] = epochs.map { r in
            let scaling: [(String, JSONValue)] = r.scaling.map { [("scaling_events", scalingEvents($0))] } ?? []
            let fields: [(String, JSONValue)] = [
                ("epoch", .int(r.epoch)),
                ("train_loss", .number(r.trainLoss)),
                ("train_accuracy", .number(r.trainAccuracy)),
                ("validation_loss", .number(r.validationLoss)),
                ("validation_accuracy", .number(r.validationAccuracy)),
                ("seconds", .number(r.seconds)),
                ("steps", .int(r.steps)),
                ("events", events(r.events)),
            ]
            return .object(fields + scaling)
        }
        let c = configuration
        let recipeField: [(String, JSONValue)] = recipe.map { [("recipe", JSONValue.string($0))] } ?? []
        let head: [(String, JSONValue)] = [("format", .string(format)), ("arithmetic", .string(arithmetic))]
        let fields: [(String, JSONValue)] = [
            ("policy", .object([
                ("name", .string(policy.name)),
                ("accumulation", policy.accumulation.map { .string($0.name) } ?? .null),
                ("master_weights", policy.masterWeights.map { .string($0.name) } ?? .null),
                ("rounding", .string(policy.rounding.rawValue)),
                ("stochastic_update", .bool(policy.stochasticUpdate)),
                ("loss_scale", .number(policy.lossScale)),
            ])),
            ("loss", .string(c.loss.rawValue)),
            ("epochs_requested", .int(c.epochs)),
            ("learning_rate", .number(c.learningRate)),
            ("batch_size", .int(c.batchSize)),
            ("seed", .string(String(c.seed))),
            ("threads", .int(c.threads)),
            ("weight_decay", .number(c.weightDecay)),
            ("patience", c.patience.map { .int($0) } ?? .null),
            ("learning_rate_schedule", .string(c.schedule.rawValue)),
            ("shuffles", .bool(c.shuffles)),
            ("train_examples", .int(trainCount)),
            ("validation_examples", .int(validationCount)),
            ("validation_is_test", .bool(validationIsTest)),
            ("test_examples", .int(testCount)),
            ("setup_events", events(setupEvents)),
            ("master_setup_events", masterSetupEvents.map(events) ?? .null),
            ("epochs", .array(records)),
            ("best_epoch", bestEpoch.map { .int($0) } ?? .null),
            ("stopped_early", .bool(stoppedEarly)),
            ("test_loss", .number(testLoss)),
            ("test_accuracy", .number(testAccuracy)),
            ("first_non_finite", firstNonFinite.map { e in
                .object([("epoch", .int(e.epoch)), ("step", .int(e.step)),
                         ("example", e.example.map { .int($0) } ?? .null), ("reason", .string(e.reason))])
            } ?? .null),
            ("seconds", .number(seconds)),
        ]
        let steps: [(String, JSONValue)] = c.recordedSteps > 0
            ? [("step_losses", .array(stepLosses.map { .number($0) }))] : []
        return .object(head + recipeField + fields + steps)
    }
}
