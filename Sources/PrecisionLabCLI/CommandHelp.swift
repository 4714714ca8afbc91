/// What a command's help says besides its options, and how it is laid out; the options'
/// lines come from their declarations.
///
///     CommandHelp(usage: [[.option(format), .text("[options]")]],
///                 discussion: "Trains softmax regression ...", optionColumn: 25)
///     // usage: precision-lab train [--format F] [options]
///     //
///     // Trains softmax regression ...
///     //
///     // options:
///     //   --format F             fp64, fp32, ...
///
/// Edge cases: with `width` set, a usage line longer than `width` wraps, its further lines
/// indented under its first option; with `width` nil it stays on one line.
public struct CommandHelp: Sendable {
    /// One word of a usage line.
    public enum Word: Sendable {
        /// Words as they are: `[options]`, `<a> <op> <b>`, a part's name.
        case text(String)
        /// An option's synopsis, `[--epochs N]`.
        case option(OptionSpec)
        /// An option's synopsis with another placeholder, `[--only NAME[,NAME...]]`.
        case optionWithValue(OptionSpec, String)

        var text: String {
            switch self {
            case let .text(text): return text
            case let .option(spec): return spec.synopsis()
            case let .optionWithValue(spec, value): return spec.synopsis(value: value)
            }
        }

        var isOption: Bool {
            if case .text = self { return false }
            return true
        }
    }

    /// The forms of the command, each after `precision-lab <command>`.
    public var usage: [[Word]]
    /// The prose between the usage and the options: what the command does, examples.
    public var discussion: String
    /// What follows the options (the exit status), if anything.
    public var epilogue: String?
    /// Where each option's help starts, counted from 0.
    public var optionColumn: Int
    /// The width usage lines wrap at, or nil.
    public var width: Int?

    public init(usage: [[Word]], discussion: String, epilogue: String? = nil, optionColumn: Int = 20,
                width: Int? = 80) {
        self.usage = usage
        self.discussion = discussion
        self.epilogue = epilogue
        self.optionColumn = optionColumn
        self.width = width
    }

    /// The whole help of command `name` with `options`, ending without a newline.
    ///
    /// Edge cases: hidden options are left out.
    /// - Parameters:
    ///   - name: the command's name, as typed after `precision-lab`.
    ///   - options: the command's options, in the order they are listed.
    public func text(name: String, options: [OptionSpec]) -> String {
        var lines: [String] = []
        for (index, form) in usage.enumerated() {
            lines += usageLines(index == 0 ? "usage: " : "       ", name, form)
        }
        lines += ["", discussion, "", "options:"]
        lines += options.flatMap { $0.helpLines(column: optionColumn) }
        if let epilogue { lines += ["", epilogue] }
        return lines.joined(separator: "\n")
    }

    /// One form, wrapped at `width` under its first option.
    func usageLines(_ lead: String, _ name: String, _ form: [Word]) -> [String] {
        var line = lead + "precision-lab " + name
        var indent: String?
        var lines: [String] = []
        for word in form {
            if word.isOption, indent == nil { indent = String(repeating: " ", count: line.count + 1) }
            if let width, let indent, line.count + 1 + word.text.count > width, line.count > indent.count {
                lines.append(line)
                line = indent + word.text
            } else {
                line += " " + word.text
            }
        }
        return lines + [line]
    }
}
