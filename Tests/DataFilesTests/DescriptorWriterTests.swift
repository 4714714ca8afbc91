import Foundation
import Testing
@testable import DataFiles

/// `write(2)` with its failures as values.
@Suite("Descriptor writer")
struct DescriptorWriterTests {
    @Test("failures come back as values: a full device, a read-only descriptor")
    func failures() throws {
        let full = open("/dev/full", O_WRONLY)
        try #require(full >= 0)
        defer { close(full) }
        #expect(DescriptorWriter(descriptor: full).write("x") == SystemError(code: ENOSPC))
        let readOnly = open("/dev/null", O_RDONLY)
        try #require(readOnly >= 0)
        defer { close(readOnly) }
        #expect(DescriptorWriter(descriptor: readOnly).write("x") == SystemError(code: EBADF))
        #expect(DescriptorWriter(descriptor: readOnly).write("") == nil)   // nothing to write, nothing fails
    }

    @Test("everything arrives, however the pipe splits it")
    func largeWrite() throws {
        var ends: [Int32] = [0, 0]
        try #require(pipe(&ends) == 0)
        let text = String(repeating: "0123456789abcdef", count: 40_000)   // 640 kB, ten times a pipe's buffer
        final class Received: @unchecked Sendable { var data = Data() }
        let received = Received()
        let done = DispatchSemaphore(value: 0)
        let reading = FileHandle(fileDescriptor: ends[0], closeOnDealloc: true)
        Thread {
            received.data = reading.readDataToEndOfFile()
            done.signal()
        }.start()
        #expect(DescriptorWriter(descriptor: ends[1]).write(text) == nil)
        close(ends[1])
        #expect(done.wait(timeout: .now() + 30) == .success)
        #expect(received.data.count == text.utf8.count)
        #expect(String(decoding: received.data, as: UTF8.self) == text)
    }
}
