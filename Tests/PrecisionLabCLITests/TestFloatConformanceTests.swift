import Foundation
import Testing
import PrecisionLabCLI
import SoftFloat

/// Every Berkeley TestFloat vector file beside the project, result bits and flags.
///
/// The files live in `../shared/testfloat` next to the package (or wherever
/// `PRECISION_LAB_TESTFLOAT` points) and are named `<function>.r<mode>.tv.gz`.
@Suite("TestFloat conformance")
struct TestFloatConformanceTests {
    /// The folder of vector files, whether or not it exists.
    static let folder: String = {
        if let path = ProcessInfo.processInfo.environment["PRECISION_LAB_TESTFLOAT"], !path.isEmpty {
            return path
        }
        // #filePath is <root>/Tests/PrecisionLabCLITests/<this file>; the vectors sit in
        // <root>/../shared/testfloat.
        return URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent()  // PrecisionLabCLITests
            .deletingLastPathComponent()  // Tests
            .deletingLastPathComponent()  // package root
            .deletingLastPathComponent()  // its parent
            .appendingPathComponent("shared/testfloat").path
    }()

    /// The vector files, sorted; empty when the folder is absent.
    static let files: [String] = {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        return names.filter { $0.hasSuffix(".tv.gz") }.sorted()
    }()

    static var vectorsPresent: Bool { !files.isEmpty }

    @Test func saysWhereTheVectorsAreOrThatTheyAreSkipped() throws {
        guard Self.vectorsPresent else {
            print("TestFloat vectors not found in \(Self.folder): conformance tests skipped "
                  + "(set PRECISION_LAB_TESTFLOAT to their folder to run them)")
            return
        }
        print("TestFloat vectors: \(Self.files.count) files in \(Self.folder)")
        // Every function comes in all five IEEE rounding modes, and perhaps to odd.
        var modesByFunction: [String: Set<String>] = [:]
        for file in Self.files {
            let (function, mode) = try #require(Self.parse(file), "unexpected file name \(file)")
            modesByFunction[function, default: []].insert(mode)
        }
        for (function, modes) in modesByFunction {
            #expect(modes.subtracting(["odd"]) == ["near_even", "near_maxMag", "minMag", "min", "max"], "\(function)")
        }
    }

    // Skipped, with this reason, on machines without the shared vector folder.
    @Test(.enabled(if: TestFloatConformanceTests.vectorsPresent, "TestFloat vectors absent (../shared/testfloat or PRECISION_LAB_TESTFLOAT)"),
          arguments: TestFloatConformanceTests.files)
    func vectorFile(_ file: String) throws {
        let (functionName, modeName) = try #require(Self.parse(file), "unexpected file name \(file)")
        let function = try TestFloatFunction(name: functionName)
        let rounding = try #require(RoundingMode(name: "r" + modeName), "unknown mode in \(file)")
        // The vectors were made with tininess after rounding and TestFloat's default -notexact.
        var verifier = TestFloatVerifier(function: function, rounding: rounding,
                                         tininess: .afterRounding, exact: false, keepingMismatches: 5)
        try verifier.check(contentsOf: Self.folder + "/" + file)

        #expect(verifier.passed > 0, "no vectors in \(file)")
        if function.operands.count == 2 {
            // Level 1 of testfloat_gen gives 46,464 cases for two operands.
            #expect(verifier.passed + verifier.failed == 46_464, "\(file) looks truncated")
        }
        let shown = verifier.mismatches.map(verifier.describe).joined(separator: "\n")
        #expect(verifier.failed == 0, "\(file): \(verifier.summary)\n\(shown)")
    }

    /// `("f16_add", "near_even")` for `f16_add.rnear_even.tv.gz`.
    static func parse(_ file: String) -> (function: String, mode: String)? {
        let parts = file.split(separator: ".")
        guard parts.count == 4, parts[2] == "tv", parts[3] == "gz", parts[1].hasPrefix("r") else { return nil }
        return (String(parts[0]), String(parts[1].dropFirst()))
    }
}
