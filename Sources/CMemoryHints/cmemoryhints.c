// The module's one function is static inline in its header; this file makes the module a
// C target SwiftPM builds.
#include "cmemoryhints.h"
