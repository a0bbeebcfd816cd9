# shellcheck shell=bash disable=SC2154 # sourced by scripts/bench.sh, which sets $bin, $work and the rest
# (b) Download one clip from the sandbox with 40 ms per request and 4 MB/s per connection:
# `ivy-archiver fetch --jobs 8` against `ffmpeg -i URL -c copy` and `yt-dlp -N 8`. Sourced by
# scripts/bench.sh (its helpers: sandbox, measure, ratio, target; $bin, $work).
download_cloud="$(sandbox --chunk-seconds 3600 --latency-ms 40 --bandwidth 4000000)"

echo "## (b) Download from the sandbox: 40 ms per request, 4 MB/s per connection"
echo
echo "| clip | tool | wall s | CPU s | peak RSS MB |"
echo "|---|---|---|---|---|"
for clip in short long; do
  url="$(python3 scripts/sandbox-play-url.py "$download_cloud" "$clip")"
  read -r wall cpu rss <<<"$(measure "$bin" fetch "$url" -o "$work/out.mp4" --jobs 8 --force)"
  echo "| $clip | ivy-archiver fetch --jobs 8 | $wall | $cpu | $rss |"
  eval "ours_fetch_${clip}_wall=$wall ours_fetch_${clip}_rss=$rss"
  read -r wall cpu rss <<<"$(measure ffmpeg -nostdin -v error -y -i "$url" -c copy "$work/out.mp4")"
  echo "| $clip | ffmpeg -i URL -c copy | $wall | $cpu | $rss |"
  read -r wall cpu rss <<<"$(measure python3 -m yt_dlp -q -N 8 --hls-prefer-native --force-overwrites -o "$work/out.%(ext)s" "$url")"
  echo "| $clip | yt-dlp -N 8 | $wall | $cpu | $rss |"
  eval "ytdlp_fetch_${clip}_wall=$wall"
done
target "download at least 1.5x faster than yt-dlp -N 8 (one-hour clip)" "yt-dlp / ivy-archiver wall = $(ratio "$ytdlp_fetch_long_wall" "$ours_fetch_long_wall")"
target "peak RSS flat in clip length (fetch)" "$ours_fetch_short_rss MB short, $ours_fetch_long_rss MB for an hour"
