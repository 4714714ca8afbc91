#ifndef PRECISION_LAB_CCPUID_H
#define PRECISION_LAB_CCPUID_H

#include <stdint.h>

/// The haswell instructions this CPU has and the operating system enables, read with
/// CPUID (and XGETBV for the 256-bit register state): bit i is set for the i-th of
/// ssse3 sse4_1 sse4_2 popcnt avx avx2 fma bmi1 bmi2 f16c abm movbe (abm: LZCNT), the
/// order of `CPUSupport.haswellFlags`. Zero on a CPU that is not x86.
uint32_t precision_lab_haswell_features(void);

#endif
