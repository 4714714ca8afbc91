/// One option of a command, declared once: what it is (`spec`, from which help and the usage
/// line are written) and what it does to the command.
///
///     static let options: [CommandOption<TrainCommand>] = [
///         .value("--batch", "N", help: "minibatch size", default: "256", .positiveInteger) {
///             $0.configuration.batchSize = $1
///         },
///         .flag("--stochastic-update", help: "round the weight update stochastically") {
///             $0.policy.stochasticUpdate = true
///         },
///     ]
///
/// Edge cases: an option that is absent leaves the command as `init()` made it; how the
/// words are searched (first occurrence, or left to right) is `Arguments`' business.
public struct CommandOption<Owner>: Sendable {
    public let spec: OptionSpec
    /// Applies the option; given its value, or for a flag the spelling used.
    let apply: @Sendable (inout Owner, String) throws -> Void

    /// A flag: `set` runs when it is present.
    /// - Parameters:
    ///   - name: the spelling help shows.
    ///   - aliases: other spellings, not shown.
    ///   - help: the help (lines after the first are indented); nil hides the flag.
    public static func flag(_ name: String, aliases: [String] = [], help: String?,
                            _ set: @escaping @Sendable (inout Owner) throws -> Void) -> Self {
        CommandOption(spec: OptionSpec(name: name, aliases: aliases, kind: .flag, help: help)) { owner, _ in
            try set(&owner)
        }
    }

    /// An option with a value, parsed by `value`, then given to `set`.
    /// - Parameters:
    ///   - name: the spelling help shows.
    ///   - placeholder: the value's name in help, e.g. `N`.
    ///   - help: the help (lines after the first are indented).
    ///   - default: the default, shown as `(default X)` after the help.
    ///   - value: what is expected and how it is parsed.
    public static func value<Value>(_ name: String, _ placeholder: String, help: String, default: String? = nil,
                                    _ value: OptionValue<Value>,
                                    _ set: @escaping @Sendable (inout Owner, Value) throws -> Void) -> Self {
        CommandOption(spec: OptionSpec(name: name, kind: .value(placeholder), help: help, defaultValue: `default`)) {
            owner, text in
            try set(&owner, try value.value(of: text, for: name))
        }
    }
}
