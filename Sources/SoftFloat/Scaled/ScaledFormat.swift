/// A scaled format, the registry's fourth kind: element codes plus scales. A value of it is
/// a block or a tensor (`ScaledBlock`), never one number.
///
///     try NumberFormat(name: "mxfp4-e2m1")    // .scaled(.mx(MXFormat(element: .float(.fp4E2M1))))
///     try NumberFormat(name: "nvfp4")         // .scaled(.nvfp4(.standard))
///     try NumberFormat(name: "int8-tensor")   // .scaled(.tensor(TensorScaledFormat(element: .int8)))
///
/// - `mx`: OCP Microscaling v1.0, 32 elements per E8M0 scale (MXFP8, MXFP6, MXFP4, MXINT8).
/// - `nvfp4`: NVIDIA's two-level NVFP4, 16 E2M1 elements per E4M3 scale, an FP32 tensor scale.
/// - `tensor`: one FP32 (or power-of-two) scale per tensor, from its amax (INT8, FP8).
///
/// Edge cases: how the scale is chosen beyond the format (the MX scale rule, current or
/// delayed amax) is an option of the command that encodes, not part of the format.
public enum ScaledFormat: Hashable, Sendable {
    case mx(MXFormat)
    case nvfp4(NVFP4Format)
    case tensor(TensorScaledFormat)

    /// The element format.
    public var element: ScaledElement {
        switch self {
        case let .mx(format): return format.element
        case let .nvfp4(format): return .float(format.element)
        case let .tensor(format): return format.element
        }
    }

    /// Elements per scale of the innermost level; nil where one scale covers the tensor.
    public var blockSize: Int? {
        switch self {
        case let .mx(format): return format.blockSize
        case let .nvfp4(format): return format.blockSize
        case .tensor: return nil
        }
    }

    /// The largest finite magnitude an element holds before its scales (6 for E2M1; MXINT8's
    /// integers count in units of 2^-6, per-tensor INT8's in units of 1).
    public var largestElement: Double {
        switch self {
        case let .mx(format): return format.largestElement
        case let .nvfp4(format): return format.element.toDouble(format.element.maxFiniteMagnitude)
        case let .tensor(format): return format.largestElement
        }
    }
}

extension NVFP4Format {
    /// NVIDIA's NVFP4: E2M1 elements, E4M3 block scales, 16 elements per block.
    public static let standard = NVFP4Format(element: .fp4E2M1, blockScale: .fp8E4M3)
}
