import SoftFloat

/// What `convert --to` names: a binary format, E8M0 or a scaled format, and the layout of
/// its codes on a line (`ConvertCommand`).
///
///     let target = try ConvertTarget(name: "mxfp8-e4m3")   // .scaled(.mx(...))
///     target.isElementwise                                  // false
///
/// Edge cases: `e8m0` (also `float8_e8m0fnu`, `e8m0fnu`) is the MX scale type, which is no
/// registry format; the logarithmic and linear 8-bit formats are refused (they round from
/// a `Double`, not exactly from decimal text).
enum ConvertTarget: Sendable {
    case binary(FloatFormat)
    case e8m0
    case scaled(ScaledFormat)

    static let e8m0Names = ["e8m0", "e8m0fnu", "float8_e8m0fnu"]

    init(name: String) throws {
        if Self.e8m0Names.contains(name.lowercased()) {
            self = .e8m0
            return
        }
        do {
            switch try NumberFormat(name: name, accepting: [.binary, .scaled]) {
            case let .binary(format): self = .binary(format)
            case let .scaled(format): self = .scaled(format)
            case .logarithmic, .linear: throw FormatNameError(name: name, accepted: [.binary, .scaled])
            }
        } catch {
            // The list of accepted names ends with ')': e8m0 joins it.
            var message = "\(error)"
            if message.hasSuffix(")") { message.insert(contentsOf: ", or e8m0", at: message.index(before: message.endIndex)) }
            throw UsageError(message)
        }
    }

    /// The canonical name.
    var name: String {
        switch self {
        case let .binary(format): return format.name
        case .e8m0: return "e8m0"
        case let .scaled(format): return NumberFormat.scaled(format).name
        }
    }

    var isElementwise: Bool {
        if case .scaled = self { return false }
        return true
    }

    /// A code of the layout: its width in bits and what it is called in messages.
    struct Field: Equatable {
        let bits: Int
        let what: String
    }

    /// The field at `position` (from 0) of a line of codes.
    func field(at position: Int) -> Field {
        switch self {
        case let .binary(format):
            return Field(bits: format.bitWidth, what: "a code of \(format.name)")
        case .e8m0:
            return Field(bits: 8, what: "a code of e8m0")
        case let .scaled(.mx(mx)):
            return position % (mx.blockSize + 1) == 0 ? Field(bits: 8, what: "the E8M0 scale of a block")
                : Self.elementField(mx.element)
        case let .scaled(.nvfp4(nvfp4)):
            if position == 0 { return Field(bits: 32, what: "the FP32 tensor scale") }
            return (position - 1) % (nvfp4.blockSize + 1) == 0
                ? Field(bits: nvfp4.blockScale.bitWidth, what: "the \(nvfp4.blockScale.name) scale of a block")
                : Self.elementField(.float(nvfp4.element))
        case let .scaled(.tensor(tensor)):
            return position == 0 ? Field(bits: 32, what: "the FP32 scale") : Self.elementField(tensor.element)
        }
    }

    static func elementField(_ element: ScaledElement) -> Field {
        switch element {
        case let .float(format): return Field(bits: format.bitWidth, what: "an element, \(format.name)")
        case .int8: return Field(bits: 8, what: "an element, INT8")
        }
    }

    /// Why `count` codes are not a line of this layout, or nil when they are.
    func countProblem(_ count: Int) -> String? {
        let codes = count == 1 ? "1 code does" : "\(count) codes do"
        switch self {
        case .binary, .e8m0:
            return nil
        case let .scaled(.mx(mx)):
            guard count % (mx.blockSize + 1) == 1 else { return nil }
            return "\(codes) not make blocks of \(name) (each an E8M0 scale and 1 to \(mx.blockSize) "
                + "elements; only the last block has fewer than \(mx.blockSize + 1) codes)"
        case let .scaled(.nvfp4(nvfp4)):
            guard count < 2 || (count - 1) % (nvfp4.blockSize + 1) == 1 else { return nil }
            return "\(codes) not make an \(name) tensor (the FP32 tensor scale, then blocks of an "
                + "E4M3 scale and 1 to \(nvfp4.blockSize) elements; only the last block has fewer "
                + "than \(nvfp4.blockSize + 1) codes)"
        case .scaled(.tensor):
            guard count < 2 else { return nil }
            return "\(codes) not make a \(name) tensor (the FP32 scale, then at least one element)"
        }
    }

    /// The values a valid line of codes holds (see `countProblem`), one per element, exactly.
    func decode(_ codes: [UInt64]) -> [String] {
        func exact(_ x: Double) -> String { FloatFormat.fp64.exactDecimal(x.bitPattern) }
        switch self {
        case let .binary(format):
            return codes.map(format.exactDecimal)
        case .e8m0:
            return codes.map { exact(E8M0.value(UInt8($0))) }
        case let .scaled(.mx(mx)):
            return stride(from: 0, to: codes.count, by: mx.blockSize + 1).flatMap { start in
                let end = min(start + mx.blockSize + 1, codes.count)
                return mx.decode(ScaledBlock(scale: codes[start], elements: Array(codes[start + 1..<end])))
            }.map(exact)
        case let .scaled(.nvfp4(nvfp4)):
            let blocks = stride(from: 1, to: codes.count, by: nvfp4.blockSize + 1).map { start in
                let end = min(start + nvfp4.blockSize + 1, codes.count)
                return ScaledBlock(scale: codes[start], elements: Array(codes[start + 1..<end]))
            }
            return nvfp4.decode((scale: UInt32(codes[0]), blocks: blocks)).map(exact)
        case let .scaled(.tensor(tensor)):
            return tensor.decode(ScaledBlock(scale: codes[0], elements: Array(codes.dropFirst()))).map(exact)
        }
    }

    /// `0x3f80`: a code in lowercase hex, zero-padded to its field's width.
    static func hex(_ code: UInt64, bits: Int) -> String {
        let digits = String(code, radix: 16)
        return "0x" + String(repeating: "0", count: max(0, (bits + 3) / 4 - digits.count)) + digits
    }
}
