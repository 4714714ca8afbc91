import Benchmarks
import DataFiles
import Experiments
import Reports
import SoftFloat
import Training
import TrainingArithmetic

/// Checks Berkeley TestFloat test cases, one `testfloat_gen` line at a time, against this
/// library's arithmetic: result bits and exception flags.
///
///     var verifier = TestFloatVerifier(function: try TestFloatFunction(name: "f16_add"))
///     try verifier.check(line: "87FF E850 E850 01")
///     verifier.summary        // "1 passed, 0 failed"
///
/// Edge cases: blank lines are skipped (they still count as lines); an expected NaN
/// matches any NaN unless `checkNaNs`; integer results compare in their own width; a
/// malformed line throws `TestFloatLineError` naming its number and the problem.
public struct TestFloatVerifier {
    /// One case whose result or flags differ from TestFloat's.
    public struct Mismatch: Equatable, Sendable {
        public let lineNumber: Int
        public let operands: [UInt64]
        public let expected: UInt64
        public let expectedFlags: ExceptionFlags
        public let actual: UInt64
        public let actualFlags: ExceptionFlags
    }

    public let function: TestFloatFunction
    /// The environment each case starts from (flags cleared).
    public let environment: FloatEnvironment
    /// TestFloat's `-exact`: rounding to an integer raises inexact.
    public let exact: Bool
    /// Whether an expected NaN must match bit for bit.
    public let checkNaNs: Bool
    /// How many mismatches to keep in `mismatches` (all are counted in `failed`).
    public let mismatchesKept: Int

    public private(set) var passed = 0
    public private(set) var failed = 0
    /// The first `mismatchesKept` mismatches, in input order.
    public private(set) var mismatches: [Mismatch] = []
    /// Lines seen so far, blank ones included.
    public private(set) var lineNumber = 0
    /// The first line, when it was `testfloat_gen -prefix`'s text rather than a case
    /// (escaped and shortened as `Echo.shown`).
    public private(set) var header: String?

    private var operands: [UInt64]
    private var values: [UInt64]
    private let tokenCount: Int
    private let resultMask: UInt64
    private let resultIsFloat: Bool

    /// - Parameters:
    ///   - function: the operation the cases are for.
    ///   - rounding: TestFloat's `-r...` option; stochastic rounding has no reference.
    ///   - tininess: TestFloat's `-tininess...` option.
    ///   - exact: TestFloat's `-exact` (default `-notexact`).
    ///   - checkNaNs: compare expected NaNs bit for bit.
    ///   - keepingMismatches: how many mismatches to record.
    public init(function: TestFloatFunction, rounding: RoundingMode = .nearestEven,
                tininess: Tininess = .afterRounding, exact: Bool = false,
                checkNaNs: Bool = false, keepingMismatches: Int = 10) {
        self.function = function
        self.environment = FloatEnvironment(rounding: rounding, tininess: tininess)
        self.exact = exact
        self.checkNaNs = checkNaNs
        self.mismatchesKept = max(0, keepingMismatches)
        self.operands = [UInt64](repeating: 0, count: function.operands.count)
        self.tokenCount = function.operands.count + 2
        self.values = [UInt64](repeating: 0, count: function.operands.count + 2)
        self.resultMask = function.result.mask
        if case .float = function.result { resultIsFloat = true } else { resultIsFloat = false }
    }

    /// `"N passed, M failed"`.
    public var summary: String { "\(passed) passed, \(failed) failed" }

    /// Checks one line of `testfloat_gen` output.
    ///
    /// Edge cases: a line of spaces is skipped.
    public mutating func check(line: String) throws {
        var line = line
        try line.withUTF8 { bytes in try check(line: bytes) }
    }

    /// Checks one line given as its UTF-8 bytes (no newline).
    ///
    /// Edge cases: the fields are counted before any is read, so a line with too many or
    /// too few is diagnosed as such; the first line is the header that `testfloat_gen
    /// -prefix TEXT` writes, and is skipped (`header`), when its first field is not a
    /// hexadecimal number.
    public mutating func check(line: UnsafeBufferPointer<UInt8>) throws {
        lineNumber += 1
        let count = Self.fieldCount(line)
        if count == 0 { return }
        if lineNumber == 1, !Self.firstFieldIsHex(line) {
            header = Echo.shown(String(decoding: line, as: UTF8.self))
            return
        }
        guard count == tokenCount else {
            throw TestFloatLineError(lineNumber: lineNumber, problem: countProblem(count))
        }
        var position = 0
        var index = 0
        let end = line.count
        while position < tokenCount {
            while index < end, Self.isSeparator(line[index]) { index += 1 }
            let start = index
            while index < end, !Self.isSeparator(line[index]) { index += 1 }
            values[position] = try parseHex(line, start..<index, position: position)
            position += 1
        }
        for i in 0..<operands.count { operands[i] = values[i] }
        let expected = values[tokenCount - 2]
        let expectedFlags = ExceptionFlags(rawValue: UInt8(truncatingIfNeeded: values[tokenCount - 1]))

        var env = environment
        let actual = function.evaluate(operands, exact: exact, &env) & resultMask
        var resultMatches = actual == expected
        if !resultMatches, !checkNaNs, resultIsFloat,
           function.resultIsNaN(expected), function.resultIsNaN(actual) {
            resultMatches = true
        }
        if resultMatches && env.flags == expectedFlags {
            passed += 1
            return
        }
        failed += 1
        if mismatches.count < mismatchesKept {
            mismatches.append(Mismatch(lineNumber: lineNumber, operands: operands,
                                       expected: expected, expectedFlags: expectedFlags,
                                       actual: actual, actualFlags: env.flags))
        }
    }

    /// One line describing a mismatch, in TestFloat's hex:
    /// `line 7: 87FF E850 -> expected E851 flags 01 (inexact), got E850 flags 00 (none)`.
    public func describe(_ mismatch: Mismatch) -> String {
        let operandText = zip(function.operands, mismatch.operands)
            .map { Self.hex($1, digits: TestFloatFunction.hexDigits($0)) }.joined(separator: " ")
        let digits = TestFloatFunction.hexDigits(function.result)
        func flags(_ f: ExceptionFlags) -> String { "flags \(Self.hex(UInt64(f.rawValue), digits: 2)) (\(f))" }
        return "line \(mismatch.lineNumber): \(operandText) -> "
            + "expected \(Self.hex(mismatch.expected, digits: digits)) \(flags(mismatch.expectedFlags)), "
            + "got \(Self.hex(mismatch.actual, digits: digits)) \(flags(mismatch.actualFlags))"
    }

    /// `value` in upper-case hex, zero-padded to `digits`.
    public static func hex(_ value: UInt64, digits: Int) -> String {
        let text = String(value, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, digits - text.count)) + text
    }

    // MARK: - Parsing

    /// A space, tab or carriage return: what separates fields.
    @inline(__always)
    static func isSeparator(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 || byte == 0x0D }

    /// How many fields `line` has.
    static func fieldCount(_ line: UnsafeBufferPointer<UInt8>) -> Int {
        var count = 0
        var previousWasSeparator = true
        for byte in line {
            let separator = isSeparator(byte)
            if !separator && previousWasSeparator { count += 1 }
            previousWasSeparator = separator
        }
        return count
    }

    /// Whether the first field of `line` is made of hex digits.
    static func firstFieldIsHex(_ line: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let start = line.firstIndex(where: { !isSeparator($0) }) else { return false }
        return line[start...].prefix { !isSeparator($0) }.allSatisfy { hexValue[Int($0)] != 0xFF }
    }

    private static let hexValue: [UInt8] = {
        var table = [UInt8](repeating: 0xFF, count: 256)
        for (i, c) in "0123456789ABCDEF".utf8.enumerated() { table[Int(c)] = UInt8(i) }
        for (i, c) in "abcdef".utf8.enumerated() { table[Int(c)] = UInt8(10 + i) }
        return table
    }()

    /// The hex number in `line[range]`, the `position`-th on its line.
    @inline(__always)
    private func parseHex(_ line: UnsafeBufferPointer<UInt8>, _ range: Range<Int>,
                          position: Int) throws -> UInt64 {
        var value: UInt64 = 0
        var significant = 0
        for i in range {
            let digit = Self.hexValue[Int(line[i])]
            guard digit != 0xFF else {
                throw TestFloatLineError(lineNumber: lineNumber, problem:
                    "\(tokenName(position)) \(Echo.quoted(String(decoding: UnsafeBufferPointer(rebasing: line[range]), as: UTF8.self))) is not a hexadecimal number")
            }
            if significant > 0 || digit != 0 { significant += 1 }
            value = value &<< 4 | UInt64(digit)
        }
        let width = position == tokenCount - 1 ? 5 : tokenKind(position).bitWidth
        let mask: UInt64 = width == 64 ? .max : (1 << UInt64(width)) - 1
        if significant > 16 || value & ~mask != 0 {
            let token = String(decoding: UnsafeBufferPointer(rebasing: line[range]), as: UTF8.self)
            let problem = position == tokenCount - 1
                ? "flags \(Echo.quoted(token)) has bits beyond the five exception flags (at most 1F)"
                : "\(tokenName(position)) \(Echo.quoted(token)) does not fit in \(width) bits"
            throw TestFloatLineError(lineNumber: lineNumber, problem: problem)
        }
        return value
    }

    private func tokenKind(_ position: Int) -> TestFloatFunction.Operand {
        position < function.operands.count ? function.operands[position] : function.result
    }

    private func tokenName(_ position: Int) -> String {
        if position == tokenCount - 1 { return "flags" }
        if position == tokenCount - 2 { return "result" }
        return function.operands.count == 1 ? "operand" : "operand \(position + 1)"
    }

    private func countProblem(_ found: Int) -> String {
        let operandCount = function.operands.count
        let operandText = operandCount == 1 ? "1 operand" : "\(operandCount) operands"
        return "expected \(tokenCount) hex numbers for \(function.name) (\(operandText), result, flags), found \(found)"
    }
}

extension TestFloatVerifier {
    /// Checks every line of a file of `testfloat_gen` output, gzip-compressed or plain.
    ///
    ///     var v = TestFloatVerifier(function: try TestFloatFunction(name: "f16_sqrt"), rounding: .up)
    ///     try v.check(contentsOf: "f16_sqrt.rmax.tv.gz")
    ///
    /// Edge cases: throws `GzipFileError` for a missing or damaged file, and
    /// `TestFloatLineError` for a malformed line (checking stops there).
    public mutating func check(contentsOf path: String) throws {
        let file = try GzipFile(path: path)
        var lineError: (any Error)?
        while try file.nextLineBytes({ bytes in
            do { try self.check(line: bytes) } catch { lineError = error }
        }) {
            if let lineError { throw lineError }
        }
    }
}

/// A line of TestFloat input that cannot be read.
public struct TestFloatLineError: Error, Equatable, CustomStringConvertible {
    public let lineNumber: Int
    public let problem: String
    public var description: String { "line \(lineNumber): \(problem)" }
}
