# shellcheck shell=bash disable=SC2154 # sourced by scripts/bench.sh, which sets $bin, $work and the rest
# (f) Link shapes: on each, `ivy-archiver backup` with its defaults against fixed
# --segment-jobs (4, 8, 12, 16, 32, with --jobs 4; the best one found by hand), and the 429s
# of the default run against a fixed 12 (from the sandbox's /sandbox/stats). A third of (d)'s
# cloud (one 10-minute continuous clip, 10 motion clips, 1 MB segments) keeps the section near
# ten minutes. Sourced by scripts/bench.sh (sandbox, measure, ratio, target, sandbox_stats,
# json_field, cloud_env; $bin, $work). BENCH_SHAPE_RUNS: runs per backup (1 by default).
shape_runs="${BENCH_SHAPE_RUNS:-1}"
shape_archive="$work/shape-archive"
fresh_shape_archive() { rm -rf "$shape_archive"; "$bin" init --archive "$shape_archive" >/dev/null; }
fresh_shape_archive_learned() { fresh_shape_archive; cp "$work/learned-limit.json" "$shape_archive/.ivy-archiver/"; }
shape_names=(
  "200 ms per request, 10 MB/s per connection"
  "5 ms per request, 20 MB/s for all connections together"
  "429 above 12 concurrent media requests; 40 ms, 4 MB/s per connection"
)
shape_flags=(
  "--latency-ms 200 --bandwidth 10000000"
  "--latency-ms 5 --bandwidth-total 20000000"
  "--latency-ms 40 --bandwidth 4000000 --max-concurrent 12"
)

echo "## (f) Link shapes: the default backup against the best fixed --segment-jobs"
echo
echo "A third of (d)'s cloud (\`--scenario scale --scale-clips 0.34\`: one 10-minute continuous clip and 10 motion"
echo "clips, 1 MB segments). $shape_runs run(s) per row$( [ "$shape_runs" = 1 ] && echo " (three of each would take about 20 minutes)"); fixed rows use --jobs 4. 429s and"
echo "the peak of concurrent media requests are the sandbox's counts per run; a failed run (exit 1: a clip"
echo "not archived after its retries) is counted, and a fixed setting that failed is not a candidate for the best."
echo
echo "| link | backup | wall s | CPU s | peak RSS MB | 429s | peak concurrent | failed runs |"
echo "|---|---|---|---|---|---|---|---|"
summary="$work/shapes-summary.md"
: >"$summary"
for shape in 0 1 2; do
  name="${shape_names[$shape]}"
  # shellcheck disable=SC2086
  cloud="$(sandbox --scenario scale --scale-clips 0.34 ${shape_flags[$shape]})"
  mapfile -t cloud_vars < <(cloud_env "$cloud")
  best_wall="" best_jobs="" default_wall="" default_429="" fixed12_429="" night_wall="" night_429="" learned=""
  rm -f "$work/learned-limit.json"
  for jobs in default 4 8 12 16 32; do
    options=()
    [ "$jobs" = default ] || options=(--jobs 4 --segment-jobs "$jobs")
    sandbox_stats "$cloud" reset >/dev/null
    read -r wall cpu rss failed <<<"$(measure --runs "$shape_runs" --tolerate --before fresh_shape_archive \
      env "${cloud_vars[@]}" "$bin" backup --archive "$shape_archive" --timezone UTC "${options[@]}")"
    counts="$(sandbox_stats "$cloud" | json_field "'%d %d' % (round(s['tooManyRequests'] / $shape_runs), s['peakConcurrentMedia'])")"
    read -r too_many peak <<<"$counts"
    label="defaults"
    [ "$jobs" = default ] || label="--segment-jobs $jobs"
    echo "| $name | $label | $wall | $cpu | $rss | $too_many | $peak | $failed |"
    if [ "$jobs" = default ]; then
      default_wall=$wall default_429=$too_many
      # The archive keeps the limit a run learned from the cloud's 429s: the next night's run
      # (into a fresh archive holding that file, so every clip is fetched again) starts under it.
      if [ -f "$shape_archive/.ivy-archiver/learned-limit.json" ]; then
        cp "$shape_archive/.ivy-archiver/learned-limit.json" "$work/learned-limit.json"
        learned="$(json_field 's["limit"]' <"$work/learned-limit.json")"
        sandbox_stats "$cloud" reset >/dev/null
        read -r night_wall cpu rss failed <<<"$(measure --runs "$shape_runs" --tolerate --before fresh_shape_archive_learned \
          env "${cloud_vars[@]}" "$bin" backup --archive "$shape_archive" --timezone UTC)"
        read -r night_429 peak <<<"$(sandbox_stats "$cloud" | json_field "'%d %d' % (round(s['tooManyRequests'] / $shape_runs), s['peakConcurrentMedia'])")"
        echo "| $name | defaults, the next night (learned limit $learned) | $night_wall | $cpu | $rss | $night_429 | $peak | $failed |"
      fi
    else
      [ "$jobs" != 12 ] || fixed12_429=$too_many
      if [ "$failed" = 0 ] && { [ -z "$best_wall" ] || awk "BEGIN { exit !($wall < $best_wall) }"; }; then
        best_wall=$wall best_jobs=$jobs
      fi
    fi
  done
  echo "| $name | $default_wall | ${best_jobs:-none} | ${best_wall:-} | $( [ -n "$best_wall" ] && ratio "$default_wall" "$best_wall" || echo "no fixed run succeeded") | $default_429 | $fixed12_429 |" >>"$summary"
  target "(f) defaults within 1.3x of the best fixed --segment-jobs: $name" \
    "defaults / --segment-jobs ${best_jobs:-?} wall = $( [ -n "$best_wall" ] && ratio "$default_wall" "$best_wall" || echo "n/a")"
  if [[ "${shape_flags[$shape]}" == *--max-concurrent* ]]; then
    target "(f) no more 429s than a fixed 12: $name" \
      "${night_429:-?} with defaults on the nights after the first (learned limit ${learned:-none}; wall ${night_wall:-?} s), $default_429 on the first night, $fixed12_429 with --segment-jobs 12"
  fi
done
rm -rf "$shape_archive"
echo
echo "| link | defaults wall s | best fixed --segment-jobs | its wall s | defaults / best | 429s, defaults | 429s, fixed 12 |"
echo "|---|---|---|---|---|---|---|"
cat "$summary"
