#!/usr/bin/env bash
# Builds the Debian package: a release build with the Swift runtime, standard library and
# Foundation linked statically (--static-swift-stdlib, scratch path .build-static), stripped, with
# a man page, bash/zsh/fish completions, the samples and the systemd units. It depends on
# Debian 12's shared libraries of FFmpeg, libcurl and SQLite, and on the libc-level packages the
# binary really links (computed by dpkg-shlibdeps from its NEEDED entries, never listed by hand).
#
# The build works on a copy of the sources (.build-package/src, updated with rsync so that
# unchanged files are not rebuilt): it sees one moment of a tree that may be edited meanwhile,
# and its BuildInfo.swift carries the commit and the build date (`ivy-archiver --version`).
#
# Usage: scripts/package.sh            -> .build-package/ivy-archiver_<version>_<arch>.deb
#   IVY_PACKAGE_REF=v1.0 (or HEAD): package that commit instead of the working tree.
#   IVY_PACKAGE_VERSION=1.2.3 overrides the version (else the binary's --version, else git).
#   SWIFT_BUILD_LOCK: the lock file every Swift build here takes (default /tmp/swift-build.lock),
#   so that builds started at the same time on one machine run one after the other.
# The last line printed is the package's path. scripts/package-test.sh installs and tries it.
set -euo pipefail
cd "$(dirname "$0")/.."
umask 022

scripts/ensure-packages.sh dpkg-dev binutils rsync

lock="${SWIFT_BUILD_LOCK:-/tmp/swift-build.lock}"
swift_locked() { flock "$lock" swift "$@"; }

scratch="$PWD/.build-static"
out=.build-package
src="$out/src"
epoch="${SOURCE_DATE_EPOCH:-$(date +%s)}"
build_date="$(date -u -d "@$epoch" +%F)"

echo "== Sources -> $src" >&2
ref="${IVY_PACKAGE_REF:-}"
from="$PWD"
exported=""
if [ -n "$ref" ]; then
    commit="$(git rev-parse --short=7 "$ref^{commit}")"
    exported="$(mktemp -d)"
    git archive "$ref" | tar -x -C "$exported"
    [ ! -f Package.resolved ] || [ -f "$exported/Package.resolved" ] || cp Package.resolved "$exported/"
    from="$exported"
else
    commit="$(git rev-parse --short=7 HEAD 2>/dev/null || echo unknown)"
    if [ "$commit" != unknown ] && ! git diff --quiet HEAD 2>/dev/null; then commit="$commit-modified"; fi
fi
info=Sources/IvyArchiverCLI/BuildInfo.swift
mkdir -p "$src"
# What git would take (each .gitignore honoured) plus Package.resolved, which pins the versions.
rsync -rlpc --delete --include=/Package.resolved --exclude=/.git --exclude="/$info" --filter=':- .gitignore' "$from/" "$src/"
if [ -f "$from/$info" ]; then
    # Replaced only when it changes, so that an unchanged tree is not rebuilt.
    sed -e "s|static let commit = \"unknown\"|static let commit = \"$commit\"|" \
        -e "s|static let date = \"unknown\"|static let date = \"$build_date\"|" "$from/$info" >"$src/$info.new"
    grep -q "static let commit = \"$commit\"" "$src/$info.new" || echo "warning: $info has no commit to fill in" >&2
    if cmp -s "$src/$info.new" "$src/$info"; then rm "$src/$info.new"; else mv "$src/$info.new" "$src/$info"; fi
else
    rm -f "$src/$info"
fi
[ -z "$exported" ] || rm -rf "$exported"

build_flags=(-c release --static-swift-stdlib --package-path "$src" --scratch-path "$scratch")
echo "== Release build, Swift runtime linked statically ($scratch)" >&2
swift_locked build "${build_flags[@]}" --product ivy-archiver >&2 # stdout is for the path alone
bindir="$(swift_locked build "${build_flags[@]}" --show-bin-path)"
built="$bindir/ivy-archiver"

# The Swift runtime must be inside the binary: no libswift*/libFoundation* may be NEEDED.
needed="$(objdump -p "$built" | awk '$1 == "NEEDED" { print $2 }')"
if grep -Eq '^lib(swift|Foundation|_Foundation|dispatch|BlocksRuntime|icu)' <<<"$needed"; then
    echo "the binary still links the Swift runtime dynamically:" >&2
    echo "$needed" >&2
    exit 1
fi

arch="$(dpkg --print-architecture)"
version="${IVY_PACKAGE_VERSION:-}"
if [ -z "$version" ]; then
    # The first version-looking word of `ivy-archiver --version` ("ivy-archiver 0.2.0 (commit ...)").
    version="$("$built" --version 2>/dev/null | head -n 1 | grep -oE '[0-9]+(\.[0-9]+)+([~+][0-9A-Za-z.~+]*)?' | head -n 1 || true)"
fi
if [ -z "$version" ]; then
    version="$(git describe --tags --always 2>/dev/null | sed -e 's/^v//' -e 's/-/+/g')"
    [[ "$version" =~ ^[0-9] ]] || version="0.0.0+git$version"
fi
[[ "$version" =~ ^[0-9][0-9A-Za-z.+~]*$ ]] || { echo "not a Debian version: '$version'" >&2; exit 1; }

stage="$out/stage/ivy-archiver_${version}_$arch"
rm -rf "$stage"
mkdir -p "$stage/DEBIAN"

# The binary lives in /usr/lib/ivy-archiver beside its resource bundles (the sandbox's media
# templates, which SwiftPM's Bundle.module looks for next to the executable it resolves through
# /proc/self/exe); /usr/bin/ivy-archiver links to it.
install -D -m 755 "$built" "$stage/usr/lib/ivy-archiver/ivy-archiver"
strip --strip-unneeded --remove-section=.comment "$stage/usr/lib/ivy-archiver/ivy-archiver"
for bundle in "$bindir"/*.resources; do
    [ -e "$bundle" ] || continue
    cp -R "$bundle" "$stage/usr/lib/ivy-archiver/"
done
chmod -R u=rwX,go=rX "$stage/usr/lib/ivy-archiver"
mkdir -p "$stage/usr/bin"
ln -s ../lib/ivy-archiver/ivy-archiver "$stage/usr/bin/ivy-archiver"
bin="$stage/usr/lib/ivy-archiver/ivy-archiver"

# Man page. swift-argument-parser's own generator (generate-manual, from the checkout this build
# resolved) writes it from the binary's --experimental-dump-help: every command, option and help
# text, always in step with the code, with no extra Debian package. help2man is the fallback: it
# would only see the top-level --help.
echo "== Man page (generate-manual)" >&2
mkdir -p "$stage/usr/share/man/man1"
if swift_locked build --package-path "$scratch/checkouts/swift-argument-parser" --product generate-manual \
        --scratch-path "$PWD/.build-manual" >"$out/generate-manual.log" 2>&1; then
    generator="$(swift_locked build --package-path "$scratch/checkouts/swift-argument-parser" --scratch-path "$PWD/.build-manual" --show-bin-path)/generate-manual"
    manual="$(mktemp -d)"
    "$generator" "$bin" --section 1 --date "$build_date" --output-directory "$manual" >&2
    cp "$manual/ivy-archiver.1" "$stage/usr/share/man/man1/ivy-archiver.1"
    rm -rf "$manual"
else
    tail -n 20 "$out/generate-manual.log" >&2
    echo "generate-manual did not build: using help2man" >&2
    scripts/ensure-packages.sh help2man
    help2man --no-info --section 1 --name "back up Foscam / IVYIOT cloud recordings" \
        --version-string "$version" "$bin" >"$stage/usr/share/man/man1/ivy-archiver.1"
fi
# An empty line in mdoc is a paragraph break that groff warns about: say it with .Pp.
sed -i 's/^$/.Pp/' "$stage/usr/share/man/man1/ivy-archiver.1"
gzip -9n "$stage/usr/share/man/man1/ivy-archiver.1"

echo "== Shell completions" >&2
install -d "$stage/usr/share/bash-completion/completions" "$stage/usr/share/zsh/vendor-completions" \
    "$stage/usr/share/fish/vendor_completions.d"
# bash-completion sources the file: no #! line.
"$bin" --generate-completion-script bash | sed '1{/^#!/d}' >"$stage/usr/share/bash-completion/completions/ivy-archiver"
"$bin" --generate-completion-script zsh >"$stage/usr/share/zsh/vendor-completions/_ivy-archiver"
"$bin" --generate-completion-script fish >"$stage/usr/share/fish/vendor_completions.d/ivy-archiver.fish"

# Units and samples: the samples name /usr/local/bin (an install from source); packaged, the
# binary is /usr/bin/ivy-archiver.
packaged() { sed -e 's|/usr/local/bin/ivy-archiver|/usr/bin/ivy-archiver|g' "$1"; }
install -d "$stage/usr/lib/systemd/system" "$stage/usr/share/doc/ivy-archiver/examples" "$stage/etc/ivy-archiver"
for unit in "$src"/samples/*.service "$src"/samples/*.timer; do
    packaged "$unit" >"$stage/usr/lib/systemd/system/$(basename "$unit")"
done
for sample in "$src"/samples/*; do
    packaged "$sample" >"$stage/usr/share/doc/ivy-archiver/examples/$(basename "$sample")"
done
install -m 644 "$src/packaging/copyright" "$stage/usr/share/doc/ivy-archiver/copyright"
gzip -9nc "$src/README.md" >"$stage/usr/share/doc/ivy-archiver/README.md.gz"

echo "== Depends (dpkg-shlibdeps)" >&2
shlibs="$(mktemp -d)"
mkdir -p "$shlibs/debian"
printf 'Source: ivy-archiver\n\nPackage: ivy-archiver\nArchitecture: any\n' >"$shlibs/debian/control"
depends="$(cd "$shlibs" && dpkg-shlibdeps -O "-e$OLDPWD/$bin" 2>/dev/null | sed -n 's/^shlibs:Depends=//p')"
rm -rf "$shlibs"
[ -n "$depends" ] || { echo "dpkg-shlibdeps found no dependencies" >&2; exit 1; }
echo "NEEDED: $(tr '\n' ' ' <<<"$needed")" >&2
echo "Depends: $depends" >&2

# Control files. The maintainer: $DEBFULLNAME <$DEBEMAIL>, else git's identity.
maintainer_name="${DEBFULLNAME:-$(git config user.name 2>/dev/null || echo "IvyArchiver maintainers")}"
maintainer_email="${DEBEMAIL:-$(git config user.email 2>/dev/null || echo "root@localhost")}"
maintainer="$maintainer_name <$maintainer_email>"
# A native package's changelog: this build.
printf 'ivy-archiver (%s) unstable; urgency=medium\n\n  * Built from commit %s.\n\n -- %s  %s\n' \
    "$version" "$commit" "$maintainer" "$(date -u -R -d "@$epoch")" | gzip -9n >"$stage/usr/share/doc/ivy-archiver/changelog.gz"
installed_size="$(du -sk --exclude=DEBIAN "$stage" | cut -f 1)"
sed -e "s|@VERSION@|$version|" -e "s|@ARCHITECTURE@|$arch|" -e "s|@INSTALLED_SIZE@|$installed_size|" \
    -e "s|@DEPENDS@|$depends|" -e "s|@MAINTAINER@|$maintainer|" "$src/packaging/control.in" >"$stage/DEBIAN/control"
install -m 755 "$src/packaging/postinst" "$src/packaging/prerm" "$src/packaging/postrm" "$stage/DEBIAN/"
(cd "$stage" && find . -type f ! -path './DEBIAN/*' -printf '%P\0' | sort -z | xargs -0 md5sum) >"$stage/DEBIAN/md5sums"
find "$stage" -exec touch -h -d "@$epoch" {} +

deb="$out/ivy-archiver_${version}_$arch.deb"
rm -f "$deb"
SOURCE_DATE_EPOCH="$epoch" dpkg-deb --root-owner-group -Zxz --build "$stage" "$deb" >&2

size="$(stat -c %s "$deb")"
limit=$((40 * 1024 * 1024))
echo "== $(basename "$deb"): $((size / 1024)) KiB (binary $(( $(stat -c %s "$bin") / 1024 )) KiB stripped, installed $installed_size KiB)" >&2
if [ "$size" -ge "$limit" ]; then
    echo "the package is over 40 MB" >&2
    exit 1
fi
echo "$deb"
