/// Per-tensor scaling, as INT8 and FP8 quantisation recipes do it: one FP32 scale s for a
/// whole tensor, chosen from its largest magnitude amax so that amax maps to the element
/// format's largest value, and elements `round(v / s)`.
///
///     let int8 = TensorScaledFormat(element: .int8)              // s = amax / 127
///     let e4m3 = TensorScaledFormat(element: .float(.fp8E4M3))   // s = amax / 448
///     var env = FloatEnvironment()
///     var events = ScalingEvents()
///     let tensor = e4m3.encode(values, from: .fp32, amax: nil, &env, events: &events)
///
/// The quotients are FP32 operations, rounded to nearest-even, as the frameworks compute
/// them (`s = amax / max`, then `v / s`); only the last rounding, into the element format,
/// follows the environment's mode, and it clamps to the largest element. With
/// `powerOfTwo` the scale is the least power of two with amax / s ≤ max, and `v / s` is
/// exact. `current` scaling takes amax from the tensor itself; `delayed` scaling (the
/// amax history of Transformer Engine's recipes) passes the amax of earlier steps, and
/// what it fails to cover clips.
///
/// Edge cases: an all-zero tensor (or amax 0) gets the scale 1; a NaN or infinite amax,
/// or a scale that overflows FP32, gives the NaN scale (every element decodes as NaN).
/// Stochastic rounding: element i rounds with `env.random` at counter c + i, c the
/// counter on entry, which is left at c + count.
public struct TensorScaledFormat: Hashable, Sendable {
    /// The elements; integer elements are the integers −127…127.
    public let element: ScaledElement
    /// Scales restricted to powers of two.
    public let powerOfTwo: Bool

    public init(element: ScaledElement, powerOfTwo: Bool = false) {
        self.element = element
        self.powerOfTwo = powerOfTwo
    }

    /// The largest element magnitude: 127, or the format's largest finite value.
    public var largestElement: Double { element.largest(unitExponent: 0) }

    /// The value of a tensor's scale (its FP32 bits).
    public static func scaleValue(of tensor: ScaledBlock) -> Double {
        Double(Float(bitPattern: UInt32(truncatingIfNeeded: tensor.scale)))
    }

    /// The largest magnitude of `values`, as a `Double`; NaN if any value is a NaN.
    public static func amax(_ values: [UInt64], in source: FloatFormat) -> Double {
        var amax = 0.0
        for v in values {
            if source.isNaN(v) { return .nan }
            amax = max(amax, abs(source.toDouble(v)))
        }
        return amax
    }

    /// The FP32 scale for a largest magnitude `amax`, as FP32 bits.
    public func scale(amax: Double) -> UInt32 {
        let fp32 = FloatFormat.fp32
        guard amax.isFinite else { return UInt32(fp32.defaultNaN) }
        guard amax > 0 else { return Float(1).bitPattern }
        var env = FloatEnvironment()
        let amax32 = fp32.fromDouble(amax, &env)    // amax of an fp32 tensor is exact
        if powerOfTwo {
            let e = Int(amax.exponent) - Int(largestElement.exponent)
            let exponent = amax <= largestElement * pow2(e) ? e : e + 1
            guard (-149...127).contains(exponent) else {
                return exponent > 127 ? UInt32(fp32.defaultNaN) : 1
            }
            return UInt32(fp32.fromDouble(pow2(exponent), &env))
        }
        let scale = fp32.divide(amax32, fp32.fromDouble(largestElement, &env), &env)
        if fp32.isInfinite(scale) { return UInt32(fp32.defaultNaN) }
        return UInt32(fp32.isZero(scale) ? fp32.leastNonzeroMagnitude : scale)
    }

    /// Encodes a tensor. `amax` is the largest magnitude to scale for: nil for current
    /// scaling (the tensor's own), or a delayed amax from earlier steps.
    public func encode(_ values: [UInt64], from source: FloatFormat, amax: Double? = nil,
                       _ env: inout FloatEnvironment, events: inout ScalingEvents) -> ScaledBlock {
        let counter = env.random.counter
        defer { env.random.counter = counter &+ UInt64(values.count) }
        events.blocks += 1
        events.elements += values.count
        let own = Self.amax(values, in: source)
        let hasInfinity = values.contains { source.isInfinite($0) }
        let scaleBits = hasInfinity ? UInt32(FloatFormat.fp32.defaultNaN) : scale(amax: amax ?? own)
        let fp32 = FloatFormat.fp32
        if own == 0 { events[.zeroBlocks] += 1 }
        guard !fp32.isNaN(UInt64(scaleBits)) else {
            events[.scaleOverflows] += 1
            return ScaledBlock(scale: UInt64(scaleBits), elements: Array(repeating: 0, count: values.count))
        }
        let scale = UInt64(scaleBits)
        let limit = largestElement
        let elements = values.enumerated().map { i, v -> UInt64 in
            env.random.counter = counter &+ UInt64(i)
            // v / s in FP32, nearest-even, as the frameworks compute it.
            var quotientEnv = FloatEnvironment()
            let v32 = fp32.convert(v, from: source, &quotientEnv)
            let q = fp32.divide(v32, scale, &quotientEnv)
            if abs(fp32.toDouble(q)) > limit { events[.clipped] += 1 }
            let code = element.encode(q, from: fp32, scaledBy: 0, unitExponent: 0, &env)
            if !source.isZero(v) && element.value(of: code, unitExponent: 0) == 0 { events[.flushedToZero] += 1 }
            return code
        }
        return ScaledBlock(scale: UInt64(scaleBits), elements: elements)
    }

    /// The values a tensor holds: each element times the scale, exactly.
    public func decode(_ tensor: ScaledBlock) -> [Double] {
        let s = Self.scaleValue(of: tensor)
        return tensor.elements.map { element.value(of: $0, unitExponent: 0) * s }
    }
}

/// The amax history of delayed scaling: the largest magnitudes of the last `length`
/// tensors, whose maximum scales the next one.
///
///     var history = AmaxHistory(length: 16)
///     let tensor = format.encode(values, from: .fp32, amax: history.amax, &env, events: &events)
///     history.record(TensorScaledFormat.amax(values, in: .fp32))
///
/// Edge cases: an empty history has no amax (nil: scale the first tensor by its own).
public struct AmaxHistory: Equatable, Sendable {
    public let length: Int
    public private(set) var recent: [Double] = []

    public init(length: Int) {
        precondition(length >= 1, "the history holds at least one amax")
        self.length = length
    }

    public var amax: Double? { recent.max() }

    public mutating func record(_ amax: Double) {
        recent.append(amax)
        if recent.count > length { recent.removeFirst(recent.count - length) }
    }
}
