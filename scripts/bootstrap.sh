#!/usr/bin/env bash
# Create (or refresh) the project's virtual environment in .venv with everything the demo and the
# tests need, and expose the checkout as ansible_collections/camops/hikvision under build/.
# Idempotent: a second run only checks that the requirements are satisfied.
#   scripts/bootstrap.sh --core 2.16 [--core 2.17 ...]   also makes .venv-2.16 (...) with that ansible-core, for the
#   version matrix's stages (scripts/test.sh)
#   scripts/bootstrap.sh --browser   also installs Debian's chromium (apt) for the browser stage
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PYTHON="${PYTHON:-python3}"
VENV="$ROOT/.venv"

# One more venv for each --core X.Y: ansible-core X.Y.* with what the version matrix's stages need.
core_venv() {
    local version="$1" venv="$ROOT/.venv-$1" stamp want
    if [ ! -x "$venv/bin/python" ]; then
        echo "bootstrap: creating $venv"
        "$PYTHON" -m venv "$venv"
    fi
    stamp="$venv/.requirements.sha256"
    want="$( (echo "$version"; cat "$ROOT/tests/requirements-core.txt") | sha256sum | cut -d' ' -f1)"
    if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
        echo "bootstrap: installing ansible-core $version"
        "$venv/bin/python" -m pip install --quiet --disable-pip-version-check \
            "ansible-core==$version.*" -r "$ROOT/tests/requirements-core.txt" 2> >(grep -v '^WARNING: Location' >&2)
        echo "$want" > "$stamp"
    fi
}
BROWSER=0
while [ $# -gt 0 ]; do
    case "$1" in
        --browser) BROWSER=1; shift ;;
        --core) [ -n "${2:-}" ] || { echo "bootstrap: --core needs a version (2.16)" >&2; exit 2; }
                core_venv "$2"; shift 2 ;;
        *) echo "bootstrap: unknown argument $1" >&2; exit 2 ;;
    esac
done

if [ ! -x "$VENV/bin/python" ]; then
    echo "bootstrap: creating $VENV"
    "$PYTHON" -m venv "$VENV"
fi
stamp="$VENV/.requirements.sha256"
want="$(cat "$ROOT/requirements.txt" "$ROOT/tests/requirements-dev.txt" | sha256sum | cut -d' ' -f1)"
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
    echo "bootstrap: installing Python requirements"
    "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check \
        -r "$ROOT/requirements.txt" -r "$ROOT/tests/requirements-dev.txt" \
        2> >(grep -v '^WARNING: Location' >&2)
    echo "$want" > "$stamp"
fi

# Having shellcheck installed makes ansible-test's shell sanity test run instead of being skipped; --browser adds
# Debian's chromium for the browser check of the HTML reports (tests/browser).
apt_packages=()
command -v shellcheck >/dev/null 2>&1 || apt_packages+=(shellcheck)
[ "$BROWSER" = 0 ] || command -v chromium >/dev/null 2>&1 || apt_packages+=(chromium)
if [ "${HIK_SKIP_APT:-0}" != 1 ] && [ ${#apt_packages[@]} -gt 0 ]; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        echo "bootstrap: installing ${apt_packages[*]} (apt)"
        apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${apt_packages[@]}" >/dev/null
    else
        echo "bootstrap: ${apt_packages[*]} not installed and cannot be installed here (shellcheck: ansible-test skips its" \
             "shellcheck test; chromium: the browser stage fails)" >&2
    fi
fi

# ansible-playbook and ansible-lint find the collection through this path (a symlink is fine for them).
mkdir -p "$ROOT/build/collections/ansible_collections/camops"
ln -sfn "$ROOT" "$ROOT/build/collections/ansible_collections/camops/hikvision"
