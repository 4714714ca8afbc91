import Dispatch

/// What a run of oracle comparisons found: how many were checked, the failures with a
/// few examples, and how many exact values sat on a tie.
struct OracleTally: Sendable {
    var checked = 0
    var failures = 0
    var ties = 0
    var examples: [String] = []

    mutating func fail(_ example: @autoclosure () -> String) {
        failures += 1
        if examples.count < 6 { examples.append(example()) }
    }

    mutating func merge(_ other: OracleTally) {
        checked += other.checked
        failures += other.failures
        ties += other.ties
        examples += other.examples.prefix(max(0, 6 - examples.count))
    }

    /// One line for a test's failure message: counts, then the first examples.
    var summary: String {
        "\(failures) of \(checked) differ from the oracle" + (examples.isEmpty ? "" : ":\n" + examples.joined(separator: "\n"))
    }

    /// Runs `body` on `0..<count` split into `chunks` pieces spread over every core, and
    /// merges what they report in chunk order, so the outcome does not depend on the
    /// number of threads.
    static func parallel(count: Int, chunks: Int = 256,
                         _ body: @escaping @Sendable (Range<Int>) -> OracleTally) -> OracleTally {
        let pieces = max(1, min(chunks, count))
        let slots = Slots(count: pieces)
        DispatchQueue.concurrentPerform(iterations: pieces) { piece in
            let range = (count * piece / pieces)..<(count * (piece + 1) / pieces)
            slots.store(body(range), at: piece)  // each piece writes its own slot
        }
        return slots.merged()
    }

    /// One result slot per piece, written by that piece alone.
    private final class Slots: @unchecked Sendable {
        private let base: UnsafeMutablePointer<OracleTally>
        init(count: Int) {
            base = .allocate(capacity: count)
            base.initialize(repeating: OracleTally(), count: count)
            self.count = count
        }
        private let count: Int
        func store(_ tally: OracleTally, at index: Int) { base[index] = tally }
        func merged() -> OracleTally {
            (0..<count).reduce(into: OracleTally()) { $0.merge(base[$1]) }
        }
        deinit {
            base.deinitialize(count: count)
            base.deallocate()
        }
    }
}
