#!/usr/bin/env bash
# The test suite under AddressSanitizer and LeakSanitizer (issue #11): the tests and every
# ivy-archiver they start run instrumented (.build-asan). A memory error fails the run; so does
# a leak whose allocation was made by our own code (the first frame of the leak's stack outside
# the allocator, the Swift runtime and the C libraries is in an Ivy module). Leaks made inside
# Foundation, libdispatch, GRDB or FFmpeg's one-time setup are listed, not failed on.
# Usage: scripts/sanitize.sh [swift test arguments, e.g. --filter IvyMediaTests]
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/ensure-packages.sh ffmpeg sqlite3
scratch=.build-asan
swift build --build-tests --sanitize=address --scratch-path "$scratch"
logs="$(mktemp -d)"
symbolizer="$(dirname "$(command -v swift)")/llvm-symbolizer"
export ASAN_SYMBOLIZER_PATH="$symbolizer"
export ASAN_OPTIONS="detect_leaks=1:log_path=$logs/asan:fast_unwind_on_malloc=0:malloc_context_size=40"
export LSAN_OPTIONS="exitcode=0"
status=0
swift test --skip-build --sanitize=address --scratch-path "$scratch" "$@" || status=$?
python3 scripts/sanitize-report.py "$logs" || status=1
echo "sanitizer logs: $logs"
exit "$status"
