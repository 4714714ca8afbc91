/// An 8-bit number format with its own arithmetic on codes: the logarithmic `lns8` and
/// the linear INT8 of the exercise, as the trainer and the exp-range table see them.
///
///     let format: any EightBitFormat = LogFormat.lns8
///     var env = FloatEnvironment()
///     let x = format.fromDouble(0.3, &env)      // a code; its value is format.toDouble(x)
///     format.isSaturated(format.multiply(x, x, &env))   // false: 0.09 is in range
///
/// Every operation takes and returns codes (`UInt8`) and rounds by the environment's mode,
/// raising its flags there; the format owns the rounding, so the arithmetic built on it
/// (`EightBitArithmetic`) only forwards.
///
/// Edge cases: these formats have no infinity. A result beyond the range saturates to the
/// largest magnitude of its sign; `isSaturated` tells such values from the others (an
/// exact result that happens to equal the largest magnitude looks the same).
public protocol EightBitFormat: Sendable, Hashable {
    /// The name, as the command line spells it (`lns8`, `lns8-f3`, `int8`, `int8s-s4`).
    var name: String { get }
    /// The code of zero.
    var zeroCode: UInt8 { get }

    /// `x` rounded to the format by the environment's mode.
    func fromDouble(_ x: Double, _ env: inout FloatEnvironment) -> UInt8
    /// The value of a code (for `lns8`, the nearest `Double`).
    func toDouble(_ x: UInt8) -> Double

    func add(_ a: UInt8, _ b: UInt8, _ env: inout FloatEnvironment) -> UInt8
    func subtract(_ a: UInt8, _ b: UInt8, _ env: inout FloatEnvironment) -> UInt8
    func multiply(_ a: UInt8, _ b: UInt8, _ env: inout FloatEnvironment) -> UInt8
    func divide(_ a: UInt8, _ b: UInt8, _ env: inout FloatEnvironment) -> UInt8
    func exp(_ x: UInt8, _ env: inout FloatEnvironment) -> UInt8
    func log(_ x: UInt8, _ env: inout FloatEnvironment) -> UInt8

    /// `a < b` by value (false when either is NaN).
    func isLess(_ a: UInt8, _ b: UInt8) -> Bool
    func isNaN(_ x: UInt8) -> Bool
    func isZero(_ x: UInt8) -> Bool
    /// Whether `x` is the largest magnitude of its sign, where results saturate.
    func isSaturated(_ x: UInt8) -> Bool
}

/// The 8-bit formats by name.
public enum EightBitFormats {
    /// The format a name stands for: `lns8`, `lns8-fN`, `lns8…-mitchell` (a `LogFormat`),
    /// `int8`, `int8s`, `int8-sN`, `int8s-sN` (a `LinearInt8Format`); nil for other names.
    ///
    ///     EightBitFormats.named("lns8-f3")   // LogFormat(fractionBits: 3)
    ///
    /// Edge cases: names are case-insensitive; `lns8-f7` and `int8-x` are nil.
    public static func named(_ name: String) -> (any EightBitFormat)? {
        if let lns = LogFormat(name: name) { return lns }
        if let int8 = LinearInt8Format(name: name) { return int8 }
        return nil
    }

    /// Whether a name starts like an 8-bit format's (`lns8…`, `int8…`), for error messages.
    static func looksLikeEightBit(_ name: String) -> Bool {
        let key = name.lowercased()
        return key.hasPrefix("lns8") || key.hasPrefix("int8")
    }

    /// What the 8-bit names look like, for error messages.
    public static let namesHelp = "lns8, lns8-fN (N = 0...6), int8, int8s, int8-sN, int8s-sN (scale 2^-N)"

    /// The one-line message for a name that is neither a binary nor an 8-bit format:
    /// the 8-bit names alone when it starts like one (`lns8-f9`), otherwise every kind.
    ///
    ///     EightBitFormats.unknownNameMessage("lns8-f9")   // "unknown format 'lns8-f9' (expected lns8, ...)"
    public static func unknownNameMessage(_ name: String) -> String {
        if looksLikeEightBit(name) { return "unknown format '\(name)' (expected \(namesHelp))" }
        return "\(FormatNameError(name: name).description.dropLast()), or \(namesHelp))"
    }
}
