#!/usr/bin/env bash
# Installs the Debian packages IvyArchiver needs, when missing: the FFmpeg, libcurl and
# SQLite development files (build), and ffmpeg/ffprobe (tests and benchmarks only).
# Uses sudo when not root. Sourced or run by scripts/test.sh and scripts/demo.sh.
set -euo pipefail

needed=(pkg-config libavformat-dev libavcodec-dev libavutil-dev libswresample-dev libswscale-dev libcurl4-openssl-dev libsqlite3-dev zlib1g-dev "$@")
missing=()
for package in "${needed[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "Installing missing Debian packages: ${missing[*]}" >&2
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
command -v swift >/dev/null || { echo "swift is not on the PATH: install Swift 6 (https://swift.org/install)" >&2; exit 1; }
