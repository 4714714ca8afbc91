import SoftFloat

/// A fixed-size block of memory that training works in: allocated once, shared by the
/// worker threads (each writes only its own part), freed with the last reference.
///
///     let logits = WorkBuffer(repeating: arithmetic.zero, count: batch * classes)
///     logits[3] = arithmetic.one
///
/// Edge cases: no bounds checks beyond a debug assertion; the trainer computes every index.
public final class WorkBuffer<Element>: @unchecked Sendable {
    public let pointer: UnsafeMutablePointer<Element>
    public let count: Int

    public init(repeating value: Element, count: Int) {
        self.count = count
        pointer = .allocate(capacity: max(count, 1))
        pointer.initialize(repeating: value, count: count)
    }

    public init(_ values: [Element]) {
        count = values.count
        pointer = .allocate(capacity: max(count, 1))
        values.withUnsafeBufferPointer { pointer.initialize(from: $0.baseAddress!, count: count) }
    }

    /// A buffer of `count` elements that `initialize` writes, every one of them, in place.
    ///
    ///     let squares = WorkBuffer<Int>(count: 4) { p in for i in 0..<4 { (p + i).initialize(to: i * i) } }
    public init(count: Int, initializingWith initialize: (UnsafeMutablePointer<Element>) -> Void) {
        self.count = count
        pointer = .allocate(capacity: max(count, 1))
        initialize(pointer)
    }

    deinit {
        pointer.deinitialize(count: count)
        pointer.deallocate()
    }

    @inlinable
    public subscript(index: Int) -> Element {
        get { pointer[index] }
        set { pointer[index] = newValue }
    }

    /// The elements as an array (a copy).
    public var array: [Element] { Array(UnsafeBufferPointer(start: pointer, count: count)) }
}
