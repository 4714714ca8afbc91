/// NVIDIA's NVFP4: blocks of 16 FP4 E2M1 elements, each block with an FP8 E4M3 scale, and
/// one FP32 scale for the whole tensor (two-level scaling).
///
///     let nvfp4 = NVFP4Format(element: e2m1, blockScale: .fp8E4M3)
///     let tensor = nvfp4.encode(values, from: .fp32, &env, events: &events)
///
/// With amax the tensor's largest magnitude and amax_b a block's, the lab computes, every
/// quotient and product an FP32 operation rounded to nearest-even:
///
///     s_t  = amax / (6 × 448)                    the tensor scale, stored in FP32
///     s_b  = E4M3(amax_b / 6 / s_t)              the block scale, nearest-even, saturating
///     e_i  = E2M1(v_i / (s_b × s_t))             each element, in the environment's mode,
///                                                clamped to ±6
///     v_i' = e_i × s_b × s_t                     the decoded value, exact
///
/// so that the tensor maximum maps to 6 × 448, the product of the two formats' largest
/// values, and each block's maximum to about 6 once its scale is rounded.
///
/// Edge cases: an all-zero tensor has s_t = 1; a block whose scale rounds to zero (its
/// amax below 2^-9 × 6 × s_t) keeps zero elements (a scale underflow); a NaN or an
/// infinity anywhere gives the NaN tensor scale (every value decodes as NaN). Stochastic
/// rounding: element k of the tensor rounds with `env.random` at counter c + k, c the
/// counter on entry, which is left at c + count.
public struct NVFP4Format: Hashable, Sendable {
    public let element: FloatFormat
    public let blockScale: FloatFormat
    public let blockSize: Int

    public init(element: FloatFormat, blockScale: FloatFormat, blockSize: Int = 16) {
        precondition(blockSize >= 1, "a block holds at least one element")
        self.element = element
        self.blockScale = blockScale
        self.blockSize = blockSize
    }

    /// A tensor: s_t (FP32 bits) and its blocks.
    public typealias Tensor = (scale: UInt32, blocks: [ScaledBlock])

    var largestElement: Double { element.toDouble(element.maxFiniteMagnitude) }
    var largestScale: Double { blockScale.toDouble(blockScale.maxFiniteMagnitude) }

    public func encode(_ values: [UInt64], from source: FloatFormat, _ env: inout FloatEnvironment,
                       events: inout ScalingEvents) -> Tensor {
        let fp32 = FloatFormat.fp32
        let counter = env.random.counter
        defer { env.random.counter = counter &+ UInt64(values.count) }
        var nearest = FloatEnvironment()
        func f32(_ x: Double) -> UInt64 { fp32.fromDouble(x, &nearest) }
        let amax = TensorScaledFormat.amax(values, in: source)
        let chunks = stride(from: 0, to: values.count, by: blockSize).map {
            Array(values[$0..<min($0 + blockSize, values.count)])
        }
        events.blocks += chunks.count
        events.elements += values.count
        if amax.isNaN || values.contains(where: source.isInfinite) {
            events[.scaleOverflows] += chunks.count
            return (scale: UInt32(fp32.defaultNaN),
                    blocks: chunks.map { ScaledBlock(scale: 0, elements: $0.map { _ in 0 }) })
        }
        var tensorScale = amax == 0 ? f32(1) : fp32.divide(f32(amax), f32(largestElement * largestScale), &nearest)
        if fp32.isZero(tensorScale) { tensorScale = fp32.leastNonzeroMagnitude }
        let blocks = chunks.enumerated().map { blockIndex, chunk -> ScaledBlock in
            let blockMax = TensorScaledFormat.amax(chunk, in: source)
            var scaleEnv = FloatEnvironment(saturates: true)
            let wanted = fp32.divide(fp32.divide(f32(blockMax), f32(largestElement), &nearest), tensorScale, &nearest)
            let scale = blockScale.convert(wanted, from: fp32, &scaleEnv)
            if blockMax == 0 { events[.zeroBlocks] += 1 }
            guard !blockScale.isZero(scale) else {
                if blockMax != 0 {
                    events[.scaleUnderflows] += 1
                    events[.flushedToZero] += chunk.filter { !source.isZero($0) }.count
                }
                return ScaledBlock(scale: scale, elements: chunk.map { _ in 0 })
            }
            let divisor = fp32.multiply(fp32.convert(scale, from: blockScale, &nearest), tensorScale, &nearest)
            let elements = chunk.enumerated().map { i, v -> UInt64 in
                env.random.counter = counter &+ UInt64(blockIndex * blockSize + i)
                let q = fp32.divide(fp32.convert(v, from: source, &nearest), divisor, &nearest)
                if abs(fp32.toDouble(q)) > largestElement { events[.clipped] += 1 }
                let code = ScaledElement.float(element).encode(q, from: fp32, scaledBy: 0, unitExponent: 0, &env)
                if !source.isZero(v) && element.isZero(code) { events[.flushedToZero] += 1 }
                return code
            }
            return ScaledBlock(scale: scale, elements: elements)
        }
        return (scale: UInt32(tensorScale), blocks: blocks)
    }

    /// The values a tensor holds, block after block, exactly.
    public func decode(_ tensor: Tensor) -> [Double] {
        let s = Double(Float(bitPattern: tensor.scale))
        return tensor.blocks.flatMap { block in
            let b = blockScale.toDouble(block.scale) * s
            return block.elements.map { element.toDouble($0) * b }
        }
    }
}
