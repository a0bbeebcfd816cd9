#!/usr/bin/env bash
# Runs the whole test suite: installs what is missing, then `swift test`.
# Tests start their own sandbox cloud on 127.0.0.1 and judge media with ffprobe.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/ensure-packages.sh ffmpeg
swift build --build-tests
swift test --skip-build "$@"
