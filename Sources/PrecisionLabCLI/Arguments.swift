import SoftFloat
/// The words of a command line, consumed as a command reads its options.
///
///     var args = Arguments(["--format", "bf16", "1", "/", "3"])
///     let format = try args.take(formatOption)   // "bf16"
///     let rest = try args.remaining()             // ["1", "/", "3"]
///
/// Edge cases: `--name=value` and `--name value` are both accepted; a value that is
/// missing is a `UsageError` naming the option; so is an option given twice (except in
/// `readInOrder`, where a later one overrides an earlier, as TestFloat's programs do).
public struct Arguments {
    public private(set) var words: [String]

    public init(_ words: [String]) { self.words = words }

    public var isEmpty: Bool { words.isEmpty }

    /// Removes the first occurrence of `option` and returns its value (for a flag, the
    /// spelling used), or nil when it is absent. Every option is looked for here.
    ///
    /// Edge cases: an option given twice (in any of its spellings) is a `UsageError` that
    /// says so; a value option as the last word is a `UsageError`.
    public mutating func take(_ option: OptionSpec) throws -> String? {
        for (i, word) in words.enumerated() {
            guard let match = option.match(word) else { continue }
            let value: String
            if !option.takesValue {
                words.remove(at: i)
                value = match.spelling
            } else if let inline = match.inlineValue {
                words.remove(at: i)
                value = inline
            } else {
                guard i + 1 < words.count else { throw UsageError("option \(option.name) needs a value") }
                value = words[i + 1]
                words.removeSubrange(i...(i + 1))
            }
            if words[i...].contains(where: { option.match($0) != nil }) {
                throw UsageError("option \(option.name) is given more than once")
            }
            return value
        }
        return nil
    }

    /// Applies each of `options` found among the words, in the order declared; an option
    /// given twice is a `UsageError`.
    ///
    ///     try arguments.read(TrainCommand.options, into: &command)
    public mutating func read<Owner>(_ options: [CommandOption<Owner>], into owner: inout Owner) throws {
        for option in options {
            if let value = try take(option.spec) { try option.apply(&owner, value) }
        }
    }

    /// Reads every word from left to right, as TestFloat does: an option where it stands (a
    /// later one overrides an earlier), any other word by `argument`.
    ///
    ///     try arguments.readInOrder(VerifyCommand.options, into: &command) { try $0.read(argument: $1) }
    ///
    /// Edge cases: a word that starts with `-` and is longer than `-` but is no option is an
    /// unknown option; `-` alone is an argument.
    public mutating func readInOrder<Owner>(_ options: [CommandOption<Owner>], into owner: inout Owner,
                                            argument: (inout Owner, String) throws -> Void) throws {
        var index = 0
        while index < words.count {
            let word = words[index]
            if let (option, match) = options.lazy.compactMap({ option in option.spec.match(word).map { (option, $0) } })
                .first {
                var value = match.inlineValue ?? match.spelling
                if option.spec.takesValue, match.inlineValue == nil {
                    index += 1
                    guard index < words.count else { throw UsageError("option \(option.spec.name) needs a value") }
                    value = words[index]
                }
                try option.apply(&owner, value)
            } else if word.hasPrefix("-") && word.count > 1 {
                throw UsageError("unknown option \(Echo.quoted(word))")
            } else {
                try argument(&owner, word)
            }
            index += 1
        }
        words = []
    }

    /// Removes and returns the words left; an unknown `--option` among them is an error.
    public mutating func remaining(allowingDashes: Bool = false) throws -> [String] {
        if !allowingDashes, let unknown = words.first(where: { $0.hasPrefix("--") }) {
            throw UsageError("unknown option \(Echo.quoted(unknown))")
        }
        defer { words = [] }
        return words
    }

    /// Throws unless every word was consumed.
    public func expectEmpty() throws {
        if let first = words.first {
            throw UsageError(first.hasPrefix("-") ? "unknown option \(Echo.quoted(first))"
                             : "unexpected argument \(Echo.quoted(first))")
        }
    }
}
