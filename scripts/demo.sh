#!/usr/bin/env bash
# The main job against the embedded sandbox cloud: installs what is missing, builds, starts
# `ivy-archiver sandbox` on a free local port, and talks to it as a user would.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/ensure-packages.sh
swift build -c release --product ivy-archiver
bin="$(swift build -c release --show-bin-path)/ivy-archiver"

log="$(mktemp)"
"$bin" sandbox --port 0 >"$log" 2>&1 &
sandbox=$!
trap 'kill $sandbox 2>/dev/null; rm -f "$log"' EXIT
for _ in $(seq 1 100); do grep -q "listening on" "$log" && break; sleep 0.1; done
url="$(grep -o 'http://127.0.0.1:[0-9]*' "$log" | head -n 1)"
[ -n "$url" ] || { cat "$log" >&2; echo "the sandbox did not start" >&2; exit 1; }

export IVY_API_URL="$url" IVY_OEM_CODE=SANDBOX IVY_USERNAME=demo@example.com IVY_PASSWORD=sandbox-password
echo "== Sandbox cloud at $url"
echo; echo "== ivy-archiver time"; "$bin" time
echo; echo "== ivy-archiver devices"; "$bin" devices
first="$("$bin" devices --json | grep -o '"mac" : "[0-9A-F]*"' | head -n 1 | grep -o '[0-9A-F]\{12\}')"
echo; echo "== ivy-archiver recordings --device $first"; "$bin" recordings --device "$first"
echo; echo "== ivy-archiver service --device $first"; "$bin" service --device "$first"
echo; echo "== ivy-archiver init --archive ./demo-archive (backup refuses a folder that is not an archive)"
"$bin" init --archive demo-archive
echo; echo "== ivy-archiver backup --archive ./demo-archive"
"$bin" backup --archive demo-archive --timezone UTC
echo; echo "== the archive"
find demo-archive -path demo-archive/.ivy-archiver -prune -o -type f -print | sort
echo; echo "== ivy-archiver ls --archive ./demo-archive (from the catalog alone; the same as pages: demo-archive/index.html)"
"$bin" ls --archive demo-archive --timezone UTC
echo; echo "== a second run fetches nothing new"
"$bin" backup --archive demo-archive --timezone UTC | tail -n 1
echo; echo "== ivy-archiver export: ten minutes of the front door, from the archive, as one MP4"
clip="$(find demo-archive -path '*Front-Door_*' -name '*_continuous.mp4' | sort | head -n 1)"
day="$(basename "$(dirname "$clip")")"
name="$(basename "$clip")"
from="$day ${name:0:2}:${name:2:2}:${name:4:2}"
to="$(date -u -d "$from UTC + 10 minutes" '+%Y-%m-%d %H:%M:%S')"
mkdir -p demo-export
"$bin" export --device "Front Door" --from "$from" --to "$to" --output demo-export/front-door.mp4 \
    --archive demo-archive --timezone UTC --force
echo; echo "== ivy-archiver export --check demo-export/front-door.mp4"
"$bin" export --check demo-export/front-door.mp4
echo; echo "== ivy-archiver export --exact: the garage's last continuous chunk, from the cloud"
clip="$(find demo-archive -path '*Garage_*' -name '*_continuous.mp4' | sort | tail -n 1)"
day="$(basename "$(dirname "$clip")")"
name="$(basename "$clip")"
from="$(date -u -d "$day ${name:0:2}:${name:2:2}:${name:4:2} UTC + 61 seconds" '+%Y-%m-%d %H:%M:%S')"
to="$(date -u -d "$from UTC + 2 minutes" '+%Y-%m-%d %H:%M:%S')"
"$bin" export --device Garage --from "$from" --to "$to" --exact --output demo-export/garage.mp4 --timezone UTC --force
"$bin" export --check demo-export/garage.mp4
