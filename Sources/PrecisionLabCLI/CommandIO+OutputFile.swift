import DataFiles
import Foundation

extension CommandIO {
    /// Writes `json` and a newline to `path`, atomically (`AtomicFile`), or to standard
    /// output (this `CommandIO`'s) for `-` and `/dev/stdout`.
    ///
    /// - Throws: `RuntimeError` naming the path (exit status 1).
    func write(_ json: JSONValue, toFile path: String) throws {
        let text = json.text() + "\n"
        let destination = try? OutputDestination.resolve(path)
        guard destination != .standardOutput && destination != .descriptor(STDOUT_FILENO) else {
            write(text)
            return
        }
        do {
            try AtomicFile.write(text, to: path)
        } catch let error as FileError {
            throw RuntimeError(error.description)
        }
    }
}
