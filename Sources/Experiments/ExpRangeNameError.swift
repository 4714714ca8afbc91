import SoftFloat
import TrainingArithmetic

/// A name that is no format of the exp-range table: one line naming every kind of name.
///
///     "\(ExpRangeNameError(name: "lns8-f9"))"   // unknown format 'lns8-f9' (expected lns8, lns8-fN ...)
public struct ExpRangeNameError: Error, CustomStringConvertible, Equatable {
    public let name: String
    public init(name: String) { self.name = name }
    public var description: String { EightBitFormats.unknownNameMessage(name) }
}
