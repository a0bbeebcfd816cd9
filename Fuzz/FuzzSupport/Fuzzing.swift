import CLibFuzzer
import Dispatch

/// What every fuzz target shares: starting libFuzzer, reading its input, and running the
/// asynchronous API under test from libFuzzer's synchronous callback.
public enum Fuzzing {
    /// The callback libFuzzer calls with each input (`LLVMFuzzerTestOneInput`'s signature).
    public typealias Test = @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt

    /// Runs libFuzzer on `test` with the process's command line (corpus folders, `-max_total_time`,
    /// a crash file to replay...), as libFuzzer's own `main` would.
    ///
    /// Why each target has a `<Module>_main` that calls this: SwiftPM (tools version 5.5 and
    /// later, on Linux) links every Swift executable with `--defsym main=<Module>_main`, so
    /// that tests can link executables. A fuzz target has no top-level code, so that symbol
    /// must be written by hand; it is the process's `main`, and libFuzzer's own is left unused.
    public static func run(argc: CInt, argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>, test: Test) -> CInt {
        var count = argc
        var arguments: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = argv
        return LLVMFuzzerRunDriver(&count, &arguments, test)
    }

    /// The input as bytes (libFuzzer may pass no pointer for an empty input).
    public static func bytes(_ data: UnsafePointer<UInt8>?, _ size: Int) -> [UInt8] {
        guard let data, size > 0 else { return [] }
        return Array(UnsafeBufferPointer(start: data, count: size))
    }

    /// Runs `body` to its end and returns: libFuzzer's callback is synchronous, and the input
    /// must be finished with (or have crashed) before the next one is given.
    public static func wait(for body: @escaping @Sendable () async -> Void) {
        let done = DispatchSemaphore(value: 0)
        Task {
            await body()
            done.signal()
        }
        done.wait()
    }
}
