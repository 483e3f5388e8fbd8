#!/usr/bin/env bash
# Fleet benchmark (not a test): decommission 50, 200 and 500 simulated devices, re-run, and compare with
# the ansible.builtin.uri baseline. Writes docs/benchmarks.md. Arguments go to bench.py (--sizes,
# --baseline-sizes, --forks, --strategy, --output, --keep).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
bash "$ROOT/scripts/bootstrap.sh"
# shellcheck source=scripts/env.sh
source "$ROOT/scripts/env.sh"
ulimit -n 65536 2>/dev/null || ulimit -n 4096 2>/dev/null || true
exec python "$ROOT/tests/bench/bench.py" "$@"
