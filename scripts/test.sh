#!/usr/bin/env bash
# Runs the whole test suite: installs what is missing, checks the Kubernetes manifests
# (scripts/check-kubernetes.py), then `swift test`.
# Tests start their own sandbox cloud on 127.0.0.1 and judge media with ffprobe.
# Then a release smoke test (scripts/demo.sh: backup and exports against the sandbox), because
# twice a task-group bug showed only in release builds; IVY_SKIP_RELEASE_SMOKE=1 skips it. Then
# the Debian package test (root only; IVY_SKIP_PACKAGE_TEST=1 skips it).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/ensure-packages.sh ffmpeg sqlite3 prometheus chromium rclone apprise
# The Kubernetes manifests first (seconds): the schema (kubernetes-validate --strict, from PyPI)
# and the Indexed Job's rules (--shards equal to completions, exit 2 fails the Job, ...).
scripts/ensure-pip-packages.sh kubernetes_validate=kubernetes-validate
scripts/check-kubernetes.py || { echo "the Kubernetes manifests (deploy/kubernetes) fail their check" >&2; exit 1; }
swift build --build-tests
swift test --skip-build "$@"
# The bounded-concurrency helper, a package of its own, in both modes: task-group code like it
# broke twice in release builds only.
for mode in debug release; do
    log="$(mktemp)"
    swift test --package-path Packages/IvyConcurrency -c "$mode" >"$log" 2>&1 || { cat "$log"; echo "IvyConcurrency tests ($mode) failed" >&2; exit 1; }
    echo "IvyConcurrency tests ($mode): $(grep -E 'Test run with' "$log" | tail -n 1)"
    rm -f "$log"
done
if [ "${IVY_SKIP_RELEASE_SMOKE:-0}" != 1 ]; then
    log="$(mktemp)"
    if ! scripts/demo.sh >"$log" 2>&1; then
        tail -n 60 "$log"
        echo "release smoke test (scripts/demo.sh) failed" >&2
        exit 1
    fi
    grep -q "demo-export/garage.mp4: matches its record" "$log" || { tail -n 60 "$log"; echo "release smoke test incomplete" >&2; exit 1; }
    echo "release smoke test (scripts/demo.sh): ok"
    rm -f "$log"
fi
# The Debian package, proven on a clean Debian 12 root without Swift (scripts/package-test.sh:
# debootstrap, apt, the units under systemd-nspawn). Needs root; IVY_SKIP_PACKAGE_TEST=1 skips it.
if [ "${IVY_SKIP_PACKAGE_TEST:-0}" != 1 ]; then
    if [ "$(id -u)" -ne 0 ]; then
        echo "package test skipped: scripts/package-test.sh needs root"
    else
        log="$(mktemp)"
        if ! scripts/package-test.sh >"$log" 2>&1; then
            tail -n 60 "$log"
            echo "package test (scripts/package-test.sh) failed" >&2
            exit 1
        fi
        echo "package test (scripts/package-test.sh): $(tail -n 1 "$log")"
        rm -f "$log"
    fi
fi
