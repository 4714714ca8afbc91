/// Shifts right, OR-ing every bit shifted out into the lowest bit ("jamming"), so the
/// result still tells an exact value from an inexact one. For `UInt64` and `UInt128`.
@inlinable @inline(__always)
func shiftRightJam<T: FixedWidthInteger & UnsignedInteger>(_ x: T, _ count: Int) -> T {
    if count <= 0 { return x }
    if count >= T.bitWidth { return x != 0 ? 1 : 0 }
    let lost = x & ((1 &<< T(count)) &- 1)
    return (x &>> T(count)) | (lost != 0 ? 1 : 0)
}
