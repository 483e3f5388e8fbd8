#!/usr/bin/env bash
# Benchmark of the recorders inventory (not a test): ansible-inventory --list over simulated recorders.
# Arguments go to tests/bench/inventory.py (--recorders, --channels, --workers, --rounds).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
bash "$ROOT/scripts/bootstrap.sh"
# shellcheck source=scripts/env.sh
source "$ROOT/scripts/env.sh"
ulimit -n 65536 2>/dev/null || ulimit -n 4096 2>/dev/null || true
# env.sh points ANSIBLE_COLLECTIONS_PATH at build/collections, where bootstrap.sh links this checkout.
exec python "$ROOT/tests/bench/inventory.py" "$@"
