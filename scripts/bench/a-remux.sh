# shellcheck shell=bash disable=SC2154 # sourced by scripts/bench.sh, which sets $bin, $work and the rest
# (a) Remux a local MPEG-TS into a faststart MP4: `ivy-archiver remux` against
# `ffmpeg -c copy -movflags +faststart`, a short clip and a one-hour clip. Sourced by
# scripts/bench.sh (its helpers: sandbox, measure, ratio, target; $bin, $work).
remux_cloud="$(sandbox --chunk-seconds 3600)"
for clip in short long; do
  url="$(python3 scripts/sandbox-play-url.py "$remux_cloud" "$clip")"
  ffmpeg -nostdin -v error -i "$url" -c copy -f mpegts "$work/$clip.ts"
done

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
target "remux CPU no worse than ffmpeg's (one-hour clip)" "ivy-archiver / ffmpeg CPU = $(ratio "$ours_remux_long_cpu" "$ffmpeg_remux_long_cpu")"
target "peak RSS flat in clip length (remux)" "$ours_remux_short_rss MB short, $ours_remux_long_rss MB for an hour"
