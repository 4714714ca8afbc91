import DataFiles
import Experiments
import Foundation
import SoftFloat
import Training

/// The range and resolution of a number format, computed from the format itself: its
/// least positive value, least normal value, largest value, and relative step.
///
///     FormatRange(FloatFormat.fp16).largest          // 65504
///     FormatRange(LogFormat.lns8).relativeStep        // 2^(1/4) − 1 ≈ 0.189
///     FormatRange(LinearInt8Format.int8).leastNonzero // 1
///
/// Edge cases: for linear INT8 the relative step is that at the largest value (it grows
/// to 100% at the least); for binary formats it is 2^−f, the largest in the normal range.
public struct FormatRange: Sendable {
    public var name: String
    /// The least positive value (a subnormal for binary formats with subnormals).
    public var leastNonzero: Double
    /// The least positive value with full precision (binary formats: the least normal).
    public var leastNormal: Double
    public var largest: Double
    /// The largest gap between neighbours relative to the smaller one, over the values
    /// with full precision.
    public var relativeStep: Double
    /// The largest gap between neighbours relative to the smaller one, over every positive
    /// value: 100% from the least subnormal (or INT8's 1) to the next; lns8's constant step.
    public var largestRelativeStep: Double
    /// Whether there are values below `leastNormal` (subnormals).
    public var hasSubnormals: Bool { leastNonzero < leastNormal }
    /// log10(largest / leastNonzero).
    public var decades: Double { Foundation.log10(largest) - Foundation.log10(leastNonzero) }

    public init(_ format: FloatFormat) {
        name = format.name
        leastNonzero = format.toDouble(format.leastNonzeroMagnitude)
        leastNormal = format.toDouble(format.leastNormalMagnitude)
        largest = format.toDouble(format.maxFiniteMagnitude)
        relativeStep = Foundation.scalbn(1.0, -format.fractionBitCount)
        let second = format.toDouble(format.leastNonzeroMagnitude + 1)
        largestRelativeStep = max(relativeStep, (second - leastNonzero) / leastNonzero)
    }

    public init(_ format: LogFormat) {
        name = format.name
        leastNonzero = format.leastMagnitude
        leastNormal = format.leastMagnitude
        largest = format.largestValue
        relativeStep = Foundation.exp2(1 / format.scale) - 1
        largestRelativeStep = relativeStep
    }

    public init(_ format: LinearInt8Format) {
        name = format.name
        leastNonzero = format.scale
        leastNormal = format.scale
        largest = format.largestValue
        relativeStep = 1 / Double(format.maxCode - 1)
        largestRelativeStep = 1
    }

    /// Whether a magnitude lies within the representable range (no overflow, no underflow).
    public func holds(_ magnitude: Double) -> Bool { magnitude >= leastNonzero && magnitude <= largest }

    /// A chart row for the range chart.
    var chartRow: SVGRangeChart.Row {
        SVGRangeChart.Row(name: name, leastSubnormal: hasSubnormals ? leastNonzero : nil, leastNormal: leastNormal,
                          largest: largest, note: String(format: "%.1f decades", decades))
    }
}
