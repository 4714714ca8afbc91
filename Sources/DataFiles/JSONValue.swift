import Foundation

/// A JSON document built in code and written with its keys in the order given.
///
///     let doc: JSONValue = .object([("format", .string("bf16")), ("accuracy", .number(0.83))])
///     doc.text()    // {"format": "bf16", "accuracy": 0.83} (indented)
///
/// Edge cases: a non-finite number is written as `null` (JSON has no NaN or infinity).
public indirect enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    case int(Int)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([(String, JSONValue)])

    public static func == (lhs: JSONValue, rhs: JSONValue) -> Bool { lhs.text() == rhs.text() }

    /// `x`, or null when `x` is nil or not finite.
    public static func number(_ x: Double?) -> JSONValue {
        guard let x, x.isFinite else { return .null }
        return .number(x)
    }

    /// How the text is laid out: indentation is always two spaces a level.
    ///
    ///     doc.text(layout: .foundation)   // {"accuracy" : 0.83, "format" : "bf16"} (indented)
    ///
    /// Edge cases: `.foundation` is the layout of Foundation's `JSONEncoder` with
    /// `[.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]`, kept so that documents once
    /// written by it read the same; it writes `\b` and `\f` as `\u0008` and `\u000c`.
    public struct Layout: Sendable {
        /// Between a key and its value: `": "` or `" : "`.
        public var keySeparator: String
        /// Whether an empty array or object holds an empty line (`[\n\n]`) rather than `[]`.
        public var opensEmptyContainers: Bool
        /// Whether an integral number loses its `.0` (`90` rather than `90.0`).
        public var dropsZeroFraction: Bool
        /// Whether each object's keys are written in the order of their UTF-8 bytes.
        public var sortsKeys: Bool

        /// The lab's layout: keys in the order given, `"key": value`.
        public static let standard = Layout(keySeparator: ": ", opensEmptyContainers: false,
                                            dropsZeroFraction: false, sortsKeys: false)
        /// Foundation's `JSONEncoder`, pretty-printed with sorted keys.
        public static let foundation = Layout(keySeparator: " : ", opensEmptyContainers: true,
                                              dropsZeroFraction: true, sortsKeys: true)
    }

    /// The document as indented text, ending without a newline.
    public func text(indent: String = "", layout: Layout = .standard) -> String {
        let inner = indent + "  "
        switch self {
        case .null: return "null"
        case let .bool(b): return b ? "true" : "false"
        case let .int(i): return String(i)
        case let .number(x):
            guard x.isFinite else { return "null" }
            let text = String(x)
            return layout.dropsZeroFraction && text.hasSuffix(".0") ? String(text.dropLast(2)) : text
        case let .string(s): return Self.quote(s)
        case let .array(items):
            if items.isEmpty { return layout.opensEmptyContainers ? "[\n\n" + indent + "]" : "[]" }
            return "[\n" + items.map { inner + $0.text(indent: inner, layout: layout) }.joined(separator: ",\n")
                + "\n" + indent + "]"
        case var .object(members):
            if members.isEmpty { return layout.opensEmptyContainers ? "{\n\n" + indent + "}" : "{}" }
            if layout.sortsKeys { members.sort { $0.0.utf8.lexicographicallyPrecedes($1.0.utf8) } }
            return "{\n" + members.map { inner + Self.quote($0.0) + layout.keySeparator
                + $0.1.text(indent: inner, layout: layout) }
                .joined(separator: ",\n") + "\n" + indent + "}"
        }
    }

    /// Writes the text and a newline to `path`, atomically (`AtomicFile`).
    ///
    ///     try result.json.write(toFile: "bf16.json")
    ///
    /// Edge cases: `-` is standard output, a link is followed, a FIFO or device is written in
    /// place; throws `FileError` naming the path when it cannot be written.
    public func write(toFile path: String, layout: Layout = .standard) throws {
        try AtomicFile.write(text(layout: layout) + "\n", to: path)
    }

    static func quote(_ s: String) -> String {
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 {
                    out += "\\u" + String(repeating: "0", count: 4 - String(scalar.value, radix: 16).count)
                        + String(scalar.value, radix: 16)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }
}
