extension EmulatedFloat: CustomStringConvertible, CustomDebugStringConvertible, LosslessStringConvertible {
    /// The shortest decimal that reads back as this value, in `Float16`'s style.
    ///
    ///     BFloat16(0.1).description   // "0.1"
    ///     SoftFloat32(1e-5).description  // "1e-05"
    ///     (-SoftFloat16.infinity).description  // "-inf"
    ///
    /// Edge cases: every NaN reads `nan` (`debugDescription` shows sign and payload).
    public var description: String { Self.format.shortestDescription(bits) }

    /// `description`, except that NaNs show their sign, whether they signal, and their
    /// payload, as the standard library prints them: `-nan`, `snan(0x1)`.
    public var debugDescription: String {
        let format = Self.format
        guard format.isNaN(bits) else { return description }
        let sign = format.isNegative(bits) ? "-" : ""
        let signaling = format.isSignalingNaN(bits) ? "s" : ""
        let payloadMask: UInt64 = format.encoding.hasIEEENaNs && format.fractionBitCount > 2
            ? (1 << UInt64(format.fractionBitCount - 2)) - 1 : 0
        let payload = bits & payloadMask
        return sign + signaling + "nan" + (payload == 0 ? "" : "(0x" + String(payload, radix: 16) + ")")
    }

    /// The value a decimal or hexadecimal text spells, correctly rounded (to nearest,
    /// ties to even), or nil when the text is malformed.
    ///
    ///     BFloat16("3.14159")    // 3.140625
    ///     SoftFloat16("1e9")     // inf
    ///     FloatE4M3("0x1p-9")    // the least subnormal
    ///     BFloat16("1,5")        // nil
    ///
    /// Edge cases: accepts what `Double(_:)` accepts: `inf`, `-infinity`, `nan`, `snan`,
    /// `nan(0x…)`, `0x1.8p3`, any number of digits.
    ///
    /// - Parameters:
    ///   - description: the text, without surrounding spaces.
    public init?(_ description: String) {
        var env = FloatEnvironment()
        self.init(description, &env)
    }

    /// The value a substring (or any `StringProtocol` text) spells, as `init?(_:)` reads it.
    public init?<Text: StringProtocol>(_ text: Text) {
        self.init(String(text))
    }

    /// The value a decimal or hexadecimal text spells, rounded by `env`, which collects
    /// inexact, underflow and overflow; nil when the text is malformed.
    public init?(_ text: String, _ env: inout FloatEnvironment) {
        guard let bits = Self.format.parseDecimal(text, &env) else { return nil }
        self.init(bits: bits)
    }

    /// The exact value in positional decimal: `BFloat16(0.1).exactDescription` is
    /// `"0.10009765625"`.
    public var exactDescription: String { Self.format.exactDecimal(bits) }
}

extension EmulatedFloat: Codable {
    /// Decodes a number (a `Double`, rounded to the format: exact for encoded values).
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        self.init(try container.decode(Double.self))
    }

    /// Encodes the exact value as a `Double`.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(Double(self))
    }
}
