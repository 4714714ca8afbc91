import SoftFloat
import Testing
import Benchmarks

/// The engine behind `precision-lab bench ops`: its operands and its measurements' shape.
@Suite("Benchmark engine")
struct BenchmarkTests {
    @Test(arguments: [FloatFormat.fp16, .bf16, .tf32, .fp32, .fp64, .fp8E4M3, .fp8E5M2],
          Benchmark.operations)
    func operandsAreFiniteNormalAndFixedBySeed(format: FloatFormat, operation: ArithmeticOperation) {
        let pool = Benchmark.operandPool(format: format, operation: operation)
        #expect(pool.count == Benchmark.operandPoolSize)
        #expect(pool.allSatisfy { format.isNormal($0) })
        if operation == .squareRoot { #expect(pool.allSatisfy { !format.isNegative($0) }) }
        #expect(Set(pool).count >= 32, "operands vary")
        #expect(Benchmark.operandPool(format: format, operation: operation) == pool)
        #expect(Benchmark.operandPool(format: format, operation: operation, seed: 1) != pool)
    }

    @Test func hardwareTypeHoldsTheFormat() {
        #expect(Benchmark.hardwareUsesFloat(.fp32) && Benchmark.hardwareUsesFloat(.bf16))
        #expect(Benchmark.hardwareUsesFloat(.fp16) && Benchmark.hardwareUsesFloat(.fp8E4M3))
        #expect(!Benchmark.hardwareUsesFloat(.fp64))
        #expect(!Benchmark.hardwareUsesFloat(try! FloatFormat(name: "e9m10")))
        #expect(!Benchmark.hardwareUsesFloat(try! FloatFormat(name: "e8m24")))
    }

    @Test func measurementReportsBothRates() {
        let row = Benchmark.measure(.fusedMultiplyAdd, format: .bf16, seconds: 0.001)
        #expect(row.operation == .fusedMultiplyAdd && row.format == .bf16 && row.hardwareType == "Float")
        #expect(row.soft > 0 && row.hardware > 0)
        #expect(row.hardwareOverSoft == row.hardware / row.soft)
    }

    @Test func rateCountsRepetitionsPerSecond() {
        var calls = 0
        let perSecond = Benchmark.rate(seconds: 0.002) { repetitions in
            calls += 1
            var sink: UInt64 = 0
            for i in 0..<repetitions { sink = sink &* 31 &+ UInt64(truncatingIfNeeded: i) }
            return sink
        }
        #expect(perSecond > 0 && perSecond.isFinite)
        #expect(calls >= 1)
    }
}
