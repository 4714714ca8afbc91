import SoftFloat
import Synchronization

/// Every result of an 8-bit format's operations, computed once by the format itself for
/// each deterministic rounding mode: 256 × 256 codes for +, −, ×, ÷ and 256 for `exp`,
/// `log` and the values of the codes.
///
///     let tables = EightBitOperationTables(format: LogFormat.lns8)
///     let sums = tables.results(.add, rounding: .nearestEven)!   // 64 KiB
///     sums[Int(a) << 8 | Int(b)]          // == LogFormat.lns8.add(a, b, &env), bit for bit
///
/// The tables are exact by construction (each entry is the format's own result), built
/// once when the value is created and immutable afterwards, so any number of threads may
/// read them. Flags are not recorded: a table lookup raises nothing.
///
/// Under stochastic rounding a result depends on a draw: `stochastic()` gives, for +, −
/// and ×, each pair's `StochasticOutcome` (its two candidate codes and
/// the threshold of the draw), learnt from the format's operations the first time it is
/// asked for (a fraction of a second) and kept.
///
/// Edge cases: `results` is nil for stochastic rounding.
///
/// - Parameters:
///   - format: the 8-bit format whose operations are tabulated.
public final class EightBitOperationTables: @unchecked Sendable {
    /// The tabulated operations, in the order of their blocks in storage: + − × ÷ (256 × 256
    /// entries each), then `exp` and `log` (256 each).
    public static let operations: [ArithmeticOperation] = [.add, .subtract, .multiply, .divide, .exp, .log]

    /// The rounding modes with tables: every mode but `.stochastic`.
    public static let roundingModes: [RoundingMode] = [.nearestEven, .nearestAway, .towardZero, .up, .down, .odd]

    @inlinable static var pairCount: Int { 1 << 16 }
    @inlinable static var unaryOffset: Int { 4 * pairCount }
    @inlinable static var modeStride: Int { 4 * pairCount + 2 * 256 }

    /// Every mode's results, one block after another (written only in `init`).
    @usableFromInline let storage: UnsafeMutablePointer<UInt8>
    /// The value of each code.
    @usableFromInline let values: UnsafeMutablePointer<Double>
    /// The outcomes under stochastic rounding of +, −, × (in that order), once built.
    @usableFromInline let stochasticOutcomes = Atomic<UnsafeMutablePointer<StochasticOutcome>?>(nil)
    private let stochasticBuild = Mutex<Void>(())
    private let makeStochasticOutcomes: @Sendable () -> UnsafeMutablePointer<StochasticOutcome>

    ///   - threads: how many threads fill the tables (the entries do not depend on it).
    public init<Format: EightBitFormat>(format: Format, threads: Int = 1) {
        makeStochasticOutcomes = { Self.stochasticOutcomes(of: format) }
        let modes = Self.roundingModes
        storage = .allocate(capacity: modes.count * Self.modeStride)
        values = .allocate(capacity: 256)
        for code in 0..<256 { values[code] = format.toDouble(UInt8(code)) }
        // One chunk per mode and block of rows; each writes only its own entries.
        let rowBlocks = 16, rowsPerBlock = 256 / rowBlocks
        let shared = UncheckedSendable(storage)
        ParallelChunks(threads: threads).run(modes.count * rowBlocks) { chunk in
            let m = chunk / rowBlocks, firstRow = chunk % rowBlocks * rowsPerBlock
            var env = FloatEnvironment(rounding: modes[m])
            let base = shared.value + m * Self.modeStride
            let sums = base + Self.offset(.add), differences = base + Self.offset(.subtract)
            let products = base + Self.offset(.multiply), quotients = base + Self.offset(.divide)
            for a in firstRow..<firstRow + rowsPerBlock {
                let x = UInt8(a)
                let row = a << 8
                for b in 0..<256 {
                    let y = UInt8(b)
                    sums[row | b] = format.add(x, y, &env)
                    differences[row | b] = format.subtract(x, y, &env)
                    products[row | b] = format.multiply(x, y, &env)
                    quotients[row | b] = format.divide(x, y, &env)
                }
                base[Self.offset(.exp) + a] = format.exp(x, &env)
                base[Self.offset(.log) + a] = format.log(x, &env)
            }
        }
    }

    deinit {
        storage.deallocate()
        values.deallocate()
        stochasticOutcomes.load(ordering: .acquiring)?.deallocate()
    }

    private static func stochasticOutcomes<Format: EightBitFormat>(of format: Format)
        -> UnsafeMutablePointer<StochasticOutcome> {
        let outcomes = UnsafeMutablePointer<StochasticOutcome>.allocate(capacity: 3 * pairCount)
        for a in 0..<256 {
            let x = UInt8(a)
            for b in 0..<256 {
                let y = UInt8(b), i = a << 8 | b
                outcomes[i] = .probe { format.add(x, y, &$0) }
                outcomes[pairCount + i] = .probe { format.subtract(x, y, &$0) }
                outcomes[2 * pairCount + i] = .probe { format.multiply(x, y, &$0) }
            }
        }
        return outcomes
    }

    /// The stochastic outcomes of +, −, × (blocks of 256 × 256 at offsets 0, 2^16,
    /// 2^17, indexed `a << 8 | b`), built on first use.
    @inlinable
    func stochastic() -> UnsafePointer<StochasticOutcome> {
        if let outcomes = stochasticOutcomes.load(ordering: .acquiring) { return UnsafePointer(outcomes) }
        return buildStochastic()
    }

    @usableFromInline @inline(never)
    func buildStochastic() -> UnsafePointer<StochasticOutcome> {
        stochasticBuild.withLock { _ in
            if let outcomes = stochasticOutcomes.load(ordering: .acquiring) { return UnsafePointer(outcomes) }
            let outcomes = makeStochasticOutcomes()
            stochasticOutcomes.store(outcomes, ordering: .releasing)
            return UnsafePointer(outcomes)
        }
    }

    /// The first entry of every mode's tables for `rounding`, nil for stochastic rounding.
    @inlinable
    public func base(_ rounding: RoundingMode) -> UnsafePointer<UInt8>? {
        let m: Int
        switch rounding {
        case .nearestEven: m = 0
        case .nearestAway: m = 1
        case .towardZero: m = 2
        case .up: m = 3
        case .down: m = 4
        case .odd: m = 5
        case .stochastic: return nil
        }
        return UnsafePointer(storage + m * Self.modeStride)
    }

    /// The table of one operation under one rounding mode: `[a << 8 | b]` for the binary
    /// operations, `[x]` for `exp` and `log`; nil for stochastic rounding. The pointer is
    /// valid while these tables live.
    ///
    /// Edge cases: an operation not in `operations` is a programming error.
    @inlinable
    public func results(_ operation: ArithmeticOperation, rounding: RoundingMode) -> UnsafePointer<UInt8>? {
        guard let base = base(rounding) else { return nil }
        return base + Self.offset(operation)
    }

    /// Where an operation's block starts within a mode's tables.
    @inlinable
    static func offset(_ operation: ArithmeticOperation) -> Int {
        switch operation {
        case .add: return 0
        case .subtract: return pairCount
        case .multiply: return 2 * pairCount
        case .divide: return 3 * pairCount
        case .exp: return unaryOffset
        case .log: return unaryOffset + 256
        default: preconditionFailure("\(operation) has no table")
        }
    }

    /// The value of a code, as the format's `toDouble` gives it.
    @inlinable
    public func value(_ x: UInt8) -> Double { values[Int(x)] }
}
