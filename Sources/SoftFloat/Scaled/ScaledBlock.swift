/// What scaling counts.
public enum ScalingEvent: String, CaseIterable, Sendable {
    /// Elements whose magnitude over the scale exceeded the largest element: clamped to it.
    case clipped
    /// Nonzero elements that became zero.
    case flushedToZero
    /// Blocks (or tensors) whose values were all zero.
    case zeroBlocks
    /// Blocks whose scale exceeded its range (the NaN scale), or that held a NaN or an infinity.
    case scaleOverflows
    /// Blocks whose scale fell below its range: raised to its least value, or zero.
    case scaleUnderflows
}

/// The `ScalingEvent`s of the blocks and elements encoded, counted.
///
///     events[.clipped] += 1
public struct ScalingEvents: Equatable, Sendable {
    public var blocks = 0
    public var elements = 0
    private var counts = [Int](repeating: 0, count: ScalingEvent.allCases.count)

    public init() {}

    public subscript(event: ScalingEvent) -> Int {
        get { counts[ScalingEvent.allCases.firstIndex(of: event)!] }
        set { counts[ScalingEvent.allCases.firstIndex(of: event)!] = newValue }
    }

    public static func += (lhs: inout ScalingEvents, rhs: ScalingEvents) {
        lhs.blocks += rhs.blocks
        lhs.elements += rhs.elements
        for i in lhs.counts.indices { lhs.counts[i] += rhs.counts[i] }
    }
}

/// One scale and the element codes it applies to: an MX block (an E8M0 scale), an NVFP4
/// block (an E4M3 scale) or a per-tensor-scaled tensor (an FP32 scale), as bit patterns.
public struct ScaledBlock: Equatable, Sendable {
    public var scale: UInt64
    public var elements: [UInt64]

    public init(scale: UInt64, elements: [UInt64]) {
        self.scale = scale
        self.elements = elements
    }
}

/// The elements of a scaled format: a binary format, or 8-bit integers whose unit the
/// scaled format says (2^-6 in MXINT8, 1 in per-tensor INT8).
public enum ScaledElement: Hashable, Sendable {
    /// FP8 E4M3 or E5M2, FP6 E2M3 or E3M2, FP4 E2M1, ...
    case float(FloatFormat)
    /// An 8-bit two's complement integer n, clamped to ±127 (symmetric), meaning n × unit.
    case int8

    /// The width of one element code in bits.
    public var bitWidth: Int {
        switch self {
        case let .float(format): return format.bitWidth
        case .int8: return 8
        }
    }

    /// The largest finite element magnitude (127 × 2^unitExponent for integers).
    public func largest(unitExponent: Int) -> Double {
        switch self {
        case let .float(format): return format.toDouble(format.maxFiniteMagnitude)
        case .int8: return 127 * pow2(unitExponent)
        }
    }

    /// The value of an element code, before the scale.
    public func value(of code: UInt64, unitExponent: Int) -> Double {
        switch self {
        case let .float(format): return format.toDouble(code)
        case .int8: return Double(Int8(bitPattern: UInt8(truncatingIfNeeded: code))) * pow2(unitExponent)
        }
    }

    /// `x × 2^power` from `source`, rounded once in `env`'s mode into the element and clamped
    /// to the largest element.
    func encode(_ x: UInt64, from source: FloatFormat, scaledBy power: Int, unitExponent: Int,
                _ env: inout FloatEnvironment) -> UInt64 {
        var clamping = env
        clamping.saturates = true
        defer {
            env.flags.formUnion(clamping.flags)
            env.random = clamping.random
        }
        switch self {
        case let .float(format):
            return format.convert(x, from: source, scaledBy: power, &clamping)
        case .int8:
            // n = round(x × 2^power / unit), then clamped to ±127.
            let scaled = FloatFormat.fp64.convert(x, from: source, scaledBy: power - unitExponent, &clamping)
            let integral = Double(bitPattern: FloatFormat.fp64.roundToIntegral(scaled, &clamping))
            return UInt64(UInt8(bitPattern: Int8(max(-127, min(127, integral)))))
        }
    }
}
