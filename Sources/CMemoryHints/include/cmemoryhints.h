#ifndef PRECISION_LAB_CMEMORYHINTS_H
#define PRECISION_LAB_CMEMORYHINTS_H

/// Asks the CPU to bring the cache line holding `address` into its caches, for a read
/// soon; changes no value and never faults (an address outside the process is ignored).
/// Static inline, so that Swift code importing it compiles it into one instruction.
static inline void precision_lab_prefetch(const void *address) {
    __builtin_prefetch(address, 0, 3);
}

#endif
