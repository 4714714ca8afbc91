#include "ccpuid.h"

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>

uint32_t precision_lab_haswell_features(void) {
    unsigned a, b, c, d;
    uint32_t features = 0;
    if (!__get_cpuid(1, &a, &b, &c, &d)) return 0;
    // The 256-bit registers are usable when the OS saves them: OSXSAVE, then XCR0's SSE and AVX bits.
    int ymm = 0;
    if (c & (1u << 27)) {
        unsigned low, high;
        __asm__ volatile("xgetbv" : "=a"(low), "=d"(high) : "c"(0));
        ymm = (low & 6) == 6;
    }
    if (c & (1u << 9)) features |= 1u << 0;             // ssse3
    if (c & (1u << 19)) features |= 1u << 1;            // sse4_1
    if (c & (1u << 20)) features |= 1u << 2;            // sse4_2
    if (c & (1u << 23)) features |= 1u << 3;            // popcnt
    if ((c & (1u << 28)) && ymm) features |= 1u << 4;   // avx
    if ((c & (1u << 12)) && ymm) features |= 1u << 6;   // fma
    if ((c & (1u << 29)) && ymm) features |= 1u << 9;   // f16c
    if (c & (1u << 22)) features |= 1u << 11;           // movbe
    if (__get_cpuid_count(7, 0, &a, &b, &c, &d)) {
        if ((b & (1u << 5)) && ymm) features |= 1u << 5;  // avx2
        if (b & (1u << 3)) features |= 1u << 7;           // bmi1
        if (b & (1u << 8)) features |= 1u << 8;           // bmi2
    }
    if (__get_cpuid(0x80000001u, &a, &b, &c, &d) && (c & (1u << 5))) features |= 1u << 10;  // abm (lzcnt)
    return features;
}
#else
uint32_t precision_lab_haswell_features(void) { return 0; }
#endif
