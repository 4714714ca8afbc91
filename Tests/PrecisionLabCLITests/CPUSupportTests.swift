import CPUSupport
import Foundation
import Testing

/// The start-up check of the CPU: the flags CPUID gives against `/proc/cpuinfo`'s, the
/// refusal's line, and the built program refusing where the instructions it was built for
/// are missing (hidden from it, or on an emulated older CPU).
@Suite("CPU support")
struct CPUSupportTests {
    /// The flags of `/proc/cpuinfo`'s first `flags` line (the kernel's account of CPUID):
    /// an independent reading of what `cpuFlags` reads with CPUID.
    static let procFlags: Set<String>? = {
        guard let text = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
              let line = text.split(separator: "\n").first(where: { $0.hasPrefix("flags") }),
              let colon = line.firstIndex(of: ":") else { return nil }
        return Set(line[line.index(after: colon)...].split(separator: " ").map(String.init))
    }()

    @Test("CPUID gives the haswell flags /proc/cpuinfo lists", .enabled(if: procFlags != nil, "no /proc/cpuinfo"))
    func cpuid() throws {
        let listed = try #require(Self.procFlags)
        #expect(CPUSupport.cpuFlags() == Set(CPUSupport.haswellFlags).intersection(listed))
    }

    /// The manifest cannot import the module, so it keeps its own copy of the flags that
    /// decide the build; the copy must be the list the start-up check tests.
    @Test("Package.swift decides the build by the flags the start-up check tests")
    func manifestFlags() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let manifest = try String(contentsOf: root.appendingPathComponent("Package.swift"), encoding: .utf8)
        let line = try #require(manifest.split(separator: "\n").first { $0.hasPrefix("let haswellFlags = [") })
        let listed = line.split(separator: "\"").enumerated().filter { $0.offset % 2 == 1 }.map { String($0.element) }
        #expect(listed == CPUSupport.haswellFlags)
    }

    @Test("the refusal names the target, what it needs and what is missing, in order")
    func refusal() throws {
        let all = Set(CPUSupport.haswellFlags)
        #expect(CPUSupport.refusal(flags: all, required: CPUSupport.haswellFlags, target: "haswell") == nil)
        #expect(CPUSupport.refusal(flags: [], required: [], target: "x86-64") == nil)
        let line = try #require(CPUSupport.refusal(flags: all.subtracting(["fma", "avx2"]),
                                                   required: CPUSupport.haswellFlags, target: "haswell"))
        #expect(line.hasPrefix("error: this precision-lab was built for haswell (ssse3 sse4_1"))
        #expect(line.contains("this CPU lacks avx2 fma;"))
        #expect(line.hasSuffix("PRECISION_LAB_CPU=baseline swift build -c release"))
        #expect(!line.contains("\n"))
    }

    @Test("hidden flags are removed from what the check sees, by commas or spaces")
    func hiding() {
        let all = Set(CPUSupport.haswellFlags)
        #expect(CPUSupport.refusalForThisCPU(hiding: nil, flags: all) == nil)
        #expect(CPUSupport.refusalForThisCPU(hiding: "", flags: all) == nil)
        #expect(CPUSupport.refusalForThisCPU(hiding: "avx512f,sse2", flags: all) == nil)
        let refused = CPUSupport.refusalForThisCPU(hiding: "avx2, fma", flags: all)
        if CPUSupport.requiredFlags.isEmpty {
            #expect(CPUSupport.buildTarget == "x86-64")
            #expect(refused == nil)
        } else {
            #expect(CPUSupport.buildTarget == "haswell")
            #expect(refused?.contains("lacks avx2 fma;") == true)
        }
    }

    @Test("this CPU runs this build")
    func thisCPU() {
        #expect(CPUSupport.refusalForThisCPU(hiding: nil) == nil)
    }

    @Test("the built program, with avx2 hidden: one line and status 1 (haswell), or it runs (baseline)",
          .enabled(if: ProcessOutputTests.binary != nil, "precision-lab is not built"))
    func forcedRefusal() throws {
        let outcome = try ProcessOutputTests.runInShell("export PRECISION_LAB_HIDE_CPU_FLAGS=avx2",
                                                       ["calc", "--format", "bf16", "1", "+", "2"],
                                                       stdout: .file("/dev/null", O_WRONLY))
        #expect(outcome.signal == nil, "\(outcome)")
        if CPUSupport.requiredFlags.isEmpty {
            #expect(outcome.status == 0, "\(outcome)")
            #expect(outcome.err.isEmpty, "\(outcome)")
        } else {
            #expect(outcome.status == 1, "\(outcome)")
            #expect(outcome.errLines.count == 1, "\(outcome)")
            #expect(outcome.err.hasPrefix("error: this precision-lab was built for haswell"), "\(outcome)")
            #expect(outcome.err.contains("lacks avx2;"), "\(outcome)")
        }
    }

    /// `qemu-x86_64` where installed (Debian's `qemu-user`).
    static let qemu: String? = ["/usr/bin/qemu-x86_64", "/usr/bin/qemu-x86_64-static"].first {
        FileManager.default.isExecutableFile(atPath: $0)
    }

    @Test("on an emulated CPU without AVX (Westmere): the haswell build refuses with one line, the baseline one runs",
          .enabled(if: ProcessOutputTests.binary != nil && qemu != nil, "precision-lab or qemu-user is absent"))
    func olderCPU() throws {
        let binary = try #require(ProcessOutputTests.binary), qemu = try #require(Self.qemu)
        let outcome = try ProcessOutputTests.spawn(qemu, ["-cpu", "Westmere", binary, "calc", "--format", "bf16",
                                                          "1", "/", "3"],
                                                   stdout: .file("/dev/null", O_WRONLY))
        #expect(outcome.signal == nil, "\(outcome)")
        #expect(!outcome.err.contains("Illegal instruction"), "\(outcome)")
        if CPUSupport.requiredFlags.isEmpty {
            #expect(outcome.status == 0, "\(outcome)")
        } else {
            #expect(outcome.status == 1, "\(outcome)")
            #expect(outcome.errLines.count == 1, "\(outcome)")
            #expect(outcome.err.hasPrefix("error: this precision-lab was built for haswell"), "\(outcome)")
            #expect(outcome.err.contains("lacks avx avx2 fma bmi1 bmi2 f16c abm movbe;"), "\(outcome)")
        }
    }
}
