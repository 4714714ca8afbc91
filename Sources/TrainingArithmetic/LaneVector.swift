/// A vector of hardware floats that the lane routines (every rounding mode) work on: four lanes
/// (SSE's width) or eight (one AVX register of `Float`), paired with the integer vector of
/// the same lanes that the bit manipulation uses.
///
///     let x = SIMD8<Float>(repeating: 1.00390625)
///     FormatRounder<Float>(format: .bf16)!.round(x)     // eight lanes of 1.0
///
/// The routines are written once over this protocol; each width is compiled on its own
/// (everything is inlined), so an eight-lane kernel costs one vector instruction a step
/// where the CPU has 256-bit vectors, and two where it has not.
public protocol LaneVector: SIMD where Scalar: HardwareFloat {
    /// The signed integers of the same lanes.
    associatedtype BitLanes: SIMD where BitLanes.Scalar == Scalar.SignedBits
}

extension SIMD4: LaneVector where Scalar: HardwareFloat {
    public typealias BitLanes = SIMD4<Scalar.SignedBits>
}

extension SIMD8: LaneVector where Scalar: HardwareFloat {
    public typealias BitLanes = SIMD8<Scalar.SignedBits>
}

extension SIMD where Scalar: FixedWidthInteger {
    /// Whether any lane is nonzero (a mask has some lane set).
    @inlinable @inline(__always)
    func anyLaneSet() -> Bool {
        var union: Scalar = 0
        for i in indices { union |= self[i] }
        return union != 0
    }
}
