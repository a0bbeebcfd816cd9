#!/usr/bin/env bash
# The fleet simulation of issue #15: many accounts backed up by W worker processes run exactly
# as the Kubernetes Indexed Job runs its pods (deploy/kubernetes/cronjob.yaml), checked clip by
# clip, for several W.
#
#   1. `ivy-archiver sandbox --accounts 40 --cameras 4 --port 0` (demo@example.com,
#      demo2@example.com ... demo40@example.com, password sandbox-password) and `rclone serve
#      webdav` on 127.0.0.1, a free port each;
#   2. for each W in $FLEET_WORKERS (1 2 4): a config with one [[accounts]] table per account
#      (`acct-01` ... `acct-40`), each archive under a fresh root for this W and each
#      `destination` a folder of the WebDAV server (`:webdav,url='http://127.0.0.1:PORT':W<W>/acct-NN`);
#      the counters reset; then W processes at once, `JOB_COMPLETION_INDEX=i ivy-archiver
#      backup --config CFG --shards W` for i in 0..W-1, and the wall time until the last ends;
#   3. the checks, from the sandbox's per-account counters (GET /sandbox/stats) against what
#      each account lists (GET /sandbox/accounts), and from the WebDAV server's log: every
#      account logged in once (so one worker took it), every clip had one record.play and each
#      of its segments was fetched once (so no clip was fetched twice, by any worker), no
#      request for a clip of another account, every worker exited 0, every clip's MP4 is in the
#      account's archive and was PUT to the WebDAV folder once.
# It prints a markdown table (wall time, speed-up over W=1, the checks) for docs/PERFORMANCE.md
# ("Fleet (issue #15)") and exits 1 when any check failed.
#
# Until the CLI knows `--shards` (issue #15's config and CLI side), it says so and runs the
# legacy fleet instead, which proves the sandbox's side and the checks: the same W workers, each
# a shell loop over the accounts i, i+W, i+2W ... (dealt by the script, not by rendezvous
# hashing), one plain `ivy-archiver backup` per account (IVY_USERNAME, --archive), no
# destination (the WebDAV checks are skipped); the table says which it ran. Exit 0 then too
# when the checks hold, but the last line says the sharded run is still to be made.
#
# Knobs (environment): FLEET_ACCOUNTS (40), FLEET_CAMERAS (4), FLEET_WORKERS ("1 2 4"),
# FLEET_SANDBOX_ARGS (the recordings and the link: "--days 1 --chunk-seconds 120
# --chunks-per-day 1 --events-per-day 2 --latency-ms 20 --bandwidth 4000000"), FLEET_SHIP=0
# (no destination: the sharded backups alone, the WebDAV checks skipped), IVY_BIN (an
# ivy-archiver binary; default: a release build, under the shared build lock), FLEET_KEEP=1
# keeps the work folder (its path is printed).
set -euo pipefail
cd "$(dirname "$0")/.."

accounts="${FLEET_ACCOUNTS:-40}"
cameras="${FLEET_CAMERAS:-4}"
workers="${FLEET_WORKERS:-1 2 4}"
ship="${FLEET_SHIP:-1}"
sandbox_args="${FLEET_SANDBOX_ARGS:---days 1 --chunk-seconds 120 --chunks-per-day 1 --events-per-day 2 --latency-ms 20 --bandwidth 4000000}"

scripts/ensure-packages.sh rclone python3 curl >/dev/null
if [ -n "${IVY_BIN:-}" ]; then
    bin="$IVY_BIN"
else
    flock "${SWIFT_BUILD_LOCK:-/tmp/swift-build.lock}" swift build -c release --product ivy-archiver >&2
    bin="$(swift build -c release --show-bin-path)/ivy-archiver"
fi

work="$(mktemp -d /tmp/ivy-fleet.XXXXXX)"
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
    if [ "${FLEET_KEEP:-0}" = 1 ]; then echo "work folder kept: $work" >&2; else rm -rf "$work"; fi
}
trap cleanup EXIT
# The backups' environment: nothing of the caller's IVY_* settings, no pause before a retry pass.
for variable in $(env | sed -n 's/^\(IVY_[A-Z_]*\)=.*/\1/p'); do [ "$variable" = IVY_BIN ] || unset "$variable"; done
export IVY_RETRY_PAUSE=0

# Waits for "$2" in the file "$1" (a server's log), then prints the first http://127.0.0.1:PORT in it.
address_in() {
    for _ in $(seq 1 300); do grep -q "$2" "$1" && break; sleep 0.1; done
    grep -o 'http://127.0.0.1:[0-9]*' "$1" | head -n 1
}

# shellcheck disable=SC2086 # the sandbox's arguments are words
"$bin" sandbox --accounts "$accounts" --cameras "$cameras" --port 0 $sandbox_args >"$work/sandbox.log" 2>&1 &
pids+=($!)
api="$(address_in "$work/sandbox.log" "listening on")"
[ -n "$api" ] || { cat "$work/sandbox.log" >&2; echo "fleet-sim: the sandbox did not start" >&2; exit 1; }
mkdir -p "$work/webdav"
rclone serve webdav --addr 127.0.0.1:0 -v "$work/webdav" >"$work/webdav.log" 2>&1 &
pids+=($!)
webdav="$(address_in "$work/webdav.log" "WebDav Server started")"
[ -n "$webdav" ] || { cat "$work/webdav.log" >&2; echo "fleet-sim: rclone serve webdav did not start" >&2; exit 1; }
curl -fsS "$api/sandbox/accounts" >"$work/accounts.json"
echo "== $(sed -n 's/^Serving \(.*\)\.$/\1/p' "$work/sandbox.log") at $api; WebDAV at $webdav; work in $work" >&2

# Read whole first: grep -q stops at its match, and the help, cut off, would fail the pipe.
backup_help="$("$bin" backup --help 2>&1 || true)"
if grep -q -- '--shards' <<<"$backup_help"; then mode=sharded; else mode=legacy; fi
[ "$mode" = sharded ] || echo "== this ivy-archiver has no 'backup --shards' yet (issue #15's CLI): running the legacy fleet" >&2

name_of() { printf 'acct-%02d' "$1"; }
user_of() { if [ "$1" -eq 1 ]; then echo demo@example.com; else echo "demo$1@example.com"; fi; }

# config W ROOT: the config of the sharded run with W workers, every archive under ROOT.
config() {
    local w="$1" root="$2" number
    printf 'api_url = "%s"\noem_code = "SANDBOX"\ntimezone = "UTC"\narchive = "%s"\nstate_dir = "%s"\n' \
        "$api" "$root" "$work/W$w/state"
    for number in $(seq 1 "$accounts"); do
        printf '\n[[accounts]]\nname = "%s"\nusername = "%s"\npassword = "sandbox-password"\n' "$(name_of "$number")" "$(user_of "$number")"
        [ "$ship" = 0 ] || printf "destination = \":webdav,url='%s':W%s/%s\"\n" "$webdav" "$w" "$(name_of "$number")"
    done
}

# legacy_worker W I ROOT: accounts I+1, I+1+W, ... one plain backup each (no --shards to ask).
legacy_worker() {
    local w="$1" index="$2" root="$3" number status=0
    for number in $(seq $((index + 1)) "$w" "$accounts"); do
        IVY_API_URL="$api" IVY_OEM_CODE=SANDBOX IVY_USERNAME="$(user_of "$number")" IVY_PASSWORD=sandbox-password \
            IVY_STATE_DIR="$work/W$w/state" "$bin" backup --archive "$root/$(name_of "$number")" --timezone UTC --quiet || status=$?
    done
    return "$status"
}

{
    echo "| workers | mode | wall s | speed-up | accounts | clips | segments | record.play per clip | segment requests per segment | logins per account | shipped (PUT once) | worker exits | checks |"
    echo "|---|---|---|---|---|---|---|---|---|---|---|---|---|"
} >"$work/table.md"
failed=0
base_wall=""
for w in $workers; do
    run="$work/W$w"
    root="$run/archive"
    mkdir -p "$run/state" "$root"
    for number in $(seq 1 "$accounts"); do "$bin" init --archive "$root/$(name_of "$number")" >/dev/null; done
    config "$w" "$root" >"$run/config.toml"
    chmod 600 "$run/config.toml"
    curl -fsS -X POST "$api/sandbox/stats/reset" >/dev/null
    echo "== W=$w: $w worker(s), $mode$([ "$ship" != 0 ] || echo ', no destination')" >&2
    started="$(date +%s.%N)"
    worker_pids=()
    for index in $(seq 0 $((w - 1))); do
        if [ "$mode" = sharded ]; then
            JOB_COMPLETION_INDEX="$index" "$bin" backup --config "$run/config.toml" --shards "$w" \
                --metrics-file "$run/metrics-$index.prom" --quiet >"$run/worker-$index.log" 2>&1 &
        else
            legacy_worker "$w" "$index" "$root" >"$run/worker-$index.log" 2>&1 &
        fi
        worker_pids+=($!)
    done
    exits=()
    for pid in "${worker_pids[@]}"; do
        status=0
        wait "$pid" || status=$?
        exits+=("$status")
    done
    ended="$(date +%s.%N)"
    wall="$(awk -v a="$started" -v b="$ended" 'BEGIN { printf "%.2f", b - a }')"
    [ -n "$base_wall" ] || base_wall="$wall"
    speedup="$(awk -v a="$base_wall" -v b="$wall" 'BEGIN { printf "%.2f", a / b }')"
    curl -fsS "$api/sandbox/stats" >"$run/stats.json"
    for index in "${!exits[@]}"; do
        [ "${exits[$index]}" = 0 ] || { echo "worker $index exited ${exits[$index]}:" >&2; tail -n 5 "$run/worker-$index.log" >&2; }
    done
    label="$mode"
    [ "$mode" = legacy ] || [ "$ship" != 0 ] || label="sharded, no destination"
    if ! python3 - "$work/accounts.json" "$run/stats.json" "$root" "$work/webdav.log" "$w" "$label" "$wall" "$speedup" \
        "${exits[*]}" >>"$work/table.md" <<'EOF'; then failed=1; fi
import json, pathlib, re, sys
from collections import Counter

accounts_file, stats_file, root, webdav_log, w, mode, wall, speedup, exits = sys.argv[1:]
listed = json.load(open(accounts_file))["accounts"]
stats = json.load(open(stats_file))["accounts"]
problems = []
plays, segment_ratio, logins, shipped_ok = Counter(), Counter(), Counter(), 0
clips_total = segments_total = 0
puts = Counter()
for line in open(webdav_log, errors="replace"):
    found = re.search(r": (/W" + re.escape(w) + r"/[^:]*\.mp4): PUT from", line)
    if found:
        puts[found.group(1)] += 1
for number, account in enumerate(listed, start=1):
    user, name = account["username"], f"acct-{number:02d}"
    counted = stats.get(user, {})
    expected = account["segmentsByClip"]
    clips_total += len(expected)
    segments_total += sum(expected.values())
    logins[counted.get("logins", 0)] += 1
    if counted.get("logins", 0) != 1:
        problems.append(f"{user}: {counted.get('logins', 0)} logins (one worker each, one login: 1)")
    by_clip = counted.get("recordPlaysByClip", {})
    segments = counted.get("segmentRequestsByClip", {})
    for key, count in expected.items():
        plays[by_clip.get(key, 0)] += 1
        segment_ratio["once" if segments.get(key, 0) == count else f"{segments.get(key, 0)}/{count}"] += 1
        if by_clip.get(key, 0) != 1:
            problems.append(f"{user} {key}: record.play {by_clip.get(key, 0)} times")
        if segments.get(key, 0) != count:
            problems.append(f"{user} {key}: {segments.get(key, 0)} segment requests for {count} segments")
    for key in set(by_clip) - set(expected):
        problems.append(f"{user}: record.play for {key}, which it does not list")
    archived = [path for path in pathlib.Path(root, name).rglob("*.mp4") if ".ivy-archiver" not in path.parts]
    if len(archived) != len(expected):
        problems.append(f"{name}: {len(archived)} MP4 files in its archive for {len(expected)} clips")
    if mode == "sharded":
        mine = {path: count for path, count in puts.items() if path.startswith(f"/W{w}/{name}/")}
        twice = [path for path, count in mine.items() if count != 1]
        if len(mine) != len(expected) or twice:
            problems.append(f"{name}: {len(mine)} MP4 files PUT to WebDAV for {len(expected)} clips, {len(twice)} more than once")
        else:
            shipped_ok += 1
bad_exits = [code for code in exits.split() if code != "0"]
if bad_exits:
    problems.append(f"worker exits {exits}")
for problem in problems[:40]:
    print(f"fleet-sim W={w}: {problem}", file=sys.stderr)
if len(problems) > 40:
    print(f"fleet-sim W={w}: ... {len(problems) - 40} more", file=sys.stderr)
def spread(counter):
    return ", ".join(f"{key}: {value}" for key, value in sorted(counter.items(), key=lambda item: str(item[0])))
shipped = f"{shipped_ok}/{len(listed)} accounts" if mode == "sharded" else f"not checked ({mode})"
verdict = "all hold" if not problems else f"**{len(problems)} failed**"
print(f"| {w} | {mode} | {wall} | {speedup} | {len(listed)} | {clips_total} | {segments_total} | {spread(plays)} | {spread(segment_ratio)} "
      f"| {spread(logins)} | {shipped} | {exits} | {verdict} |")
sys.exit(1 if problems else 0)
EOF
    tail -n 1 "$work/table.md" >&2
done

echo
echo "$(sed -n 's/^Serving \(.*\)\.$/\1/p' "$work/sandbox.log") ($accounts accounts x $cameras cameras; sandbox: $sandbox_args), on $(nproc) cores."
echo "Columns \"record.play per clip\" and the next two count clips (or accounts) by how often: \"1: N\" is N clips asked for once."
echo
cat "$work/table.md"
if [ "$failed" != 0 ]; then
    echo "fleet-sim: some checks failed (above)" >&2
    exit 1
fi
if [ "$mode" = legacy ]; then
    echo
    echo "fleet-sim: the checks hold for the legacy fleet; the sharded run (backup --shards) waits for issue #15's CLI"
fi
