import PrecisionLabCLI; PrecisionLab.main()
