import Foundation
import SoftFloat
import Testing
import Experiments
import TrainingArithmetic

@Suite("Exhaustive arithmetic tables of the 8-bit formats")
struct ArithmeticTablesTests {
    static let logFormats = (0...6).map { LogFormat(fractionBits: $0) }
    static let linearFormats = [LinearInt8Format.int8, LinearInt8Format(signed: true, scale: 0x1p-4)]

    @Test("every pair falls in exactly one class: the counts add up to 65,536")
    func countsAddUp() {
        var all: [OperationStatistics] = []
        for f in Self.logFormats { all += ArithmeticTables.operations(f) }
        for f in Self.linearFormats { all += ArithmeticTables.operations(f) }
        all += ArithmeticTables.operations(LogFormat(fractionBits: 2, addition: .mitchell))
        for s in all {
            #expect(s.pairs == 65_536)
            #expect(s.undefined + s.divisionByZero + s.saturated + s.underflowed + s.inRange == 65_536,
                    "\(s.format) \(s.operation)")
            #expect(s.exact <= s.inRange && s.notCorrectlyRounded <= s.inRange)
        }
    }

    @Test("lns8 × and ÷ are exact wherever they neither saturate nor underflow", arguments: logFormats)
    func logProductsExact(format: LogFormat) {
        for operation in [ArithmeticOperation.multiply, .divide] {
            let s = ArithmeticTables.operation(operation: operation, format)
            #expect(s.exact == s.inRange, "\(format.name) \(operation)")
            #expect(s.maxError == 0)
            #expect(s.saturated > 0 && s.underflowed > 0)
        }
    }

    @Test("lns8 table + and − lie within half a unit of the exact result", arguments: logFormats)
    func logSumsWithinHalfUnit(format: LogFormat) {
        for operation in [ArithmeticOperation.add, .subtract] {
            let s = ArithmeticTables.operation(operation: operation, format)
            #expect(s.maxError <= 0.5 + ArithmeticTables.exactTolerance, "\(format.name) \(operation)")
            #expect(s.notCorrectlyRounded == 0)
            #expect(s.exact < s.inRange)   // sums are rarely representable
        }
    }

    @Test("Mitchell's addition is never closer than the table's, pair by pair in aggregate")
    func mitchellNotBetterThanTable() {
        for f in 0...6 {
            for operation in [ArithmeticOperation.add, .subtract] {
                let table = ArithmeticTables.operation(operation: operation, LogFormat(fractionBits: f))
                let mitchell = ArithmeticTables.operation(operation: operation,
                                                          LogFormat(fractionBits: f, addition: .mitchell))
                #expect(mitchell.meanError >= table.meanError)
                #expect(mitchell.maxError >= table.maxError)
                #expect(mitchell.inRange == table.inRange)
            }
        }
    }

    @Test("lns8 classes match counts derived by hand")
    func logClassCounts() {
        let s = ArithmeticTables.operations(LogFormat.lns8)
        // One NaN code: 256 + 256 − 1 pairs hold it; 0 ÷ 0 is undefined too.
        #expect(s.map(\.undefined) == [511, 512, 511, 511])
        // x ÷ 0 for the 254 codes that are neither zero nor NaN.
        #expect(s[1].divisionByZero == 254)
        // |L_a + L_b| > 63 with L in −63…63, two signs each: the same count above and below.
        var beyond = 0
        for la in -63...63 { for lb in -63...63 where la + lb > 63 { beyond += 1 } }
        #expect(s[0].saturated == 4 * beyond)
        #expect(s[0].underflowed == 4 * beyond)
    }

    @Test("INT8 + and − are exact unless they saturate", arguments: linearFormats)
    func linearSumsExact(format: LinearInt8Format) {
        for operation in [ArithmeticOperation.add, .subtract] {
            let s = ArithmeticTables.operation(operation: operation, format)
            #expect(s.exact == s.inRange, "\(format.name) \(operation)")
            #expect(s.underflowed == 0)
        }
    }

    @Test("unsigned INT8 saturates on exactly the pairs whose sum exceeds 255 or difference is negative")
    func linearSaturationCounts() {
        let s = ArithmeticTables.operations(LinearInt8Format.int8)
        // a + b > 255: for a = 1…255 there are a such b.
        #expect(s[2].saturated == (1...255).reduce(0, +))
        // a − b < 0: half of the pairs with a ≠ b.
        #expect(s[3].saturated == (65_536 - 256) / 2)
        // Products of integers are integers: exact when in range.
        #expect(s[0].exact == s[0].inRange)
        // Quotients round to the nearest integer: never more than half a step off.
        #expect(s[1].maxError <= 0.5 && s[1].notCorrectlyRounded == 0)
    }

    @Test("the laws are checked reproducibly whatever the number of threads")
    func algebraDeterministic() {
        let one = ArithmeticTables.algebra(LogFormat.lns8, triples: 20_000, seed: 7, threads: 1)
        let two = ArithmeticTables.algebra(LogFormat.lns8, triples: 20_000, seed: 7, threads: 2)
        #expect(one == two)
        #expect(one.triples == 20_000)
        #expect(one.associativityFailures > 0)
        #expect(one.associativityFailuresInRange <= one.associativityFailures)
    }

    @Test("integer addition and products are associative and distributive where nothing saturates")
    func integerLawsHoldInRange() {
        let signed = ArithmeticTables.algebra(LinearInt8Format(signed: true), triples: 50_000, seed: 1, threads: 2)
        #expect(signed.associativityFailuresInRange == 0)
        #expect(signed.distributivityFailuresInRange == 0)
        #expect(signed.associativityInRange > 0 && signed.distributivityInRange > 0)
        // Saturation at both ends breaks them: (100 + 100) − 100 ≠ 100 + (100 − 100).
        #expect(signed.associativityFailures > 0 && signed.distributivityFailures > 0)
        // Unsigned values saturate at one end only, where min(255, ·) commutes with the sums.
        let unsigned = ArithmeticTables.algebra(LinearInt8Format.int8, triples: 50_000, seed: 1, threads: 2)
        #expect(unsigned.associativityFailures == 0 && unsigned.distributivityFailures == 0)
    }
}
