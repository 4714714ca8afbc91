/// IEEE 754 exception flags, with TestFloat's bit assignments.
public struct ExceptionFlags: OptionSet, Hashable, Sendable, CustomStringConvertible {
    public let rawValue: UInt8
    @inlinable public init(rawValue: UInt8) { self.rawValue = rawValue }

    public static let inexact = ExceptionFlags(rawValue: 0x01)
    public static let underflow = ExceptionFlags(rawValue: 0x02)
    public static let overflow = ExceptionFlags(rawValue: 0x04)
    /// TestFloat calls it "infinite".
    public static let divideByZero = ExceptionFlags(rawValue: 0x08)
    public static let invalid = ExceptionFlags(rawValue: 0x10)

    public var description: String {
        let names: [(ExceptionFlags, String)] = [
            (.invalid, "invalid"), (.divideByZero, "divide-by-zero"), (.overflow, "overflow"),
            (.underflow, "underflow"), (.inexact, "inexact"),
        ]
        let raised = names.filter { contains($0.0) }.map(\.1)
        return raised.isEmpty ? "none" : raised.joined(separator: ", ")
    }
}
