#!/usr/bin/env bash
# Render CHANGELOG.rst from changelogs/changelog.yaml plus the unreleased fragments, for the version in
# galaxy.yml, without consuming the fragments (they are consumed only by a real
# `antsibull-changelog release`). With --check, fail when CHANGELOG.rst is not up to date.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# The project's tools (antsibull-changelog) from the venv scripts/bootstrap.sh makes, without sourcing env.sh.
if [ -x "$ROOT/.venv/bin/antsibull-changelog" ]; then
    export PATH="$ROOT/.venv/bin:$PATH"
fi
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
cp -r "$ROOT/changelogs" "$ROOT/galaxy.yml" "$tmp/"
version="$(python -c 'import sys,yaml; print(yaml.safe_load(open(sys.argv[1]))["version"])' "$ROOT/galaxy.yml")"
(cd "$tmp" && antsibull-changelog release --version "$version" --date 1970-01-01 --is-collection \
    --collection-namespace camops --collection-name hikvision >/dev/null)
sed -i 's/^v\([0-9.]*\)$/v\1 (unreleased)/; /^v[0-9.]* (unreleased)$/{n;s/^=*$/&=============/}' "$tmp/CHANGELOG.rst"
if [ "${1:-}" = "--check" ]; then
    if ! diff -u "$ROOT/CHANGELOG.rst" "$tmp/CHANGELOG.rst"; then
        echo "CHANGELOG.rst is not up to date with the fragments: run scripts/changelog.sh" >&2
        exit 1
    fi
    echo "CHANGELOG.rst is up to date"
else
    cp "$tmp/CHANGELOG.rst" "$ROOT/CHANGELOG.rst"
fi
