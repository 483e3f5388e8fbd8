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
# A copy of the collection where ansible-doc finds it, so that the release lists the new modules and plugins
# (antsibull-changelog reads their short descriptions and version_added).
coll="$tmp/ansible_collections/camops/hikvision"
mkdir -p "$coll"
# (The tree as it is: scripts/test.sh runs this in a copy that is not a git checkout.)
tar -C "$ROOT" --exclude=./.git --exclude='./.venv*' --exclude=./tests/output \
    --exclude=./build --exclude=./demo-output -cf - . | tar -xf - -C "$coll"
version="$(python -c 'import sys,yaml; print(yaml.safe_load(open(sys.argv[1]))["version"])' "$ROOT/galaxy.yml")"
(cd "$coll" && ANSIBLE_COLLECTIONS_PATH="$tmp" antsibull-changelog release --version "$version" --date 1970-01-01 \
    --reload-plugins >/dev/null)
sed -i 's/^v\([0-9.]*\)$/v\1 (unreleased)/; /^v[0-9.]* (unreleased)$/{n;s/^=*$/&=============/}' "$coll/CHANGELOG.rst"
if [ "${1:-}" = "--check" ]; then
    if ! diff -u "$ROOT/CHANGELOG.rst" "$coll/CHANGELOG.rst"; then
        echo "CHANGELOG.rst is not up to date with the fragments: run scripts/changelog.sh" >&2
        exit 1
    fi
    echo "CHANGELOG.rst is up to date"
else
    cp "$coll/CHANGELOG.rst" "$ROOT/CHANGELOG.rst"
fi
