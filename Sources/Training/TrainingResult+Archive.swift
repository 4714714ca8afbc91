import DataFiles
import SoftFloat

/// A training run's result as JSON that reads back exactly: every field, the weights
/// included, every `Double` to the bit (finite values as the shortest decimal that reads
/// back as them; infinities as `"inf"` and `"-inf"`, NaNs as `"nan 0x…"` with their bit
/// pattern). This is what `report --shard` writes and `report --merge` reads; `train
/// --json` writes the lighter `TrainingResult.json`.
///
///     let json = result.archive
///     let back = try TrainingResult(archive: try JSONValue(parsing: json.text()))
///     back.weights == result.weights    // true, bit for bit
///
/// Edge cases: throws `TrainingResult.ArchiveError` naming the first field that is missing or of the
/// wrong kind, or a format, rounding mode or loss that this build does not know.
extension TrainingResult {
    /// Why an archived result could not be read: the field, and what was wrong with it.
    public struct ArchiveError: Error, CustomStringConvertible, Equatable {
        public let message: String
        public init(_ message: String) { self.message = message }
        public var description: String { message }
    }

    public var archive: JSONValue {
        typealias Members = [(String, JSONValue)]
        func events(_ e: NumericalEvents) -> JSONValue {
            let members: Members = [
                ("overflows", .int(e.overflows)), ("underflows_to_zero", .int(e.underflowsToZero)),
                ("nans", .int(e.nans)), ("swallowed_updates", .int(e.swallowedUpdates)),
                ("saturations", .int(e.saturations)),
            ]
            return .object(members)
        }
        func scaling(_ e: ScalingEvents?) -> JSONValue {
            guard let e else { return .null }
            let counts: Members = ScalingEvent.allCases.map { ($0.rawValue, JSONValue.int(e[$0])) }
            return .object([("blocks", .int(e.blocks)), ("elements", .int(e.elements))] + counts)
        }
        func exact(_ x: Double) -> JSONValue { Self.exact(x) }
        func optional(_ x: Double?) -> JSONValue { x.map(Self.exact) ?? .null }
        func optional(_ i: Int?) -> JSONValue { i.map(JSONValue.int) ?? .null }
        func optional(_ s: String?) -> JSONValue { s.map(JSONValue.string) ?? .null }
        func doubles(_ xs: [Double]?) -> JSONValue { xs.map { .array($0.map(Self.exact)) } ?? .null }
        func record(_ r: EpochRecord) -> JSONValue {
            let members: Members = [
                ("epoch", .int(r.epoch)), ("train_loss", exact(r.trainLoss)), ("train_accuracy", exact(r.trainAccuracy)),
                ("validation_loss", optional(r.validationLoss)), ("validation_accuracy", optional(r.validationAccuracy)),
                ("seconds", exact(r.seconds)), ("steps", .int(r.steps)), ("events", events(r.events)),
                ("scaling_events", scaling(r.scaling)),
            ]
            return .object(members)
        }
        let p = policy, c = configuration
        let policyMembers: Members = [
            ("accumulation", optional(p.accumulation?.name)),
            ("master_weights", optional(p.masterWeights?.name)),
            ("rounding", .string(p.rounding.rawValue)),
            ("stochastic_update", .bool(p.stochasticUpdate)),
            ("loss_scale", optional(p.lossScale)),
        ]
        let configurationMembers: Members = [
            ("epochs", .int(c.epochs)), ("learning_rate", exact(c.learningRate)), ("batch_size", .int(c.batchSize)),
            ("seed", .string(String(c.seed))), ("threads", .int(c.threads)), ("loss", .string(c.loss.rawValue)),
            ("weight_decay", exact(c.weightDecay)), ("patience", optional(c.patience)),
            ("initial_standard_deviation", exact(c.initialStandardDeviation)),
            ("skips_zero_features", .bool(c.skipsZeroFeatures)),
            ("learning_rate_schedule", .string(c.schedule.rawValue)), ("shuffles", .bool(c.shuffles)),
            ("recorded_steps", .int(c.recordedSteps)),
        ]
        var nonFinite = JSONValue.null
        if let e = firstNonFinite {
            let members: Members = [("epoch", .int(e.epoch)), ("step", .int(e.step)), ("example", optional(e.example)),
                                    ("reason", .string(e.reason))]
            nonFinite = .object(members)
        }
        let head: Members = [
            ("format", .string(format)), ("arithmetic", .string(arithmetic)), ("recipe", optional(recipe)),
            ("policy", .object(policyMembers)), ("configuration", .object(configurationMembers)),
            ("train_examples", .int(trainCount)), ("validation_examples", .int(validationCount)),
            ("test_examples", .int(testCount)), ("validation_is_test", .bool(validationIsTest)),
        ]
        let tail: Members = [
            ("epochs", .array(epochs.map(record))), ("test_loss", optional(testLoss)),
            ("test_accuracy", optional(testAccuracy)), ("first_non_finite", nonFinite),
            ("best_epoch", optional(bestEpoch)), ("stopped_early", .bool(stoppedEarly)),
            ("setup_events", events(setupEvents)),
            ("master_setup_events", masterSetupEvents.map(events) ?? .null),
            ("seconds", exact(seconds)), ("weights", doubles(weights)), ("bias", doubles(bias)),
            ("master_weights", doubles(masterWeights)), ("step_losses", doubles(stepLosses)),
        ]
        return .object(head + tail)
    }

    /// Reads back what `archive` wrote.
    public init(archive json: JSONValue) throws(ArchiveError) {
        let r = ArchiveReader(json, path: "")
        func events(_ e: ArchiveReader) throws(ArchiveError) -> NumericalEvents {
            var events = NumericalEvents()
            events.overflows = try e.int("overflows")
            events.underflowsToZero = try e.int("underflows_to_zero")
            events.nans = try e.int("nans")
            events.swallowedUpdates = try e.int("swallowed_updates")
            events.saturations = try e.int("saturations")
            return events
        }
        let p = try r.object("policy"), c = try r.object("configuration")
        var policy = TrainingPolicy()
        policy.accumulation = try p.optionalString("accumulation").map { name throws(ArchiveError) in
            try p.floatFormat(name, "accumulation")
        }
        policy.masterWeights = try p.optionalString("master_weights").map { name throws(ArchiveError) in
            try p.floatFormat(name, "master_weights")
        }
        policy.rounding = try p.enumeration("rounding", RoundingMode.init(rawValue:))
        policy.stochasticUpdate = try p.bool("stochastic_update")
        policy.lossScale = try p.optionalDouble("loss_scale")
        var configuration = TrainingConfiguration()
        configuration.epochs = try c.int("epochs")
        configuration.learningRate = try c.double("learning_rate")
        configuration.batchSize = try c.int("batch_size")
        configuration.seed = try c.enumeration("seed", UInt64.init)
        configuration.threads = try c.int("threads")
        configuration.loss = try c.enumeration("loss", LossFunction.init(rawValue:))
        configuration.weightDecay = try c.double("weight_decay")
        configuration.patience = try c.optionalInt("patience")
        configuration.initialStandardDeviation = try c.double("initial_standard_deviation")
        configuration.skipsZeroFeatures = try c.bool("skips_zero_features")
        configuration.schedule = try c.enumeration("learning_rate_schedule", LearningRateSchedule.init(rawValue:))
        configuration.shuffles = try c.bool("shuffles")
        configuration.recordedSteps = try c.int("recorded_steps")
        var records: [EpochRecord] = []
        for e in try r.array("epochs") {
            var scaling: ScalingEvents?
            if let s = try e.optionalObject("scaling_events") {
                var counts = ScalingEvents()
                counts.blocks = try s.int("blocks")
                counts.elements = try s.int("elements")
                for event in ScalingEvent.allCases { counts[event] = try s.int(event.rawValue) }
                scaling = counts
            }
            records.append(EpochRecord(
                epoch: try e.int("epoch"), trainLoss: try e.double("train_loss"),
                trainAccuracy: try e.double("train_accuracy"), validationLoss: try e.optionalDouble("validation_loss"),
                validationAccuracy: try e.optionalDouble("validation_accuracy"), seconds: try e.double("seconds"),
                steps: try e.int("steps"), events: try events(try e.object("events")), scaling: scaling))
        }
        var firstNonFinite: NonFiniteEvent?
        if let f = try r.optionalObject("first_non_finite") {
            firstNonFinite = NonFiniteEvent(epoch: try f.int("epoch"), step: try f.int("step"),
                                            example: try f.optionalInt("example"), reason: try f.string("reason"))
        }
        self.init(format: try r.string("format"), arithmetic: try r.string("arithmetic"), policy: policy,
                  configuration: configuration, trainCount: try r.int("train_examples"),
                  validationCount: try r.int("validation_examples"), testCount: try r.int("test_examples"),
                  validationIsTest: try r.bool("validation_is_test"), epochs: records,
                  testLoss: try r.optionalDouble("test_loss"), testAccuracy: try r.optionalDouble("test_accuracy"),
                  firstNonFinite: firstNonFinite, bestEpoch: try r.optionalInt("best_epoch"),
                  stoppedEarly: try r.bool("stopped_early"), setupEvents: try events(try r.object("setup_events")),
                  masterSetupEvents: try r.optionalObject("master_setup_events").map { e throws(ArchiveError) in
                      try events(e)
                  },
                  weights: try r.doubles("weights"), bias: try r.doubles("bias"),
                  masterWeights: try r.isNull("master_weights") ? nil : try r.doubles("master_weights"),
                  seconds: try r.double("seconds"), recipe: try r.optionalString("recipe"),
                  stepLosses: try r.doubles("step_losses"))
    }

    /// `x` exactly: a number when finite, else `"inf"`, `"-inf"` or `"nan 0x7ff8000000000000"`.
    static func exact(_ x: Double) -> JSONValue {
        if x.isFinite { return .number(x) }
        if x.isInfinite { return .string(x < 0 ? "-inf" : "inf") }
        let hex = String(x.bitPattern, radix: 16)
        return .string("nan 0x" + String(repeating: "0", count: 16 - hex.count) + hex)
    }

    /// The `Double` that `exact` wrote, or nil.
    static func exactValue(_ json: JSONValue) -> Double? {
        switch json {
        case let .number(x): return x
        case let .int(i): return Double(exactly: i)
        case .string("inf"): return .infinity
        case .string("-inf"): return -.infinity
        case let .string(s) where s.hasPrefix("nan 0x") && s.count == 22:
            guard let bits = UInt64(s.dropFirst(6), radix: 16) else { return nil }
            let x = Double(bitPattern: bits)
            return x.isNaN ? x : nil
        default: return nil
        }
    }
}

/// The fields of one archived object, read with errors that name the field's path.
private struct ArchiveReader {
    typealias ArchiveError = TrainingResult.ArchiveError

    let json: JSONValue
    let path: String

    init(_ json: JSONValue, path: String) {
        self.json = json
        self.path = path
    }

    func name(_ key: String) -> String { path.isEmpty ? key : path + "." + key }

    func field(_ key: String) throws(ArchiveError) -> JSONValue {
        guard case .object = json else { throw ArchiveError("\(path.isEmpty ? "the result" : path) is not an object") }
        guard let value = json[key] else { throw ArchiveError("field '\(name(key))' is missing") }
        return value
    }

    func wrong(_ key: String, _ expected: String) -> ArchiveError {
        ArchiveError("field '\(name(key))' is not \(expected)")
    }

    func isNull(_ key: String) throws(ArchiveError) -> Bool { try field(key).isNull }

    func int(_ key: String) throws(ArchiveError) -> Int {
        guard case let .int(i) = try field(key) else { throw wrong(key, "an integer") }
        return i
    }

    func optionalInt(_ key: String) throws(ArchiveError) -> Int? { try isNull(key) ? nil : try int(key) }

    func double(_ key: String) throws(ArchiveError) -> Double {
        guard let x = TrainingResult.exactValue(try field(key)) else { throw wrong(key, "a number") }
        return x
    }

    func optionalDouble(_ key: String) throws(ArchiveError) -> Double? { try isNull(key) ? nil : try double(key) }

    func doubles(_ key: String) throws(ArchiveError) -> [Double] {
        guard let items = try field(key).arrayValue else { throw wrong(key, "a list of numbers") }
        var values: [Double] = []
        values.reserveCapacity(items.count)
        for item in items {
            guard let x = TrainingResult.exactValue(item) else { throw wrong(key, "a list of numbers") }
            values.append(x)
        }
        return values
    }

    func bool(_ key: String) throws(ArchiveError) -> Bool {
        guard let b = try field(key).boolValue else { throw wrong(key, "true or false") }
        return b
    }

    func string(_ key: String) throws(ArchiveError) -> String {
        guard let s = try field(key).stringValue else { throw wrong(key, "a string") }
        return s
    }

    func optionalString(_ key: String) throws(ArchiveError) -> String? { try isNull(key) ? nil : try string(key) }

    func enumeration<T>(_ key: String, _ make: (String) -> T?) throws(ArchiveError) -> T {
        let text = try string(key)
        guard let value = make(text) else { throw ArchiveError("field '\(name(key))': unknown value '\(text)'") }
        return value
    }

    func floatFormat(_ name: String, _ key: String) throws(ArchiveError) -> FloatFormat {
        do {
            return try FloatFormat(name: name)
        } catch {
            throw ArchiveError("field '\(self.name(key))': unknown format '\(name)'")
        }
    }

    func object(_ key: String) throws(ArchiveError) -> ArchiveReader {
        let value = try field(key)
        guard case .object = value else { throw wrong(key, "an object") }
        return ArchiveReader(value, path: name(key))
    }

    func optionalObject(_ key: String) throws(ArchiveError) -> ArchiveReader? { try isNull(key) ? nil : try object(key) }

    func array(_ key: String) throws(ArchiveError) -> [ArchiveReader] {
        guard let items = try field(key).arrayValue else { throw wrong(key, "a list") }
        return items.enumerated().map { ArchiveReader($0.element, path: name(key) + "[\($0.offset)]") }
    }
}
