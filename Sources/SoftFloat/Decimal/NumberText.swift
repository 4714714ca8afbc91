/// A floating-point number as text spells it, read exactly and not yet rounded.
///
///     NumberText("-1.5e-3")   // .finite(negative: true, significand: 15, exponent: -4, binary: false)
///     NumberText("0x1.8p3")   // .finite(negative: false, significand: 0x18, exponent: -1, binary: true)
///     NumberText("-inf")      // .infinity(negative: true)
///     NumberText("1e")        // nil
///
/// The grammar is the one `Double(_:)` accepts: an optional sign, then decimal digits
/// with an optional point and `e` exponent, or `0x` hexadecimal digits with an optional
/// point and `p` exponent, or `inf`, `infinity`, `nan`, `nan(chars)` (a decimal or
/// `0x` payload, else none), `snan`, `snan(payload)`, in any case. No spaces, no digit
/// separators.
///
/// Edge cases: a significand of more digits than any midpoint between two binary64
/// values needs (800 decimal, 40 hexadecimal) is cut there and a nonzero digit is
/// appended, which keeps every rounding decision of every format here exact; exponents
/// beyond ±10^9 saturate.
enum NumberText: Equatable {
    /// `(−1)^negative × significand × base^exponent`, base 2 when `binary`, else 10.
    /// The significand has no trailing zero digit (it is zero only for a zero).
    case finite(negative: Bool, significand: BigUInt, exponent: Int, binary: Bool)
    case infinity(negative: Bool)
    case nan(negative: Bool, signaling: Bool, payload: UInt64)

    static let maxDecimalDigits = 800
    static let maxHexDigits = 40

    init?(_ text: String) {
        var bytes = Array(text.utf8)[...]
        var negative = false
        if let first = bytes.first, first == UInt8(ascii: "+") || first == UInt8(ascii: "-") {
            negative = first == UInt8(ascii: "-")
            bytes = bytes.dropFirst()
        }
        if let special = NumberText.special(bytes, negative: negative) {
            self = special
            return
        }
        let binary = bytes.count >= 2 && bytes.first == UInt8(ascii: "0")
            && (bytes[bytes.startIndex + 1] | 0x20) == UInt8(ascii: "x")
        if binary { bytes = bytes.dropFirst(2) }
        let radix: UInt8 = binary ? 16 : 10

        // Digits of the significand, with the count of those after the point.
        var digits: [UInt8] = []
        var fractionDigits = 0
        var sawPoint = false
        while let byte = bytes.first {
            if byte == UInt8(ascii: ".") {
                if sawPoint { return nil }
                sawPoint = true
            } else if let value = NumberText.digitValue(byte, radix: radix) {
                digits.append(value)
                if sawPoint { fractionDigits += 1 }
            } else {
                break
            }
            bytes = bytes.dropFirst()
        }
        if digits.isEmpty { return nil }

        var exponent = 0
        if let marker = bytes.first {
            guard marker | 0x20 == (binary ? UInt8(ascii: "p") : UInt8(ascii: "e")),
                  let value = NumberText.exponent(bytes.dropFirst())
            else { return nil }
            exponent = value
        }
        // Each hexadecimal digit after the point scales by 2^-4.
        exponent -= fractionDigits * (binary ? 4 : 1)

        // Significant digits only: strip leading zeros, fold trailing zeros into the exponent.
        let first = digits.firstIndex { $0 != 0 } ?? digits.endIndex
        guard first < digits.endIndex else {
            self = .finite(negative: negative, significand: BigUInt(), exponent: 0, binary: binary)
            return
        }
        let last = digits.lastIndex { $0 != 0 }!
        exponent = NumberText.saturatingAdd(exponent, (digits.count - 1 - last) * (binary ? 4 : 1))
        var significant = Array(digits[first...last])
        let limit = binary ? NumberText.maxHexDigits : NumberText.maxDecimalDigits
        if significant.count > limit {
            // The dropped digits end in a nonzero one: stand in for them with one nonzero digit.
            let dropped = significant.count - limit
            significant.removeLast(dropped)
            significant.append(1)
            exponent = NumberText.saturatingAdd(exponent, (dropped - 1) * (binary ? 4 : 1))
        }
        self = .finite(negative: negative,
                       significand: NumberText.integer(significant, radix: UInt64(radix)),
                       exponent: exponent, binary: binary)
    }

    private static func special(_ bytes: ArraySlice<UInt8>, negative: Bool) -> NumberText? {
        let word = String(decoding: bytes, as: UTF8.self).lowercased()
        switch word {
        case "inf", "infinity": return .infinity(negative: negative)
        case "nan": return .nan(negative: negative, signaling: false, payload: 0)
        case "snan": return .nan(negative: negative, signaling: true, payload: 0)
        default: break
        }
        // C's nan(n-char-sequence): letters, digits and underscores; a number is the payload.
        let signaling = word.hasPrefix("snan(")
        guard signaling || word.hasPrefix("nan("), word.hasSuffix(")") else { return nil }
        let inside = word.dropFirst(signaling ? 5 : 4).dropLast()
        guard inside.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }) else { return nil }
        let payload = inside.hasPrefix("0x") ? UInt64(inside.dropFirst(2), radix: 16) : UInt64(inside)
        return .nan(negative: negative, signaling: signaling, payload: payload ?? 0)
    }

    private static func digitValue(_ byte: UInt8, radix: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f") where radix == 16: return byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F") where radix == 16: return byte - UInt8(ascii: "A") + 10
        default: return nil
        }
    }

    /// A signed decimal exponent that must fill the rest of the text; saturates at ±10^9.
    private static func exponent(_ bytes: ArraySlice<UInt8>) -> Int? {
        var rest = bytes
        var negative = false
        if let sign = rest.first, sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") {
            negative = sign == UInt8(ascii: "-")
            rest = rest.dropFirst()
        }
        if rest.isEmpty { return nil }
        var value = 0
        for byte in rest {
            guard let digit = digitValue(byte, radix: 10) else { return nil }
            value = min(value * 10 + Int(digit), 1_000_000_000)
        }
        return negative ? -value : value
    }

    private static func saturatingAdd(_ a: Int, _ b: Int) -> Int {
        max(-4_000_000_000, min(4_000_000_000, a + b))
    }

    /// The integer the digits spell, most significant first.
    private static func integer(_ digits: [UInt8], radix: UInt64) -> BigUInt {
        let chunkLength = radix == 16 ? 15 : 19
        var result = BigUInt()
        var index = 0
        while index < digits.count {
            let end = min(index + chunkLength, digits.count)
            var chunk: UInt64 = 0
            var scale: UInt64 = 1
            for digit in digits[index..<end] {
                chunk = chunk * radix + UInt64(digit)
                scale *= radix
            }
            result.multiply(by: scale)
            result.add(chunk)
            index = end
        }
        return result
    }
}
