import DataFiles

/// The checks a command makes of the files it will write before it starts the work, so
/// that a destination that cannot be written fails at once, not after minutes of training.
///
///     try OutputPreflight.checkFile("/nonexistent/run.json", option: "--json")
///     // UsageError: --json: cannot write /nonexistent/run.json: no such directory '/nonexistent'
///
/// Edge cases: a problem found here is bad usage (one line, exit status 64); a write that
/// fails later anyway (a full disk) is a failure (exit status 1), as `writeFile` reports.
enum OutputPreflight {
    /// Checks that `path` (a file, `-`, a link, a FIFO or a device) can be written; its
    /// folder must exist.
    static func checkFile(_ path: String, option: String) throws {
        do { try OutputDestination.check(path) } catch { throw UsageError("\(option): \(error)") }
    }

    /// Checks that `folder` can hold `files` (names inside it, subfolders allowed), creating
    /// the folders that are missing.
    static func checkFolder(_ folder: String, files: [String], option: String) throws {
        do {
            try OutputDestination.checkFolder(folder)
            for file in files { try OutputDestination.check(folder + "/" + file, creatingFolders: true) }
        } catch {
            throw UsageError("\(option): \(error)")
        }
    }
}
