/// Text from the user as an error message shows it: escaped, so that it stays on one line
/// and sends no control sequence to a terminal, and shortened, so that a huge word gives a
/// short line.
///
///     Echo.quoted("--form\u{1B}[2J")            // "'--form\\x1B[2J'"
///     Echo.quoted(String(repeating: "x", count: 10_000_000))   // "'xxx…x…'" (60 x's)
///
/// Edge cases: a tab, newline or carriage return is written `\t`, `\n`, `\r`; any other
/// control, format, separator (other than the space), surrogate, private-use or unassigned
/// scalar is written `\xHH` or `\u{HHHH}`; the limit counts characters after escaping, and
/// a shortened text ends with `…`.
public enum Echo {
    /// The characters of an echoed word that a message keeps.
    public static let limit = 60

    /// `text` escaped, shortened to `limit` characters, in single quotes.
    public static func quoted(_ text: String, limit: Int = Echo.limit) -> String {
        "'" + shown(text, limit: limit) + "'"
    }

    /// `text` escaped and shortened to `limit` characters (then `…`).
    public static func shown(_ text: String, limit: Int = Echo.limit) -> String {
        var result = ""
        var count = 0
        for scalar in text.unicodeScalars {
            let piece = escaped(scalar)
            if count + piece.count > limit { return result + "…" }
            result += piece
            count += piece.count
        }
        return result
    }

    /// A whole message made safe for one line: every scalar escaped as `shown` does, and at
    /// most `limit` characters (default 600: a list of every accepted format fits).
    public static func line(_ message: String, limit: Int = 600) -> String {
        shown(message, limit: limit)
    }

    /// One scalar as a message shows it.
    static func escaped(_ scalar: Unicode.Scalar) -> String {
        switch scalar {
        case "\t": return "\\t"
        case "\n": return "\\n"
        case "\r": return "\\r"
        case " ": return " "
        default: break
        }
        if scalar.value < 0x80 {
            return scalar.value < 0x20 || scalar.value == 0x7F ? "\\x" + hex(scalar.value, digits: 2) : String(scalar)
        }
        switch scalar.properties.generalCategory {
        case .control, .format, .surrogate, .privateUse, .unassigned, .lineSeparator, .paragraphSeparator,
             .spaceSeparator:
            return "\\u{" + hex(scalar.value, digits: 4) + "}"
        default:
            return String(scalar)
        }
    }

    static func hex(_ value: UInt32, digits: Int) -> String {
        let text = String(value, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, digits - text.count)) + text
    }
}
