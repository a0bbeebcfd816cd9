import FuzzSupport

/// The process's entry point: SwiftPM links this executable with `--defsym main=FuzzCloudAnswers_main`
/// (see `Fuzzing.run`). It hands the command line to libFuzzer, which calls `fuzzCloudAnswers`
/// with every input. Kept apart from the test itself, so that the target has two files and
/// none of them is taken for a script's top-level code.
@_cdecl("FuzzCloudAnswers_main")
public func fuzzCloudAnswersMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> CInt {
    Fuzzing.run(argc: argc, argv: argv) { data, size in fuzzCloudAnswers(data, size) }
}
