import FuzzSupport

/// The process's entry point: SwiftPM links this executable with `--defsym main=FuzzDates_main`
/// (see `Fuzzing.run`). It hands the command line to libFuzzer, which calls `fuzzDates`
/// with every input. Kept apart from the test itself, so that the target has two files and
/// none of them is taken for a script's top-level code.
@_cdecl("FuzzDates_main")
public func fuzzDatesMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> CInt {
    Fuzzing.run(argc: argc, argv: argv) { data, size in fuzzDates(data, size) }
}
