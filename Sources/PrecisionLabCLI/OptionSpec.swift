/// What one option of a command is, apart from what it does: its spellings, whether it takes
/// a value, and its help. Help, the usage line and the parser all read it.
///
///     let epochs = OptionSpec(name: "--epochs", kind: .value("N"), help: "epochs", defaultValue: "10")
///     epochs.synopsis()               // "[--epochs N]"
///     epochs.helpLines(column: 25)    // ["  --epochs N             epochs (default 10)"]
///
/// Edge cases: an option without help is hidden (TestFloat's spellings in `verify`): it is
/// parsed but neither listed nor in the usage line. A value option matches `--name value`
/// and `--name=value`; a flag only its exact spellings.
public struct OptionSpec: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        /// Present or absent: `--saturate`.
        case flag
        /// Followed by a value, shown in help as the placeholder: `--epochs N`.
        case value(String)
    }

    /// The spelling that help shows and errors name.
    public let name: String
    /// Other spellings, accepted and not shown (`-exact` beside `--exact`).
    public let aliases: [String]
    public let kind: Kind
    /// The help: lines after the first are indented to the help column. Nil: hidden.
    public let help: String?
    /// The default value, shown after the help as `(default X)`.
    public let defaultValue: String?

    public init(name: String, aliases: [String] = [], kind: Kind, help: String?, defaultValue: String? = nil) {
        self.name = name
        self.aliases = aliases
        self.kind = kind
        self.help = help
        self.defaultValue = defaultValue
    }

    /// Every spelling, `name` first.
    public var spellings: [String] { [name] + aliases }

    public var takesValue: Bool { kind != .flag }

    public var isHidden: Bool { help == nil }

    /// `--epochs N`, or `--saturate` for a flag.
    public var label: String {
        guard case let .value(placeholder) = kind else { return name }
        return name + " " + placeholder
    }

    /// `[--epochs N]`; `value` stands in for the placeholder where the usage line says more.
    public func synopsis(value: String? = nil) -> String {
        guard case let .value(placeholder) = kind else { return "[\(name)]" }
        return "[\(name) \(value ?? placeholder)]"
    }

    /// The option's lines in a command's list of options: the label from column 2, the help
    /// from `column`, and each further line of help indented to `column`.
    ///
    ///     spec.helpLines(column: 20)   // ["  --formats LIST    comma-separated formats, by default", ...]
    ///
    /// Edge cases: a label too long for the column is followed by one space; a hidden option
    /// has no lines.
    /// - Parameters:
    ///   - column: where the help starts, counted from 0.
    public func helpLines(column: Int) -> [String] {
        guard var help else { return [] }
        if let defaultValue { help += " (default \(defaultValue))" }
        let lead = "  " + label
        let indent = String(repeating: " ", count: column)
        return help.split(separator: "\n", omittingEmptySubsequences: false).enumerated().map { index, line in
            index == 0 ? lead + String(repeating: " ", count: max(1, column - lead.count)) + line : indent + line
        }
    }

    /// The spelling `word` uses and the value written into it (`--name=value`), or nil when
    /// `word` is not this option.
    func match(_ word: String) -> (spelling: String, inlineValue: String?)? {
        for spelling in spellings {
            if word == spelling { return (spelling, nil) }
            if takesValue, word.hasPrefix(spelling + "=") { return (spelling, String(word.dropFirst(spelling.count + 1))) }
        }
        return nil
    }
}
