import Foundation
import SoftFloat
import TrainingArithmetic

extension ArithmeticOperation {
    /// The exact result of `x op y` for values exact in `Double`, computed in `Double`
    /// (accurate to a few units in the last place of binary64): the reference of
    /// `ArithmeticTables`.
    ///
    /// Edge cases: only + − × ÷; any other operation is a programming error.
    @inlinable
    public func exact(_ x: Double, _ y: Double) -> Double {
        switch self {
        case .multiply: return x * y
        case .divide: return x / y
        case .add: return x + y
        case .subtract: return x - y
        default: preconditionFailure("no exact reference for \(self)")
        }
    }
}

/// What one operation does over every pair of operands of an 8-bit format.
///
/// Every pair falls in exactly one class: `undefined` (a NaN operand, or 0 ÷ 0),
/// `divisionByZero` (x ÷ 0 with x ≠ 0), `saturated` (the exact result lies beyond the
/// largest or below the most negative value), `underflowed` (the exact result is nonzero
/// but smaller in magnitude than the least nonzero value), or `inRange`; so
/// `undefined + divisionByZero + saturated + underflowed + inRange == pairs`.
/// Errors are measured over the `inRange` pairs only.
public struct OperationStatistics: Sendable, Equatable {
    public var format: String
    public var operation: ArithmeticOperation
    public var pairs = 0
    public var undefined = 0
    public var divisionByZero = 0
    public var saturated = 0
    public var underflowed = 0
    public var inRange = 0
    /// In-range pairs whose result equals the exact result (error below `exactTolerance`).
    public var exact = 0
    /// In-range pairs whose result is not the correctly rounded one (round to nearest):
    /// the error exceeds half a unit.
    public var notCorrectlyRounded = 0
    /// The largest and the mean error over the in-range pairs, in the format's units.
    public var maxError = 0.0
    public var meanError = 0.0
    /// The operands of a pair with the largest error.
    public var worstPair: (UInt8, UInt8)?
    /// How many in-range pairs have an error in `[k w, (k+1) w)` for bin `k`, with
    /// `w = histogramBinWidth`; the last bin also holds every larger error.
    public var errorHistogram = [Int](repeating: 0, count: OperationStatistics.histogramBins)

    public static let histogramBinWidth = 0.05
    public static let histogramBins = 41

    public static func == (lhs: OperationStatistics, rhs: OperationStatistics) -> Bool {
        lhs.format == rhs.format && lhs.operation == rhs.operation && lhs.pairs == rhs.pairs
            && lhs.undefined == rhs.undefined && lhs.divisionByZero == rhs.divisionByZero
            && lhs.saturated == rhs.saturated && lhs.underflowed == rhs.underflowed && lhs.inRange == rhs.inRange
            && lhs.exact == rhs.exact && lhs.notCorrectlyRounded == rhs.notCorrectlyRounded
            && lhs.maxError == rhs.maxError && lhs.meanError == rhs.meanError
    }
}

/// How often associativity and distributivity fail on a seeded sample of operand triples.
///
/// A law fails when its two sides give different values. `…InRange` counts only the
/// triples where none of the operations saturated or underflowed, so those failures
/// come from rounding alone.
public struct AlgebraStatistics: Sendable, Equatable {
    public var format: String
    public var triples: Int
    public var seed: UInt64
    /// `(a + b) + c ≠ a + (b + c)`.
    public var associativityFailures = 0
    public var associativityInRange = 0
    public var associativityFailuresInRange = 0
    /// `a × (b + c) ≠ a × b + a × c`.
    public var distributivityFailures = 0
    public var distributivityInRange = 0
    public var distributivityFailuresInRange = 0
}

/// Exhaustive error tables of the 8-bit formats: every one of the 65,536 operand pairs
/// for each of ×, ÷, +, −, against the exact result computed independently in `Double`
/// from the operands' values; and associativity and distributivity on seeded triples.
///
///     let tables = ArithmeticTables.operations(LogFormat.lns8)
///     tables[0].exact == tables[0].inRange          // × is exact wherever it fits
///     let laws = ArithmeticTables.algebra(LogFormat.lns8, triples: 1_000_000, seed: 0, threads: 2)
///     laws.associativityFailures                    // how often (a+b)+c ≠ a+(b+c)
///
/// Edge cases: operations run to nearest-even; `exactTolerance` (10^−9 units) absorbs the
/// rounding of the `Double` reference, far below any error the formats can make (their
/// nonzero errors are at least 10^−4 units).
public enum ArithmeticTables {
    /// Errors below this many units count as exact.
    public static let exactTolerance = 1e-9

    /// The operations the tables measure, in the order of their statistics.
    public static let measuredOperations: [ArithmeticOperation] = [.multiply, .divide, .add, .subtract]

    /// The statistics of each operation, in `measuredOperations` order.
    public static func operations<F: EightBitFormat>(_ format: F) -> [OperationStatistics] {
        measuredOperations.map { operation(operation: $0, format) }
    }

    /// The statistics of one operation over all 65,536 pairs.
    public static func operation<F: EightBitFormat>(operation: ArithmeticOperation, _ format: F) -> OperationStatistics {
        var stats = OperationStatistics(format: format.name, operation: operation)
        let values = (0...255).map { format.toDouble(UInt8($0)) }
        let largest = format.largestValue, smallest = format.smallestValue, least = format.leastMagnitude
        let slack = 1e-12
        var errorSum = 0.0
        for a in 0...255 {
            for b in 0...255 {
                stats.pairs += 1
                let x = values[a], y = values[b]
                let ca = UInt8(a), cb = UInt8(b)
                if format.isNaN(ca) || format.isNaN(cb) { stats.undefined += 1; continue }
                if operation == .divide && y == 0 {
                    if x == 0 { stats.undefined += 1 } else { stats.divisionByZero += 1 }
                    continue
                }
                let exact = operation.exact(x, y)
                if exact > largest * (1 + slack) || exact < smallest - abs(smallest) * slack {
                    stats.saturated += 1
                    continue
                }
                if exact != 0 && exact.magnitude < least * (1 - slack) {
                    stats.underflowed += 1
                    continue
                }
                stats.inRange += 1
                var env = FloatEnvironment()
                let result = format.operate(operation, ca, cb, &env)
                let error = format.error(of: result, exact: exact)
                if error <= exactTolerance { stats.exact += 1 }
                if error > 0.5 + exactTolerance { stats.notCorrectlyRounded += 1 }
                errorSum += error
                let bin = error < 1e6 ? Int(error / OperationStatistics.histogramBinWidth) : Int.max
                stats.errorHistogram[min(bin, OperationStatistics.histogramBins - 1)] += 1
                if error > stats.maxError || stats.worstPair == nil {
                    stats.maxError = error
                    stats.worstPair = (ca, cb)
                }
            }
        }
        stats.meanError = stats.inRange > 0 ? errorSum / Double(stats.inRange) : 0
        if stats.maxError <= exactTolerance { stats.maxError = 0 }
        return stats
    }

    /// Associativity of + and distributivity of × over + on `triples` random triples of
    /// number codes (uniform over `orderedCodes`), reproducible from `seed` whatever the
    /// number of threads.
    public static func algebra<F: EightBitFormat>(_ format: F, triples: Int, seed: UInt64,
                                                  threads: Int = 1) -> AlgebraStatistics {
        let codes = format.orderedCodes
        let chunks = 64
        var partial = [AlgebraStatistics](repeating: AlgebraStatistics(format: format.name, triples: 0, seed: seed),
                                          count: chunks)
        partial.withUnsafeMutableBufferPointer { results in
            ParallelChunks(threads: threads).run(chunks) { chunk in
                let count = triples / chunks + (chunk < triples % chunks ? 1 : 0)
                var random = SplitMix64.stream(seed: seed, purpose: 11, step: 0, element: UInt64(chunk))
                var s = AlgebraStatistics(format: format.name, triples: count, seed: seed)
                let outOfRange: ExceptionFlags = [.overflow, .underflow]
                for _ in 0..<count {
                    let a = codes[random.nextInt(below: codes.count)]
                    let b = codes[random.nextInt(below: codes.count)]
                    let c = codes[random.nextInt(below: codes.count)]
                    var env = FloatEnvironment()
                    let left = format.operate(.add, format.operate(.add, a, b, &env), c, &env)
                    let right = format.operate(.add, a, format.operate(.add, b, c, &env), &env)
                    let associative = format.toDouble(left) == format.toDouble(right)
                    let associativeInRange = env.flags.isDisjoint(with: outOfRange)
                    if !associative { s.associativityFailures += 1 }
                    if associativeInRange {
                        s.associativityInRange += 1
                        if !associative { s.associativityFailuresInRange += 1 }
                    }
                    env = FloatEnvironment()
                    let factored = format.operate(.multiply, a, format.operate(.add, b, c, &env), &env)
                    let expanded = format.operate(.add, format.operate(.multiply, a, b, &env),
                                                  format.operate(.multiply, a, c, &env), &env)
                    let distributive = format.toDouble(factored) == format.toDouble(expanded)
                    let distributiveInRange = env.flags.isDisjoint(with: outOfRange)
                    if !distributive { s.distributivityFailures += 1 }
                    if distributiveInRange {
                        s.distributivityInRange += 1
                        if !distributive { s.distributivityFailuresInRange += 1 }
                    }
                }
                results[chunk] = s
            }
        }
        var total = AlgebraStatistics(format: format.name, triples: 0, seed: seed)
        for s in partial {
            total.triples += s.triples
            total.associativityFailures += s.associativityFailures
            total.associativityInRange += s.associativityInRange
            total.associativityFailuresInRange += s.associativityFailuresInRange
            total.distributivityFailures += s.distributivityFailures
            total.distributivityInRange += s.distributivityInRange
            total.distributivityFailuresInRange += s.distributivityFailuresInRange
        }
        return total
    }
}
