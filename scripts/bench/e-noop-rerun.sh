#!/usr/bin/env bash
# (e) A no-op rerun over a year of catalog: a sandbox listing 10 cameras x 365 days x 14 motion
#     clips (51,100 clips), an archive that already holds every one of them (made synthetically
#     by `ivy-bench-fixtures` from the same seed, options and anchor: catalog, a placeholder
#     file and thumbnail per clip, a complete walk recorded; then `ivy-archiver index` draws the
#     pages once, as after a backup), and `ivy-archiver backup` run again over it: wall time,
#     CPU, peak RSS, and the sandbox's requests by kind (`POST /sandbox/stats/reset` before the
#     measured runs, `GET /sandbox/stats` after them).
#     Target: under 1 s, and not one playlist or segment request.
#
# Sourced by scripts/bench.sh (`scripts/bench.sh e`), which defines $bin, $work, $pids (whose
# processes it stops at the end) and the functions `measure` and `target`; prints its section's
# markdown, and adds its line of the "against the targets" table with `target` (or to
# "$work/targets.md"). Also runs alone:
# `scripts/bench/e-noop-rerun.sh` (it then builds what it needs and prints both).
if [ -z "${bin:-}" ]; then
  set -euo pipefail
  cd "$(dirname "$0")/../.."
  e_standalone=1
  scripts/ensure-packages.sh time python3 curl >/dev/null
  flock "${SWIFT_BUILD_LOCK:-/tmp/swift-build.lock}" swift build -c release --product ivy-archiver >/dev/null
  bin="$(swift build -c release --show-bin-path)/ivy-archiver"
  work="$(mktemp -d)"
  pids=()
  cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; rm -rf "$work"; }
  trap cleanup EXIT
fi
if ! declare -F measure >/dev/null; then
  # As in scripts/bench.sh: runs a command 3 times; prints "median_wall_s cpu_s max_rss_mb".
  measure() {
    local runs=()
    for _ in 1 2 3; do
      rm -f "$work"/out.*
      if ! /usr/bin/time -f "%e %U %S %M" -o "$work/time" "$@" >"$work/output" 2>&1; then
        echo "benchmark command failed: $*" >&2
        cat "$work/output" >&2
        exit 1
      fi
      read -r wall user sys rss <"$work/time"
      runs+=("$wall $(awk "BEGIN { print $user + $sys }") $((rss / 1024))")
    done
    printf '%s\n' "${runs[@]}" | sort -n | sed -n 2p
  }
fi

flock "${SWIFT_BUILD_LOCK:-/tmp/swift-build.lock}" swift build -c release --product ivy-bench-fixtures >/dev/null
e_fixtures="$(swift build -c release --show-bin-path)/ivy-bench-fixtures"
# The same clips in the sandbox and in the archive: same seed, options and anchor (the end of
# the most recent day of recordings; an hour boundary, so that both run before and after it agree).
e_year=(--cameras 10 --days 365 --events-per-day 14 --chunks-per-day 0 --anchor "$(( $(date +%s) / 3600 * 3600 ))")
# Started here rather than by bench.sh's `sandbox` (which records its process in a file for
# bench.sh's cleanup), so that the section also runs alone and stops its own sandbox, with a
# year of clips in memory, as soon as it is done; $pids stops it on an early exit.
"$bin" sandbox --port 0 "${e_year[@]}" >"$work/e-sandbox.log" 2>&1 &
e_sandbox_pid=$!
pids+=("$e_sandbox_pid")
for _ in $(seq 1 100); do grep -q "listening on" "$work/e-sandbox.log" && break; sleep 0.1; done
e_cloud="$(grep -o 'http://127.0.0.1:[0-9]*' "$work/e-sandbox.log" | head -n 1)"
[ -n "$e_cloud" ] || { cat "$work/e-sandbox.log" >&2; echo "the year sandbox did not start" >&2; exit 1; }
e_archive="$work/year-archive"

# Counters of the sandbox since the last reset (the sandbox's `GET /sandbox/stats`, whose
# `calls` are API calls by service): "playlists segments api_calls record_query_calls".
e_stats() {
  curl -fsS "$e_cloud/sandbox/stats" | python3 -c '
import json, sys
s = json.load(sys.stdin)
calls = s.get("calls", {})
print(s["playlistRequests"], s["segmentRequests"], sum(calls.values()), calls.get("record.query", 0))'
}

# Once each, for the record: the synthetic archive, and every page drawn from it.
/usr/bin/time -f "%e %U %S %M" -o "$work/time" "$e_fixtures" --archive "$e_archive" "${e_year[@]}" --timezone UTC >"$work/output" 2>&1 \
  || { cat "$work/output" >&2; echo "the synthetic archive could not be made" >&2; exit 1; }
read -r wall user sys rss <"$work/time"
e_fixture_row="$wall $(awk "BEGIN { print $user + $sys }") $((rss / 1024))"
e_clips="$(find "$e_archive" -path "$e_archive/.ivy-archiver" -prune -o -name '*.mp4' -print | wc -l)"
/usr/bin/time -f "%e %U %S %M" -o "$work/time" "$bin" index --archive "$e_archive" --timezone UTC >"$work/output" 2>&1 \
  || { cat "$work/output" >&2; echo "ivy-archiver index failed" >&2; exit 1; }
read -r wall user sys rss <"$work/time"
e_index_row="$wall $(awk "BEGIN { print $user + $sys }") $((rss / 1024))"
e_pages="$(find "$e_archive/.ivy-archiver/pages" -name '*.html' | wc -l)"

e_backup=(env IVY_API_URL="$e_cloud" IVY_OEM_CODE=SANDBOX IVY_USERNAME=demo@example.com IVY_PASSWORD=sandbox-password
  IVY_TIMEZONE=UTC XDG_STATE_HOME="$work/state" "$bin" backup --archive "$e_archive")
# A nightly run finds its session stored: one run logs in first, unmeasured.
"${e_backup[@]}" >"$work/output" 2>&1 || { cat "$work/output" >&2; echo "the first rerun failed" >&2; exit 1; }
curl -fsS -X POST "$e_cloud/sandbox/stats/reset" >/dev/null
read -r e_wall e_cpu e_rss <<<"$(measure "${e_backup[@]}")"
read -r e_playlists e_segments e_calls e_queries <<<"$(e_stats)"
grep -Eq '(^| )0 archived, [0-9]+ already there, 0 failed' "$work/output" \
  || { cat "$work/output" >&2; echo "the rerun was no no-op" >&2; exit 1; }
e_calls=$((e_calls / 3)) e_queries=$((e_queries / 3))
kill "$e_sandbox_pid" 2>/dev/null || true

e_section="$work/e-section.md"
{
  echo "## (e) A no-op rerun over a year of catalog: $e_clips clips of 10 cameras"
  echo
  echo "The sandbox lists 10 cameras x 365 days x 14 motion clips; the archive already holds every one"
  echo "(made by \`ivy-bench-fixtures\`: the catalog, a placeholder file and thumbnail per clip, a"
  echo "complete walk; then every page drawn by \`ivy-archiver index\`, $e_pages pages). The rerun is the"
  echo "ordinary nightly \`ivy-archiver backup\`, its session stored; requests counted by the sandbox."
  echo
  echo "| step | wall s | CPU s | peak RSS MB | API calls per run | record.query per run | playlist requests | segment requests |"
  echo "|---|---|---|---|---|---|---|---|"
  read -r wall cpu rss <<<"$e_fixture_row"
  echo "| ivy-bench-fixtures (the synthetic archive, once) | $wall | $cpu | $rss | - | - | - | - |"
  read -r wall cpu rss <<<"$e_index_row"
  echo "| ivy-archiver index (every page drawn, once) | $wall | $cpu | $rss | - | - | - | - |"
  echo "| ivy-archiver backup, no-op rerun (median of 3; requests in all 3) | $e_wall | $e_cpu | $e_rss | $e_calls | $e_queries | $e_playlists | $e_segments |"
  echo
} >"$e_section"
cat "$e_section"
e_target="measured $e_wall s, $e_segments segment and $e_playlists playlist requests"
if declare -F target >/dev/null; then
  target "(e) no-op rerun under 1 s with zero segment/playlist requests" "$e_target"
else
  echo "| (e) no-op rerun under 1 s with zero segment/playlist requests | $e_target |" >>"$work/targets.md"
fi
if [ -n "${e_standalone:-}" ]; then
  echo "| target | measured |"
  echo "|---|---|"
  cat "$work/targets.md"
fi
