#ifndef IVY_CLIBFUZZER_H
#define IVY_CLIBFUZZER_H

#include <stddef.h>
#include <stdint.h>

/// libFuzzer's driver (compiler-rt, FuzzerDriver.cpp): parses the command line in
/// `argv` and runs `callback` on every input, exactly as libFuzzer's own `main` does.
/// Linked in by `-sanitize=fuzzer`; declared here so that Swift can call it.
int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *data, size_t size));

#endif
