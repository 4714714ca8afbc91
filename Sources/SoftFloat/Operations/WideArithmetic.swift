/// Shifts right, OR-ing every bit shifted out into the lowest bit ("jamming"), so the
/// result still tells an exact value from an inexact one.
@inlinable @inline(__always)
func shiftRightJam(_ x: UInt64, _ count: Int) -> UInt64 {
    if count <= 0 { return x }
    if count >= 64 { return x != 0 ? 1 : 0 }
    let lost = x & ((1 &<< UInt64(count)) &- 1)
    return (x &>> UInt64(count)) | (lost != 0 ? 1 : 0)
}

@inlinable @inline(__always)
func shiftRightJam(_ x: UInt128, _ count: Int) -> UInt128 {
    if count <= 0 { return x }
    if count >= 128 { return x != 0 ? 1 : 0 }
    let lost = x & ((1 &<< UInt128(count)) &- 1)
    return (x &>> UInt128(count)) | (lost != 0 ? 1 : 0)
}
