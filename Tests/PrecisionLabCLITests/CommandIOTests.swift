import DataFiles
import Foundation
import Testing
@testable import PrecisionLabCLI

/// A standard output that fails: reported once, then silent, and the status is 1.
@Suite("command streams")
struct CommandIOTests {
    @Test("a failed write to standard output: one line, status 1, nothing more written")
    func failedStandardOutput() {
        final class Log: @unchecked Sendable { var attempts = 0, err = "" }
        let log = Log()
        let io = CommandIO(writingOut: { _ in log.attempts += 1; return SystemError(code: ENOSPC) },
                           writingErr: { log.err += $0; return nil }, readLine: { nil })
        let status = PrecisionLab.run(["exp-range", "--formats", "bf16"], io: io)
        #expect(status == .failure)
        #expect(log.err == "error: cannot write standard output: No space left on device\n")
        #expect(io.outputFailure == SystemError(code: ENOSPC))
        io.out("more")
        #expect(log.attempts == 1)
    }

    @Test("a broken pipe is quiet, and the command's own error is not added")
    func brokenPipeIsQuiet() {
        final class Log: @unchecked Sendable { var err = "" }
        let log = Log()
        let io = CommandIO(writingOut: { _ in SystemError(code: EPIPE) }, writingErr: { log.err += $0; return nil },
                           readLine: { nil })
        // verify prints its summary, then fails for the empty input.
        let status = PrecisionLab.run(["verify", "f32_mul"], io: io)
        #expect(status == .failure)
        #expect(log.err.isEmpty)
    }
}
