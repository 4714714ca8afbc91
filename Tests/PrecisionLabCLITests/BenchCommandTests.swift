import Foundation
import SoftFloat
import Testing
import PrecisionLabCLI

/// `precision-lab bench`: the shape of its table and JSON (never its timings), and its errors.
@Suite("bench command")
struct BenchCommandTests {
    static func run(_ arguments: [String]) -> (status: ExitCode, out: String, err: String) {
        final class Buffers: @unchecked Sendable { var out = "", err = "" }
        let buffers = Buffers()
        let io = CommandIO(out: { buffers.out += $0 }, err: { buffers.err += $0 }, readLine: { nil })
        let status = PrecisionLab.run(arguments, io: io)
        return (status, buffers.out, buffers.err)
    }

    /// A line split into its cells: columns are separated by at least two spaces.
    static func cells(_ line: Substring) -> [String] {
        line.split(separator: "  ", omittingEmptySubsequences: true)
            .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    @Test func opsPrintsAnAlignedRowPerOperationAndFormat() throws {
        let (status, out, err) = Self.run(["bench", "ops", "--seconds", "0.001", "--formats", "fp16,bf16"])
        #expect(status == .success)
        #expect(err.isEmpty)
        let lines = out.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.last == "")  // ends with a newline
        let headerIndex = try #require(lines.firstIndex { $0.hasPrefix("op ") })
        #expect(lines[headerIndex - 1].isEmpty)  // a blank line under the title
        #expect(Self.cells(lines[headerIndex]) == ["op", "format", "soft Mop/s", "hardware", "hw Mop/s", "hw/soft"])
        let rows = lines[(headerIndex + 1)...].dropLast()
        #expect(rows.count == 10)
        var expectedOrder: [(String, String)] = []
        for op in ["add", "mul", "div", "sqrt", "mulAdd"] {
            for format in ["fp16", "bf16"] { expectedOrder.append((op, format)) }
        }
        for (row, (op, format)) in zip(rows, expectedOrder) {
            let cells = Self.cells(row)
            #expect(cells.count == 6)
            guard cells.count == 6 else { continue }
            #expect(cells[0] == op && cells[1] == format && cells[3] == "Float")
            let soft = try #require(Double(cells[2])), hardware = try #require(Double(cells[4]))
            let ratio = try #require(Double(cells[5]))
            #expect(soft > 0 && hardware > 0 && ratio > 0)
            // The ratio is the hardware rate over the soft rate, up to the printed rounding.
            #expect(abs(ratio - hardware / soft) <= 0.05 * ratio + 0.1)
            // Aligned: every row as wide as the header, numbers right-aligned under theirs.
            #expect(row.count == lines[headerIndex].count)
        }
    }

    @Test func jsonHoldsTheSameFigures() throws {
        let path = FileManager.default.temporaryDirectory
            .appendingPathComponent("bench-\(UUID().uuidString).json").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let (status, _, err) = Self.run(["bench", "ops", "--seconds=0.001", "--formats", "fp64", "--json", path])
        #expect(status == .success)
        #expect(err.isEmpty)
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        let document = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(document["part"] as? String == "ops")
        #expect(document["threads"] as? Int == 1)
        let rows = try #require(document["measurements"] as? [[String: Any]])
        #expect(rows.map { $0["operation"] as? String } == ["add", "mul", "div", "sqrt", "mulAdd"])
        for row in rows {
            #expect(row["format"] as? String == "fp64")
            #expect(row["hardware"] as? String == "Double")
            let soft = try #require(row["softMops"] as? Double), hardware = try #require(row["hardwareMops"] as? Double)
            let ratio = try #require(row["hardwareOverSoft"] as? Double)
            #expect(soft > 0 && hardware > 0)
            #expect(abs(ratio - hardware / soft) <= 1e-9 * ratio)
        }
    }

    @Test(arguments: [
        (["bench"], "bench needs a part"),
        (["bench", "round", "--formats", "fp99"], "fp99"),
        (["bench", "round", "--configs", "fp32"], "--configs is not an option of 'bench round' (it belongs to 'bench train')"),
        (["bench", "ops", "--elements", "5"], "--elements is not an option of 'bench ops'"),
        (["bench", "train", "--seconds", "1"], "--seconds is not an option of 'bench train'"),
        (["bench", "train", "--configs", "fp32,bf17"], "unknown configuration 'bf17'"),
        (["bench", "train", "--formats", "bf17"], "no configuration of 'bench train' trains 'bf17'"),
        (["bench", "train", "--epochs", "0"], "--epochs"),
        (["bench", "round", "--threads", "0"], "--threads"),
        (["bench", "fast"], "unknown bench part 'fast'"),
        (["bench", "ops", "--seconds", "0"], "--seconds"),
        (["bench", "ops", "--seconds", "soon"], "--seconds"),
        (["bench", "ops", "--formats", "fp99"], "fp99"),
        (["bench", "ops", "--formats", "fp16,,bf16"], "empty format name"),
        (["bench", "ops", "--frobnicate"], "--frobnicate"),
        (["bench", "ops", "extra"], "unexpected argument 'extra'"),
        (["bench", "ops", "--json", "/nonexistent-folder/ops.json"], "no such directory"),
        (["bench", "ops", "--json"], "--json"),
    ])
    func badUsageIsOneLineAndExit64(arguments: [String], mention: String) {
        let (status, out, err) = Self.run(arguments)
        #expect(status == .usage)
        #expect(out.isEmpty)
        #expect(err.hasPrefix("error: ") && err.hasSuffix("\n"))
        #expect(err.dropLast().split(separator: "\n").count == 1)
        #expect(err.contains(mention))
    }

    @Test(arguments: [["bench", "--help"], ["help", "bench"], ["bench", "ops", "--help"]])
    func helpListsEveryPart(arguments: [String]) {
        let (status, out, _) = Self.run(arguments)
        #expect(status == .success)
        #expect(out.hasPrefix("usage: precision-lab bench ops"))
        #expect(out.contains("--seconds") && out.contains("--formats") && out.contains("--json"))
        let lines = out.split(separator: "\n", omittingEmptySubsequences: false)
        let parts = lines.drop { $0 != "parts:" }.dropFirst().prefix { !$0.isEmpty }
        #expect(parts.filter { $0.hasPrefix("  ") && !$0.hasPrefix("   ") }.map { $0.split(separator: " ").first }
                == ["ops", "round", "train"])
        for line in lines { #expect(line.count <= 80, "\(line)") }
    }

    @Test func roundPrintsReferencesThenEveryFormatAndMode() throws {
        let (status, out, err) = Self.run(["bench", "round", "--seconds", "0.001", "--formats", "bf16,fp8-e4m3",
                                           "--threads", "2", "--elements", "64"])
        #expect(status == .success)
        #expect(err.isEmpty)
        let lines = out.split(separator: "\n")
        let headerIndex = try #require(lines.firstIndex { $0.hasPrefix("from ") })
        #expect(Self.cells(lines[headerIndex]) == ["from", "to", "rounding", "1 core", "2 cores", "/copy", "/cvt"])
        let rows = lines[(headerIndex + 1)...].map(Self.cells)
        #expect(rows.map { $0[1] }.prefix(4) == ["copy", "Float(Float16(x))", "copy", "Double(Float(x))"])
        var expected: [[String]] = []
        for source in ["Float", "Double"] {
            for format in ["bf16", "fp8-e4m3"] {
                for mode in RoundingMode.allCases.map(\.rawValue) {
                    expected.append([source, format, mode])
                }
            }
        }
        #expect(rows.dropFirst(4).map { Array($0.prefix(3)) } == expected)
        for row in rows {
            #expect(row.count == 7)
            for cell in row.dropFirst(3) { #expect((Double(cell) ?? 0) > 0, "\(row)") }
        }
    }

    @Test func trainPrintsWhereTheTimeGoes() throws {
        let dir = try TrainCommandTests.fakeData(train: 5400, test: 40)   // 5,000 held out for validation
        let (status, out, err) = Self.run(["bench", "train", "--data", dir, "--epochs", "1", "--threads", "1",
                                           "--configs", "fp32,bf16+stochastic,bf16+toward-zero,mxfp8-e4m3"])
        #expect(status == .success, "\(err)")
        let lines = out.split(separator: "\n")
        let header = try #require(lines.firstIndex { $0.hasPrefix("config") && $0.contains("random bits") })
        #expect(Self.cells(lines[header]) == ["config", "quantisation", "forward", "rest", "backward", "update",
                                              "evaluation", "other", "rounding", "random bits"])
        let rows = lines[(header + 1)...].prefix(4).map(Self.cells)
        #expect(rows.map { $0.first } == ["fp32", "bf16+stochastic", "bf16+toward-zero", "mxfp8-e4m3"])
        for row in rows {
            #expect(row.count == 10, "\(row)")
            // The elementwise trainer measures forward, backward and evaluation; a scaled recipe
            // splits its step into quantisation, forward, rest, backward and update.
            let measured = row[0] == "mxfp8-e4m3" ? [1, 2, 3, 4, 5, 6] : [2, 4, 6]
            for k in measured { #expect((Double(row[k]) ?? -1) >= 0, "\(row)") }
        }
        #expect(rows[0][8] == "-" && rows[0][9] == "-")
        #expect(rows[1][8].hasPrefix("+") || rows[1][8].hasPrefix("−"))
        #expect(rows[1][9] != "-" && rows[2][9] == "-", "random bits only for the stochastic row, against its twin")
    }

    @Test func trainWithoutDataIsAFailureNamingTheFile() {
        let (status, out, err) = Self.run(["bench", "train", "--data", "/nonexistent-folder", "--configs", "fp32"])
        #expect(status == .failure)
        #expect(out.isEmpty)
        #expect(err.hasPrefix("error: ") && err.contains("/nonexistent-folder"))
        #expect(err.dropLast().split(separator: "\n").count == 1)
    }

    @Test func opsMeasuresTheLogFormatWhenNamed() throws {
        let (status, out, err) = Self.run(["bench", "ops", "--seconds", "0.001", "--formats", "bf16,lns8"])
        #expect(status == .success)
        #expect(err.isEmpty)
        let lines = out.split(separator: "\n")
        let headerIndex = try #require(lines.firstIndex { $0.hasPrefix("op ") && $0.contains("lns8 Mop/s") })
        #expect(Self.cells(lines[headerIndex]) == ["op", "lns8 Mop/s", "Float Mop/s", "hw/lns8"])
        let rows = lines[(headerIndex + 1)...].map(Self.cells)
        #expect(rows.map { $0.first } == ["mul", "add (table)", "add (Mitchell)", "convert from Double"])
        for row in rows { #expect(row.dropFirst().allSatisfy { (Double($0) ?? 0) > 0 }, "\(row)") }
        // bf16's table is there too, without an lns8 row.
        #expect(lines.filter { Self.cells($0).count == 6 && Self.cells($0)[1] == "bf16" }.count == 5)
    }
}
