import Testing
import SoftFloat

/// The oracle itself, on cases whose answers follow from IEEE 754 and the OCP FP8
/// specification by hand, so that agreement with the core means something.
@Suite("Oracle self-checks")
struct OracleSelfTests {
    static let fp16 = OracleRounding(.fp16)
    static let e4m3 = OracleRounding(.fp8E4M3)

    static func round(_ oracle: OracleRounding, _ x: Double, _ mode: RoundingMode = .nearestEven,
                      tininess: Tininess = .afterRounding, saturates: Bool = false) -> OracleResult {
        oracle.round(.exact(x), FloatEnvironment(rounding: mode, tininess: tininess, saturates: saturates)).down
    }

    @Test func decodesTheEncodings() {
        #expect(Self.fp16.values[Self.fp16.largestFiniteIndex] == 65504)
        #expect(Self.fp16.values[1] == 0x1p-24)
        #expect(Self.fp16.leastNormal == 0x1p-14)
        #expect(Self.e4m3.values[Self.e4m3.largestFiniteIndex] == 448)
        #expect(Self.e4m3.values[1] == 0x1p-9)
        #expect(Self.e4m3.isNaN(0x7F) && Self.e4m3.isNaN(0xFF) && !Self.e4m3.isNaN(0x7E))
        #expect(Self.fp16.isSignalingNaN(0x7C01) && !Self.fp16.isSignalingNaN(0x7E00))
    }

    @Test func tiesAndDirectedModes() {
        // 1 + 2^-11 is halfway between 1 (0x3C00) and 1 + 2^-10 (0x3C01).
        let tie = 1 + 0x1p-11
        #expect(Self.round(Self.fp16, tie) == OracleResult(bits: 0x3C00, flags: .inexact))
        #expect(Self.round(Self.fp16, tie, .nearestAway) == OracleResult(bits: 0x3C01, flags: .inexact))
        #expect(Self.round(Self.fp16, -tie, .down) == OracleResult(bits: 0xBC01, flags: .inexact))
        #expect(Self.round(Self.fp16, -tie, .towardZero) == OracleResult(bits: 0xBC00, flags: .inexact))
        // 1 + 3 × 2^-11 is halfway between 0x3C01 and 0x3C02: even goes up.
        #expect(Self.round(Self.fp16, 1 + 3 * 0x1p-11) == OracleResult(bits: 0x3C02, flags: .inexact))
        #expect(Self.fp16.round(.sum(1, 0x1p-40), FloatEnvironment(rounding: .up)).down
                == OracleResult(bits: 0x3C01, flags: .inexact))
    }

    @Test func overflow() {
        // fp16: 65520 is halfway to 65536 = 2^16, which is even: overflow.
        #expect(Self.round(Self.fp16, 65519) == OracleResult(bits: 0x7BFF, flags: .inexact))
        #expect(Self.round(Self.fp16, 65520) == OracleResult(bits: 0x7C00, flags: [.overflow, .inexact]))
        #expect(Self.round(Self.fp16, 65520, .towardZero) == OracleResult(bits: 0x7BFF, flags: .inexact))
        #expect(Self.round(Self.fp16, 70000, .towardZero) == OracleResult(bits: 0x7BFF, flags: [.overflow, .inexact]))
        #expect(Self.round(Self.fp16, -70000, .up) == OracleResult(bits: 0xFBFF, flags: [.overflow, .inexact]))
        // E4M3: 464 is halfway between 448 (…110, even) and 480 (…111, the NaN pattern).
        #expect(Self.round(Self.e4m3, 464) == OracleResult(bits: 0x7E, flags: .inexact))
        #expect(Self.round(Self.e4m3, 465).isNaN)
        #expect(Self.round(Self.e4m3, 465).flags == [.overflow, .inexact])
        #expect(Self.round(Self.e4m3, 1000, saturates: true) == OracleResult(bits: 0x7E, flags: [.overflow, .inexact]))
    }

    @Test func underflow() {
        // Just below 2^-14, rounding up to it: tiny before rounding, not after.
        let x = 0x1p-14 - 0x1p-30
        #expect(Self.round(Self.fp16, x) == OracleResult(bits: 0x0400, flags: .inexact))
        #expect(Self.round(Self.fp16, x, tininess: .beforeRounding)
                == OracleResult(bits: 0x0400, flags: [.underflow, .inexact]))
        // Exact subnormals raise nothing; inexact ones underflow; below half the least: zero.
        #expect(Self.round(Self.fp16, 3 * 0x1p-24) == OracleResult(bits: 3, flags: []))
        #expect(Self.round(Self.fp16, 3.5 * 0x1p-24) == OracleResult(bits: 4, flags: [.underflow, .inexact]))
        #expect(Self.round(Self.fp16, -0x1p-26) == OracleResult(bits: 0x8000, flags: [.underflow, .inexact]))
    }

    @Test func roundToOdd() {
        // Inexact results take the neighbour with the odd last bit; exact ones stay.
        #expect(Self.round(Self.fp16, 1 + 0x1p-12, .odd) == OracleResult(bits: 0x3C01, flags: .inexact))
        #expect(Self.round(Self.fp16, 1 + 3 * 0x1p-11, .odd) == OracleResult(bits: 0x3C01, flags: .inexact))
        #expect(Self.round(Self.fp16, -(1 + 5 * 0x1p-12), .odd) == OracleResult(bits: 0xBC01, flags: .inexact))
        #expect(Self.round(Self.fp16, 1 + 0x1p-9, .odd) == OracleResult(bits: 0x3C02, flags: []))
        #expect(Self.round(Self.fp16, 2 - 0x1p-20, .odd) == OracleResult(bits: 0x3FFF, flags: .inexact))
        // Overflow only from 2^16 on, to the largest finite value; e4m3's largest is even.
        #expect(Self.round(Self.fp16, 65535, .odd) == OracleResult(bits: 0x7BFF, flags: .inexact))
        #expect(Self.round(Self.fp16, 70000, .odd) == OracleResult(bits: 0x7BFF, flags: [.overflow, .inexact]))
        #expect(Self.round(Self.e4m3, 449, .odd) == OracleResult(bits: 0x7E, flags: [.overflow, .inexact]))
        // Nothing nonzero rounds to zero; just below 2^-14 is tiny (truncation stays below).
        #expect(Self.round(Self.fp16, 0x1p-30, .odd) == OracleResult(bits: 1, flags: [.underflow, .inexact]))
        #expect(Self.round(Self.fp16, 0x1p-14 - 0x1p-30, .odd) == OracleResult(bits: 0x03FF, flags: [.underflow, .inexact]))
    }

    @Test func stochasticNeighbours() {
        let outcome = Self.fp16.round(.exact(1 + 0x1p-12), FloatEnvironment(rounding: .stochastic))
        #expect(outcome.down.bits == 0x3C00 && outcome.up?.bits == 0x3C01)
        #expect(outcome.probabilityUp == 0.25)
    }

    @Test func exactValues() {
        let third = OracleValue.quotient(1, 3)
        #expect(third.compare(1.0 / 3.0) == 1)  // 0x1.5555555555555p-2 falls short of 1/3
        #expect(OracleValue.squareRoot(2).compare(2.0.squareRoot()) == -1)
        #expect(OracleValue.sum(1, 0x1p-80).compare(1) == 1)
        #expect(OracleValue.product(1 + 0x1p-52, 1 + 0x1p-52).compare(1 + 0x1p-51) == 1)
    }

    @Test func searchesAgree() {
        var random = SplitMix64(seed: 5)
        let oracle = OracleRounding(.tf32)
        for _ in 0..<100_000 {
            let x = Double(Float(bitPattern: UInt32(truncatingIfNeeded: random.next()) & 0x7F7F_FFFF))
            let hint = Int(random.next() % UInt64(oracle.values.count + 10)) - 5
            let a = oracle.bracket(.exact(x)), b = oracle.bracket(.exact(x), near: hint)
            #expect(a.index == b.index && a.exact == b.exact)
        }
    }
}
