// PROVISIONAL: replaced by the correctly rounded implementation (issue 3).
import Foundation

extension FloatFormat {
    /// e^x in this format (provisional: libm's exp on the Double value, then rounded).
    public func exp(_ x: UInt64, _ env: inout FloatEnvironment) -> UInt64 {
        fromDouble(Foundation.exp(toDouble(x)), &env)
    }

    /// ln x in this format (provisional: libm's log on the Double value, then rounded).
    public func log(_ x: UInt64, _ env: inout FloatEnvironment) -> UInt64 {
        fromDouble(Foundation.log(toDouble(x)), &env)
    }
}
