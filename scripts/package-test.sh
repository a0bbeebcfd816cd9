#!/usr/bin/env bash
# Proves the Debian package on a clean Debian 12: builds it (scripts/package.sh) unless given one,
# makes a minimal Debian 12 root with debootstrap (cached in .build-package/debian12-base; each
# run works on a fresh copy), installs the package there with apt, so that its dependencies come
# from Debian's mirror and nothing from this machine (no Swift toolchain) is in reach, then, in
# that root (chroot):
#   - ivy-archiver --version, the man page, completions, samples and units in place;
#   - the ivy-archiver user, /var/lib/ivy-archiver and /etc/ivy-archiver as postinst made them;
#   - the packaged sandbox cloud, and a real backup against it run exactly as the service runs
#     it (its ExecStart=, as its user, with its environment), a second run that fetches nothing,
#     and verify;
#   - systemd-analyze verify of every unit (systemd installed into the root afterwards for it),
#     and systemd-analyze security --offline: each backup service's exposure under 4.0;
#   - then the root booted with systemd-nspawn, where the units run for real, confined as they
#     are: the service, a template instance into /srv/camera-archive, an instance whose archive
#     the confinement forbids (it must fail, and OnFailure= must log it), the timers.
# Usage: scripts/package-test.sh [PACKAGE.deb]
#   DEBIAN_MIRROR (default http://deb.debian.org/debian); IVY_PACKAGE_TEST_BOOT=0 skips the boot.
#   Needs root (debootstrap, chroot, mount, systemd-nspawn).
set -euo pipefail
cd "$(dirname "$0")/.."

[ "$(id -u)" -eq 0 ] || { echo "package-test.sh needs root (debootstrap, chroot, mount)" >&2; exit 1; }
if [ $# -gt 0 ]; then
    deb="$(realpath "$1")"
else
    deb="$(scripts/package.sh)"
    deb="$(realpath "$(tail -n 1 <<<"$deb")")"
fi
[ -f "$deb" ] || { echo "no package at $deb" >&2; exit 1; }
boot="${IVY_PACKAGE_TEST_BOOT:-1}"
if [ "$boot" = 1 ]; then scripts/ensure-packages.sh debootstrap procps systemd-container; else scripts/ensure-packages.sh debootstrap procps; fi

work="$PWD/.build-package"
base="$work/debian12-base"
root="$work/test-root"
archives="$work/apt-archives"
mirror="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
mkdir -p "$work" "$archives/partial"

in_root() { chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 "$@"; }
step() { printf '\n== %s\n' "$*"; }
fail() { echo "package-test: FAILED: $*" >&2; exit 1; }

mounts=()
sandbox=""
container=""
stop_sandbox() {
    if [ -n "$sandbox" ]; then kill "$sandbox" 2>/dev/null || true; wait "$sandbox" 2>/dev/null || true; fi
    sandbox=""
}
cleanup() {
    stop_sandbox
    if [ -n "$container" ]; then
        kill "$container" 2>/dev/null || true # nspawn shuts the container down on SIGTERM
        for _ in $(seq 1 300); do kill -0 "$container" 2>/dev/null || break; sleep 0.1; done
        kill -9 "$container" 2>/dev/null || true
        wait "$container" 2>/dev/null || true
        container=""
    fi
    local index
    for ((index = ${#mounts[@]} - 1; index >= 0; index--)); do umount "${mounts[index]}" 2>/dev/null || umount -l "${mounts[index]}" || true; done
    mounts=()
}
trap cleanup EXIT
mount_in_root() { # mount_in_root TARGET MOUNT-ARGUMENTS...
    local target="$root$1"; shift
    mkdir -p "$target"
    mount "$@" "$target"
    mounts+=("$target")
}
# Never delete a tree something is still mounted in (a killed earlier run's /proc, /dev).
unmount_leftovers() {
    local target
    while read -r target; do umount -l "$target" || true; done < <(findmnt -rn -o TARGET | grep -F "$1/" | sort -r)
    if findmnt -rn -o TARGET | grep -qF "$1/"; then fail "something is still mounted under $1"; fi
}

step "Debian 12 base root (debootstrap --variant=minbase, cached in $base)"
if [ ! -f "$base/.complete" ]; then
    unmount_leftovers "$base.partial"
    rm -rf "$base.partial" "$base"
    debootstrap --variant=minbase bookworm "$base.partial" "$mirror"
    cat >"$base.partial/etc/apt/sources.list" <<EOF
deb $mirror bookworm main
deb $mirror bookworm-updates main
deb ${mirror%/debian}/debian-security bookworm-security main
EOF
    touch "$base.partial/.complete"
    mv "$base.partial" "$base"
else
    echo "cached"
fi

step "A fresh copy of it ($root)"
unmount_leftovers "$root"
rm -rf "$root"
cp -a "$base" "$root"
cp /etc/resolv.conf "$root/etc/resolv.conf"
mount_in_root /proc -t proc proc
mount_in_root /dev --bind /dev
mount_in_root /var/cache/apt/archives --bind "$archives"
if in_root sh -c 'command -v swift || ls /usr/lib/swift /usr/lib/x86_64-linux-gnu/libswiftCore.so' >/dev/null 2>&1; then
    fail "the root has a Swift toolchain"
fi

step "apt install ./$(basename "$deb") (dependencies from $mirror, no recommends)"
cp "$deb" "$root/tmp/"
in_root apt-get update -qq
before="$(in_root dpkg-query -W -f='${Package}\n' | sort)"
DEBIAN_FRONTEND=noninteractive in_root apt-get install -y -q --no-install-recommends "/tmp/$(basename "$deb")" >"$work/apt-install.log" 2>&1 \
    || { tail -n 30 "$work/apt-install.log"; fail "apt could not install the package"; }
added="$(comm -13 <(echo "$before") <(in_root dpkg-query -W -f='${Package}\n' | sort))"
echo "$(wc -l <<<"$added") packages added: $(tr '\n' ' ' <<<"$added")"
in_root dpkg-query -W -f='Depends: ${Depends}\nInstalled-Size: ${Installed-Size} KiB\n' ivy-archiver
if grep -Eiq 'swift' <<<"$added"; then fail "a Swift package came along"; fi

step "ivy-archiver --version"
in_root ivy-archiver --version || fail "ivy-archiver --version"
missing="$(in_root sh -c 'ldd /usr/lib/ivy-archiver/ivy-archiver | grep "not found"' || true)"
[ -z "$missing" ] || fail "libraries not found: $missing"

step "Files the package installs"
for file in /usr/bin/ivy-archiver /usr/share/man/man1/ivy-archiver.1.gz \
    /usr/share/bash-completion/completions/ivy-archiver /usr/share/zsh/vendor-completions/_ivy-archiver \
    /usr/share/fish/vendor_completions.d/ivy-archiver.fish /usr/share/doc/ivy-archiver/copyright \
    /usr/share/doc/ivy-archiver/examples/config.toml /usr/share/doc/ivy-archiver/examples/crontab \
    /usr/lib/systemd/system/ivy-archiver-backup.service /usr/lib/systemd/system/ivy-archiver-backup.timer \
    /usr/lib/systemd/system/ivy-archiver-backup@.service /usr/lib/systemd/system/ivy-archiver-backup@.timer \
    /usr/lib/systemd/system/ivy-archiver-account@.service /usr/lib/systemd/system/ivy-archiver-account@.timer \
    /usr/lib/systemd/system/ivy-archiver-failure@.service; do
    [ -e "$root$file" ] || fail "$file is missing"
done
# Read whole first: grep -q stops at its match, and zcat, cut off mid-page, would fail the pipe.
manual="$(zcat "$root/usr/share/man/man1/ivy-archiver.1.gz")"
grep -Eq '^\.(TH|Dt) IVY-ARCHIVER 1' <<<"$manual" || fail "the man page is no man page"
grep -q 'backup' <<<"$manual" || fail "the man page does not describe backup"
grep -q 'ivy-archiver' "$root/usr/share/bash-completion/completions/ivy-archiver" || fail "no bash completion"
if grep -rq /usr/local/bin "$root/usr/lib/systemd/system/"ivy-archiver* "$root/usr/share/doc/ivy-archiver/examples"; then
    fail "a packaged unit or sample names /usr/local/bin"
fi
echo "binary, man page, completions (bash, zsh, fish), samples, units: present"

step "The ivy-archiver user (postinst)"
in_root id ivy-archiver
in_root stat -c '%n %U:%G %a' /var/lib/ivy-archiver /etc/ivy-archiver
[ "$(in_root stat -c %U /var/lib/ivy-archiver)" = ivy-archiver ] || fail "/var/lib/ivy-archiver is not the user's"
[ "$(in_root getent passwd ivy-archiver | cut -d: -f6)" = /var/lib/ivy-archiver ] || fail "the user's home is not /var/lib/ivy-archiver"

step "The packaged sandbox cloud (ivy-archiver sandbox --port 0, in the root)"
sandbox_log="$work/sandbox.log"
chroot "$root" /usr/bin/env -i PATH=/usr/bin:/bin /usr/bin/ivy-archiver sandbox --port 0 --days 2 >"$sandbox_log" 2>&1 &
sandbox=$!
for _ in $(seq 1 100); do grep -q "listening on" "$sandbox_log" && break; kill -0 "$sandbox" 2>/dev/null || break; sleep 0.1; done
url="$(grep -o 'http://127.0.0.1:[0-9]*' "$sandbox_log" | head -n 1 || true)"
[ -n "$url" ] || { cat "$sandbox_log" >&2; fail "the sandbox did not start"; }
echo "listening on $url"

step "A backup as the service runs it (ExecStart= of ivy-archiver-backup.service, as ivy-archiver)"
cat >"$root/etc/ivy-archiver/config.toml" <<EOF
api_url = "$url"
oem_code = "SANDBOX"
username = "demo@example.com"
password = "sandbox-password"
timezone = "Europe/Berlin"
archive = "/var/lib/ivy-archiver/archive"
EOF
in_root chown root:ivy-archiver /etc/ivy-archiver/config.toml
chmod 640 "$root/etc/ivy-archiver/config.toml"
unit="$root/usr/lib/systemd/system/ivy-archiver-backup.service"
exec_start="$(sed -n 's/^ExecStart=//p' "$unit")"
state_dir="$(sed -n 's/^Environment=IVY_STATE_DIR=//p' "$unit" | sed 's|%S|/var/lib|')"
if [ -z "$exec_start" ] || [ -z "$state_dir" ]; then fail "cannot read ExecStart= and IVY_STATE_DIR from the unit"; fi
as_service() {
    chroot --userspec=ivy-archiver:ivy-archiver "$root" /usr/bin/env -i PATH=/usr/bin:/bin HOME=/var/lib/ivy-archiver \
        IVY_STATE_DIR="$state_dir" "$@"
}
# Archives are made on purpose (`ivy-archiver init`) in versions that have the command.
has_init=0
if in_root /usr/bin/ivy-archiver init --help >/dev/null 2>&1; then
    has_init=1
    as_service /usr/bin/ivy-archiver init --config /etc/ivy-archiver/config.toml || fail "ivy-archiver init"
fi
echo "$exec_start"
# shellcheck disable=SC2086 # the unit's command line, split on spaces as systemd does here
as_service $exec_start || fail "the backup failed (exit $?)"
clips="$(find "$root/var/lib/ivy-archiver/archive" -path '*/.ivy-archiver' -prune -o -name '*.mp4' -print | wc -l)"
[ "$clips" -gt 0 ] || fail "the backup archived nothing"
echo "$clips clips in /var/lib/ivy-archiver/archive:"
find "$root/var/lib/ivy-archiver/archive" -path '*/.ivy-archiver' -prune -o -name '*.mp4' -printf '  %P\n' | sort | sed -n '1,5p'
echo "  ..."
find "$root/var/lib/ivy-archiver" -maxdepth 1 -name 'session-*.json' -printf 'session kept: %p\n' | sed "s|$root||"
[ -n "$(find "$root$state_dir" -maxdepth 1 -name 'session-*.json')" ] || fail "no session file in $state_dir"
[ -z "$(find "$root/var/lib/ivy-archiver" ! -user "$(stat -c %u "$root/var/lib/ivy-archiver")" -print -quit)" ] \
    || fail "files under /var/lib/ivy-archiver not owned by ivy-archiver"

step "A second run fetches nothing new"
# shellcheck disable=SC2086
second="$(as_service $exec_start)" || fail "the second backup failed"
echo "$second" | tail -n 1
# The summary line starts with the time when there is no terminal.
grep -Eq '(^| )0 archived, ' <<<"$(echo "$second" | tail -n 1)" || fail "the second run fetched again"

step "ivy-archiver verify (every clip opens as media of the right length)"
as_service /usr/bin/ivy-archiver verify --config /etc/ivy-archiver/config.toml | tail -n 3 || fail "verify"
stop_sandbox

step "Reinstall, remove, purge and install again (the maintainer scripts)"
pkg="/tmp/$(basename "$deb")"
DEBIAN_FRONTEND=noninteractive in_root apt-get install -y -q --reinstall "$pkg" >>"$work/apt-install.log" 2>&1 || fail "reinstall"
in_root dpkg --remove ivy-archiver >>"$work/apt-install.log" 2>&1 || fail "dpkg --remove"
[ ! -e "$root/usr/bin/ivy-archiver" ] || fail "/usr/bin/ivy-archiver is still there after removal"
[ -f "$root/etc/ivy-archiver/config.toml" ] || fail "removal took the administrator's config"
in_root dpkg --purge ivy-archiver >>"$work/apt-install.log" 2>&1 || fail "dpkg --purge"
in_root id ivy-archiver >/dev/null || fail "purge removed the user (its files would lose their owner)"
[ -f "$root/var/lib/ivy-archiver/archive/.ivy-archiver/catalog.sqlite" ] || fail "purge removed the archive"
DEBIAN_FRONTEND=noninteractive in_root apt-get install -y -q "$pkg" >>"$work/apt-install.log" 2>&1 || fail "install after purge"
as_service /usr/bin/ivy-archiver verify --config /etc/ivy-archiver/config.toml | tail -n 1 || fail "verify after reinstall"
echo "reinstalled, removed (config kept), purged (user, state and archive kept), installed again: the archive verifies"

step "systemd-analyze verify (systemd installed into the test root for it)"
DEBIAN_FRONTEND=noninteractive in_root apt-get install -y -q --no-install-recommends systemd >"$work/apt-systemd.log" 2>&1 \
    || { tail -n 30 "$work/apt-systemd.log"; fail "apt could not install systemd"; }
units=(ivy-archiver-backup.service ivy-archiver-backup.timer ivy-archiver-backup@home.service ivy-archiver-backup@home.timer
    ivy-archiver-account@home.service ivy-archiver-account@home.timer ivy-archiver-failure@ivy-archiver-backup.service)
in_root systemd-analyze --version | sed -n '1p'
# --man=no: the root has no man-db (the man page was checked above).
verify_log="$(in_root systemd-analyze verify --man=no "${units[@]/#//usr/lib/systemd/system/}" 2>&1)" || { echo "$verify_log"; fail "systemd-analyze verify"; }
# verify complains of units it merely sees (it loads the dependencies too): ours must be clean.
if grep -i 'ivy-archiver' <<<"$verify_log"; then fail "systemd-analyze verify found problems in our units"; fi
echo "systemd-analyze verify ${units[*]}: ok"

step "systemd-analyze security --offline=true (exposure must be under 4.0)"
for service in ivy-archiver-backup.service ivy-archiver-backup@home.service ivy-archiver-account@home.service; do
    line="$(in_root systemd-analyze security --offline=true "/usr/lib/systemd/system/$service" 2>&1 | grep 'Overall exposure level')" \
        || fail "systemd-analyze security $service"
    echo "$line"
    exposure="$(grep -oE 'level for [^:]*: [0-9.]+' <<<"$line" | grep -oE '[0-9.]+$')"
    awk -v e="$exposure" 'BEGIN { exit !(e < 4.0) }' || fail "$service: exposure $exposure is not under 4.0"
done

if [ "$boot" = 1 ]; then
    step "The units under systemd (the test root booted with systemd-nspawn)"
    cleanup # the chroot's mounts go: nspawn makes its own
    # CAP_IPC_LOCK as on a host (nspawn withholds it, and then refuses mlock to everything inside:
    # libgcrypt, which FFmpeg's libssh brings, would warn of insecure memory).
    systemd-nspawn --quiet --register=no --keep-unit --console=read-only --capability=CAP_IPC_LOCK --directory "$root" --boot >"$work/boot.log" 2>&1 &
    container=$!
    leader=""
    for _ in $(seq 1 300); do
        leader="$(pgrep -P "$container" | head -n 1 || true)"
        [ -n "$leader" ] && nsenter --target "$leader" --all /usr/bin/env -i PATH=/usr/bin:/bin systemctl is-system-running >/dev/null 2>&1 && break
        kill -0 "$container" 2>/dev/null || { cat "$work/boot.log" >&2; fail "the container did not boot"; }
        sleep 0.2
    done
    in_boot() { nsenter --target "$leader" --all /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 "$@"; }
    echo "systemd is $(in_boot systemctl is-system-running --wait || true) (PID $leader on this side)"

    # The sandbox as a transient unit of the container's systemd.
    in_boot systemd-run --quiet --unit=ivy-sandbox /usr/bin/ivy-archiver sandbox --port 0 --days 2
    url=""
    for _ in $(seq 1 100); do
        url="$(in_boot journalctl --unit=ivy-sandbox --output=cat --no-pager | grep -o 'http://127.0.0.1:[0-9]*' | head -n 1 || true)"
        [ -n "$url" ] && break
        sleep 0.1
    done
    [ -n "$url" ] || { in_boot journalctl --unit=ivy-sandbox --no-pager >&2; fail "the sandbox did not start under systemd"; }
    echo "sandbox (ivy-sandbox.service) at $url"

    # Three configs: the default one (the archive in the state folder), "home" (an archive in
    # /srv/camera-archive, which the units may write) and "forbidden" (an archive in /opt, which
    # the confinement keeps read-only: the run must fail, and its failure must be reported).
    config() { # config NAME ARCHIVE
        printf 'api_url = "%s"\noem_code = "SANDBOX"\nusername = "demo@example.com"\npassword = "sandbox-password"\ntimezone = "Europe/Berlin"\narchive = "%s"\n' \
            "$url" "$2" >"$root/etc/ivy-archiver/$1.toml"
        in_boot chown root:ivy-archiver "/etc/ivy-archiver/$1.toml"
        chmod 640 "$root/etc/ivy-archiver/$1.toml"
        in_boot install -d -o ivy-archiver -g ivy-archiver -m 750 "$2"
        if [ "$has_init" = 1 ]; then
            in_boot runuser -u ivy-archiver -- /usr/bin/ivy-archiver init --config "/etc/ivy-archiver/$1.toml" >/dev/null || fail "init $2"
        fi
    }
    config config /var/lib/ivy-archiver/archive
    config home /srv/camera-archive
    config forbidden /opt/cameras

    run_unit() { # run_unit UNIT: start it (a oneshot: returns when done), print its result and output
        local status=0
        in_boot systemctl start "$1" || status=$?
        echo "$1: $(in_boot systemctl show --property=Result --value "$1"), exit $(in_boot systemctl show --property=ExecMainStatus --value "$1")"
        # What the run printed last (less libdispatch's notes on thread priorities: see the unit).
        in_boot journalctl --unit="$1" --identifier=ivy-archiver --output=cat --no-pager | grep -v 'thread priority' | tail -n 1 | sed 's/^/  /'
        return "$status"
    }
    run_unit ivy-archiver-backup.service || fail "ivy-archiver-backup.service failed under systemd"
    run_unit ivy-archiver-backup@home.service || fail "ivy-archiver-backup@home.service failed under systemd"
    clips="$(find "$root/srv/camera-archive" -path '*/.ivy-archiver' -prune -o -name '*.mp4' -print | wc -l)"
    [ "$clips" -gt 0 ] || fail "ivy-archiver-backup@home.service archived nothing"
    echo "  $clips clips in /srv/camera-archive, owned by $(in_boot stat -c %U:%G /srv/camera-archive/.ivy-archiver/catalog.sqlite)"
    if run_unit ivy-archiver-backup@forbidden.service; then fail "a backup into /opt (read-only to the service) succeeded"; fi
    reported=""
    for _ in $(seq 1 100); do
        reported="$(in_boot journalctl --identifier=ivy-archiver --priority=err --output=cat --no-pager | grep -F 'ivy-archiver-backup@forbidden failed' || true)"
        [ -n "$reported" ] && break
        sleep 0.1
    done
    [ -n "$reported" ] || fail "OnFailure= did not report the failed run"
    echo "OnFailure= (ivy-archiver-failure@ivy-archiver-backup@forbidden.service) logged: $reported"

    in_boot systemctl enable --quiet --now ivy-archiver-backup.timer ivy-archiver-backup@home.timer
    # Captured whole first: `| head` would end systemctl with SIGPIPE, which pipefail reports.
    timers="$(in_boot systemctl list-timers --all --no-pager 'ivy-archiver-backup*')"
    head -n 3 <<<"$timers"
    in_boot systemctl is-active --quiet ivy-archiver-backup.timer ivy-archiver-backup@home.timer || fail "the timers are not active"
    in_boot systemd-analyze security --no-pager ivy-archiver-backup.service | tail -n 1

    cleanup # nspawn shuts the container down
    echo "container shut down"
fi

step "package-test: all checks passed ($(basename "$deb"), $(($(stat -c %s "$deb") / 1024)) KiB)"
