#!/usr/bin/env bash
# The main job on a simulated fleet, no real device needed. Sets everything up (venv, collection path),
# starts hiksim with its built-in two-site fleet (two NVRs, a DVR and ten cameras on 127.0.11.x and
# 127.0.12.x; some with extra users, ONVIF users and Hik-Connect on), decommissions site_a, prints the
# fleet summary and the HTML report's path, then runs the same decommission again to show it changes
# nothing. Everything it writes goes to demo-output/ (credential store, reports, backups).
# Usage: scripts/demo.sh [extra ansible-playbook arguments, e.g. --check --diff]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bash "$ROOT/scripts/bootstrap.sh"
# shellcheck source=scripts/env.sh
source "$ROOT/scripts/env.sh"
# shellcheck source=tests/integration/targets/setup_hiksim/hiksim.sh
source "$ROOT/tests/integration/targets/setup_hiksim/hiksim.sh"

OUT="$ROOT/demo-output"
# The simulator starts from its initial state, so credentials stored by an earlier demo no longer apply.
rm -rf "$OUT"
mkdir -p "$OUT"
hiksim_start demo
cp "$HIKSIM_INVENTORY" "$OUT/inventory.yml"
echo "hiksim: simulated fleet up (inventory: demo-output/inventory.yml)"

# The simulated installer account of the demo fleet (hiksim's DEMO_CLOUD_KEY/SECRET, not real credentials):
# the cameras on Hik-Connect are deleted from it, shares first, before their platform access goes off.
export HIK_CLOUD_APP_KEY=demo-app-key HIK_CLOUD_APP_SECRET=demo-app-secret
run() {
    ansible-playbook -i "$HIKSIM_INVENTORY" camops.hikvision.decommission \
        -e decommission_targets=site_a \
        -e decommission_cloud_provider=hik_partner_pro \
        -e "decommission_cloud_api_url=$(python -c 'import json,sys; print(json.load(open(sys.argv[1]))["cloud"])' "$HIKSIM_DIR/ready.json")" \
        -e "decommission_store_dir=$OUT/credentials" \
        -e "decommission_report_dir=$OUT/reports" "$@"
}

echo
echo "=== decommission site_a ==="
run "$@" | tee "$OUT/run-1.log" | grep -E -A 30 'Print the fleet summary|PLAY RECAP' | grep -v -E '^(TASK|--)'
echo
echo "=== the same decommission again: nothing left to change ==="
run "$@" > "$OUT/run-2.log"
sed -n '/PLAY RECAP/,$p' "$OUT/run-2.log"
echo "Summary:     demo-output/reports/summary-decommission.txt"
echo "HTML report: demo-output/reports/summary-decommission.html"
echo "Credentials: demo-output/credentials/ (one file per device, mode 0600; vault-encrypted when a vault secret is configured)"
