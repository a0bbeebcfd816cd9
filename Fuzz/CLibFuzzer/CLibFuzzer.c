// A C target needs a source file: this module only declares libFuzzer's driver
// (include/CLibFuzzer.h), which `-sanitize=fuzzer` links in.
#include "CLibFuzzer.h"
