# shellcheck shell=bash disable=SC2154 # sourced by scripts/bench.sh, which sets $bin, $work and the rest
# (d) Scale: `ivy-archiver backup` of issue 14's two-camera cloud (30 minutes of continuous
# recording in 10-minute clips, 30 motion clips of 10-60 s, 1 MB segments: 0.7 GB) with 40 ms
# per request and 4 MB/s per connection, against the network's limit (every segment URL fetched
# by one `curl -Z --parallel-max 32`) and `yt-dlp -N 8` over every clip's playlist; then the
# memory of the same backup with 10x longer clips and 10x the clips, and fixed --segment-jobs
# for reference. Sourced by scripts/bench.sh (sandbox, measure, ratio, target, sandbox_stats,
# json_field, cloud_env; $bin, $work, $baseline_rss_mb).
scale_link=(--latency-ms 40 --bandwidth 4000000)
scale_cloud="$(sandbox --scenario scale "${scale_link[@]}")"
python3 scripts/sandbox-clip-urls.py "$scale_cloud" curl-config >"$work/scale-curl.cfg"
python3 scripts/sandbox-clip-urls.py "$scale_cloud" playlists >"$work/scale-playlists.txt"
scale_clips=$(wc -l <"$work/scale-playlists.txt")
scale_segments=$(grep -c '^url' "$work/scale-curl.cfg")
scale_archive="$work/scale-archive"
fresh_scale_archive() { rm -rf "$scale_archive"; "$bin" init --archive "$scale_archive" >/dev/null; }
fresh_ytdlp() { rm -rf "$work/yt"; mkdir -p "$work/yt"; }
# The clips a backup archived (one MP4 each, whatever the run printed).
archived_clips() { find "$scale_archive" -name '*.mp4' | wc -l; }
# scale_backup URL RUNS [OPTION...]: "wall cpu rss" of `ivy-archiver backup` into a fresh archive.
scale_backup() {
  local result vars
  mapfile -t vars < <(cloud_env "$1")
  result="$(measure --runs "$2" --before fresh_scale_archive env "${vars[@]}" "$bin" backup --archive "$scale_archive" --timezone UTC "${@:3}")"
  local clips
  clips="$(sandbox_stats "$1" | json_field 'len(s["segmentRequestsByClip"])')"
  [ "$(archived_clips)" = "$clips" ] || { echo "the backup archived $(archived_clips) clips of $clips" >&2; exit 1; }
  echo "$result"
}
above_idle() { echo $(($1 - baseline_rss_mb)); }
# The process's own memory (anonymous pages) of the idle process, and private_backup URL
# [OPTION...]: that of one backup into a fresh archive, above the idle process's (MB).
python3 scripts/bench/peak-memory.py "$work/peak" "$bin" --version >/dev/null
read -r _ idle_private_mb <"$work/peak"
private_backup() {
  local vars
  mapfile -t vars < <(cloud_env "$1")
  fresh_scale_archive
  python3 scripts/bench/peak-memory.py "$work/peak" env "${vars[@]}" "$bin" backup --archive "$scale_archive" --timezone UTC "${@:2}" >"$work/output" 2>&1 ||
    { echo "benchmark command failed: backup of $1" >&2; cat "$work/output" >&2; exit 1; }
  local private
  read -r _ private <"$work/peak"
  echo $((private - idle_private_mb))
}

echo "## (d) Scale: a two-camera cloud, 40 ms per request, 4 MB/s per connection"
echo
sandbox_stats "$scale_cloud" reset >/dev/null
read -r wall cpu rss <<<"$(measure curl -Z --parallel-max 32 -sS -f -K "$work/scale-curl.cfg")"
limit_wall=$wall limit_cpu=$cpu limit_rss=$rss
scale_bytes="$(sandbox_stats "$scale_cloud" reset | json_field 's["mediaBytesSent"] // 3')"
echo "$scale_clips clips, $scale_segments segments, $(awk "BEGIN { printf \"%.2f\", $scale_bytes / 1e9 }") GB of media"
echo "(\`ivy-archiver sandbox --scenario scale --latency-ms 40 --bandwidth 4000000\`). The 10x rows are one run"
echo "each (\`--scale-length 10\`: 100-minute continuous clips and motion clips of 100-600 s; \`--scale-clips 10\`:"
echo "30 continuous and 300 motion clips), as are yt-dlp and the fixed --segment-jobs rows."
echo
echo "| run | wall s | CPU s | peak RSS MB | RSS above idle MB | private memory above idle MB |"
echo "|---|---|---|---|---|---|"
echo "| limit: curl -Z --parallel-max 32, every segment URL | $limit_wall | $limit_cpu | $limit_rss | | |"
read -r wall cpu rss <<<"$(scale_backup "$scale_cloud" 3)"
backup_private=$(private_backup "$scale_cloud")
echo "| ivy-archiver backup (defaults) | $wall | $cpu | $rss | $(above_idle "$rss") | $backup_private |"
backup_wall=$wall backup_rss=$rss
read -r wall cpu rss <<<"$(measure --runs 1 --before fresh_ytdlp python3 -m yt_dlp -q -N 8 --hls-prefer-native -o "$work/yt/%(autonumber)s.%(ext)s" -a "$work/scale-playlists.txt")"
echo "| yt-dlp -N 8, clip after clip | $wall | $cpu | $rss | | |"
ytdlp_wall=$wall
rm -rf "$work/yt"
for jobs in 8 16 32; do
  read -r wall cpu rss <<<"$(scale_backup "$scale_cloud" 1 --jobs 4 --segment-jobs "$jobs")"
  echo "| ivy-archiver backup --jobs 4 --segment-jobs $jobs | $wall | $cpu | $rss | $(above_idle "$rss") | |"
done
longer_cloud="$(sandbox --scenario scale --scale-length 10 "${scale_link[@]}")"
read -r wall cpu rss <<<"$(scale_backup "$longer_cloud" 1)"
longer_private=$(private_backup "$longer_cloud")
echo "| ivy-archiver backup (defaults), 10x longer clips | $wall | $cpu | $rss | $(above_idle "$rss") | $longer_private |"
longer_rss=$rss
more_cloud="$(sandbox --scenario scale --scale-clips 10 "${scale_link[@]}")"
read -r wall cpu rss <<<"$(scale_backup "$more_cloud" 1)"
more_private=$(private_backup "$more_cloud")
echo "| ivy-archiver backup (defaults), 10x the clips | $wall | $cpu | $rss | $(above_idle "$rss") | $more_private |"
more_rss=$rss
rm -rf "$scale_archive"

growth() { awk "BEGIN { printf \"%+.0f%%\", ($1 - $2) * 100 / $2 }"; }
target "(d) backup with defaults within 1.3x of the limit" "backup / curl limit wall = $(ratio "$backup_wall" "$limit_wall")"
target "(d) backup against yt-dlp -N 8" "yt-dlp / backup wall = $(ratio "$ytdlp_wall" "$backup_wall")"
target "(d) private memory above the idle process under 32 MB (defaults)" "$backup_private MB (the idle process: $idle_private_mb MB)"
target "(d) peak RSS above the idle process (defaults), shared code pages included" "$(above_idle "$backup_rss") MB ($backup_rss MB peak, $baseline_rss_mb MB idle)"
target "(d) private memory with 10x the clips within 10%" "$more_private MB ($(growth "$more_private" "$backup_private")), against $backup_private MB"
target "(d) 10x longer clips (the MP4 sample index, ~3 KiB per second of the longest clip; see the notes)" \
  "private above idle: $longer_private MB ($(growth "$longer_private" "$backup_private")); RSS above idle: $(above_idle "$longer_rss") MB ($(growth "$(above_idle "$longer_rss")" "$(above_idle "$backup_rss")"))"
