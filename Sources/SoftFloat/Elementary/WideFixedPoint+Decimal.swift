extension WideFixedPoint {
    /// The exact quantity rounded to `significantDigits` decimal digits (half away from
    /// zero), in positional notation; nil when the ball is too wide to tell.
    ///
    ///     lnMax.decimal(significantDigits: 22)  // "88.72283905206835305366", a ball around ln(FLT_MAX)
    ///
    /// Both edges of the ball are rounded; they agree only if every value between them
    /// rounds to the same digits.
    ///
    /// Edge cases: nil when the ball contains zero.
    func decimal(significantDigits n: Int) -> String? {
        precondition(n >= 1)
        guard error < 0x1p60 else { return nil }
        let radius = UInt64(error.rounded(.up)) + 1
        guard let low = Self.offsetMagnitude(words, by: radius, subtract: true),
              low.contains(where: { $0 != 0 }),
              let high = Self.offsetMagnitude(words, by: radius, subtract: false)
        else { return nil }
        let a = Self.roundedDigits(low, significantDigits: n)
        let b = Self.roundedDigits(high, significantDigits: n)
        guard a.digits == b.digits && a.pointPosition == b.pointPosition else { return nil }
        return (negative ? "-" : "") + Self.positional(a.digits, pointPosition: a.pointPosition)
    }

    /// The first `n` significant digits of a nonzero magnitude, rounded half up, and where
    /// the decimal point falls (the number of digits before it; negative for 0.00…).
    static func roundedDigits(_ magnitude: [UInt64], significantDigits n: Int)
        -> (digits: [UInt8], pointPosition: Int) {
        var fraction = Array(magnitude.dropLast())
        let integer = magnitude.last!
        var digits: [UInt8] = []
        var pointPosition = 0
        if integer != 0 {
            digits = String(integer).utf8.map { $0 - 48 }
            pointPosition = digits.count
        }
        // Fraction digits: multiply the fraction by ten and take what spills over.
        func nextFractionDigit() -> UInt8 {
            var carry: UInt64 = 0
            for i in fraction.indices {
                let (high, low) = fraction[i].multipliedFullWidth(by: 10)
                let (s, o) = low.addingReportingOverflow(carry)
                fraction[i] = s
                carry = high + (o ? 1 : 0)
            }
            return UInt8(carry)
        }
        if digits.isEmpty {
            var d = nextFractionDigit()
            while d == 0 { pointPosition -= 1; d = nextFractionDigit() }
            digits = [d]
        }
        while digits.count <= n { digits.append(nextFractionDigit()) }
        let roundUp = digits[n] >= 5
        digits = Array(digits[..<n])
        if roundUp {
            var i = n - 1
            while i >= 0 && digits[i] == 9 { digits[i] = 0; i -= 1 }
            if i >= 0 {
                digits[i] += 1
            } else {
                digits.insert(1, at: 0)
                digits.removeLast()
                pointPosition += 1
            }
        }
        return (digits, pointPosition)
    }

    /// Digits with the decimal point after `pointPosition` of them.
    static func positional(_ digits: [UInt8], pointPosition: Int) -> String {
        let text = String(decoding: digits.map { $0 + 48 }, as: UTF8.self)
        if pointPosition <= 0 {
            return "0." + String(repeating: "0", count: -pointPosition) + text
        }
        if pointPosition >= digits.count {
            return text + String(repeating: "0", count: pointPosition - digits.count)
        }
        let index = text.index(text.startIndex, offsetBy: pointPosition)
        return String(text[..<index]) + "." + String(text[index...])
    }
}
