/// The words of a command line, consumed as a command reads its options.
///
///     var args = Arguments(["--format", "bf16", "1", "/", "3"])
///     let format = try args.option("--format")   // "bf16"
///     let rest = args.remaining()                 // ["1", "/", "3"]
///
/// Edge cases: `--name=value` and `--name value` are both accepted; a value that is
/// missing is a `UsageError` naming the option.
public struct Arguments {
    public private(set) var words: [String]

    public init(_ words: [String]) { self.words = words }

    public var isEmpty: Bool { words.isEmpty }

    /// Removes and returns the value of `--name`, or nil when absent.
    public mutating func option(_ name: String) throws -> String? {
        for (i, word) in words.enumerated() {
            if word == name {
                guard i + 1 < words.count else { throw UsageError("option \(name) needs a value") }
                let value = words[i + 1]
                words.removeSubrange(i...(i + 1))
                return value
            }
            if word.hasPrefix(name + "=") {
                words.remove(at: i)
                return String(word.dropFirst(name.count + 1))
            }
        }
        return nil
    }

    /// Removes `--name` if present and says whether it was.
    public mutating func flag(_ name: String) -> Bool {
        guard let i = words.firstIndex(of: name) else { return false }
        words.remove(at: i)
        return true
    }

    /// The value of `--name` parsed by `parse`, or nil when absent; a value that does not
    /// parse is a `UsageError` naming the option and the value.
    public mutating func option<T>(_ name: String, as what: String,
                                   _ parse: (String) -> T?) throws -> T? {
        guard let text = try option(name) else { return nil }
        guard let value = parse(text) else {
            throw UsageError("invalid value '\(text)' for \(name): expected \(what)")
        }
        return value
    }

    /// Removes and returns the words left; an unknown `--option` among them is an error.
    public mutating func remaining(allowingDashes: Bool = false) throws -> [String] {
        if !allowingDashes, let unknown = words.first(where: { $0.hasPrefix("--") }) {
            throw UsageError("unknown option '\(unknown)'")
        }
        defer { words = [] }
        return words
    }

    /// Throws unless every word was consumed.
    public func expectEmpty() throws {
        if let first = words.first {
            throw UsageError(first.hasPrefix("-") ? "unknown option '\(first)'" : "unexpected argument '\(first)'")
        }
    }
}
