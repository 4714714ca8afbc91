import SoftFloat

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
