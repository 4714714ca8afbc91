import SoftFloat

/// A run of nonzero features: `count` values and their feature indices, ascending.
///
///     let run = SparseRun(values: rows.values.pointer + start, indices: rows.indices.pointer + start,
///                         count: end - start)
///
/// Edge cases: an empty run (`count` 0) is allowed; the pointers are then not read.
public struct SparseRun<Scalar> {
    public let values: UnsafePointer<Scalar>
    public let indices: UnsafePointer<Int32>
    public let count: Int

    @inlinable
    public init(values: UnsafePointer<Scalar>, indices: UnsafePointer<Int32>, count: Int) {
        self.values = values
        self.indices = indices
        self.count = count
    }
}
