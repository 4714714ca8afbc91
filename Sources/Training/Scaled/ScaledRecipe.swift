import SoftFloat

/// How training uses a scaled format, as the published MX and NVFP4 recipes do: the two
/// operands of each matrix product are quantised along its reduction axis (forward: the
/// images and the weights along the 784 features; weight gradient: the logit gradients and
/// the images along the batch), the products of their values are exact, the sums run in
/// `accumulation`, and the rest of the step (softmax, loss, logit gradient, the step
/// `lr·g`) in the elementwise format `rest`; the weights are FP32 master weights.
///
///     let recipe = ScaledRecipe(name: "mxfp4-e2m1", format: .mx(MXFormat(element: .float(.fp4E2M1))))
///     recipe.description     // what is quantised, where the sums and the rest run
///
/// - `scaleRule`: the MX shared-scale rule (`floor` is the specification's).
/// - `amaxHistory`: per-tensor formats only, delayed scaling: each operand is scaled by the
///   largest amax of its last N steps (the first step by its own), as Transformer Engine's
///   delayed recipe; nil is current scaling.
public struct ScaledRecipe: Sendable, Equatable {
    /// The registry's name of the format.
    public var name: String
    public var format: ScaledFormat
    public var scaleRule: ScaleRule
    public var rest: FloatFormat
    public var accumulation: FloatFormat
    public var amaxHistory: Int?

    public init(name: String, format: ScaledFormat, scaleRule: ScaleRule = .floor, rest: FloatFormat = .fp32,
                accumulation: FloatFormat = .fp32, amaxHistory: Int? = nil) {
        self.name = name
        self.format = format
        self.scaleRule = scaleRule
        self.rest = rest
        self.accumulation = accumulation
        self.amaxHistory = amaxHistory
    }

    /// How the format scales, in words.
    public var scaling: String {
        switch format {
        case let .mx(mx):
            return "blocks of \(mx.blockSize) with an E8M0 scale (rule \(scaleRule.rawValue))"
        case let .nvfp4(nv):
            return "blocks of \(nv.blockSize) with an \(nv.blockScale.name) scale and an FP32 tensor scale"
        case let .tensor(t):
            let scale = t.powerOfTwo ? "a power-of-two scale" : "an FP32 scale"
            return "\(scale) per tensor, " + (amaxHistory.map { "delayed (amax history \($0))" } ?? "current")
        }
    }

    /// The recipe in one line, for `train`'s output, the JSON and the reports.
    public var description: String {
        "\(name): operands of each product quantised along its reduction axis, \(scaling); "
            + "products exact, accumulated in \(accumulation.name); softmax, loss and step in \(rest.name); "
            + "master weights fp32"
    }
}
