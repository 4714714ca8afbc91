/// The registry's table: every named format, and every family of formats named by their
/// parameters. Parsing, canonical names, help texts, error messages, `FloatFormat.named`,
/// the static formats' names and TestFloat's format prefixes all read it.
///
///     NumberFormat.namedFormats.map(\.name)   // ["fp64", "fp32", ..., "lns8", "int8", "int8s"]
///     NumberFormat.families.map(\.help)       // ["or eXmY with ...", "lns8-fN (N = 0...6)", ...]
///
/// Edge cases: a row's parameters are the format constants (`FloatFormat.bf16`, whose
/// widths are written there, once); the static formats (`BF16Format`) return the same
/// constants, and a test checks every row against them.
extension NumberFormat {
    /// A format with a name of its own.
    ///
    /// - Parameters:
    ///   - name: the canonical name, lowercase.
    ///   - aliases: other names that parse to it, lowercase.
    ///   - format: the format and its parameters.
    ///   - testFloatName: Berkeley TestFloat's prefix for it (`f32` in `f32_mul`), if any.
    ///   - summary: one line saying what it is.
    public struct NamedFormat: Sendable {
        public let name: String
        public let aliases: [String]
        public let format: NumberFormat
        public let testFloatName: String?
        public let summary: String

        init(_ name: String, aliases: [String] = [], _ format: NumberFormat, testFloat: String? = nil,
             _ summary: String) {
            self.name = name
            self.aliases = aliases
            self.format = format
            self.testFloatName = testFloat
            self.summary = summary
        }
    }

    /// A family of formats of one kind, named by their parameters (`e6m9`, `lns8-f3`).
    ///
    /// - Parameters:
    ///   - kind: the kind of its formats.
    ///   - help: its names in help and error messages, as they continue the list of the
    ///     kind's named formats.
    ///   - prefix: how all its names begin, where they share a beginning.
    ///   - parse: the format a lowercase name stands for, nil when not the family's.
    ///   - name: the family's name for a format, nil when not of its kind.
    public struct Family: Sendable {
        public let kind: Kinds
        public let help: String
        public let prefix: String?
        let parse: @Sendable (String) -> NumberFormat?
        let name: @Sendable (NumberFormat) -> String?
    }

    /// Every named format, in the order tables and messages list them.
    public static let namedFormats: [NamedFormat] = [
        NamedFormat("fp64", aliases: ["f64", "binary64", "double"], .binary(.fp64), testFloat: "f64",
                    "IEEE 754 binary64"),
        NamedFormat("fp32", aliases: ["f32", "binary32", "float"], .binary(.fp32), testFloat: "f32",
                    "IEEE 754 binary32"),
        NamedFormat("tf32", .binary(.tf32),
                    "NVIDIA TensorFloat-32, 19 bits, modelled with IEEE semantics and gradual underflow"),
        NamedFormat("bf16", aliases: ["bfloat16"], .binary(.bf16), testFloat: "bf16",
                    "bfloat16: fp32's exponent range with 8 bits of precision"),
        NamedFormat("fp16", aliases: ["f16", "binary16", "half"], .binary(.fp16), testFloat: "f16",
                    "IEEE 754 binary16"),
        NamedFormat("fp8-e5m2", aliases: ["e5m2", "fp8e5m2", "float8_e5m2"], .binary(.fp8E5M2),
                    "OCP FP8 E5M2: IEEE-like, with infinities and NaNs"),
        NamedFormat("fp8-e4m3", aliases: ["fp8e4m3", "float8_e4m3fn"], .binary(.fp8E4M3),
                    "OCP FP8 E4M3: no infinities, one NaN per sign (S.1111.111), largest finite 448"),
        NamedFormat("float8_e4m3", .binary(.float8E4M3),
                    "E4M3 with IEEE semantics (infinities, NaNs), largest finite 240 (ml_dtypes)"),
        NamedFormat("fp8-e3m4", aliases: ["float8_e3m4"], .binary(.float8E3M4),
                    "E3M4 with IEEE semantics, largest finite 15.5 (ml_dtypes)"),
        NamedFormat("fp8-e4m3fnuz", aliases: ["float8_e4m3fnuz", "e4m3fnuz"], .binary(.fp8E4M3FNUZ),
                    "E4M3 fnuz (AMD, Graphcore): no infinities, no -0, one NaN 0x80, bias 8, largest finite 240"),
        NamedFormat("fp8-e5m2fnuz", aliases: ["float8_e5m2fnuz", "e5m2fnuz"], .binary(.fp8E5M2FNUZ),
                    "E5M2 fnuz: no infinities, no -0, one NaN 0x80, bias 16, largest finite 57344"),
        NamedFormat("fp8-e4m3b11fnuz", aliases: ["float8_e4m3b11fnuz", "e4m3b11fnuz"], .binary(.fp8E4M3B11FNUZ),
                    "E4M3 fnuz with bias 11 (Graphcore): largest finite 30"),
        NamedFormat("fp6-e2m3", aliases: ["float6_e2m3fn"], .binary(.fp6E2M3),
                    "OCP MX FP6 E2M3: no infinities, no NaN, largest finite 7.5 (conversions saturate)"),
        NamedFormat("fp6-e3m2", aliases: ["float6_e3m2fn"], .binary(.fp6E3M2),
                    "OCP MX FP6 E3M2: no infinities, no NaN, largest finite 28 (conversions saturate)"),
        NamedFormat("fp4-e2m1", aliases: ["float4_e2m1fn"], .binary(.fp4E2M1),
                    "OCP MX FP4 E2M1: no infinities, no NaN, values 0 to 6 (conversions saturate)"),
    ] + (1...7).map(p3109Row) + [
        NamedFormat("lns8", .logarithmic(.lns8),
                    "8-bit logarithmic: a sign and log2|x| in steps of 1/4, range 2^±15.75"),
        NamedFormat("int8", .linear(.int8), "linear INT8 of the exercise: 0…255 in steps of 1"),
        NamedFormat("int8s", .linear(LinearInt8Format(signed: true)), "signed linear INT8: −127…127 in steps of 1"),
        mxRow("mxfp8-e4m3", aliases: ["mxfp8"], .float(.fp8E4M3), "FP8 E4M3"),
        mxRow("mxfp8-e5m2", .float(.fp8E5M2), "FP8 E5M2"),
        mxRow("mxfp6-e2m3", aliases: ["mxfp6"], .float(.fp6E2M3), "FP6 E2M3"),
        mxRow("mxfp6-e3m2", .float(.fp6E3M2), "FP6 E3M2"),
        mxRow("mxfp4-e2m1", aliases: ["mxfp4"], .float(.fp4E2M1), "FP4 E2M1"),
        mxRow("mxint8", .int8, "INT8 (two's complement, units of 2^-6)"),
        NamedFormat("nvfp4", .scaled(.nvfp4(.standard)),
                    "NVIDIA NVFP4: 16 FP4 E2M1 elements per FP8 E4M3 scale, and an FP32 scale per tensor"),
        NamedFormat("tensor-int8", .scaled(.tensor(TensorScaledFormat(element: .int8))),
                    "per-tensor INT8: -127…127 times one FP32 scale, amax / 127"),
        NamedFormat("tensor-int8-pow2", .scaled(.tensor(TensorScaledFormat(element: .int8, powerOfTwo: true))),
                    "per-tensor INT8 with a power-of-two scale (the least with amax / scale <= 127)"),
        NamedFormat("tensor-fp8-e4m3", .scaled(.tensor(TensorScaledFormat(element: .float(.fp8E4M3)))),
                    "per-tensor FP8 E4M3: one FP32 scale, amax / 448"),
        NamedFormat("tensor-fp8-e5m2", .scaled(.tensor(TensorScaledFormat(element: .float(.fp8E5M2)))),
                    "per-tensor FP8 E5M2: one FP32 scale, amax / 57344"),
    ]

    /// An OCP MX v1.0 format: 32 elements per E8M0 scale.
    static func mxRow(_ name: String, aliases: [String] = [], _ element: ScaledElement, _ what: String) -> NamedFormat {
        NamedFormat(name, aliases: aliases, .scaled(.mx(MXFormat(element: element))),
                    "OCP MX v1.0: 32 \(what) elements per E8M0 (power-of-two) scale")
    }

    /// IEEE P3109's `binary8pP`: 8 − P exponent bits, precision P, bias 2^(7−P), ±∞ at
    /// 0x7F/0xFF, one NaN at 0x80, no −0.
    static func p3109Row(_ precision: Int) -> NamedFormat {
        let format = FloatFormat.binary8(precision: precision)
        let exponentBits = format.exponentBitCount
        return NamedFormat("binary8p\(precision)", .binary(format),
                           "IEEE P3109 binary8p\(precision): \(exponentBits) exponent bit\(exponentBits == 1 ? "" : "s"), "
                           + "precision \(precision), bias \(format.bias), +-inf at 0x7F/0xFF, NaN 0x80, no -0")
    }

    /// Every family, one per kind, in the order messages list them.
    public static let families: [Family] = [
        Family(kind: .binary, help: "or eXmY with 2 <= X <= 11 and 1 <= Y <= 52, eXmYfn with Y >= 2 (no infinities)",
               prefix: nil,
               parse: parseWidths, name: widthsName),
        Family(kind: .logarithmic, help: "lns8-fN (N = 0...6)", prefix: "lns8",
               parse: parseLogarithmic, name: logarithmicName),
        Family(kind: .linear, help: "int8-sN, int8s-sN (scale 2^-N)", prefix: "int8",
               parse: parseLinear, name: linearName),
    ]

    /// `eXmY` (IEEE-style, any widths) and `eXmYfn` (E4M3-style finite encoding, Y ≥ 2).
    ///
    /// Edge cases: X and Y are written in decimal digits alone, without a sign or a leading
    /// zero (`e+5m2`, `e05m02` are no names). `eXm1fn` is refused: in the finite encoding the
    /// all-ones pattern S.1…1.1 is NaN, which with one fraction bit is not OCP's FP4 E2M1
    /// (all sixteen codes finite, no NaN); that format needs an encoding of its own
    /// (`FormatNameError` says so).
    static func parseWidths(_ key: String) -> NumberFormat? {
        guard let (w, f, finite) = widths(key), (2...11).contains(w), (1...52).contains(f), !finite || f >= 2
        else { return nil }
        return .binary(FloatFormat(exponentBitCount: w, fractionBitCount: f, hasInfinity: !finite))
    }

    /// The X and Y of a lowercase `eXmY` or `eXmYfn`, in decimal digits without leading zeros.
    static func widths(_ key: String) -> (w: Int, f: Int, finite: Bool)? {
        var body = Substring(key)
        var finite = false
        if body.hasSuffix("fn") { finite = true; body = body.dropLast(2) }
        guard body.first == "e", let m = body.firstIndex(of: "m") else { return nil }
        func number(_ digits: Substring) -> Int? {
            guard !digits.isEmpty, digits.count <= 3, digits.allSatisfy({ ("0"..."9").contains($0) }),
                  digits == "0" || digits.first != "0" else { return nil }
            return Int(digits)
        }
        guard let w = number(body[body.index(after: body.startIndex)..<m]),
              let f = number(body[body.index(after: m)...]) else { return nil }
        return (w, f, finite)
    }

    /// `eXmY` (IEEE), `eXmYfn` (E4M3-style finite); other encodings and biases, which no
    /// family parses, are spelled out: `e2m2fn-nonan`, `e4m3fnuz`, `e3m3-p3109`, `-bN` for a
    /// bias other than the encoding's usual one.
    static func widthsName(_ format: NumberFormat) -> String? {
        guard case let .binary(f) = format else { return nil }
        let suffix: String, usualBias: Int
        switch f.encoding {
        case .ieee: suffix = ""; usualBias = f.ieeeBias
        case .finite: suffix = "fn"; usualBias = f.ieeeBias
        case .finiteNoNaN: suffix = "fn-nonan"; usualBias = f.ieeeBias
        case .unsignedZero: suffix = "fnuz"; usualBias = f.ieeeBias + 1
        case .extended: suffix = "-p3109"; usualBias = f.ieeeBias + 1
        }
        return "e\(f.exponentBitCount)m\(f.fractionBitCount)" + suffix
            + (f.bias == usualBias ? "" : "-b\(f.bias)")
    }

    /// `lns8`, `lns8-f3`, `lns8-mitchell`, `lns8-f3-mitchell`.
    static func parseLogarithmic(_ key: String) -> NumberFormat? {
        var parts = key.split(separator: "-").map(String.init)
        guard parts.first == "lns8" else { return nil }
        parts.removeFirst()
        var method = GaussianLogarithm.Method.table
        if parts.last == "mitchell" { method = .mitchell; parts.removeLast() }
        var f = LogFormat.defaultFractionBits
        if let p = parts.first {
            guard parts.count == 1, p.hasPrefix("f"), let n = Int(p.dropFirst()), (0...6).contains(n)
            else { return nil }
            f = n
        }
        return .logarithmic(LogFormat(fractionBits: f, addition: method))
    }

    static func logarithmicName(_ format: NumberFormat) -> String? {
        guard case let .logarithmic(f) = format else { return nil }
        return (f.fractionBits == LogFormat.defaultFractionBits ? "lns8" : "lns8-f\(f.fractionBits)")
            + (f.addition == .mitchell ? "-mitchell" : "")
    }

    /// `int8`, `int8s` and `int8-sN` / `int8s-sN` (scale 2^−N, |N| ≤ 30; `int8-s-3` is the
    /// scale 2^3).
    static func parseLinear(_ key: String) -> NumberFormat? {
        let parts = key.split(separator: "-")
        guard let base = parts.first, base == "int8" || base == "int8s", parts.count <= 3 else { return nil }
        var scale = 1.0
        if parts.count > 1 {
            // `sN`, or `s-N`, which the dash splits in two.
            let exponent = parts.count == 2 ? String(parts[1]) : parts[1] == "s" ? "s-" + parts[2] : ""
            guard exponent.hasPrefix("s"), let n = Int(exponent.dropFirst()), (-30...30).contains(n) else { return nil }
            scale = Double(sign: .plus, exponent: -n, significand: 1)
        }
        return .linear(LinearInt8Format(signed: base == "int8s", scale: scale))
    }

    static func linearName(_ format: NumberFormat) -> String? {
        guard case let .linear(f) = format else { return nil }
        let base = f.signed ? "int8s" : "int8"
        if f.scale == 1 { return base }
        if f.scale.significandBitPattern == 0 { return base + "-s\(-f.scale.exponent)" }
        return base + "-scale\(f.scale)"
    }
}
