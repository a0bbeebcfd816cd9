#!/usr/bin/env bash
# Benchmarks, measured as ratios in one run on one machine (these machines are shared and
# noisy: compare within a run, not across runs). Writes docs/PERFORMANCE.md.
#  (a) remux: `ivy-archiver remux` against `ffmpeg -c copy -movflags +faststart` on the same
#      local MPEG-TS, a short clip and a one-hour clip: wall time, CPU time, peak RSS.
#  (b) download: the same clips from the sandbox with 40 ms latency per request and 4 MB/s
#      per connection: `ivy-archiver fetch --jobs 8` against `ffmpeg -i URL -c copy` and
#      `yt-dlp -N 8`.
#  (c) export: an hour of archived 10-minute clips joined into one MP4 by `ivy-archiver export`
#      (copy, and --exact) against ffmpeg's concat demuxer with `-c copy` on the same files.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/ensure-packages.sh ffmpeg time python3-pip
python3 -m yt_dlp --version >/dev/null 2>&1 || python3 -m pip install --quiet yt-dlp
swift build -c release --product ivy-archiver >/dev/null
bin="$(swift build -c release --show-bin-path)/ivy-archiver"
work="$(mktemp -d)"
pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT

# Starts a sandbox with the given flags; prints its base URL.
sandbox() {
  local log="$work/sandbox-$RANDOM.log"
  "$bin" sandbox --port 0 --days 1 "$@" >"$log" 2>&1 &
  pids+=($!)
  for _ in $(seq 1 100); do grep -q "listening on" "$log" && break; sleep 0.1; done
  grep -o 'http://127.0.0.1:[0-9]*' "$log" | head -n 1
}

# Runs a command 3 times; prints "median_wall_s cpu_s max_rss_mb" of the median-wall run.
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

fast="$(sandbox --chunk-seconds 3600)"
for clip in short long; do
  url="$(python3 scripts/sandbox-play-url.py "$fast" "$clip")"
  ffmpeg -nostdin -v error -i "$url" -c copy -f mpegts "$work/$clip.ts"
done

slow="$(sandbox --chunk-seconds 3600 --latency-ms 40 --bandwidth 4000000)"

# An archive with one camera's hour of continuous recording in six 10-minute clips.
hour="$(sandbox --chunk-seconds 600 --chunks-per-day 6)"
"$bin" init --archive "$work/archive" >/dev/null
IVY_API_URL="$hour" IVY_OEM_CODE=SANDBOX IVY_USERNAME=demo@example.com IVY_PASSWORD=sandbox-password \
  "$bin" backup --archive "$work/archive" --device 00626E8A1B01 --timezone UTC >/dev/null
find "$work/archive" -path '*Front-Door_*' -name '*_continuous.mp4' | sort >"$work/hour.list"
[ "$(wc -l <"$work/hour.list")" = 6 ] || { echo "expected six archived clips" >&2; exit 1; }
sed "s/.*/file '&'/" "$work/hour.list" >"$work/concat.txt"
first="$(head -n 1 "$work/hour.list")"
start="$(basename "$(dirname "$first")") $(basename "$first" | sed -E 's/^(..)(..)(..).*/\1:\2:\3/')"
hour_end="$(date -u -d "$start UTC + 1 hour" '+%Y-%m-%d %H:%M:%S')"
exact_from="$(date -u -d "$start UTC + 2 seconds" '+%Y-%m-%d %H:%M:%S')"
exact_to="$(date -u -d "$start UTC + 1 hour - 2 seconds" '+%Y-%m-%d %H:%M:%S')"
export_hour=(env IVY_API_URL="$hour" IVY_OEM_CODE=SANDBOX IVY_USERNAME=demo@example.com IVY_PASSWORD=sandbox-password
  "$bin" export --device 00626E8A1B01 --archive "$work/archive" --timezone UTC --output "$work/out.mp4" --force)
report="$work/report.md"
{
  echo "# Performance"
  echo
  echo "Measured by \`scripts/bench.sh\` on $(date -u +%Y-%m-%d), $(nproc) cores, $(uname -m); Swift release build,"
  echo "FFmpeg $(ffmpeg -version | head -n 1 | cut -d' ' -f3). Medians of 3 runs. Compare ratios within this run only:"
  echo "the machines are shared and noisy."
  echo
  echo "## (a) Remux a local MPEG-TS into a faststart MP4"
  echo
  echo "| clip | input | tool | wall s | CPU s | peak RSS MB |"
  echo "|---|---|---|---|---|---|"
  for clip in short long; do
    size="$(awk "BEGIN { printf \"%.1f MB\", $(stat -c %s "$work/$clip.ts") / 1000000 }")"
    read -r wall cpu rss <<<"$(measure "$bin" remux "$work/$clip.ts" -o "$work/out.mp4" --force)"
    echo "| $clip | $size | ivy-archiver remux | $wall | $cpu | $rss |"
    eval "ours_remux_${clip}_cpu=$cpu ours_remux_${clip}_rss=$rss"
    read -r wall cpu rss <<<"$(measure ffmpeg -nostdin -v error -y -i "$work/$clip.ts" -c copy -movflags +faststart "$work/out.mp4")"
    echo "| $clip | $size | ffmpeg -c copy | $wall | $cpu | $rss |"
    eval "ffmpeg_remux_${clip}_cpu=$cpu"
  done
  echo
  echo "## (b) Download from the sandbox: 40 ms per request, 4 MB/s per connection"
  echo
  echo "| clip | tool | wall s | CPU s | peak RSS MB |"
  echo "|---|---|---|---|---|"
  for clip in short long; do
    url="$(python3 scripts/sandbox-play-url.py "$slow" "$clip")"
    read -r wall cpu rss <<<"$(measure "$bin" fetch "$url" -o "$work/out.mp4" --jobs 8 --force)"
    echo "| $clip | ivy-archiver fetch --jobs 8 | $wall | $cpu | $rss |"
    eval "ours_fetch_${clip}_wall=$wall ours_fetch_${clip}_rss=$rss"
    read -r wall cpu rss <<<"$(measure ffmpeg -nostdin -v error -y -i "$url" -c copy "$work/out.mp4")"
    echo "| $clip | ffmpeg -i URL -c copy | $wall | $cpu | $rss |"
    read -r wall cpu rss <<<"$(measure python3 -m yt_dlp -q -N 8 --hls-prefer-native --force-overwrites -o "$work/out.%(ext)s" "$url")"
    echo "| $clip | yt-dlp -N 8 | $wall | $cpu | $rss |"
    eval "ytdlp_fetch_${clip}_wall=$wall"
  done
  echo
  echo "## (c) Export an hour from the archive: six 10-minute clips into one MP4"
  echo
  echo "| tool | wall s | CPU s | peak RSS MB |"
  echo "|---|---|---|---|"
  read -r wall cpu rss <<<"$(measure "${export_hour[@]}" --from "$start" --to "$hour_end")"
  echo "| ivy-archiver export (copy, checksums, chapters, sidecar) | $wall | $cpu | $rss |"
  ours_export_wall=$wall
  read -r wall cpu rss <<<"$(measure "${export_hour[@]}" --from "$exact_from" --to "$exact_to" --exact)"
  echo "| ivy-archiver export --exact (2 s in, 2 s short) | $wall | $cpu | $rss |"
  read -r wall cpu rss <<<"$(measure ffmpeg -nostdin -v error -y -f concat -safe 0 -i "$work/concat.txt" -c copy -movflags +faststart "$work/out.mp4")"
  echo "| ffmpeg -f concat -c copy -movflags +faststart | $wall | $cpu | $rss |"
  ffmpeg_export_wall=$wall
  ratio() { awk "BEGIN { printf \"%.2f\", $1 / $2 }"; }
  baseline="$( /usr/bin/time -f %M "$bin" --version 2>&1 >/dev/null | tail -n 1 )"
  echo
  echo "## Against the targets"
  echo
  echo "| target | measured |"
  echo "|---|---|"
  echo "| remux CPU no worse than ffmpeg's (one-hour clip) | ivy-archiver / ffmpeg CPU = $(ratio "$ours_remux_long_cpu" "$ffmpeg_remux_long_cpu") |"
  echo "| download at least 1.5x faster than yt-dlp -N 8 (one-hour clip) | yt-dlp / ivy-archiver wall = $(ratio "$ytdlp_fetch_long_wall" "$ours_fetch_long_wall") |"
  echo "| export an hour from the archive | ivy-archiver / ffmpeg concat wall = $(ratio "$ours_export_wall" "$ffmpeg_export_wall") |"
  echo "| peak RSS flat in clip length | remux: $ours_remux_short_rss MB short, $ours_remux_long_rss MB for an hour; fetch: $ours_fetch_short_rss MB short, $ours_fetch_long_rss MB for an hour |"
  echo "| peak RSS under 64 MB | the process alone (ivy-archiver --version) peaks at $((baseline / 1024)) MB; see below |"
  cat docs/PERFORMANCE-notes.md
} >"$report"
[ -s "$report" ] && ! grep -q '|  |' "$report" || { echo "a measurement is missing" >&2; exit 1; }
mkdir -p docs
cp "$report" docs/PERFORMANCE.md
cat docs/PERFORMANCE.md
