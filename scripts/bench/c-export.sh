# shellcheck shell=bash disable=SC2154 # sourced by scripts/bench.sh, which sets $bin, $work and the rest
# (c) Export an hour from the archive: six archived 10-minute clips joined into one MP4 by
# `ivy-archiver export` (copy, and --exact) against ffmpeg's concat demuxer with `-c copy`.
# Sourced by scripts/bench.sh (its helpers: sandbox, measure, ratio, target; $bin, $work).

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
target "export an hour from the archive" "ivy-archiver / ffmpeg concat wall = $(ratio "$ours_export_wall" "$ffmpeg_export_wall")"
