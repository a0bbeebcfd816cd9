#!/usr/bin/env bash
# Benchmarks, measured as ratios in one run on one machine (these machines are shared and
# noisy: compare within a run, not across runs). Each section is a file in scripts/bench/,
# sourced here, that prints its markdown table and adds its lines to the "against the
# targets" table with `target`:
#  (a) remux: `ivy-archiver remux` against `ffmpeg -c copy -movflags +faststart` on the same
#      local MPEG-TS, a short clip and a one-hour clip: wall time, CPU time, peak RSS.
#  (b) download: the same clips from the sandbox with 40 ms latency per request and 4 MB/s
#      per connection: `ivy-archiver fetch --jobs 8` against `ffmpeg -i URL -c copy` and
#      `yt-dlp -N 8`.
#  (c) export: an hour of archived 10-minute clips joined into one MP4 by `ivy-archiver export`
#      (copy, and --exact) against ffmpeg's concat demuxer with `-c copy` on the same files.
#  (d) scale: the backup of a two-camera cloud (0.7 GB) against the network's limit (`curl -Z
#      --parallel-max 32` over the same segment URLs) and `yt-dlp -N 8`; memory with 10x longer
#      clips and 10x the clips.
#  (e) a no-op rerun: `ivy-archiver backup` again over an archive that already holds a year of
#      clips of 10 cameras (51,100, made by `ivy-bench-fixtures`): wall time, CPU, peak RSS and
#      the sandbox's playlist and segment requests (none expected).
#  (f) link shapes: the default backup against the best fixed --segment-jobs, and its 429s.
#
# Usage: scripts/bench.sh [SECTION...]   (sections a-f; e.g. `scripts/bench.sh d f`)
# With no section, all run and docs/PERFORMANCE.md is written; with some, the report goes to
# docs/PERFORMANCE-partial.md and docs/PERFORMANCE.md is left alone.
# IVY_BENCH_BIN=/path/to/ivy-archiver measures that binary instead of building one.
set -euo pipefail
cd "$(dirname "$0")/.."
all=(a b c d e f)
chosen=("$@")
[ ${#chosen[@]} -gt 0 ] || chosen=("${all[@]}")
for letter in "${chosen[@]}"; do
  [[ " ${all[*]} " == *" $letter "* ]] || { echo "usage: scripts/bench.sh [a|b|c|d|e|f]..." >&2; exit 2; }
done
if [ $# -eq 0 ]; then output=docs/PERFORMANCE.md; else output=docs/PERFORMANCE-partial.md; fi

scripts/ensure-packages.sh ffmpeg time strace python3-pip curl
python3 -m yt_dlp --version >/dev/null 2>&1 || python3 -m pip install --quiet yt-dlp
if [ -n "${IVY_BENCH_BIN:-}" ]; then
  bin="$IVY_BENCH_BIN"
else
  swift build -c release --product ivy-archiver >/dev/null
  bin="$(swift build -c release --show-bin-path)/ivy-archiver"
fi
work="$(mktemp -d)"
# Processes to stop at the end: `sandbox` runs in a subshell (`$(sandbox ...)`), where a
# variable set would be lost, so it writes its process ids to a file, one a line; a section
# that starts a process in this shell may add it to $pids instead.
touch "$work/sandbox.pids"
pids=()
cleanup() {
  while read -r pid; do kill "$pid" 2>/dev/null || true; done <"$work/sandbox.pids"
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

# Starts a sandbox with the given flags; prints its base URL.
sandbox() {
  local log="$work/sandbox-$RANDOM.log"
  "$bin" sandbox --port 0 --days 1 "$@" >"$log" 2>&1 &
  echo $! >>"$work/sandbox.pids"
  for _ in $(seq 1 100); do grep -q "listening on" "$log" && break; sleep 0.1; done
  grep -o 'http://127.0.0.1:[0-9]*' "$log" | head -n 1
}

# measure [--runs N] [--before FUNCTION] [--tolerate] COMMAND...
# Runs COMMAND N times (3 unless told; FUNCTION first each time, not timed); prints
# "median_wall_s cpu_s max_rss_mb" of the median-wall run. A failing run stops the bench,
# unless --tolerate: then a fourth field counts the runs that failed. The last run's output
# is in $work/output.
measure() {
  local runs=3 before="" tolerate="" failures=0
  while :; do
    case "$1" in
      --runs) runs="$2"; shift 2 ;;
      --before) before="$2"; shift 2 ;;
      --tolerate) tolerate=1; shift ;;
      *) break ;;
    esac
  done
  local results=()
  for _ in $(seq 1 "$runs"); do
    rm -f "$work"/out.*
    [ -z "$before" ] || "$before"
    if ! /usr/bin/time -f "%e %U %S %M" -o "$work/time" "$@" >"$work/output" 2>&1; then
      if [ -z "$tolerate" ]; then
        echo "benchmark command failed: $*" >&2
        cat "$work/output" >&2
        exit 1
      fi
      failures=$((failures + 1))
    fi
    local wall user sys rss
    read -r wall user sys rss < <(tail -n 1 "$work/time")
    results+=("$wall $(awk "BEGIN { print $user + $sys }") $((rss / 1024))")
  done
  printf '%s\n' "${results[@]}" | sort -n | sed -n "$(((runs + 1) / 2))p" | sed "s/\$/${tolerate:+ $failures}/"
}

ratio() { awk "BEGIN { printf \"%.2f\", $1 / $2 }"; }

# sandbox_stats URL [reset]: the counters of the sandbox at URL as JSON (GET /sandbox/stats);
# with `reset`, they also start over (POST /sandbox/stats/reset answers them first).
sandbox_stats() {
  if [ "${2:-}" = reset ]; then curl -fsS -X POST "$1/sandbox/stats/reset"; else curl -fsS "$1/sandbox/stats"; fi
}
# json_field EXPRESSION: a Python expression on `s`, the JSON read from stdin.
json_field() { python3 -c "import json, sys; s = json.load(sys.stdin); print($1)"; }

# cloud_env URL: what `env` needs to point ivy-archiver at the sandbox at URL as its demo user,
# one a line: `mapfile -t vars < <(cloud_env "$url"); measure env "${vars[@]}" "$bin" backup ...`.
cloud_env() { printf '%s\n' "IVY_API_URL=$1" IVY_OEM_CODE=SANDBOX IVY_USERNAME=demo@example.com IVY_PASSWORD=sandbox-password; }

# A line of the "against the targets" table: target, measured.
targets="$work/targets.md"
: >"$targets"
target() { echo "| $1 | $2 |" >>"$targets"; }

# The idle process: what a command costs beyond it is what its work costs.
baseline_rss_mb=$(( $(/usr/bin/time -f %M "$bin" --version 2>&1 >/dev/null | tail -n 1) / 1024 ))

report="$work/report.md"
{
  echo "# Performance"
  echo
  echo "Measured by \`scripts/bench.sh${*:+ $*}\` on $(date -u +%Y-%m-%d), $(nproc) cores, $(uname -m); Swift release build,"
  echo "FFmpeg $(ffmpeg -version | head -n 1 | cut -d' ' -f3). Medians of 3 runs unless a table says otherwise."
  echo "Compare ratios within this run only: the machines are shared and noisy."
  for letter in "${chosen[@]}"; do
    section="$(find scripts/bench -maxdepth 1 -name "$letter-*.sh" | sort | head -n 1)"
    if [ -z "$section" ]; then
      echo "bench: no section ($letter) in scripts/bench/; skipped" >&2
      continue
    fi
    echo
    # shellcheck source=/dev/null
    source "$section"
  done
  echo
  echo "## Against the targets"
  echo
  echo "| target | measured |"
  echo "|---|---|"
  cat "$targets"
  echo "| peak RSS under 64 MB | the process alone (ivy-archiver --version) peaks at $baseline_rss_mb MB; see $([ $# -gt 0 ] && echo "docs/PERFORMANCE.md" || echo below) |"
  [ $# -gt 0 ] || cat docs/PERFORMANCE-notes.md
} >"$report"
if [ ! -s "$report" ] || grep -q '|  |' "$report"; then echo "a measurement is missing" >&2; exit 1; fi
mkdir -p docs
cp "$report" "$output"
cat "$output"
