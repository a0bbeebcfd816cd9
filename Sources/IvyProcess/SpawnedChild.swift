import Foundation
import Glibc

/// The child's three standard streams: unlinked temporary files (input given, output captured),
/// `/dev/null`, or ours.
struct Streams: Sendable {
    enum Stream: Sendable {
        case file(Int32)
        case null
        case inherited
    }

    let input: Stream
    let output: Stream
    let error: Stream

    /// - Throws: `ChildProcessError.notStarted` when a temporary file cannot be made or written.
    init(input bytes: [UInt8], standardOutput: ChildProcess.Output, standardError: ChildProcess.Output) throws {
        var made: [Int32] = []
        do {
            input = bytes.isEmpty ? .null : .file(try Self.temporaryFile(holding: bytes, made: &made))
            output = try Self.stream(standardOutput, made: &made)
            error = try Self.stream(standardError, made: &made)
        } catch {
            made.forEach { _ = Glibc.close($0) }
            throw error
        }
    }

    func close() {
        for case .file(let file) in [input, output, error] { _ = Glibc.close(file) }
    }

    /// All of the captured standard output.
    func capturedOutput() -> [UInt8] {
        guard case .file(let file) = output else { return [] }
        let size = Int(lseek(file, 0, SEEK_END))
        return Self.read(file, from: 0, count: max(0, size))
    }

    /// The last `limit` bytes of the captured standard error, as text; a character cut in two
    /// at the start is left out.
    func capturedError(limit: Int) -> String {
        guard case .file(let file) = error else { return "" }
        let size = Int(lseek(file, 0, SEEK_END))
        guard size > 0 else { return "" }
        let length = min(size, limit)
        var bytes = Self.read(file, from: size - length, count: length)[...]
        if length < size { bytes = bytes.drop { $0 & 0xC0 == 0x80 } }
        return String(decoding: bytes, as: UTF8.self)
    }

    private static func stream(_ output: ChildProcess.Output, made: inout [Int32]) throws -> Stream {
        switch output {
        case .captured: .file(try temporaryFile(holding: [], made: &made))
        case .discarded: .null
        case .inherited: .inherited
        }
    }

    /// A file with `bytes` in it, read from its start, that no name points at (it goes away
    /// with its last descriptor) and that no other child inherits (`O_CLOEXEC`; `dup2` onto the
    /// child's 0, 1 or 2 clears it there).
    private static func temporaryFile(holding bytes: [UInt8], made: inout [Int32]) throws -> Int32 {
        let path = (NSTemporaryDirectory() as NSString).appendingPathComponent("ivy-child-\(UUID().uuidString)")
        let file = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard file >= 0 else { throw ChildProcessError.notStarted("cannot make a temporary file in \(NSTemporaryDirectory()): \(String(cString: strerror(errno)))") }
        made.append(file)
        unlink(path)
        var written = 0
        while written < bytes.count {
            let count = bytes[written...].withUnsafeBytes { write(file, $0.baseAddress, $0.count) }
            if count < 0, errno == EINTR { continue }
            guard count > 0 else { throw ChildProcessError.notStarted("cannot write its input: \(String(cString: strerror(errno)))") }
            written += count
        }
        lseek(file, 0, SEEK_SET)
        return file
    }

    private static func read(_ file: Int32, from offset: Int, count: Int) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        var done = 0
        while done < count {
            let got = bytes.withUnsafeMutableBytes { pread(file, $0.baseAddress! + done, count - done, off_t(offset + done)) }
            if got < 0, errno == EINTR { continue }
            guard got > 0 else { break }
            done += got
        }
        return Array(bytes.prefix(done))
    }
}

/// A child started by `posix_spawn`, leading a process group of its own. `signalGroup` is for
/// before `reap()` only: `ChildProcess.supervise` keeps that order on its one thread.
struct SpawnedChild: Sendable {
    let pid: pid_t

    /// - Throws: `ChildProcessError.notStarted` when `posix_spawn` fails (glibc reports a
    ///   failed `exec` too: no such file, not executable).
    static func spawn(executable: String, arguments: [String], environment: [String: String], streams: Streams) throws -> SpawnedChild {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        for (stream, target) in [(streams.input, Int32(0)), (streams.output, 1), (streams.error, 2)] {
            switch stream {
            case .file(let file): posix_spawn_file_actions_adddup2(&actions, file, target)
            case .null: posix_spawn_file_actions_addopen(&actions, target, "/dev/null", target == 0 ? O_RDONLY : O_WRONLY, 0)
            case .inherited: break
            }
        }
        // Descriptors of ours opened without O_CLOEXEC (a socket, the catalog) stay ours: a
        // child that outlives its run must not hold them open. (glibc's
        // posix_spawn_file_actions_addclosefrom_np is not visible to Swift.)
        for file in openDescriptors() where file > 2 {
            posix_spawn_file_actions_addclose(&actions, file)
        }

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var none = sigset_t(), all = sigset_t()
        sigemptyset(&none)
        sigfillset(&all)
        // No blocked signals and default dispositions: the CLI ignores SIGINT and SIGTERM to
        // watch them, and what is ignored survives `exec`.
        posix_spawnattr_setsigmask(&attributes, &none)
        posix_spawnattr_setsigdefault(&attributes, &all)
        // Group 0: a new group, numbered by the child's pid.
        posix_spawnattr_setpgroup(&attributes, 0)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        let words = [executable] + arguments
        let argv = words.map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { (argv + envp).forEach { free($0) } }
        var pid: pid_t = 0
        let result = posix_spawn(&pid, executable, &actions, &attributes, argv, envp)
        guard result == 0 else { throw ChildProcessError.notStarted("cannot run \(executable): \(String(cString: strerror(result)))") }
        return SpawnedChild(pid: pid)
    }

    /// Our open descriptors, as `/proc/self/fd` lists them (the one reading it among them: the
    /// child's `close` of a descriptor that is no longer open is harmless).
    private static func openDescriptors() -> [Int32] {
        ((try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? []).compactMap { Int32($0) }
    }

    /// Blocks until the child has ended, without reaping it: until `reap()`, its zombie keeps
    /// its number (and its group's) from being given to another process.
    func waitUntilEnded() {
        var info = siginfo_t()
        while waitid(P_PID, id_t(pid), &info, WEXITED | WNOWAIT) != 0, errno == EINTR {}
    }

    /// `signal` to every process of the child's group (one that is gone is no error).
    func signalGroup(_ signal: Int32) {
        _ = kill(-pid, signal)
    }

    /// Reaps the child (waiting for it, if it has not ended).
    func reap() -> ChildProcess.Termination {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0, errno == EINTR {}
        // WIFEXITED and friends are macros Swift cannot import.
        let signal = status & 0x7f
        return signal == 0 ? .exited((status >> 8) & 0xff) : .signaled(signal)
    }
}
