import SoftFloat

/// `precision-lab calc`: one operation in one format, for people exploring.
///
///     precision-lab calc --format bf16 --rounding up 1 / 3
///
/// Edge cases: operands are rounded into the format first (their own flags are shown
/// beside them when that rounding was not exact); an unsigned `0x` word of hex digits is a
/// bit pattern of the format, and `--bits` reads every operand that way.
public struct CalcCommand: Command {
    public static let name = "calc"
    public static let abstract = "One operation in a format: value, bits, exact decimal, flags"
    public static let help = CommandHelp(
        usage: [[.text("[options] <a> <op> <b>")], [.text("[options] sqrt <a>")],
                [.text("[options] fma <a> <b> <c>")], [.text("[options] <a>")]],
        discussion: """
            Computes one correctly rounded operation in a floating-point format and shows
            the result's shortest decimal, its bits, its exact decimal expansion, its
            class, and the exception flags raised. A lone operand is only rounded into
            the format. Operands that the format cannot hold exactly are listed with
            what they rounded to.

              precision-lab calc --format bf16 --rounding up 1 / 3
              precision-lab calc --format fp16 sqrt 2
              precision-lab calc --format fp32 fma 1 2 3
              precision-lab calc --format fp8-e4m3 0x7E x 0x40

            operations: + - * / and rem (also 'rem <a> <b>'), sqrt, and fma (a * b + c,
                        rounded once); quote '*' from the shell, or write x
            operands:   decimal (1.5, -2e-3), hexadecimal (0x1.8p1), inf, -inf, nan, or a
                        bit pattern of the format as unsigned hex digits (0x3F80)
            """,
        epilogue: "Exit status: 0 success, 64 bad usage.")

    public static let options: [CommandOption<CalcCommand>] = [
        .value("--format", "F", help: """
            fp64, fp32 (default), tf32, bf16, fp16, fp8-e5m2, fp8-e4m3,
            or eXmY (X exponent bits 2...11, Y fraction bits 1...52,
            IEEE-like), eXmYfn (no infinities, Y >= 2); ml_dtypes' types
            by name (float8_e4m3fnuz, float6_e2m3fn, float4_e2m1fn, ...)
            or short name (fp8-e4m3fnuz, fp6-e2m3, fp4-e2m1, ...), and
            IEEE P3109's binary8p1 ... binary8p7; a bit pattern is 0x
            and hex digits, without a sign
            """, OptionValue("a format") { name in
                do { return try FloatFormat(name: name) } catch { throw UsageError("\(error)") }
            }) { $0.format = $1 },
        .value("--rounding", "MODE", help: """
            nearestEven (default), nearestAway, towardZero, up, down,
            odd (truncate, then set the last bit if inexact),
            stochastic; TestFloat's near_even, minMag, ... work too
            """, .roundingMode) { $0.environment.rounding = $1 },
        .value("--seed", "N", help: "the seed of stochastic rounding", default: "0",
               OptionValue("a non-negative integer") { UInt64($0) }) {
            $0.environment.random = StochasticBits(seed: $1)
            $0.seed = $1
        },
        .value("--tininess", "WHEN", help: "underflow detected 'after' rounding (default) or 'before'", .tininess) {
            $0.environment.tininess = $1
        },
        .flag("--flush", help: "flush subnormal operands and results to zero") { $0.environment.subnormals = false },
        .flag("--saturate", help: "overflow to the largest finite value instead of infinity") {
            $0.environment.saturates = true
        },
        .flag("--bits", help: "read every operand as a hex bit pattern (0x optional)") { $0.readsBits = true },
    ]

    public var format: FloatFormat = .fp32
    public var environment = FloatEnvironment()
    public var readsBits = false
    public var seed: UInt64 = 0
    /// The operation, or nil for a lone operand rounded into the format.
    var operation: ArithmeticOperation?
    var operandTexts: [String] = []

    public init() {}

    public mutating func readArguments(_ arguments: inout Arguments) throws {
        let words = try arguments.remaining()
        if let option = words.first(where: Self.looksLikeAnOption) {
            throw UsageError("unknown option \(Echo.quoted(option))")
        }
        guard let first = words.first else {
            throw UsageError("missing the calculation, e.g. 'precision-lab calc --format bf16 1 / 3'")
        }
        switch first.lowercased() {
        case "sqrt", "fma", "rem":
            operation = ArithmeticOperation(symbol: first)
            operandTexts = Array(words.dropFirst())
        default:
            if let leading = Self.infixOperation(first) {
                throw UsageError("\(Echo.quoted(first)) takes 2 operands: expected '<a> \(first) <b>'"
                                 + (leading == .remainder ? " or 'rem <a> <b>'" : ""))
            }
            if words.count == 1 {
                operation = nil
                operandTexts = words
            } else {
                guard let infix = Self.infixOperation(words[1]) else {
                    throw UsageError("unknown operation \(Echo.quoted(words[1])) (expected + - * / rem, or sqrt, fma before the operands)")
                }
                guard words.count == 3 else {
                    throw UsageError("\(Echo.quoted(words[1])) takes 2 operands: expected '<a> \(words[1]) <b>', found \(Echo.quoted(words.joined(separator: " ")))")
                }
                operation = infix
                operandTexts = [words[0], words[2]]
            }
        }
        if let operation, operandTexts.count != operation.operandCount {
            let want = operation.operandCount == 1 ? "1 operand" : "\(operation.operandCount) operands"
            throw UsageError("\(operation.symbol) takes \(want), found \(operandTexts.count)")
        }
    }

    public func run(_ io: CommandIO) throws -> ExitCode {
        var env = environment
        var operands: [UInt64] = []
        var conversionFlags: [ExceptionFlags] = []
        for text in operandTexts {
            env.flags = []
            operands.append(try parseOperand(text, &env))
            conversionFlags.append(env.flags)
        }
        env.flags = []
        let result: UInt64
        let expression: String
        if let operation {
            result = format.operate(operation, operands, &env)
            expression = operation.operandCount == 2 ? "\(operandTexts[0]) \(operation.symbol) \(operandTexts[1])"
                : operation.symbol + " " + operandTexts.joined(separator: " ")
        } else {
            result = operands[0]
            env.flags = conversionFlags[0]
            expression = operandTexts[0]
        }
        io.out("\(format.name): \(expression), \(settings)")
        if operation != nil {
            // Operands that did not fit the format exactly, and what they became.
            for (i, flags) in conversionFlags.enumerated() where !flags.isEmpty {
                let bits = operands[i]
                io.out("  operand  \(operandTexts[i]) rounds to \(hex(bits)) = \(format.exactDecimal(bits)) (\(flags))")
            }
        }
        io.out("  value    \(format.shortestDescription(result))")
        io.out("  bits     \(hex(result)) = \(fields(result))")
        io.out("  exact    \(format.exactDecimal(result))")
        io.out("  class    \(Self.describe(format.classify(result)))")
        io.out("  flags    \(env.flags)")
        return .success
    }

    // MARK: - Pieces

    /// The operation an infix symbol names: `+ - * x / rem %` (and `− × ÷`).
    static func infixOperation(_ symbol: String) -> ArithmeticOperation? {
        switch symbol.lowercased() {
        case "+": return .add
        case "-", "−": return .subtract
        case "*", "x", "×": return .multiply
        case "/", "÷": return .divide
        case "rem", "%": return .remainder
        default: return nil
        }
    }

    /// `-x` or `-tininess`, but not `-1`, `-.5`, `-inf`, `-nan` or the operator `-`.
    static func looksLikeAnOption(_ word: String) -> Bool {
        guard word.hasPrefix("-"), let second = word.dropFirst().first, second.isLetter else { return false }
        let lower = word.lowercased()
        return !["-inf", "-infinity", "-nan", "-snan"].contains(lower) && !lower.hasPrefix("-nan(")
            && !lower.hasPrefix("-snan(")
    }

    /// `rounding up`, plus the options that differ from the defaults.
    var settings: String {
        var parts = ["rounding \(environment.rounding.rawValue)"]
        if environment.rounding == .stochastic { parts[0] += " (seed \(seed))" }
        if environment.tininess == .beforeRounding { parts.append("tininess before rounding") }
        if !environment.subnormals { parts.append("subnormals flushed") }
        if environment.saturates { parts.append("saturating") }
        return parts.joined(separator: ", ")
    }

    private func notesFlags(_ text: String) -> String {
        var env = environment
        _ = try? parseOperand(text, &env)
        return "\(env.flags)"
    }

    /// An operand as a bit pattern of the format.
    func parseOperand(_ text: String, _ env: inout FloatEnvironment) throws -> UInt64 {
        let lower = text.lowercased()
        let isBitPattern = readsBits
            || (lower.hasPrefix("0x") && lower.count > 2 && lower.dropFirst(2).allSatisfy(\.isHexDigit))
        if let sign = lower.first, sign == "+" || sign == "-",
           readsBits ? lower.count > 1 && lower.dropFirst().allSatisfy(\.isHexDigit)
                     : lower.dropFirst().hasPrefix("0x") && lower.count > 3 && lower.dropFirst(3).allSatisfy(\.isHexDigit) {
            throw UsageError("a bit pattern has no sign: \(Echo.quoted(text)) (write \(Echo.quoted(String(text.dropFirst()))) "
                             + "for the pattern, or a hexadecimal float with a p exponent, e.g. \(sign)0x1p4)")
        }
        if isBitPattern {
            let digits = lower.hasPrefix("0x") ? lower.dropFirst(2) : Substring(lower)
            guard !digits.isEmpty, digits.allSatisfy(\.isHexDigit) else {
                throw UsageError("invalid bit pattern \(Echo.quoted(text)): expected hexadecimal digits")
            }
            guard let value = UInt64(digits, radix: 16) else {
                throw UsageError("bit pattern \(Echo.quoted(text)) does not fit in \(format.name)'s \(format.bitWidth) bits")
            }
            let mask: UInt64 = format.bitWidth == 64 ? .max : (1 << UInt64(format.bitWidth)) - 1
            guard value & ~mask == 0 else {
                throw UsageError("bit pattern \(Echo.quoted(text)) does not fit in \(format.name)'s \(format.bitWidth) bits")
            }
            return value
        }
        guard let bits = format.parseDecimal(text, &env) else {
            throw UsageError("invalid number \(Echo.quoted(text)) (expected e.g. 1.5, -2e-3, 0x1.8p1, inf, nan, or a 0x bit pattern)")
        }
        return bits
    }

    /// `0x3EAB`, zero-padded to the format's width.
    func hex(_ x: UInt64) -> String {
        "0x" + TestFloatVerifier.hex(x, digits: (format.bitWidth + 3) / 4)
    }

    /// `0 01111101 0101011`: sign, exponent and fraction fields in binary.
    func fields(_ x: UInt64) -> String {
        func binary(_ v: UInt64, _ width: Int) -> String {
            let text = String(v, radix: 2)
            return String(repeating: "0", count: width - text.count) + text
        }
        let w = format.exponentBitCount, f = format.fractionBitCount
        let fields = "\(x >> UInt64(w + f) & 1) \(binary(x >> UInt64(f) & format.exponentFieldMask, w))"
        return f == 0 ? fields : fields + " " + binary(x & format.fractionMask, f)  // binary8p1: no fraction
    }

    static func describe(_ c: FloatingPointClassification) -> String {
        switch c {
        case .signalingNaN: return "signaling NaN"
        case .quietNaN: return "quiet NaN"
        case .negativeInfinity: return "negative infinity"
        case .negativeNormal: return "negative normal"
        case .negativeSubnormal: return "negative subnormal"
        case .negativeZero: return "negative zero"
        case .positiveZero: return "positive zero"
        case .positiveSubnormal: return "positive subnormal"
        case .positiveNormal: return "positive normal"
        case .positiveInfinity: return "positive infinity"
        }
    }
}
