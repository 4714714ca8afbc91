import Foundation

/// An exact decimal number for test oracles, independent of the module's own decimal code:
/// `(-1)^negative × digits × 10^exponent`, digits without leading or trailing zeros.
///
///     ExactDecimalValue("-1.50e-3")   // negative, digits [1, 5], exponent -4
///     ExactDecimalValue(exactly: 0.1) // from glibc's printf, which prints binary64 exactly
struct ExactDecimalValue: Comparable, CustomStringConvertible {
    var negative: Bool
    var digits: [UInt8]
    var exponent: Int

    /// Reads `[-]digits[.digits][e[+-]digits]`; nil otherwise.
    init?(_ text: String) {
        var bytes = Array(text.utf8)[...]
        negative = bytes.first == UInt8(ascii: "-")
        if negative || bytes.first == UInt8(ascii: "+") { bytes = bytes.dropFirst() }
        var power = 0
        if let e = bytes.firstIndex(where: { $0 | 0x20 == UInt8(ascii: "e") }) {
            guard let p = Int(String(decoding: bytes[(e + 1)...], as: UTF8.self)) else { return nil }
            power = p
            bytes = bytes[..<e]
        }
        var all: [UInt8] = []
        all.reserveCapacity(bytes.count)
        var afterPoint = 0
        var sawPoint = false
        for byte in bytes {
            if byte == UInt8(ascii: ".") {
                if sawPoint { return nil }
                sawPoint = true
                continue
            }
            guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) else { return nil }
            all.append(byte - UInt8(ascii: "0"))
            if sawPoint { afterPoint += 1 }
        }
        if all.isEmpty { return nil }
        digits = all
        exponent = power - afterPoint
        normalize()
    }

    /// The exact value of a finite `Double`, printed by glibc's printf with as many
    /// digits after the point as the value has bits after it.
    init(exactly value: Double) {
        let places = value == 0 ? 1 : max(1, value.significandWidth - Int(value.exponent))
        self.init(String(format: "%.\(places)f", value))!
    }

    init(negative: Bool, digits: [UInt8], exponent: Int) {
        self.negative = negative
        self.digits = digits
        self.exponent = exponent
        normalize()
    }

    private mutating func normalize() {
        guard let first = digits.firstIndex(where: { $0 != 0 }) else {
            digits = []
            exponent = 0
            negative = false
            return
        }
        let last = digits.lastIndex { $0 != 0 }!
        exponent += digits.count - 1 - last
        digits = Array(digits[first...last])
    }

    var isZero: Bool { digits.isEmpty }

    /// Scientific notation: "1234e-5".
    var description: String {
        isZero ? "0" : (negative ? "-" : "") + digits.map(String.init).joined() + "e" + String(exponent)
    }

    /// The digits aligned to `exponent` (which must not exceed self's).
    private func aligned(to newExponent: Int) -> [UInt8] {
        digits + [UInt8](repeating: 0, count: exponent - newExponent)
    }

    static func < (a: Self, b: Self) -> Bool {
        if a.negative != b.negative { return a.negative }
        let magnitudeLess = lessMagnitude(a, b)
        return a.negative ? lessMagnitude(b, a) : magnitudeLess
    }

    private static func lessMagnitude(_ a: Self, _ b: Self) -> Bool {
        if a.isZero || b.isZero { return a.isZero && !b.isZero }
        let topA = a.digits.count + a.exponent, topB = b.digits.count + b.exponent
        if topA != topB { return topA < topB }
        let low = min(a.exponent, b.exponent)
        return a.aligned(to: low).lexicographicallyPrecedes(b.aligned(to: low))
    }

    /// The midpoint of two nonnegative values: (a + b) × 5 / 10.
    static func midpoint(_ a: Self, _ b: Self) -> Self {
        precondition(!a.negative && !b.negative)
        let low = min(a.exponent, b.exponent)
        var x = Array(a.aligned(to: low).reversed()), y = Array(b.aligned(to: low).reversed())
        let count = max(x.count, y.count) + 2
        x += [UInt8](repeating: 0, count: count - x.count)
        y += [UInt8](repeating: 0, count: count - y.count)
        var sum = [UInt8](repeating: 0, count: count)
        var carry = 0
        for i in 0..<count {
            let s = Int(x[i]) + Int(y[i]) + carry
            sum[i] = UInt8(s % 10)
            carry = s / 10
        }
        carry = 0
        for i in 0..<count {  // times 5
            let s = Int(sum[i]) * 5 + carry
            sum[i] = UInt8(s % 10)
            carry = s / 10
        }
        return Self(negative: false, digits: sum.reversed(), exponent: low - 1)
    }

    /// The value moved by one unit `extra` digits below its last digit, up or down.
    func nudged(up: Bool, extra: Int) -> Self {
        precondition(!isZero && extra > 0)
        var d = digits
        if up {
            d += [UInt8](repeating: 0, count: extra - 1) + [1]
        } else {
            var i = d.count - 1
            while d[i] == 0 { d[i] = 9; i -= 1 }
            d[i] -= 1
            d += [UInt8](repeating: 9, count: extra)
        }
        return Self(negative: negative, digits: d, exponent: exponent - extra)
    }
}
