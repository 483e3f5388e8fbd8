#!/usr/bin/env bash
# The main job on a simulated site, no real device needed: sets everything up (venv, collection path),
# starts hiksim with its built-in site (one NVR recording three cameras, a fourth camera, one DVR, all on
# 127.0.1.x), runs the audit playbook against it and prints the table. Reports go to demo-output/.
# Usage: scripts/demo.sh [extra ansible-playbook arguments, e.g. --diff or -v]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bash "$ROOT/scripts/bootstrap.sh"
# shellcheck source=scripts/env.sh
source "$ROOT/scripts/env.sh"
# shellcheck source=tests/integration/targets/setup_hiksim/hiksim.sh
source "$ROOT/tests/integration/targets/setup_hiksim/hiksim.sh"

OUT="$ROOT/demo-output"
mkdir -p "$OUT"
hiksim_start demo-site
cp "$HIKSIM_INVENTORY" "$OUT/inventory.yml"
echo "hiksim: simulated site up (inventory copied to demo-output/inventory.yml)"

ansible-playbook -i "$HIKSIM_INVENTORY" camops.hikvision.audit -e "audit_report_dir=$OUT" "$@"

echo
cat "$OUT/audit.txt"
echo "Reports: demo-output/audit.txt, demo-output/audit.json"
