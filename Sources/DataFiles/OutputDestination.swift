import Foundation

/// What writing to a path the user named means: replacing a regular file (through any
/// symbolic links, at their final target), writing into a FIFO or a character device as it
/// is, or writing to an open descriptor (`-`, `/dev/stdout`, `/dev/fd/N`).
///
///     try OutputDestination.resolve("run.json")        // .file("run.json")
///     try OutputDestination.resolve("latest.json")     // a link to runs/7.json: .file("runs/7.json")
///     try OutputDestination.resolve("/dev/null")       // .stream("/dev/null")
///     try OutputDestination.resolve("-")               // .standardOutput
///     try OutputDestination.resolve("/dev/stderr")     // .descriptor(2)
///     try OutputDestination.check("out/run.json")      // also: can it be written? (before the work)
///
/// Edge cases: a folder, a block device or a socket is refused; so is an empty name or one
/// ending in `/` that names no folder. A dangling link resolves to the file it names, which
/// the write creates. A cycle of links is refused after 40 steps, as the kernel does.
public enum OutputDestination: Equatable, Sendable {
    /// Standard output (the name `-`).
    case standardOutput
    /// A descriptor this process has open, named as `/dev/fd/N`, `/proc/self/fd/N` or
    /// through `/dev/stdout` and `/dev/stderr`: written where it stands, never reopened,
    /// so output redirected to a file goes on after what is already there.
    case descriptor(Int32)
    /// A regular file, existing or not: the temporary file goes beside it and is renamed over
    /// it. The path is the final target when the name was a symbolic link.
    case file(String)
    /// A FIFO or a character device, opened and written in place (never created, replaced or
    /// truncated).
    case stream(String)

    /// Links followed before giving up, as Linux's `MAXSYMLINKS`.
    static let maximumLinks = 40

    /// What writing `path` would do, following symbolic links.
    ///
    /// - Throws: `FileError` naming `path` when it cannot be a destination.
    public static func resolve(_ path: String) throws(FileError) -> OutputDestination {
        if path == "-" { return .standardOutput }
        func refuse(_ problem: String) -> FileError { FileError(.write, path: path, problem: problem) }
        guard !path.isEmpty else { throw refuse("the file name is empty") }
        // The name to replace or create: the final target of the links, unless they lead
        // to a descriptor of this process.
        var target = path
        var links = 0
        var info = stat()
        while lstat(target, &info) == 0, info.st_mode & S_IFMT == S_IFLNK {
            if let descriptor = descriptorNamed(target) { return .descriptor(descriptor) }
            links += 1
            guard links <= maximumLinks else { throw refuse(SystemError(code: ELOOP).description) }
            target = try linkTarget(of: target, refuse)
        }
        if let descriptor = descriptorNamed(target) { return .descriptor(descriptor) }
        // What it is, as the kernel reaches it.
        guard stat(path, &info) == 0 else {
            let error = SystemError.current
            guard error.code == ENOENT else { throw refuse(error.description) }
            guard !target.hasSuffix("/") else { throw refuse("a file name cannot end in '/'") }
            return .file(target)
        }
        switch info.st_mode & S_IFMT {
        case S_IFREG: return .file(target)
        case S_IFDIR: throw refuse("it is a folder")
        case S_IFIFO, S_IFCHR: return .stream(path)
        default: throw refuse("it is not a regular file, a FIFO or a character device")
        }
    }

    /// The descriptor number in `/dev/fd/N`, `/proc/self/fd/N`, `/proc/thread-self/fd/N`
    /// or `/proc/<this process>/fd/N`.
    static func descriptorNamed(_ path: String) -> Int32? {
        for folder in ["/dev/fd/", "/proc/self/fd/", "/proc/thread-self/fd/", "/proc/\(getpid())/fd/"]
        where path.hasPrefix(folder) {
            let number = path.dropFirst(folder.count)
            guard !number.isEmpty, number.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
            return Int32(number)
        }
        return nil
    }

    /// The destination of `path`, checked before any work is done: the folder that will hold
    /// the file exists (or, with `creatingFolders`, can be made) and a file can be created in
    /// it (tried, and removed), a device opens for writing, a FIFO is writable, a descriptor
    /// (standard output for `-`) is open for writing.
    ///
    ///     try OutputDestination.check("/nonexistent/run.json")
    ///     // cannot write /nonexistent/run.json: no such directory '/nonexistent'
    ///
    /// Edge cases: it cannot promise the write will succeed (the disk may fill, files may
    /// change meanwhile); it catches what is wrong already.
    @discardableResult
    public static func check(_ path: String, creatingFolders: Bool = false)
        throws(FileError) -> OutputDestination {
        let destination = try resolve(path)
        func refuse(_ problem: String) -> FileError { FileError(.write, path: path, problem: problem) }
        switch destination {
        case .standardOutput:
            guard isOpenForWriting(STDOUT_FILENO) else { throw refuse("standard output is closed") }
        case let .descriptor(descriptor):
            guard isOpenForWriting(descriptor) else { throw refuse("descriptor \(descriptor) is not open for writing") }
        case let .stream(device):
            var info = stat()
            if stat(device, &info) == 0, info.st_mode & S_IFMT == S_IFCHR {
                // Opened and closed at once: `/dev/tty` without a terminal fails here. (A FIFO
                // is not opened: that would wait for its reader.)
                let descriptor = open(device, O_WRONLY | O_NOCTTY | O_NONBLOCK | O_CLOEXEC)
                guard descriptor >= 0 else { throw refuse(SystemError.current.description) }
                close(descriptor)
            } else {
                guard access(device, W_OK) == 0 else { throw refuse(SystemError.current.description) }
            }
        case let .file(file):
            let folder = directory(of: file)
            if let problem = folderProblem(folder, creating: creatingFolders) { throw refuse(problem) }
        }
        return destination
    }

    /// Whether `descriptor` is open, and not read-only.
    static func isOpenForWriting(_ descriptor: Int32) -> Bool {
        let flags = fcntl(descriptor, F_GETFL)
        return flags >= 0 && flags & O_ACCMODE != O_RDONLY
    }

    /// Checks that `folder` is a folder files can be written into, or, when it does not
    /// exist, that it can be created.
    ///
    ///     try OutputDestination.checkFolder("Reports")
    ///
    /// - Throws: `FileError` naming `folder`.
    public static func checkFolder(_ folder: String) throws(FileError) {
        guard !folder.isEmpty else { throw FileError(.write, path: folder, problem: "the folder name is empty") }
        if let problem = folderProblem(folder, creating: true) {
            throw FileError(.write, path: folder, problem: problem)
        }
    }

    /// Why files cannot be created in `folder` (nil when they can): it is missing (and
    /// `creating` is false, or its nearest existing ancestor cannot hold a new folder), it is
    /// no folder, or a file cannot be created in it. Creating is tried, with a temporary
    /// file (or, in an ancestor, folder) removed at once: permissions alone do not tell
    /// (root, read-only file systems, /proc).
    static func folderProblem(_ folder: String, creating: Bool) -> String? {
        var info = stat()
        if stat(folder, &info) == 0 {
            guard info.st_mode & S_IFMT == S_IFDIR else { return "'\(folder)' is not a folder" }
            if let error = probe(folder, folder: false) { return "folder '\(folder)': \(error)" }
            return nil
        }
        let error = SystemError.current
        guard error.code == ENOENT else { return "folder '\(folder)': \(error)" }
        guard creating else { return "no such directory '\(folder)'" }
        var ancestor = directory(of: folder)
        while stat(ancestor, &info) != 0 {
            let error = SystemError.current
            guard error.code == ENOENT else { return "folder '\(ancestor)': \(error)" }
            let parent = directory(of: ancestor)
            guard parent != ancestor else { return "no such directory '\(ancestor)'" }
            ancestor = parent
        }
        guard info.st_mode & S_IFMT == S_IFDIR else { return "'\(ancestor)' is not a folder" }
        if let error = probe(ancestor, folder: true) { return "cannot create a folder in '\(ancestor)': \(error)" }
        return nil
    }

    /// Creates a temporary file (or folder) in `folder` and removes it; nil when that worked.
    static func probe(_ folder: String, folder makesFolder: Bool) -> SystemError? {
        var template = Array((folder + "/.precision-lab-probe-XXXXXX").utf8CString)
        return template.withUnsafeMutableBufferPointer { buffer -> SystemError? in
            let name = buffer.baseAddress!
            if makesFolder {
                guard mkdtemp(name) != nil else { return .current }
                rmdir(name)
            } else {
                let descriptor = mkstemp(name)
                guard descriptor >= 0 else { return .current }
                close(descriptor)
                unlink(name)
            }
            return nil
        }
    }

    /// The folder part of `path`: `.` for a bare name, `/` for a file at the root.
    ///
    ///     OutputDestination.directory(of: "x")          // "."
    ///     OutputDestination.directory(of: "/x")         // "/"
    ///     OutputDestination.directory(of: "a//b.json")  // "a"
    static func directory(of path: String) -> String {
        var path = Substring(path)
        while path.count > 1, path.last == "/" { path = path.dropLast() }
        guard let slash = path.lastIndex(of: "/") else { return "." }
        var folder = path[..<slash]
        while folder.count > 1, folder.last == "/" { folder = folder.dropLast() }
        return folder.isEmpty ? "/" : String(folder)
    }

    /// The last component of `path` (`b.json` for `a/b.json`).
    static func fileName(of path: String) -> String {
        var path = Substring(path)
        while path.count > 1, path.last == "/" { path = path.dropLast() }
        guard let slash = path.lastIndex(of: "/") else { return String(path) }
        return String(path[path.index(after: slash)...])
    }

    /// Where the symbolic link `link` points, relative targets taken from the link's folder.
    static func linkTarget(of link: String,
                           _ refuse: (String) -> FileError) throws(FileError) -> String {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let count = readlink(link, &buffer, buffer.count - 1)
        guard count >= 0 else { throw refuse("cannot read the link \(link): \(SystemError.current)") }
        let target = String(decoding: buffer[..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
        guard !target.hasPrefix("/") else { return target }
        let folder = directory(of: link)
        return folder == "." ? target : (folder == "/" ? "/" : folder + "/") + target
    }
}
