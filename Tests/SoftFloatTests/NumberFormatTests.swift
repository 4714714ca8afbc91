import Testing
import SoftFloat

/// The format registry: its table, names both ways, its one error, and everything that
/// must agree with it (the format constants, the static formats, TestFloat's prefixes).
@Suite("NumberFormat registry")
struct NumberFormatTests {
    static let binaryNames = "fp64, fp32, tf32, bf16, fp16, fp8-e5m2, fp8-e4m3, float8_e4m3, fp8-e3m4, fp8-e4m3fnuz, "
        + "fp8-e5m2fnuz, fp8-e4m3b11fnuz, fp6-e2m3, fp6-e3m2, fp4-e2m1, binary8p1 … binary8p7, or eXmY with 2 <= X <= 11 and 1 <= Y <= 52, eXmYfn with Y >= 2 (no infinities)"
    static let eightBitNames = "lns8, lns8-fN (N = 0...6), int8, int8s, int8-sN, int8s-sN (scale 2^-N)"

    @Test("every named format and alias parses to its row, in any case, and is named by its row")
    func namedFormatsAndAliases() throws {
        for row in NumberFormat.namedFormats {
            for spelling in [row.name] + row.aliases {
                #expect(try NumberFormat(name: spelling, accepting: .all) == row.format, "\(spelling)")
                #expect(try NumberFormat(name: spelling.uppercased(), accepting: .all) == row.format, "\(spelling)")
            }
            #expect(row.format.name == row.name)
            #expect(!row.summary.isEmpty && !row.summary.contains("\n"))
        }
        #expect(try NumberFormat(name: "bfloat16") == .binary(.bf16))
        #expect(try NumberFormat(name: "binary16") == .binary(.fp16) && NumberFormat(name: "half") == .binary(.fp16))
        #expect(try NumberFormat(name: "float") == .binary(.fp32) && NumberFormat(name: "f32") == .binary(.fp32))
        #expect(try NumberFormat(name: "double") == .binary(.fp64))
        // `eXmY` is IEEE-like everywhere, `eXmYfn` finite; OCP's names stay OCP's E4M3.
        #expect(try NumberFormat(name: "e4m3") == .binary(FloatFormat(exponentBitCount: 4, fractionBitCount: 3)))
        #expect(try FloatFormat(name: "e4m3").name == "float8_e4m3" && FloatFormat(name: "e4m3").hasInfinity)
        #expect(try NumberFormat(name: "e4m3fn") == .binary(.fp8E4M3) && NumberFormat(name: "fp8-e4m3") == .binary(.fp8E4M3))
        #expect(try NumberFormat(name: "float8_e4m3fn") == .binary(.fp8E4M3))
        #expect(try NumberFormat(name: "float8_e5m2") == .binary(.fp8E5M2))
        #expect(try NumberFormat(name: "lns8") == .logarithmic(.lns8))
        #expect(try NumberFormat(name: "int8s") == .linear(LinearInt8Format(signed: true)))
    }

    @Test("no spelling belongs to two rows")
    func spellingsAreUnique() {
        let spellings = NumberFormat.namedFormats.flatMap { [$0.name] + $0.aliases }
        #expect(Set(spellings).count == spellings.count)
        #expect(spellings.allSatisfy { $0 == $0.lowercased() })
    }

    @Test("the format constants, FloatFormat.named and the static formats are the table's binary rows")
    func constantsAndStaticFormatsAgreeWithTheTable() throws {
        let constants: [String: FloatFormat] = ["fp64": .fp64, "fp32": .fp32, "tf32": .tf32, "bf16": .bf16,
                                                "fp16": .fp16, "fp8-e5m2": .fp8E5M2, "fp8-e4m3": .fp8E4M3]
        var encoded: [String: FloatFormat] = ["float8_e4m3": .float8E4M3, "fp8-e3m4": .float8E3M4,
                                              "fp8-e4m3fnuz": .fp8E4M3FNUZ, "fp8-e5m2fnuz": .fp8E5M2FNUZ,
                                              "fp8-e4m3b11fnuz": .fp8E4M3B11FNUZ, "fp6-e2m3": .fp6E2M3,
                                              "fp6-e3m2": .fp6E3M2, "fp4-e2m1": .fp4E2M1]
        for p in 1...7 { encoded["binary8p\(p)"] = .binary8(precision: p) }
        let binaryRows = NumberFormat.namedFormats.filter { $0.format.kind == .binary }
        #expect(Set(binaryRows.map(\.name)) == Set(constants.keys).union(encoded.keys))
        for row in binaryRows where encoded[row.name] != nil {
            #expect(row.format == .binary(encoded[row.name]!), "\(row.name)")
        }
        let constantRows = binaryRows.filter { constants[$0.name] != nil }
        for row in constantRows { #expect(row.format == .binary(constants[row.name]!), "\(row.name)") }
        #expect(FloatFormat.named == binaryRows.map { $0.format.floatFormat! })
        let statics: [(name: String, format: FloatFormat, storage: Int)] = [
            ("bf16", BF16Format.format, BF16Format.BitPattern.bitWidth),
            ("tf32", TF32Format.format, TF32Format.BitPattern.bitWidth),
            ("fp16", FP16Format.format, FP16Format.BitPattern.bitWidth),
            ("fp32", FP32Format.format, FP32Format.BitPattern.bitWidth),
            ("fp64", FP64Format.format, FP64Format.BitPattern.bitWidth),
            ("fp8-e5m2", FP8E5M2Format.format, FP8E5M2Format.BitPattern.bitWidth),
            ("fp8-e4m3", FP8E4M3Format.format, FP8E4M3Format.BitPattern.bitWidth),
        ]
        #expect(Set(statics.map(\.name)) == Set(constants.keys))
        for s in statics {
            #expect(try NumberFormat(name: s.name) == .binary(s.format), "\(s.name)")
            #expect(s.format.name == s.name && s.storage >= s.format.bitWidth)
        }
        #expect(BFloat16.format.name == "bf16" && FloatE4M3.format.name == "fp8-e4m3")
    }

    @Test("TestFloat's prefixes come from the table")
    func testFloatPrefixes() throws {
        let prefixed = NumberFormat.namedFormats.filter { $0.testFloatName != nil }
        #expect(prefixed.map { $0.testFloatName! } == ["f64", "f32", "bf16", "f16"])
        for row in prefixed {
            let format = try #require(row.format.floatFormat)
            #expect(TestFloatFunction.format(prefix: row.testFloatName!) == format)
            #expect(try TestFloatFunction(name: "\(row.testFloatName!)_add").operands == [.float(format), .float(format)])
        }
        #expect(TestFloatFunction.format(prefix: "f128") == nil && TestFloatFunction.format(prefix: "fp32") == nil)
        #expect(try TestFloatFunction(name: "f32_to_bf16").result == .float(.bf16))
    }

    @Test("every (w, f) is named by its widths and parses back, but for the two encodings no name reaches")
    func widthsRoundTrip() throws {
        var unreachable: [FloatFormat] = []
        for w in 2...11 {
            for f in 1...52 {
                for hasInfinity in [true, false] {
                    let format = FloatFormat(exponentBitCount: w, fractionBitCount: f, hasInfinity: hasInfinity)
                    let named = FloatFormat.named.contains(format)
                    #expect(named || format.name == "e\(w)m\(f)" + (hasInfinity ? "" : "fn"))
                    if (try? NumberFormat(name: format.name)) != .binary(format) { unreachable.append(format) }
                    else { #expect(try FloatFormat(name: format.name) == format) }
                }
            }
        }
        // A finite encoding needs two fraction bits (the IEEE-like (4, 3) is float8_e4m3).
        let expected = (2...11).map { FloatFormat(exponentBitCount: $0, fractionBitCount: 1, hasInfinity: false) }
        #expect(Set(unreachable) == Set(expected))
    }

    @Test("the 8-bit families round-trip: lns8-fN with either addition, int8-sN and int8s-sN")
    func eightBitFamiliesRoundTrip() throws {
        var names = (0...6).flatMap { ["lns8-f\($0)", "lns8-f\($0)-mitchell"] } + ["lns8-mitchell"]
        for n in -30...30 { names += ["int8-s\(n)", "int8s-s\(n)"] }
        for name in names {
            let format = try NumberFormat(name: name)
            #expect(try NumberFormat(name: format.name) == format, "\(name)")
            #expect(format.eightBitFormat != nil && format.floatFormat == nil)
        }
        #expect(try NumberFormat(name: "lns8-f2").name == "lns8" && NumberFormat(name: "lns8-f3").name == "lns8-f3")
        #expect(try NumberFormat(name: "lns8-f2-mitchell").name == "lns8-mitchell")
        #expect(try NumberFormat(name: "int8s-s4") == .linear(LinearInt8Format(signed: true, scale: 0x1p-4)))
        #expect(try NumberFormat(name: "int8-s-3") == .linear(LinearInt8Format(signed: false, scale: 8)))
        #expect(try NumberFormat(name: "int8-s0").name == "int8" && NumberFormat(name: "int8-s-3").name == "int8-s-3")
        #expect(LogFormat(name: "lns8-f5") == LogFormat(fractionBits: 5) && LogFormat(name: "int8") == nil)
        #expect(LinearInt8Format(name: "int8s") == LinearInt8Format(signed: true) && LinearInt8Format(name: "fp32") == nil)
        #expect(LogFormat(fractionBits: 4, addition: .mitchell).name == "lns8-f4-mitchell")
    }

    @Test("a kind not accepted is the same error as an unknown name")
    func kindsAccepted() throws {
        #expect(throws: FormatNameError(name: "lns8", accepted: .binary)) { try NumberFormat(name: "lns8", accepting: .binary) }
        #expect(throws: FormatNameError(name: "lns8", accepted: .binary)) { try FloatFormat(name: "lns8") }
        #expect(throws: FormatNameError(name: "fp16", accepted: .eightBit)) {
            try NumberFormat(name: "fp16", accepting: .eightBit)
        }
        #expect(try NumberFormat(name: "int8", accepting: .linear) == .linear(.int8))
        #expect(try NumberFormat(name: "e6m9", accepting: .binary).kind == .binary)
        for row in NumberFormat.namedFormats {
            #expect(NumberFormat.Kinds.members.filter { $0.contains(row.format.kind) }.count == 1)
        }
    }

    @Test("the scaled formats are a kind of their own, parsed only where accepted")
    func scaledKind() throws {
        let mxfp4 = try NumberFormat(name: "MXFP4-E2M1", accepting: .all)
        #expect(mxfp4 == .scaled(.mx(MXFormat(element: .float(.fp4E2M1)))) && mxfp4.kind == .scaled)
        #expect(try NumberFormat(name: "mxfp4", accepting: .scaled) == mxfp4)
        #expect(mxfp4.scaledFormat?.blockSize == 32 && mxfp4.scaledFormat?.largestElement == 6)
        let nvfp4 = try NumberFormat(name: "nvfp4", accepting: .scaled).scaledFormat
        #expect(nvfp4?.blockSize == 16 && nvfp4?.element == .float(.fp4E2M1))
        #expect(try NumberFormat(name: "mxint8", accepting: .scaled).scaledFormat?.largestElement == 127.0 / 64)
        #expect(try NumberFormat(name: "tensor-int8", accepting: .scaled).scaledFormat?.blockSize == nil)
        #expect(try NumberFormat(name: "tensor-fp8-e4m3", accepting: .scaled).scaledFormat?.largestElement == 448)
        // Elementwise unless asked: the commands that take single numbers never see a scaled format.
        #expect(throws: FormatNameError(name: "nvfp4", accepted: .elementwise)) { try NumberFormat(name: "nvfp4") }
        #expect(FormatNameError(name: "nvfp4", accepted: .binary).description
            .hasPrefix("format 'nvfp4' is a scaled (block or per-tensor) format, not accepted here (expected fp64"))
        #expect(FormatNameError(name: "bogus", accepted: .all).description.contains("mxfp8-e4m3, mxfp8-e5m2"))
        #expect(!FormatNameError(name: "bogus", accepted: .elementwise).description.contains("mxfp8"))
        #expect(NumberFormat.names(of: .scaled).hasPrefix("mxfp8-e4m3, mxfp8-e5m2, mxfp6-e2m3"))
    }

    @Test("a format of a kind not accepted is named as such, with what is accepted")
    func kindNotAcceptedMessage() {
        let lns = FormatNameError(name: "lns8", accepted: .binary).description
        #expect(lns.hasPrefix("format 'lns8' is a logarithmic 8-bit format, not accepted here (expected fp64, "))
        let fp16 = FormatNameError(name: "FP16", accepted: .eightBit).description
        #expect(fp16.hasPrefix("format 'FP16' is a binary floating-point format, not accepted here (expected lns8"))
        let int8 = FormatNameError(name: "int8s-s4", accepted: .logarithmic).description
        #expect(int8.hasPrefix("format 'int8s-s4' is a linear 8-bit integer format"))
        #expect(FormatNameError(name: "fp12", accepted: .binary).description.hasPrefix("unknown format 'fp12' (expected"))
    }

    @Test("widths are decimal digits without sign or leading zero; eXm1fn is refused with its reason")
    func strictWidths() throws {
        for name in ["e+5m2", "e05m02", "e5m02", "e-5m2", "e5m+2", "e 5m2", "e5m2 ", "e５m2", "e5m", "em2", "e5m2f",
                     "e0005m2", "e12m3", "e1m3", "e5m0", "e5m53", "e99999999999999999999m2"] {
            #expect(throws: FormatNameError.self, "\(name)") { try NumberFormat(name: name) }
        }
        #expect(try NumberFormat(name: "e10m10") == .binary(FloatFormat(exponentBitCount: 10, fractionBitCount: 10)))
        let e2m1fn = FormatNameError(name: "e2m1fn", accepted: .binary).description
        #expect(e2m1fn.contains("'e2m1fn' is not supported") && e2m1fn.contains("S.11.1")
                && e2m1fn.contains("OCP FP4 E2M1"))
        #expect(FormatNameError(name: "e2m1fn", accepted: .eightBit).description.hasPrefix("unknown format"))
    }

    @Test("the one error lists what the caller accepts")
    func errorMessages() {
        #expect(FormatNameError(name: "bogus", accepted: .binary).description
                == "unknown format 'bogus' (expected \(Self.binaryNames))")
        #expect(FormatNameError(name: "bogus", accepted: .elementwise).description
                == "unknown format 'bogus' (expected \(Self.binaryNames), or \(Self.eightBitNames))")
        #expect(FormatNameError(name: "lns8-f9", accepted: .elementwise).description
                == "unknown format 'lns8-f9' (expected \(Self.eightBitNames))")
        #expect(FormatNameError(name: "INT8-x", accepted: .elementwise).description
                == "unknown format 'INT8-x' (expected \(Self.eightBitNames))")
        #expect(FormatNameError(name: "lns8", accepted: .binary).description
                == "format 'lns8' is a logarithmic 8-bit format, not accepted here (expected \(Self.binaryNames))")
        #expect(NumberFormat.names(of: .logarithmic) == "lns8, lns8-fN (N = 0...6)")
        for bad in ["fp12", "e12m3", "e5m1fn", "e8m0", "lns8-f7", "lns8-g2", "int8-x", "int8-s31", "int9", ""] {
            #expect(throws: FormatNameError(name: bad, accepted: .elementwise)) { try NumberFormat(name: bad) }
        }
    }

    @Test("operations: symbols parse back, counts, and FloatFormat.operate is the named operation")
    func operations() {
        for operation in ArithmeticOperation.allCases {
            #expect(ArithmeticOperation(symbol: operation.symbol) == operation)
            #expect(ArithmeticOperation(symbol: operation.symbol.uppercased()) == operation)
        }
        #expect(ArithmeticOperation(symbol: "x") == nil)
        #expect(ArithmeticOperation.allCases.map(\.shortName)
                == ["add", "sub", "mul", "div", "rem", "sqrt", "mulAdd", "exp", "log", "convert"])
        #expect([ArithmeticOperation.subtract, .multiply, .divide].map(\.mathSymbol) == ["−", "×", "÷"])
        let f = FloatFormat.bf16
        let a = f.fromDouble(1.75), b = f.fromDouble(-0.3), c = f.fromDouble(3)
        func check(_ operation: ArithmeticOperation, _ operands: [UInt64],
                   _ direct: (inout FloatEnvironment) -> UInt64) {
            for rounding in RoundingMode.allCases where rounding != .stochastic {
                var e1 = FloatEnvironment(rounding: rounding), e2 = e1
                #expect(f.operate(operation, operands, &e1) == direct(&e2) && e1.flags == e2.flags, "\(operation)")
                #expect(operands.count == operation.operandCount)
            }
        }
        check(.add, [a, b]) { f.add(a, b, &$0) }
        check(.subtract, [a, b]) { f.subtract(a, b, &$0) }
        check(.multiply, [a, b]) { f.multiply(a, b, &$0) }
        check(.divide, [a, b]) { f.divide(a, b, &$0) }
        check(.remainder, [c, a]) { f.remainder(c, a, &$0) }
        check(.squareRoot, [c]) { f.squareRoot(c, &$0) }
        check(.fusedMultiplyAdd, [a, b, c]) { f.fusedMultiplyAdd(a, b, c, &$0) }
        check(.exp, [a]) { f.exp(a, &$0) }
        check(.log, [c]) { f.log(c, &$0) }
        check(.fromDouble, [(0.1).bitPattern]) { f.fromDouble(0.1, &$0) }
        let lns = LogFormat.lns8
        var env = FloatEnvironment()
        let x = lns.fromDouble(0.3, &env), y = lns.fromDouble(-5, &env)
        for (operation, direct) in [(ArithmeticOperation.add, lns.add), (.subtract, lns.subtract),
                                    (.multiply, lns.multiply), (.divide, lns.divide)] {
            var e1 = FloatEnvironment(), e2 = FloatEnvironment()
            #expect(lns.operate(operation, x, y, &e1) == direct(x, y, &e2))
        }
    }
}
