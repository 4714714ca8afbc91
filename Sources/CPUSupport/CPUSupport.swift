import CCPUID
#if canImport(Glibc)
import Glibc
#endif

/// The instruction set the other modules were built for, and whether this CPU has it: the
/// check `main` makes before any code built for that instruction set runs.
///
///     CPUSupport.buildTarget                          // "haswell" or "x86-64"
///     CPUSupport.refusal(flags: ["ssse3", "avx"])     // "error: this precision-lab was built for haswell ..."
///
/// The package builds its modules for `haswell` (x86-64 with AVX, AVX2, FMA, BMI1, BMI2,
/// F16C, LZCNT and MOVBE: 256-bit vectors and fused multiply-add) when the building CPU
/// lists these in `/proc/cpuinfo`, and for baseline x86-64 (SSE2) otherwise;
/// `PRECISION_LAB_CPU=haswell` or `baseline` chooses (`Package.swift`). This module, the C
/// module `CCPUID` and `main` are always built for baseline x86-64, so the check runs on any
/// x86-64 CPU: a binary copied to a CPU without those instructions ends with one clear line
/// and status 1, never with an illegal instruction.
///
/// How: the CPU is asked with CPUID (and XGETBV: the operating system must save the 256-bit
/// registers), not `/proc/cpuinfo`, which an emulator or a container may pass through from
/// another CPU.
///
/// Edge cases: `PRECISION_LAB_HIDE_CPU_FLAGS` (comma- or space-separated names) removes flags
/// from what the check sees, to exercise the refusal on a CPU that has them; it can only
/// remove, never add. A CPU that is not x86 has none of the flags, and a build for it needs none.
public enum CPUSupport {
    /// The target the build's other modules were compiled for.
    public static var buildTarget: String {
        #if PRECISION_LAB_CPU_HASWELL
        return "haswell"
        #else
        return "x86-64"
        #endif
    }

    /// The flags `buildTarget` needs (none for baseline x86-64, whose SSE2 every x86-64 CPU
    /// has).
    public static var requiredFlags: [String] {
        #if PRECISION_LAB_CPU_HASWELL
        return haswellFlags
        #else
        return []
        #endif
    }

    /// What `haswell` code may use, by `/proc/cpuinfo`'s names (`abm`: LZCNT), in the order
    /// of `precision_lab_haswell_features`'s bits.
    public static let haswellFlags = ["ssse3", "sse4_1", "sse4_2", "popcnt", "avx", "avx2", "fma", "bmi1", "bmi2",
                                      "f16c", "abm", "movbe"]

    /// The flags of `haswellFlags` that this CPU has and its operating system enables.
    public static func cpuFlags() -> Set<String> {
        let bits = precision_lab_haswell_features()
        return Set(haswellFlags.indices.filter { bits & (1 << UInt32($0)) != 0 }.map { haswellFlags[$0] })
    }

    /// The error line for a CPU with `flags` running a build for `target` that needs
    /// `required`, or nil when none is missing.
    public static func refusal(flags: Set<String>, required: [String] = requiredFlags,
                               target: String = buildTarget) -> String? {
        let missing = required.filter { !flags.contains($0) }
        guard !missing.isEmpty else { return nil }
        return "error: this precision-lab was built for \(target) (\(required.joined(separator: " "))), "
            + "and this CPU lacks \(missing.joined(separator: " ")); rebuild it for baseline x86-64: "
            + "PRECISION_LAB_CPU=baseline swift build -c release"
    }

    /// The check of this process: the CPU's flags less those named in `hiding`
    /// (`PRECISION_LAB_HIDE_CPU_FLAGS`), against `requiredFlags`.
    public static func refusalForThisCPU(hiding hidden: String? = environment("PRECISION_LAB_HIDE_CPU_FLAGS"),
                                         flags: Set<String> = cpuFlags()) -> String? {
        var seen = flags
        for name in (hidden ?? "").split(whereSeparator: { $0 == "," || $0 == " " }) { seen.remove(String(name)) }
        return refusal(flags: seen)
    }

    /// Ends the process with the refusal on standard error and status 1 when this CPU lacks
    /// what the build needs; returns otherwise.
    public static func exitUnlessSupported() {
        guard let line = refusalForThisCPU() else { return }
        let text = Array((line + "\n").utf8)
        _ = text.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
        exit(1)
    }

    /// The value of an environment variable.
    public static func environment(_ name: String) -> String? {
        getenv(name).map { String(cString: $0) }
    }
}
