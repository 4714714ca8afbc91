// Built for baseline x86-64 whatever the other modules were built for: the CPU check
// runs before any of their code.
import CPUSupport
import PrecisionLabCLI

CPUSupport.exitUnlessSupported()
PrecisionLab.main()
