import Foundation
import Testing

/// The built `precision-lab` run as a process, its output streams closed, full or broken:
/// it must end with a status, never by a signal or a Swift runtime error, and say so in at
/// most one line.
@Suite("precision-lab as a process: failed output")
struct ProcessOutputTests {
    /// `$PRECISION_LAB_BINARY`, else the executable beside this test bundle (same build),
    /// else in the package's build folders.
    static let binary: String? = {
        var candidates: [String] = []
        if let named = ProcessInfo.processInfo.environment["PRECISION_LAB_BINARY"] { candidates.append(named) }
        if let me = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
            candidates.append(URL(fileURLWithPath: me).deletingLastPathComponent().appendingPathComponent("precision-lab").path)
        }
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        candidates += [".build/release/precision-lab", ".build/debug/precision-lab"].map { root.appendingPathComponent($0).path }
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) }
    }()

    /// How one run ended.
    struct Outcome: CustomStringConvertible {
        var status: Int32?   // nil when a signal ended it
        var signal: Int32?
        var err: String
        var errLines: [String] { err.split(separator: "\n").map(String.init) }
        var description: String { "status \(status.map(String.init) ?? "-"), signal \(signal.map(String.init) ?? "-"), stderr \(err.debugDescription)" }
    }

    /// What the child's descriptor 0, 1 or 2 is.
    enum Stream {
        case closed
        case file(String, Int32)   // opened with these flags
        case descriptor(Int32)     // the parent's descriptor, duplicated
        case captured              // standard error only: a pipe read back
    }

    /// Runs `executable arguments` with the given standard streams, in `directory` (through
    /// `/bin/sh`), and waits for it; SIGPIPE and every other signal start at their defaults.
    static func spawn(_ executable: String, _ arguments: [String], stdin: Stream = .file("/dev/null", O_RDONLY),
                      stdout: Stream, stderr: Stream = .captured, directory: String? = nil) throws -> Outcome {
        if let directory {
            return try spawn("/bin/sh", ["-c", "cd \"$0\" || exit 99; exec \"$@\"", directory, executable] + arguments,
                             stdin: stdin, stdout: stdout, stderr: stderr)
        }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        var errEnds: [Int32] = [-1, -1]
        for (target, stream) in [(STDIN_FILENO, stdin), (STDOUT_FILENO, stdout), (STDERR_FILENO, stderr)] {
            switch stream {
            case .closed: posix_spawn_file_actions_addclose(&actions, target)
            case let .file(path, flags): posix_spawn_file_actions_addopen(&actions, target, path, flags, 0o644)
            case let .descriptor(descriptor): posix_spawn_file_actions_adddup2(&actions, descriptor, target)
            case .captured:
                try #require(pipe(&errEnds) == 0)
                posix_spawn_file_actions_adddup2(&actions, errEnds[1], target)
                posix_spawn_file_actions_addclose(&actions, errEnds[0])
                posix_spawn_file_actions_addclose(&actions, errEnds[1])
            }
        }
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var defaults = sigset_t()
        sigfillset(&defaults)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        var unblocked = sigset_t()
        sigemptyset(&unblocked)
        posix_spawnattr_setsigmask(&attributes, &unblocked)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))

        let argv: [UnsafeMutablePointer<CChar>?] = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid = pid_t()
        let spawned = posix_spawn(&pid, executable, &actions, &attributes, argv, environ)
        if errEnds[1] >= 0 { close(errEnds[1]) }
        try #require(spawned == 0, "posix_spawn \(executable): \(String(cString: strerror(spawned)))")
        var err = Data()
        if errEnds[0] >= 0 {
            err = FileHandle(fileDescriptor: errEnds[0], closeOnDealloc: true).readDataToEndOfFile()
        }
        var raw: Int32 = 0
        while waitpid(pid, &raw, 0) < 0 && errno == EINTR {}
        let signal = raw & 0x7f
        return Outcome(status: signal == 0 ? (raw >> 8) & 0xff : nil, signal: signal == 0 ? nil : signal,
                       err: String(decoding: err, as: UTF8.self))
    }

    /// Runs `precision-lab arguments`.
    static func run(_ arguments: [String], stdin: Stream = .file("/dev/null", O_RDONLY), stdout: Stream,
                    stderr: Stream = .captured, directory: String? = nil) throws -> Outcome {
        let binary = try #require(binary)
        return try spawn(binary, arguments, stdin: stdin, stdout: stdout, stderr: stderr, directory: directory)
    }

    /// Runs `precision-lab arguments` under `/bin/sh -c "<prefix>; exec precision-lab ..."`.
    static func runInShell(_ prefix: String, _ arguments: [String], stdout: Stream,
                           directory: String? = nil) throws -> Outcome {
        let binary = try #require(binary)
        return try spawn("/bin/sh", ["-c", prefix + "; exec \"$0\" \"$@\"", binary] + arguments,
                         stdout: stdout, directory: directory)
    }

    func expectOneErrorLine(_ outcome: Outcome, status: Int32, containing text: String,
                            sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(outcome.signal == nil, "\(outcome)", sourceLocation: sourceLocation)
        #expect(outcome.status == status, "\(outcome)", sourceLocation: sourceLocation)
        #expect(outcome.errLines.count == 1, "\(outcome)", sourceLocation: sourceLocation)
        #expect(outcome.err.hasPrefix("error: ") && outcome.err.contains(text), "\(outcome)", sourceLocation: sourceLocation)
        #expect(!outcome.err.contains("Fatal error"), "\(outcome)", sourceLocation: sourceLocation)
    }

    @Test("standard output closed: one line, status 1", .enabled(if: binary != nil, "precision-lab is not built"))
    func stdoutClosed() throws {
        let outcome = try Self.run(["calc", "1", "+", "2"], stdout: .closed)
        expectOneErrorLine(outcome, status: 1, containing: "cannot write standard output: Bad file descriptor")
    }

    @Test("standard output on /dev/full: one line, status 1", .enabled(if: binary != nil, "precision-lab is not built"),
          arguments: [["exp-range"], ["verify", "f32_mul"], ["calc", "1", "+", "2"], ["help"]])
    func stdoutFull(arguments: [String]) throws {
        let outcome = try Self.run(arguments, stdout: .file("/dev/full", O_WRONLY))
        expectOneErrorLine(outcome, status: 1, containing: "cannot write standard output: No space left on device")
    }

    @Test("standard error closed under a bad command: status 64, no crash",
          .enabled(if: binary != nil, "precision-lab is not built"))
    func stderrClosed() throws {
        var ends: [Int32] = [0, 0]
        try #require(pipe(&ends) == 0)
        let outcome = try Self.run(["bogus"], stdout: .descriptor(ends[1]), stderr: .closed)
        close(ends[1])
        let out = FileHandle(fileDescriptor: ends[0], closeOnDealloc: true).readDataToEndOfFile()
        #expect(outcome.signal == nil, "\(outcome)")
        #expect(outcome.status == 64, "\(outcome)")
        #expect(!String(decoding: out, as: UTF8.self).contains("Fatal error"))
    }

    @Test("a broken pipe ends quietly with status 1, SIGPIPE ignored by the shell or not",
          .enabled(if: binary != nil, "precision-lab is not built"),
          arguments: ["trap '' PIPE", ":"])
    func brokenPipe(shellPrefix: String) throws {
        var ends: [Int32] = [0, 0]
        try #require(pipe(&ends) == 0)
        close(ends[0])   // no reader: every write fails with EPIPE (or raises SIGPIPE)
        defer { close(ends[1]) }
        for arguments in [["exp-range"], ["calc", "1", "+", "2"]] {
            let outcome = try Self.runInShell(shellPrefix, arguments, stdout: .descriptor(ends[1]))
            #expect(outcome.signal == nil, "\(arguments) \(outcome)")
            #expect(outcome.status == 1, "\(arguments) \(outcome)")
            #expect(outcome.err.isEmpty, "\(arguments) \(outcome)")
        }
    }

    @Test("--json with a one-character file name", .enabled(if: binary != nil, "precision-lab is not built"))
    func oneCharacterName() throws {
        let folder = NSTemporaryDirectory() + "process-output-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let outcome = try Self.run(["bench", "ops", "--seconds", "0.001", "--formats", "fp64", "--json", "x"],
                                   stdout: .file("/dev/null", O_WRONLY), directory: folder)
        #expect(outcome.status == 0, "\(outcome)")
        let object = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: folder + "/x")))
        #expect((object as? [String: Any])?["part"] as? String == "ops")
    }

    @Test("a JSON file that cannot be written whole (ulimit -f) leaves the old file, one line, status 1",
          .enabled(if: binary != nil, "precision-lab is not built"))
    func fileTooLarge() throws {
        let folder = NSTemporaryDirectory() + "process-output-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try "old\n".write(toFile: folder + "/ops.json", atomically: false, encoding: .utf8)
        // 1 block (512 or 1024 bytes) is less than the JSON of bench ops.
        let outcome = try Self.runInShell("ulimit -f 1", ["bench", "ops", "--seconds", "0.001", "--formats", "fp64",
                                                          "--json", "ops.json"],
                                          stdout: .file("/dev/null", O_WRONLY), directory: folder)
        expectOneErrorLine(outcome, status: 1, containing: "cannot write ops.json: File too large")
        #expect(try String(contentsOfFile: folder + "/ops.json", encoding: .utf8) == "old\n")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder) == ["ops.json"])
    }
}
