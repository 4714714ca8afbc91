import Testing
import SoftFloat

@Suite("Echo: user text in error messages")
struct EchoTests {
    @Test("control and invisible characters are escaped, printable ones kept")
    func escapes() {
        #expect(Echo.quoted("fp16") == "'fp16'")
        #expect(Echo.quoted("a\tb\nc\rd") == "'a\\tb\\nc\\rd'")
        #expect(Echo.quoted("\u{1B}[2J\u{7}\u{0}\u{7F}") == "'\\x1B[2J\\x07\\x00\\x7F'")
        #expect(Echo.quoted("\u{202E}x\u{200B}\u{2028}\u{A0}") == "'\\u{202E}x\\u{200B}\\u{2028}\\u{00A0}'")
        #expect(Echo.quoted("é, 𝑥, 中") == "'é, 𝑥, 中'")
        #expect(Echo.quoted("\u{FFFD}") == "'\u{FFFD}'")
    }

    @Test("a long text is cut at the limit, counted after escaping, and ends with …")
    func shortens() {
        let long = String(repeating: "x", count: 10_000_000)
        #expect(Echo.quoted(long) == "'" + String(repeating: "x", count: Echo.limit) + "…'")
        #expect(Echo.shown(String(repeating: "y", count: Echo.limit)) == String(repeating: "y", count: Echo.limit))
        #expect(Echo.shown(String(repeating: "\u{1B}", count: 100)) == String(repeating: "\\x1B", count: 15) + "…")
        #expect(Echo.line(String(repeating: "z", count: 1000)).count == 601)
        #expect(Echo.shown("") == "")
    }
}
