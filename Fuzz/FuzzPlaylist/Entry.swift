import FuzzSupport

/// The process's entry point: SwiftPM links this executable with `--defsym main=FuzzPlaylist_main`
/// (see `Fuzzing.run`). It hands the command line to libFuzzer, which calls `fuzzPlaylist`
/// with every input. Kept apart from the test itself, so that the target has two files and
/// none of them is taken for a script's top-level code.
@_cdecl("FuzzPlaylist_main")
public func fuzzPlaylistMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> CInt {
    Fuzzing.run(argc: argc, argv: argv) { data, size in fuzzPlaylist(data, size) }
}
