import SoftFloat
import Testing
import TrainingArithmetic
@testable import Training

/// The training quantiser against the library's encoders (`MXFormat`, `NVFP4Format`,
/// `TensorScaledFormat`): the same values, the same events, in every mode and scale rule.
@Suite("Scaled quantiser")
struct ScaledQuantiserTests {
    /// Every scaled format of the registry.
    static let formats: [(String, ScaledFormat)] = NumberFormat.namedFormats.compactMap { row in
        if case let .scaled(format) = row.format { return (row.name, format) }
        return nil
    }

    /// Values of many magnitudes: zeros, powers of two (amax at a binade's edge), numbers
    /// spread over 2^-30 … 2^30, a few FP32 subnormals, and negative ones.
    static func values(count: Int, seed: UInt64) -> [Float] {
        var random = SplitMix64(seed: seed)
        return (0..<count).map { _ in
            let kind = random.next() % 16
            let sign: Float = random.next() & 1 == 0 ? 1 : -1
            switch kind {
            case 0, 1: return 0
            case 2: return sign * Float(sign: .plus, exponent: Int(random.next() % 20) - 10, significand: 1)
            case 3: return sign * Float(bitPattern: UInt32(random.next() % 0x7F_FFFF) + 1)
            case 4: return sign * Float(random.next() % 7) * 0.5     // on E2M1's grid, ties included
            default:
                let exponent = Int(random.next() % 61) - 30
                let significand = 1 + Float(random.next() % (1 << 23)) / Float(1 << 23)
                return sign * Float(sign: .plus, exponent: exponent, significand: significand)
            }
        }
    }

    /// The encoders' values of a `rows × length` matrix, blocks along the rows, and their events.
    static func reference(_ format: ScaledFormat, _ x: [Float], rows: Int, length: Int, rule: ScaleRule,
                          mode: RoundingMode, bits: StochasticBits, delayed: Double? = nil) -> ([Double], ScalingEvents) {
        var events = ScalingEvents()
        var env = FloatEnvironment(rounding: mode)
        env.random = bits
        let codes = x.map { UInt64($0.bitPattern) }
        switch format {
        case let .mx(mx):
            var values: [Double] = []
            for r in 0..<rows {
                env.random.counter = bits.counter &+ UInt64(r * length)
                values += mx.encode(tensor: Array(codes[r * length..<(r + 1) * length]), from: .fp32, rule: rule,
                                    &env, events: &events).flatMap(mx.decode)
            }
            return (values, events)
        case let .nvfp4(nv):
            return (nv.decode(nv.encode(codes, from: .fp32, &env, events: &events)), events)
        case let .tensor(t):
            return (t.decode(t.encode(codes, from: .fp32, amax: delayed, &env, events: &events)), events)
        }
    }

    static func fast(_ format: ScaledFormat, _ x: [Float], rows: Int, length: Int, rule: ScaleRule,
                     mode: RoundingMode, bits: StochasticBits, delayed: Double? = nil,
                     threads: Int = 1) -> ([Double], ScalingEvents) {
        var events = ScalingEvents()
        var units = [Float](repeating: 0, count: x.count)
        let factor = x.withUnsafeBufferPointer { source in
            units.withUnsafeMutableBufferPointer { out in
                ScaledQuantiser(format: format, rule: rule).quantise(
                    source.baseAddress!, rows: rows, length: length, into: out.baseAddress!, mode: mode,
                    random: bits, delayed: delayed, parallel: ParallelChunks(threads: threads), events: &events)
            }
        }
        return (units.map { Double($0) * Double(factor) }, events)
    }

    static func same(_ a: [Double], _ b: [Double]) -> Bool {
        a.count == b.count && zip(a, b).allSatisfy { $0.bitPattern == $1.bitPattern || ($0.isNaN && $1.isNaN) }
    }

    static func same(_ a: ScalingEvents, _ b: ScalingEvents) -> Bool {
        a.blocks == b.blocks && a.elements == b.elements && ScalingEvent.allCases.allSatisfy { a[$0] == b[$0] }
    }

    @Test("random matrices: the quantiser's values and events are the encoders', every format, mode and rule",
          arguments: formats.map(\.0))
    func agreesWithTheEncoders(name: String) {
        let format = Self.formats.first { $0.0 == name }!.1
        let rules: [ScaleRule] = { if case .mx = format { return ScaleRule.allCases }; return [.floor] }()
        var seed: UInt64 = 1
        for mode in RoundingMode.allCases {
            for rule in rules {
                for (rows, length) in [(3, 64), (5, 32), (2, 160)] {
                    seed += 1
                    let x = Self.values(count: rows * length, seed: seed)
                    let bits = StochasticBits(seed: seed, site: 8, step: 3, element: 1)
                    let expected = Self.reference(format, x, rows: rows, length: length, rule: rule, mode: mode,
                                                  bits: bits)
                    let got = Self.fast(format, x, rows: rows, length: length, rule: rule, mode: mode, bits: bits,
                                        threads: 2)
                    #expect(Self.same(got.0, expected.0), "\(name) \(mode) \(rule) \(rows)×\(length)")
                    #expect(Self.same(got.1, expected.1), "\(name) \(mode) \(rule) events")
                }
            }
        }
    }

    @Test("MX rows that end in a partial block are encoded row by row, as the encoder encodes each row")
    func partialBlocks() {
        for (name, format) in Self.formats {
            guard case .mx = format else { continue }
            let x = Self.values(count: 3 * 45, seed: 77)
            let bits = StochasticBits(seed: 1)
            for mode in [RoundingMode.nearestEven, .stochastic] {
                let expected = Self.reference(format, x, rows: 3, length: 45, rule: .floor, mode: mode, bits: bits)
                let got = Self.fast(format, x, rows: 3, length: 45, rule: .floor, mode: mode, bits: bits)
                #expect(Self.same(got.0, expected.0) && Self.same(got.1, expected.1), "\(name) \(mode)")
            }
        }
    }

    @Test("corner blocks: NaN, infinity, all zeros, FP32 subnormals (scale underflow), powers of two")
    func cornerBlocks() {
        let blocks: [[Float]] = [
            [1, .nan] + Array(repeating: 0.5, count: 30),
            [1, -.infinity] + Array(repeating: 0.5, count: 30),
            Array(repeating: 0, count: 32),
            Array(repeating: -0.0, count: 32),
            (0..<32).map { Float(bitPattern: UInt32($0 + 1)) },
            (0..<32).map { Float(sign: .plus, exponent: -$0, significand: 1) },
            (0..<32).map { $0 == 0 ? 448 * 4 : 511.9 * Float($0 % 3) },
            (0..<32).map { $0 == 0 ? Float.greatestFiniteMagnitude : 1 },
        ]
        for (name, format) in Self.formats {
            for (index, block) in blocks.enumerated() {
                for mode in RoundingMode.allCases {
                    let bits = StochasticBits(seed: UInt64(index))
                    let expected = Self.reference(format, block, rows: 1, length: 32, rule: .floor, mode: mode,
                                                  bits: bits)
                    let got = Self.fast(format, block, rows: 1, length: 32, rule: .floor, mode: mode, bits: bits)
                    #expect(Self.same(got.0, expected.0), "\(name) block \(index) \(mode)")
                    #expect(Self.same(got.1, expected.1), "\(name) block \(index) \(mode) events")
                }
            }
        }
    }

    @Test("delayed per-tensor scaling: an amax from earlier steps scales the tensor, and what it misses clips")
    func delayedScaling() {
        for (name, format) in Self.formats {
            guard case .tensor = format else { continue }
            let x = Self.values(count: 64, seed: 9).map { $0.magnitude > 4 ? 4 : $0 }
            for delayed in [1.0, 4.0, 100.0] {
                let expected = Self.reference(format, x, rows: 2, length: 32, rule: .floor, mode: .nearestEven,
                                              bits: StochasticBits(seed: 0), delayed: delayed)
                let got = Self.fast(format, x, rows: 2, length: 32, rule: .floor, mode: .nearestEven,
                                    bits: StochasticBits(seed: 0), delayed: delayed)
                #expect(Self.same(got.0, expected.0) && Self.same(got.1, expected.1), "\(name) amax \(delayed)")
                if delayed == 1 { #expect(got.1[.clipped] > 0, "\(name): values above the delayed amax clip") }
            }
        }
    }

    @Test("the element grid rounds as the element format's conversion, every mode, saturating")
    func gridIsTheConversion() {
        var random = SplitMix64(seed: 3)
        for element in [FloatFormat.fp8E4M3, .fp8E5M2, .fp6E2M3, .fp6E3M2, .fp4E2M1] {
            let grid = ElementGrid(.float(element), unitExponent: 0)
            for _ in 0..<4000 {
                // Magnitudes from below the least subnormal to beyond the largest value.
                let sign: Double = random.next() & 1 == 0 ? 1 : -1
                let exponent = Int(random.next() % 32) - 20
                let x = sign * Double(sign: .plus, exponent: exponent, significand: 1 + Double(random.next() % 1024) / 1024)
                for mode in RoundingMode.allCases {
                    var env = FloatEnvironment(rounding: mode, saturates: true)
                    let bits = StochasticBits(key: random.next())
                    env.random = bits
                    let expected = element.toDouble(element.convert(x.bitPattern, from: .fp64, &env))
                    let got = grid.round(x, mode: mode, bits: bits, counter: 0)
                    #expect(got.bitPattern == expected.bitPattern, "\(element.name) \(mode) \(x)")
                }
            }
        }
    }

    @Test("the eight-lane nearest-even rounding is the scalar grid's, lane for lane, every element grid")
    func lanesAreTheScalarGrid() {
        let grids = [FloatFormat.fp8E4M3, .fp8E5M2, .fp6E2M3, .fp6E3M2, .fp4E2M1].map {
            ElementGrid(.float($0), unitExponent: 0)
        } + [ElementGrid(.int8, unitExponent: -6), ElementGrid(.int8, unitExponent: 0)]
        let values = Self.values(count: 8 * 4000, seed: 11)
            + [0, -0.0, .leastNonzeroMagnitude, -.leastNormalMagnitude, 0.25, -0.75, 1e30, -.greatestFiniteMagnitude]
        let bits = StochasticBits(key: 0)
        for grid in grids {
            for start in stride(from: 0, to: values.count, by: 8) {
                let lanes = SIMD8<Float>((0..<8).map { values[start + $0] })
                let got = grid.roundNearestEven(lanes)
                for k in 0..<8 {
                    let expected = Float(grid.round(Double(lanes[k]), mode: .nearestEven, bits: bits, counter: 0))
                    #expect(got[k].bitPattern == expected.bitPattern, "\(grid.largest) \(lanes[k])")
                }
            }
        }
    }
}
