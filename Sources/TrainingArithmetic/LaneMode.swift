import SoftFloat

/// A rounding mode as a type, so that a kernel generic over it is specialised once per
/// mode with the mode a constant in its loop (a mode passed as a value stays a value when
/// the kernel is not inlined, and every lane then decides the mode again).
///
///     func kernel<M: LaneMode, C: LaneRange>(_: M.Type, _: C.Type) { ... M.mode ... C.checksRange ... }
///     LaneModes.dispatch(.up) ... kernel(LaneModeUp.self, LaneRangeChecked.self)
@usableFromInline
protocol LaneMode {
    static var mode: RoundingMode { get }
}

/// Whether the kernel checks the format's exponent range (`FormatRounder.checksRange`), as a type.
@usableFromInline
protocol LaneRange {
    static var checksRange: Bool { get }
}

@usableFromInline enum LaneModeNearestEven: LaneMode {
    @inlinable @inline(__always) static var mode: RoundingMode { .nearestEven }
}
@usableFromInline enum LaneModeNearestAway: LaneMode {
    @inlinable @inline(__always) static var mode: RoundingMode { .nearestAway }
}
@usableFromInline enum LaneModeTowardZero: LaneMode {
    @inlinable @inline(__always) static var mode: RoundingMode { .towardZero }
}
@usableFromInline enum LaneModeUp: LaneMode {
    @inlinable @inline(__always) static var mode: RoundingMode { .up }
}
@usableFromInline enum LaneModeDown: LaneMode {
    @inlinable @inline(__always) static var mode: RoundingMode { .down }
}
@usableFromInline enum LaneModeOdd: LaneMode {
    @inlinable @inline(__always) static var mode: RoundingMode { .odd }
}
@usableFromInline enum LaneModeStochastic: LaneMode {
    @inlinable @inline(__always) static var mode: RoundingMode { .stochastic }
}

@usableFromInline enum LaneRangeChecked: LaneRange {
    @inlinable @inline(__always) static var checksRange: Bool { true }
}
@usableFromInline enum LaneRangeUnchecked: LaneRange {
    @inlinable @inline(__always) static var checksRange: Bool { false }
}

/// A kernel generic over the mode and the range check, called with the types of a mode
/// and of a rounder's `checksRange`: the one place that turns the two values into types.
@usableFromInline
protocol LaneKernel {
    associatedtype Result
    func run<M: LaneMode, C: LaneRange>(_: M.Type, _: C.Type) -> Result
}

extension LaneKernel {
    /// `run` with the types of `mode` and `checksRange`.
    @inlinable @inline(__always)
    func callAsFunction(_ mode: RoundingMode, checksRange: Bool) -> Result {
        switch mode {
        case .nearestEven: return checking(LaneModeNearestEven.self, checksRange)
        case .nearestAway: return checking(LaneModeNearestAway.self, checksRange)
        case .towardZero: return checking(LaneModeTowardZero.self, checksRange)
        case .up: return checking(LaneModeUp.self, checksRange)
        case .down: return checking(LaneModeDown.self, checksRange)
        case .odd: return checking(LaneModeOdd.self, checksRange)
        case .stochastic: return checking(LaneModeStochastic.self, checksRange)
        }
    }

    @inlinable @inline(__always)
    func checking<M: LaneMode>(_: M.Type, _ checksRange: Bool) -> Result {
        checksRange ? run(M.self, LaneRangeChecked.self) : run(M.self, LaneRangeUnchecked.self)
    }
}
