#!/usr/bin/env bash
# Create (or refresh) the project's virtual environment in .venv with everything the demo and the
# tests need, and expose the checkout as ansible_collections/camops/hikvision under build/.
# Idempotent: a second run only checks that the requirements are satisfied.
#   scripts/bootstrap.sh --lowest   also makes .venv-lowest with the lowest ansible-core the collection claims
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PYTHON="${PYTHON:-python3}"
VENV="$ROOT/.venv"

if [ "${1:-}" = "--lowest" ]; then
    LOWEST="$ROOT/.venv-lowest"
    if [ ! -x "$LOWEST/bin/python" ]; then
        echo "bootstrap: creating $LOWEST"
        "$PYTHON" -m venv "$LOWEST"
    fi
    stamp="$LOWEST/.requirements.sha256"
    want="$(sha256sum < "$ROOT/tests/requirements-lowest.txt" | cut -d' ' -f1)"
    if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
        echo "bootstrap: installing the lowest ansible-core"
        "$LOWEST/bin/python" -m pip install --quiet --disable-pip-version-check \
            -r "$ROOT/tests/requirements-lowest.txt" 2> >(grep -v '^WARNING: Location' >&2)
        echo "$want" > "$stamp"
    fi
fi

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

# Having shellcheck installed makes ansible-test's shell sanity test run instead of being skipped.
if [ "${HIK_SKIP_APT:-0}" != 1 ] && ! command -v shellcheck >/dev/null 2>&1; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        echo "bootstrap: installing shellcheck (apt)"
        apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq shellcheck >/dev/null
    else
        echo "bootstrap: shellcheck not installed and cannot be installed here; ansible-test will skip its shellcheck test" >&2
    fi
fi

# ansible-playbook and ansible-lint find the collection through this path (a symlink is fine for them).
mkdir -p "$ROOT/build/collections/ansible_collections/camops"
ln -sfn "$ROOT" "$ROOT/build/collections/ansible_collections/camops/hikvision"
