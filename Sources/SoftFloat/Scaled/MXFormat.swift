/// A block-scaled format of the OCP Microscaling Formats (MX) specification v1.0: blocks of
/// `blockSize` (32) elements that share one power-of-two scale X, stored as an E8M0 code
/// (2^-127 … 2^127, 0xFF NaN); each element is `round(v / X)` in the element format.
///
///     var env = FloatEnvironment()
///     var events = ScalingEvents()
///     let mxfp8 = MXFormat(element: .float(.fp8E4M3))
///     let block = mxfp8.encode(values, from: .fp32, &env, events: &events)
///     let decoded = mxfp8.decode(block)     // [Double]
///
/// The shared scale follows `ScaleRule` (the specification's `floor` by default). Elements
/// are rounded once, in the environment's rounding mode, from the exact `v / X`, and clamped
/// to the element format's largest finite magnitude, as the specification says.
///
/// Edge cases, where the specification leaves a choice: a block holding a NaN or an
/// infinity gets the NaN scale (0xFF: every element decodes as NaN) and element codes
/// zero; an all-zero block gets the least scale 2^-127 and zero elements; a shared
/// exponent above 127 is the NaN scale (a scale overflow), one below −127 is raised to
/// −127 (a scale underflow: the small elements flush to zero).
///
/// Stochastic rounding: element i of the values encoded in one call rounds with
/// `env.random` at counter c + i, c the counter on entry, which is left at c + count; so
/// the elements draw independent bits, and `encode(tensor:)` gives element k of the
/// tensor the counter c + k.
public struct MXFormat: Hashable, Sendable {
    /// The elements; integer elements mean n × 2^-6 (MXINT8).
    public let element: ScaledElement
    public let blockSize: Int

    public init(element: ScaledElement, blockSize: Int = 32) {
        precondition(blockSize >= 1, "a block holds at least one element")
        self.element = element
        self.blockSize = blockSize
    }

    /// The unit of an integer element: 2^-6.
    static let integerUnitExponent = -6

    /// The exponent of the element format's largest normal binade: `emax_elem`.
    public var elementMaxExponent: Int {
        switch element {
        case let .float(format): return format.maxExponent
        case .int8: return 0
        }
    }

    /// The largest finite element magnitude: 448 for E4M3, 6 for E2M1, 127/64 for INT8.
    public var largestElement: Double { element.largest(unitExponent: Self.integerUnitExponent) }

    /// The value of an element code, before the block's scale.
    public func decodeElement(_ code: UInt64) -> Double {
        element.value(of: code, unitExponent: Self.integerUnitExponent)
    }
}

/// How the shared power-of-two scale X of a block is chosen from its largest magnitude.
public enum ScaleRule: String, CaseIterable, Sendable {
    /// The specification's rule: X = 2^(⌊log2 amax⌋ − emax_elem). The block maximum keeps
    /// the element format's top binade and may clip (E4M3: amax / X up to 511.9 > 448).
    case floor
    /// The least power of two with amax / X ≤ the largest element: nothing clips, at the
    /// cost of up to one binade of resolution.
    case ceiling
    /// X = 2^round(log2(amax / largest element)), the logarithm rounded half up.
    case nearest

    /// Accepts the case names and `ocp` for `floor`, `no-clip` for `ceiling`.
    public init?(name: String) {
        switch name.lowercased() {
        case "floor", "ocp", "spec": self = .floor
        case "ceiling", "ceil", "no-clip", "noclip": self = .ceiling
        case "nearest", "round": self = .nearest
        default: return nil
        }
    }
}

extension MXFormat {
    /// The scale exponents an E8M0 code holds.
    public static let scaleExponents = -127...127
    /// The E8M0 code of NaN.
    public static let nanScale: UInt64 = 0xFF

    /// A block's scale exponent, nil for the NaN scale.
    public static func scaleExponent(of block: ScaledBlock) -> Int? {
        block.scale == nanScale ? nil : Int(block.scale) - 127
    }

    /// The shared exponent of a block whose largest magnitude is `amax` (finite, nonzero),
    /// before it is brought into `scaleExponents`.
    public func sharedExponent(amax: Double, rule: ScaleRule) -> Int {
        let floorExponent = Int(amax.exponent) - elementMaxExponent
        switch rule {
        case .floor:
            return floorExponent
        case .ceiling:
            // The least e with amax ≤ largest × 2^e: floorExponent or the one above it.
            return amax <= largestElement * pow2(floorExponent) ? floorExponent : floorExponent + 1
        case .nearest:
            // log2(amax / largest) rounded to the nearest integer: the least e with
            // amax ≤ largest × 2^e, or one less where amax lies below the geometric
            // midpoint √2 × largest × 2^(e−1) (never on it: √2 is irrational).
            let e = sharedExponent(amax: amax, rule: .ceiling)
            return Self.isAtLeastRootTwoTimes(amax, largestElement * pow2(e - 1)) ? e : e - 1
        }
    }

    /// Whether a ≥ √2 × b, exactly (a² ≥ 2b²), for positive finite doubles.
    static func isAtLeastRootTwoTimes(_ a: Double, _ b: Double) -> Bool {
        // a = A × 2^(ea − 52) and b = B × 2^(eb − 52) with A, B in [2^52, 2^53).
        func integer(_ x: Double) -> UInt128 { UInt128(x.significand * 0x1p52) }
        let shift = 2 * (Int(b.exponent) - Int(a.exponent)) + 1     // a² ≥ b² × 2^shift
        if shift >= 2 { return false }
        if shift <= -2 { return true }
        let a2 = integer(a) * integer(a), b2 = integer(b) * integer(b)
        return shift == 1 ? a2 >= b2 << 1 : a2 << 1 >= b2
    }

    /// Encodes one block (at most `blockSize` values, fewer for a last partial block) of
    /// values in `source`'s encoding.
    public func encode(_ values: [UInt64], from source: FloatFormat, rule: ScaleRule = .floor,
                       _ env: inout FloatEnvironment, events: inout ScalingEvents) -> ScaledBlock {
        precondition(values.count <= blockSize, "a block holds at most \(blockSize) values")
        let counter = env.random.counter
        defer { env.random.counter = counter &+ UInt64(values.count) }
        events.blocks += 1
        events.elements += values.count
        var amax = 0.0
        for v in values {
            if source.isNaN(v) || source.isInfinite(v) {
                events[.scaleOverflows] += 1
                return ScaledBlock(scale: Self.nanScale, elements: Array(repeating: 0, count: values.count))
            }
            amax = max(amax, abs(source.toDouble(v)))
        }
        var exponent: Int
        if amax == 0 {
            events[.zeroBlocks] += 1
            exponent = Self.scaleExponents.lowerBound
        } else {
            exponent = sharedExponent(amax: amax, rule: rule)
            if exponent > Self.scaleExponents.upperBound {
                events[.scaleOverflows] += 1
                return ScaledBlock(scale: Self.nanScale, elements: Array(repeating: 0, count: values.count))
            }
            if exponent < Self.scaleExponents.lowerBound {
                events[.scaleUnderflows] += 1
                exponent = Self.scaleExponents.lowerBound
            }
        }
        let limit = largestElement
        var elements: [UInt64] = []
        elements.reserveCapacity(values.count)
        for (i, v) in values.enumerated() {
            env.random.counter = counter &+ UInt64(i)
            let code = element.encode(v, from: source, scaledBy: -exponent, unitExponent: Self.integerUnitExponent, &env)
            let magnitude = abs(source.toDouble(v))
            if magnitude / pow2(exponent) > limit { events[.clipped] += 1 }
            if magnitude != 0 && decodeElement(code) == 0 { events[.flushedToZero] += 1 }
            elements.append(code)
        }
        return ScaledBlock(scale: UInt64(exponent + 127), elements: elements)
    }

    /// Encodes `values` block after block along their order.
    public func encode(tensor values: [UInt64], from source: FloatFormat, rule: ScaleRule = .floor,
                       _ env: inout FloatEnvironment, events: inout ScalingEvents) -> [ScaledBlock] {
        stride(from: 0, to: values.count, by: blockSize).map { start in
            let block = Array(values[start..<min(start + blockSize, values.count)])
            return encode(block, from: source, rule: rule, &env, events: &events)
        }
    }

    /// The values a block holds, exactly (every MX value fits in a `Double`).
    public func decode(_ block: ScaledBlock) -> [Double] {
        guard let exponent = Self.scaleExponent(of: block) else { return block.elements.map { _ in .nan } }
        let scale = pow2(exponent)
        return block.elements.map { decodeElement($0) * scale }
    }
}

/// 2^e for the exponents a scale or a quotient of scales can have, exactly.
@inlinable
func pow2(_ e: Int) -> Double {
    Double(sign: .plus, exponent: e, significand: 1)
}
