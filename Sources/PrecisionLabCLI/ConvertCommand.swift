import SoftFloat

/// `precision-lab convert --to F`: numbers read from standard input, rounded into a format
/// and written as hex codes, one output line per input line; `--decode` the way back. The
/// lab's interface for scripts and for checking it against other libraries.
///
///     echo '0.1 1 0x3f800000' | precision-lab convert --to bf16     # 0x3dcd 0x3f80 0x3f80
///     precision-lab convert --to mxfp8-e4m3 < blocks | precision-lab convert --to mxfp8-e4m3 --decode
///
/// The layout of a line of codes (lowercase hex, `0x`, zero-padded to the field's width):
///
/// - a binary format or `e8m0`: one code per number;
/// - an MX format: for each block of 32 numbers along the line (the last may be shorter),
///   its E8M0 scale, then its elements;
/// - `nvfp4`: the FP32 tensor scale, then for each block of 16 numbers its E4M3 scale
///   followed by its E2M1 elements;
/// - a per-tensor format (`tensor-*`): the FP32 scale, then every element.
///
/// `--decode` reads that layout (`0x` optional) and writes each element's exact decimal
/// value (`FloatFormat.exactDecimal`), the scales folded in. Encoding those values again
/// gives the codes back for the MX formats in every rounding mode, and for NVFP4 and the
/// per-tensor formats when the elements round to nearest, away from the ends of the
/// scale's range (a directed rounding can put the tensor's largest element below the
/// largest code, and the decoded values then ask for a smaller scale; a block scale
/// that rounded up from half the least E4M3 subnormal rounds to zero from its own values).
///
/// Edge cases: a binary format or `e8m0` rounds decimal text once, from its exact value
/// (E8M0 through round to odd in fp64, which keeps every bit that rounding to E8M0 in any
/// mode needs); a scaled format encodes the values of the `--from` format, decimal text first
/// rounded to nearest-even into it. A `0x` word of hex digits alone is a bit pattern of
/// `--from`; `0x1.8p3` is a hex float. An empty (or blank) line gives an empty line. Lines
/// are written as they are read, so a malformed line stops the run (one error naming it,
/// status 64) after the lines before it were written. Stochastic rounding: number k (from
/// 0) of line n (from 1) rounds with `StochasticBits(seed: s, site: 0, step: n, element: 0)`
/// at counter k; scales round to nearest-even.
public struct ConvertCommand: Command {
    public static let name = "convert"
    public static let abstract = "Numbers into a format's codes (hex), one line per line, or back"
    public static let help = CommandHelp(
        usage: [[.text("--to F [options] < lines")]],
        discussion: """
            Reads lines of whitespace-separated numbers on standard input, rounds them into
            a format and writes their codes as hex bit patterns, one line per input line;
            with --decode, reads codes and writes their exact decimal values. For scripts,
            and for checking the lab against other libraries.

              echo '0.1 1 0x3f800000' | precision-lab convert --to bf16
              precision-lab convert --to mxfp8-e4m3 --scale-rule ceiling < x.txt
              precision-lab convert --to nvfp4 < x.txt | precision-lab convert \\
                  --to nvfp4 --decode

            numbers: decimal text (1.5, -2e-3, 0x1.8p1, inf, nan) or a bit pattern of
              the --from format (0x and hex digits, no sign). A binary format or e8m0
              rounds decimal text once, from its exact value. A scaled format encodes
              the --from values: decimal text is first rounded (nearest-even) into
              --from, then scaled; --rounding rounds the elements, scales round to
              nearest-even.
            codes: lowercase hex, 0x, zero-padded to the field's width:
              binary, e8m0  one code per number
              mx...         per block of 32 numbers (the last may be shorter): the
                            E8M0 scale, then the elements
              nvfp4         the FP32 tensor scale; then per block of 16 numbers its
                            E4M3 scale, then its 16 (or fewer) E2M1 elements
              tensor-...    the FP32 scale, then every element
            --decode reads that layout (0x optional) and writes each element's value
              in exact decimal (nan, inf, -0 as such), one per element. Encoded
              again, the values give the codes back: MX in every mode, the formats
              with FP32 scales when rounding to nearest (away from the ends of the
              scale's range).
            An empty line gives an empty line. Lines are written as they are read: a
            malformed line stops the run with one error naming it, the lines before
            it already written. Stochastic rounding: number k (from 0) of line n (from
            1) takes the bits of key (seed, site 0, step n, element 0) at counter k.
            """,
        epilogue: "Exit status: 0 success, 1 output failed, 64 bad usage or a malformed line.")

    public static let options: [CommandOption<ConvertCommand>] = [
        .value("--to", "F", help: """
            a binary format (fp32, bf16, fp16, fp8-e4m3, fp4-e2m1,
            binary8p3, eXmY, ...; see calc --help), e8m0, or a scaled
            one: mxfp8-e4m3 mxfp8-e5m2 mxfp6-e2m3 mxfp6-e3m2
            mxfp4-e2m1 mxint8 nvfp4 tensor-int8 tensor-int8-pow2
            tensor-fp8-e4m3 tensor-fp8-e5m2
            """, OptionValue("a format") { try ConvertTarget(name: $0) }) { $0.target = $1 },
        .value("--from", "F", help: """
            the binary format of 0x bit patterns, and what a scaled
            format encodes from
            """,
               default: "fp32", OptionValue("a binary format") { name in
                   do { return try FloatFormat(name: name) } catch { throw UsageError("--from: \(error)") }
               }) { $0.source = $1; $0.givenOptions.append("--from") },
        .value("--rounding", "MODE", help: """
            nearestEven (default), nearestAway, towardZero, up, down,
            odd, stochastic (see --seed)
            """, .roundingMode) { $0.environment.rounding = $1; $0.givenOptions.append("--rounding") },
        .value("--seed", "N", help: "the seed of stochastic rounding", default: "0",
               OptionValue("a non-negative integer") { UInt64($0) }) { $0.seed = $1; $0.givenOptions.append("--seed") },
        .value("--scale-rule", "RULE", help: """
            MX scales: floor (OCP's, may clip), ceiling (clips
            nothing) or nearest
            """, default: "floor", OptionValue("floor, ceiling or nearest") { ScaleRule(name: $0) }) {
            $0.scaleRule = $1
            $0.givenOptions.append("--scale-rule")
        },
        .flag("--saturate", help: "binary formats, e8m0: overflow gives the largest finite") {
            $0.environment.saturates = true
            $0.givenOptions.append("--saturate")
        },
        .flag("--decode", help: "read codes, write their exact decimal values") { $0.decodes = true },
        .flag("--events", help: """
            at the end, one line on standard error: what scaling did
            (clipped, flushed to zero, zero blocks, scale overflows and
            underflows) or, for a binary format, the flags raised
            """) { $0.reportsEvents = true; $0.givenOptions.append("--events") },
    ]

    var target: ConvertTarget?
    var source: FloatFormat = .fp32
    var environment = FloatEnvironment()
    var seed: UInt64 = 0
    var scaleRule: ScaleRule = .floor
    var decodes = false
    var reportsEvents = false
    /// The options given that only some uses take.
    var givenOptions: [String] = []

    public init() {}

    public func validate() throws {
        guard let target else {
            throw UsageError("missing --to F, the format to convert to, e.g. 'precision-lab convert --to bf16'")
        }
        if decodes, let option = givenOptions.first {
            throw UsageError("\(option) has no use with --decode, which reads codes")
        }
        if givenOptions.contains("--scale-rule") {
            guard case .scaled(.mx) = target else {
                throw UsageError("--scale-rule applies to the MX formats, not \(target.name)")
            }
        }
        if givenOptions.contains("--saturate") {
            if case .scaled = target {
                throw UsageError("--saturate applies to the binary formats and e8m0, not \(target.name) (scaled elements always clamp)")
            }
        }
    }

    public func run(_ io: CommandIO) throws -> ExitCode {
        guard let target else { throw UsageError("missing --to F") }
        var tally = Tally()
        var lineNumber = 0
        while let line = io.readLine() {
            lineNumber += 1
            let words = Self.words(of: line)
            if words.isEmpty {
                io.out("")
                continue
            }
            do {
                io.out(try decodes ? decode(words, target) : encode(words, target, line: lineNumber, &tally))
            } catch let error as LineError {
                let place = error.word.map { "line \(lineNumber), word \($0 + 1)" } ?? "line \(lineNumber)"
                throw UsageError("\(place): \(error.problem)")
            }
            if io.outputFailure != nil { return .failure }
        }
        if reportsEvents { io.err("events: \(tally.summary(lines: lineNumber, scaled: !target.isElementwise))") }
        return .success
    }

    // MARK: - Encoding

    /// The numbers of one line as codes, in the layout of `target`.
    func encode(_ words: [Substring], _ target: ConvertTarget, line: Int, _ tally: inout Tally) throws -> String {
        var env = environment
        env.random = StochasticBits(seed: seed, site: 0, step: UInt64(line), element: 0)
        switch target {
        case let .binary(format):
            var codes: [String] = []
            for (k, word) in words.enumerated() {
                env.flags = []
                env.random.counter = UInt64(k)
                let code: UInt64
                if let bits = try bitPattern(word, position: k) {
                    code = format.convert(bits, from: source, &env)
                } else {
                    code = try decimal(word, position: k, into: format, &env)
                }
                tally.count(env.flags)
                codes.append(ConvertTarget.hex(code, bits: format.bitWidth))
            }
            return codes.joined(separator: " ")
        case .e8m0:
            var codes: [String] = []
            for (k, word) in words.enumerated() {
                env.flags = []
                env.random.counter = UInt64(k)
                let value: UInt64, from: FloatFormat
                if let bits = try bitPattern(word, position: k) {
                    (value, from) = (bits, source)
                } else {
                    // Round to odd keeps the sticky bit: rounding it again to one bit of
                    // precision, in any mode (stochastic too: 13 bits), is rounding once.
                    var odd = FloatEnvironment(rounding: .odd)
                    (value, from) = (try decimal(word, position: k, into: .fp64, &odd), .fp64)
                }
                let code = E8M0.encode(value, from: from, &env)
                tally.count(env.flags)
                codes.append(ConvertTarget.hex(UInt64(code), bits: 8))
            }
            return codes.joined(separator: " ")
        case let .scaled(scaled):
            var values: [UInt64] = []
            values.reserveCapacity(words.count)
            for (k, word) in words.enumerated() {
                if let bits = try bitPattern(word, position: k) {
                    values.append(bits)
                } else {
                    var nearest = FloatEnvironment()
                    values.append(try decimal(word, position: k, into: source, &nearest))
                }
            }
            var events = ScalingEvents()
            var fields: [(code: UInt64, bits: Int)] = []
            switch scaled {
            case let .mx(mx):
                let width = mx.element.bitWidth
                for block in mx.encode(tensor: values, from: source, rule: scaleRule, &env, events: &events) {
                    fields.append((block.scale, 8))
                    fields += block.elements.map { ($0, width) }
                }
            case let .nvfp4(nvfp4):
                let tensor = nvfp4.encode(values, from: source, &env, events: &events)
                fields.append((UInt64(tensor.scale), 32))
                for block in tensor.blocks {
                    fields.append((block.scale, nvfp4.blockScale.bitWidth))
                    fields += block.elements.map { ($0, nvfp4.element.bitWidth) }
                }
            case let .tensor(format):
                let tensor = format.encode(values, from: source, amax: nil, &env, events: &events)
                fields.append((tensor.scale, 32))
                fields += tensor.elements.map { ($0, format.element.bitWidth) }
            }
            tally.events += events
            return fields.map { ConvertTarget.hex($0.code, bits: $0.bits) }.joined(separator: " ")
        }
    }

    /// A `0x` word of hex digits as a bit pattern of `source`, nil for any other word.
    func bitPattern(_ word: Substring, position: Int) throws -> UInt64? {
        let bytes = word.utf8
        /// `0x` and hex digits: whether they are, and their value if it fits in 64 bits.
        func pattern(_ text: Substring.UTF8View) -> (isPattern: Bool, value: UInt64?) {
            guard text.count > 2, text.first == UInt8(ascii: "0"),
                  text.dropFirst().first.map({ $0 | 0x20 == UInt8(ascii: "x") }) == true else { return (false, nil) }
            var value: UInt64? = 0
            for byte in text.dropFirst(2) {
                guard let digit = Self.hexDigit(byte) else { return (false, nil) }
                value = value.flatMap { $0 >> 60 == 0 ? $0 << 4 | digit : nil }
            }
            return (true, value)
        }
        if let sign = bytes.first, sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-"),
           pattern(word.dropFirst().utf8).isPattern {
            throw LineError(word: position, "a bit pattern has no sign: \(Echo.quoted(String(word))) (write "
                            + "\(Echo.quoted(String(word.dropFirst()))) for the pattern, or a hex float, e.g. \(word.prefix(1))0x1p4)")
        }
        let (isPattern, parsed) = pattern(bytes)
        guard isPattern else { return nil }
        guard let value = parsed, source.bitWidth == 64 || value >> source.bitWidth == 0 else {
            throw LineError(word: position, "bit pattern \(Echo.quoted(String(word))) does not fit in \(source.name)'s \(source.bitWidth) bits"
                            + " (--from \(source.name))")
        }
        return value
    }

    /// Decimal (or hex float) text rounded into `format`.
    func decimal(_ word: Substring, position: Int, into format: FloatFormat, _ env: inout FloatEnvironment) throws -> UInt64 {
        guard let bits = format.parseDecimal(String(word), &env) else {
            throw LineError(word: position, "invalid number \(Echo.quoted(String(word))) (expected e.g. 1.5, -2e-3, 0x1.8p1, inf, nan, "
                            + "or a 0x bit pattern of \(source.name))")
        }
        return bits
    }

    // MARK: - Decoding

    /// A line of codes as the exact decimal values of its elements.
    func decode(_ words: [Substring], _ target: ConvertTarget) throws -> String {
        if let problem = target.countProblem(words.count) { throw LineError(problem) }
        var codes: [UInt64] = []
        codes.reserveCapacity(words.count)
        for (k, word) in words.enumerated() {
            let field = target.field(at: k)
            var digits = word.utf8[...]
            if digits.count > 2, digits.first == UInt8(ascii: "0"), digits.dropFirst().first.map({ $0 | 0x20 }) == UInt8(ascii: "x") {
                digits = digits.dropFirst(2)
            }
            var code: UInt64 = 0, isHex = !digits.isEmpty, overflows = false
            for byte in digits {
                guard let digit = Self.hexDigit(byte) else { isHex = false; break }
                if code >> 60 != 0 { overflows = true }
                code = code << 4 | digit
            }
            guard isHex else {
                throw LineError(word: k, "code \(Echo.quoted(String(word))) is not a hexadecimal number (\(field.what))")
            }
            guard !overflows, field.bits == 64 || code >> field.bits == 0 else {
                throw LineError(word: k, "code \(Echo.quoted(String(word))) does not fit in \(field.bits) bits (\(field.what))")
            }
            codes.append(code)
        }
        return target.decode(codes).joined(separator: " ")
    }

    // MARK: - Pieces

    /// The value of an ASCII hex digit.
    @inline(__always)
    static func hexDigit(_ byte: UInt8) -> UInt64? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return UInt64(byte - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return UInt64(byte - UInt8(ascii: "a") + 10)
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return UInt64(byte - UInt8(ascii: "A") + 10)
        default: return nil
        }
    }

    /// The words of a line: what spaces, tabs and carriage returns separate.
    static func words(of line: String) -> [Substring] {
        // On the bytes: comparing Characters costs more than converting the numbers.
        func isSeparator(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 || byte == 0x0D }
        let bytes = line.utf8
        var words: [Substring] = []
        var index = bytes.startIndex
        while index < bytes.endIndex {
            while index < bytes.endIndex, isSeparator(bytes[index]) { index = bytes.index(after: index) }
            let start = index
            while index < bytes.endIndex, !isSeparator(bytes[index]) { index = bytes.index(after: index) }
            if start < index { words.append(line[start..<index]) }
        }
        return words
    }

    /// What a line got wrong; the command names the line.
    struct LineError: Error {
        /// The word (from 0), where one word is at fault.
        let word: Int?
        let problem: String
        init(word: Int? = nil, _ problem: String) {
            self.word = word
            self.problem = problem
        }
    }

    /// What encoding did, over every line: the scaling events, or how many numbers raised
    /// each flag.
    struct Tally {
        var events = ScalingEvents()
        var numbers = 0
        var inexact = 0, overflow = 0, underflow = 0, invalid = 0

        mutating func count(_ flags: ExceptionFlags) {
            numbers += 1
            if flags.contains(.inexact) { inexact += 1 }
            if flags.contains(.overflow) { overflow += 1 }
            if flags.contains(.underflow) { underflow += 1 }
            if flags.contains(.invalid) { invalid += 1 }
        }

        func summary(lines: Int, scaled: Bool) -> String {
            func count(_ n: Int, _ noun: String) -> String { "\(n) \(noun)\(n == 1 ? "" : "s")" }
            guard scaled else {
                return "\(count(lines, "line")), \(count(numbers, "number")); inexact \(inexact), overflow \(overflow), "
                    + "underflow \(underflow), invalid \(invalid)"
            }
            return "\(count(lines, "line")), \(count(events.blocks, "block")), \(count(events.elements, "element")); "
                + "clipped \(events[.clipped]), "
                + "flushed to zero \(events[.flushedToZero]), zero blocks \(events[.zeroBlocks]), "
                + "scale overflows \(events[.scaleOverflows]), scale underflows \(events[.scaleUnderflows])"
        }
    }
}
