/// A number format the lab knows, of any kind: what a command line names and what the
/// trainer, the exp-range table and the reports are given.
///
///     let format = try NumberFormat(name: "bfloat16")     // .binary(.bf16)
///     format.name                                         // "bf16"
///     try NumberFormat(name: "lns8-f3")                   // .logarithmic(LogFormat(fractionBits: 3))
///     try NumberFormat(name: "lns8", accepting: .binary)  // throws FormatNameError
///
/// Every name comes from one table (`namedFormats`, `families` in NumberFormat+Table.swift):
/// a row per named format (name, aliases, parameters, a description) and a row per family
/// named by its parameters (`eXmY`, `lns8-fN`, `int8-sN`). `FloatFormat(name:)`,
/// `LogFormat(name:)`, `LinearInt8Format(name:)` and the formats' `name`s are this
/// registry restricted to one kind, so `NumberFormat(name: f.name) == f`.
///
/// Edge cases: names are case-insensitive; a named row wins over a family where both
/// give the same format (`e5m2` is `fp8-e5m2`, `e4m3fn` is `fp8-e4m3`); `e4m3` is the
/// IEEE-like (4, 3), with infinities, as every `eXmY`. A kind to come (block- or tensor-scaled formats) is a
/// case here, a member of `Kinds` and its rows; a binary variant with another encoding is a
/// row whose `FloatFormat` says so.
public enum NumberFormat: Hashable, Sendable {
    /// A binary floating-point format `(w, f)`: IEEE 754 or, without infinities, E4M3-style.
    case binary(FloatFormat)
    /// An 8-bit logarithmic format: `lns8`, `lns8-fN`, `lns8-mitchell`.
    case logarithmic(LogFormat)
    /// An 8-bit linear integer format: `int8`, `int8s`, `int8-sN`, `int8s-sN`.
    case linear(LinearInt8Format)
    /// A block- or tensor-scaled format: `mxfp8-e4m3`, ..., `mxint8`, `nvfp4`, `int8-tensor`, ...
    case scaled(ScaledFormat)

    /// Kinds of format, as a set: what a command accepts.
    ///
    ///     try NumberFormat(name: "fp16", accepting: .binary)     // calc, verify
    ///     try NumberFormat(name: "int8", accepting: .elementwise) // train, exp-range (the default)
    ///     try NumberFormat(name: "mxfp4", accepting: .scaled)     // convert
    public struct Kinds: OptionSet, Hashable, Sendable {
        public let rawValue: UInt8
        public init(rawValue: UInt8) { self.rawValue = rawValue }

        public static let binary = Kinds(rawValue: 1 << 0)
        public static let logarithmic = Kinds(rawValue: 1 << 1)
        public static let linear = Kinds(rawValue: 1 << 2)
        public static let scaled = Kinds(rawValue: 1 << 3)
        /// The 8-bit formats with their own arithmetic on codes.
        public static let eightBit: Kinds = [.logarithmic, .linear]
        /// The formats whose values are single numbers: every kind but the scaled one.
        public static let elementwise: Kinds = [.binary, .logarithmic, .linear]
        public static let all: Kinds = [.binary, .logarithmic, .linear, .scaled]
        /// Each kind alone, in the order of the table.
        public static let members: [Kinds] = [.binary, .logarithmic, .linear, .scaled]

        /// What a format of this single kind is called in messages: `binary floating-point`,
        /// `logarithmic 8-bit`, `linear 8-bit integer`.
        public var noun: String {
            switch self {
            case .binary: return "binary floating-point"
            case .logarithmic: return "logarithmic 8-bit"
            case .linear: return "linear 8-bit integer"
            case .scaled: return "scaled (block or per-tensor)"
            default: return Self.members.filter(contains).map(\.noun).joined(separator: " or ")
            }
        }

        /// `a` or `an`, as `noun` needs.
        var article: String { noun.first.map { "aeiou".contains($0) } == true ? "an" : "a" }
    }

    /// The kind of this format.
    public var kind: Kinds {
        switch self {
        case .binary: return .binary
        case .logarithmic: return .logarithmic
        case .linear: return .linear
        case .scaled: return .scaled
        }
    }

    /// The binary format, or nil for the other kinds.
    public var floatFormat: FloatFormat? {
        if case let .binary(format) = self { return format }
        return nil
    }

    /// The 8-bit format with its own arithmetic, or nil for the other kinds.
    public var eightBitFormat: (any EightBitFormat)? {
        switch self {
        case .binary, .scaled: return nil
        case let .logarithmic(format): return format
        case let .linear(format): return format
        }
    }

    /// The scaled format, or nil for the other kinds.
    public var scaledFormat: ScaledFormat? {
        if case let .scaled(format) = self { return format }
        return nil
    }
}

extension NumberFormat {
    /// The format a name stands for: a named format or one of its aliases (`bf16`,
    /// `bfloat16`, `half`, `lns8`), or a member of a family (`e6m9`, `e5m2fn`, `lns8-f3`,
    /// `int8s-s4`), among the kinds accepted.
    ///
    ///     try NumberFormat(name: "half")                       // .binary(.fp16)
    ///     try NumberFormat(name: "int8", accepting: .binary)   // throws: calc has no int8
    ///
    /// Edge cases: throws `FormatNameError`, whose message lists what the accepted kinds
    /// are called, for an unknown name and for a format of a kind not accepted.
    ///
    /// - Parameters:
    ///   - name: the name, in any case.
    ///   - kinds: the kinds of format the caller can use; the elementwise ones unless given.
    public init(name: String, accepting kinds: Kinds = .elementwise) throws(FormatNameError) {
        let key = name.lowercased()
        let format = Self.namedFormats.first { $0.name == key || $0.aliases.contains(key) }?.format
            ?? Self.families.lazy.compactMap { $0.parse(key) }.first
        guard let format, kinds.contains(format.kind) else { throw FormatNameError(name: name, accepted: kinds) }
        self = format
    }

    /// The canonical name: the named format's (`fp8-e4m3`, not `e4m3fn`), else the family's
    /// (`e6m9`, `e5m2fn`, `lns8-f3-mitchell`, `int8s-s4`).
    ///
    /// Edge cases: a linear scale that is not a power of two 2^−N with |N| ≤ 30 is written
    /// `-scale<value>`, which no name parses.
    public var name: String {
        if let named = Self.namedFormats.first(where: { $0.format == self }) { return named.name }
        return Self.families.lazy.compactMap { $0.name(self) }.first!
    }

    /// What the names of some kinds look like, for help and error messages: the named
    /// formats, then the families.
    ///
    ///     NumberFormat.names(of: .logarithmic)   // "lns8, lns8-fN (N = 0...6)"
    public static func names(of kinds: Kinds) -> String {
        Kinds.members.filter(kinds.contains).map { kind in
            let named = collapsingRuns(namedFormats.filter { $0.format.kind == kind }.map(\.name))
            return (named + families.filter { $0.kind == kind }.map(\.help)).joined(separator: ", ")
        }.joined(separator: ", ")
    }

    /// Names that differ only in a last digit counting up by one, three or more in a row,
    /// written as their first and last: `binary8p1 … binary8p7`.
    static func collapsingRuns(_ names: [String]) -> [String] {
        func split(_ name: String) -> (stem: Substring, digit: Int)? {
            guard let last = name.last, let digit = last.wholeNumberValue else { return nil }
            return (name.dropLast(), digit)
        }
        var result: [String] = []
        var run: [String] = []
        func flush() {
            result += run.count >= 3 ? ["\(run.first!) … \(run.last!)"] : run
            run = []
        }
        for name in names {
            if let previous = run.last.flatMap(split), let this = split(name),
               previous.stem == this.stem, this.digit == previous.digit + 1 {
                run.append(name)
            } else {
                flush()
                run = [name]
            }
        }
        flush()
        return result
    }
}

extension NumberFormat: CustomStringConvertible {
    public var description: String { name }
}

/// A format name that is not understood, or names a kind of format the caller cannot
/// use: one line listing what is accepted.
///
///     "\(FormatNameError(name: "fp12", accepted: .binary))"
///     // unknown format 'fp12' (expected fp64, fp32, ..., or eXmY with 2 <= X <= 11 and 1 <= Y <= 52 ...)
///
/// Edge cases: a name that starts like an 8-bit one (`lns8-f9`, `int8-x`) is answered with
/// the 8-bit names alone when those are accepted; the name of a format of a kind not
/// accepted says which kind it is (`format 'lns8' is a logarithmic format, not accepted
/// here (expected ...)`).
///
/// - Parameters:
///   - name: the name as given.
///   - accepted: the kinds the caller accepts.
public struct FormatNameError: Error, CustomStringConvertible, Equatable {
    public let name: String
    public let accepted: NumberFormat.Kinds

    public init(name: String, accepted: NumberFormat.Kinds) {
        self.name = name
        self.accepted = accepted
    }

    public var description: String {
        let key = name.lowercased()
        if accepted.contains(.binary), let (w, f, finite) = NumberFormat.widths(key), finite, f == 1,
           (2...11).contains(w) {
            return "format \(Echo.quoted(name)) is not supported: the finite (fn) encoding keeps S.\(String(repeating: "1", count: w)).1 "
                + "as NaN, which with one fraction bit is not OCP FP4 E2M1 (no NaN, all codes finite); "
                + "use fp4-e2m1 (OCP FP4 E2M1, no NaN), e\(w)m1 (IEEE-like) or a finite format with Y >= 2"
        }
        let startsLikeEightBit = NumberFormat.families.contains { family in
            family.kind.isSubset(of: .eightBit) && family.prefix.map(key.hasPrefix) == true
        }
        let eightBit = accepted.intersection(.eightBit)
        let listed = startsLikeEightBit && !eightBit.isEmpty ? eightBit : accepted
        let groups = [listed.intersection(.binary), listed.intersection(.eightBit), listed.intersection(.scaled)]
            .filter { !$0.isEmpty }
        let expected = "(expected \(groups.map(NumberFormat.names(of:)).joined(separator: ", or ")))"
        if let known = try? NumberFormat(name: name, accepting: .all) {
            return "format \(Echo.quoted(name)) is \(known.kind.article) \(known.kind.noun) format, not accepted here \(expected)"
        }
        return "unknown format \(Echo.quoted(name)) \(expected)"
    }
}
