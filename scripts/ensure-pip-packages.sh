#!/usr/bin/env bash
# Installs the Python packages from PyPI that a check needs, when python3 cannot import them:
# the counterpart of scripts/ensure-packages.sh for what Debian does not package (or packages too
# old). Each argument is MODULE=PACKAGE (the name python3 imports, the name pip installs), e.g.
#   scripts/ensure-pip-packages.sh kubernetes_validate=kubernetes-validate
# Uses python3's own pip (Debian's python3-pip, installed when missing); on a Debian python3,
# which refuses to let pip write its site-packages (PEP 668), into the user's site-packages.
set -euo pipefail

missing=()
for pair in "$@"; do
    python3 -c "import ${pair%%=*}" 2>/dev/null || missing+=("${pair#*=}")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "Installing missing Python packages: ${missing[*]}" >&2
python3 -m pip --version >/dev/null 2>&1 || "$(dirname "$0")/ensure-packages.sh" python3-pip
pip=(python3 -m pip install --quiet --disable-pip-version-check)
if ! "${pip[@]}" "${missing[@]}" 2>/tmp/ensure-pip-packages.$$; then
    if grep -q externally-managed /tmp/ensure-pip-packages.$$; then
        "${pip[@]}" --user --break-system-packages "${missing[@]}"
    else
        cat /tmp/ensure-pip-packages.$$ >&2
        rm -f /tmp/ensure-pip-packages.$$
        exit 1
    fi
fi
rm -f /tmp/ensure-pip-packages.$$
for pair in "$@"; do
    python3 -c "import ${pair%%=*}" || { echo "python3 still cannot import ${pair%%=*} after pip installed ${pair#*=}" >&2; exit 1; }
done
