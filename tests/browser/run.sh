#!/usr/bin/env bash
# The HTML reports, checked in a real browser (scripts/test.sh browser).
# On the demo fleet (hiksim's built-in "demo", as scripts/demo.sh runs it), with one camera whose inventory password
# is wrong so the reports have a failed device: the audit of the whole fleet and the decommission of site_a, then
# headless Chromium opens audit.html and summary-decommission.html, and check_reports.py reads back what the browser
# parsed (the counts, the failed devices and the retry command) against the run's JSON records.
# Screenshots of both pages are kept in tests/output/browser/ (a CI artifact).
# Needs chromium (scripts/bootstrap.sh --browser installs Debian's package).
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
ARTIFACTS="${HIK_BROWSER_ARTIFACTS:-$ROOT/tests/output/browser}"
CHROMIUM="$(command -v chromium || command -v chromium-browser || true)"
[ -n "$CHROMIUM" ] || { echo "chromium is not installed (scripts/bootstrap.sh --browser installs it)" >&2; exit 1; }
# shellcheck source=tests/integration/targets/setup_hiksim/hiksim.sh
source "$ROOT/tests/integration/targets/setup_hiksim/hiksim.sh"
hiksim_start demo
work="$HIKSIM_DIR/browser"
mkdir -p "$work" "$ARTIFACTS"

# cam-a3's inventory password is wrong: it fails in both playbooks, and no other device does.
python - "$HIKSIM_INVENTORY" "$work/inventory.yml" <<'PY'
import sys
import yaml
inventory = yaml.safe_load(open(sys.argv[1]))
found = []
def walk(group):
    for name, host in (group.get('hosts') or {}).items():
        if name == 'cam-a3':
            host['hik_password'] = 'Not-The-Password-1'
            found.append(name)
    for child in (group.get('children') or {}).values():
        walk(child or {})
for group in inventory.values():
    walk(group)
assert found, 'cam-a3 is not in the demo inventory'
yaml.safe_dump(inventory, open(sys.argv[2], 'w'))
PY

export HIK_CLOUD_APP_KEY=demo-app-key HIK_CLOUD_APP_SECRET=demo-app-secret
cloud_url="$(python -c 'import json,sys; print(json.load(open(sys.argv[1]))["cloud"])' "$HIKSIM_DIR/ready.json")"
play() {
    local log="$1" rc=0
    shift
    ansible-playbook -i "$work/inventory.yml" "$@" > "$work/$log" 2>&1 || rc=$?
    # 2: some hosts failed (cam-a3), which is what this run sets up; anything else is a broken run.
    if [ "$rc" -ne 2 ]; then
        tail -n 60 "$work/$log"
        echo "ansible-playbook ended with rc $rc, expected 2 (cam-a3 failed)" >&2
        exit 1
    fi
}
play audit.log camops.hikvision.audit -e "audit_report_dir=$work/audit"
play decommission.log camops.hikvision.decommission -e decommission_targets=site_a \
    -e decommission_cloud_provider=hik_partner_pro -e "decommission_cloud_api_url=$cloud_url" \
    -e "decommission_store_dir=$work/credentials" -e "decommission_report_dir=$work/reports"

# What the browser made of each page: its DOM after parsing, and a screenshot. A private profile directory, and no
# background connections (the machine has no route out; Chromium would try).
browse() {
    local page="$1" name="$2" profile
    profile="$(mktemp -d)"
    local flags=(--headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking
                 --disable-component-update --disable-sync --hide-scrollbars "--user-data-dir=$profile")
    timeout 120 "$CHROMIUM" "${flags[@]}" --dump-dom "file://$page" > "$work/$name.dom.html" 2> "$work/$name.chromium.log"
    timeout 120 "$CHROMIUM" "${flags[@]}" --window-size=1400,1200 "--screenshot=$ARTIFACTS/$name.png" "file://$page" \
        >> "$work/$name.chromium.log" 2>&1
    rm -rf "$profile"
    [ -s "$work/$name.dom.html" ] || { cat "$work/$name.chromium.log"; echo "chromium rendered nothing for $page" >&2; exit 1; }
}
browse "$work/audit/audit.html" audit
browse "$work/reports/summary-decommission.html" decommission
python "$HERE/check_reports.py" --failed cam-a3 \
    --audit "$work/audit.dom.html" "$work/audit/audit.json" \
    --decommission "$work/decommission.dom.html" "$work/reports/run-decommission.json" "$work/reports/devices" \
    --screenshots "$ARTIFACTS/audit.png" "$ARTIFACTS/decommission.png"
