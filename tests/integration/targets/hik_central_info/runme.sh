#!/usr/bin/env bash
# hik_central_info against the simulated HikCentral Professional, at -vvv (no secret in the output); then the
# decommission (whose cloud step takes cam-h2 out of a Hik-Connect for Teams account) and audit playbooks with
# HikCentral configured: the devices it still holds are named in the reports, and their own steps are not held up;
# HikCentral not answering is said in the reports and fails nothing.
set -eux
source ../setup_hiksim/hiksim.sh
hiksim_start "$(pwd)/fleet.yml"
here="$(pwd)"
work="$HIKSIM_DIR"
# The fleet has no cloud and the audit's fleet no recorder group: patterns that match no host are warnings here.
export ANSIBLE_HOST_PATTERN_MISMATCH=warning
central="$(python -c 'import json,sys,urllib.request; print(json.dumps(json.load(urllib.request.urlopen(sys.argv[1] + "/central"))))' "$HIKSIM_CONTROL")"
HIKCENTRAL_URL="$(python -c 'import json,sys; print(json.loads(sys.argv[1])["url"])' "$central")"
HIKCENTRAL_CERT="$(python -c 'import json,sys; print(json.loads(sys.argv[1])["certificate"])' "$central")"
export HIKCENTRAL_URL HIKCENTRAL_CERT
set +x
export HIKCENTRAL_APP_KEY=Hcp-Key-7 HIKCENTRAL_APP_SECRET=Hcp-Secret-7
export HIK_CLOUD_APP_KEY=Teams-Key-9 HIK_CLOUD_APP_SECRET=Teams-Secret-9
set -x
secrets=(Hcp-Key-7 Hcp-Secret-7 Not-The-Hcp-Secret Sim-Admin-123 Teams-Key-9 Teams-Secret-9)
cloud_url="$(python -c 'import json,sys; print(json.load(open(sys.argv[1]))["cloud"])' "$HIKSIM_DIR/ready.json")"
HIKSIM_PLAYBOOK_ARGS="-i $here/channel_names.yml" hiksim_playbook_vvv "$here/module.yml" "${secrets[@]}"

hcp_host="$(python -c 'import sys,urllib.parse; print(urllib.parse.urlsplit(sys.argv[1]).hostname)' "$HIKCENTRAL_URL")"
hcp_port="$(python -c 'import sys,urllib.parse; print(urllib.parse.urlsplit(sys.argv[1]).port)' "$HIKCENTRAL_URL")"
hcp=(-e "decommission_hikcentral_host=$hcp_host" -e "decommission_hikcentral_port=$hcp_port"
     -e "decommission_hikcentral_ca_path=$HIKCENTRAL_CERT")
# The partner's credentials as role variables this time (not the environment), at -vvv: never in the output.
printf 'decommission_hikcentral_app_key: Hcp-Key-7\ndecommission_hikcentral_app_secret: Hcp-Secret-7\n' > "$work/hcp-vars.yml"
env -u HIKCENTRAL_APP_KEY -u HIKCENTRAL_APP_SECRET \
ansible-playbook -vvv -i "$HIKSIM_INVENTORY" -i "$here/channel_names.yml" camops.hikvision.decommission \
    -e @"$work/hcp-vars.yml" \
    -e decommission_targets=cameras -e "decommission_store_dir=$work/store" -e "decommission_report_dir=$work/reports" \
    -e decommission_cloud_provider=hik_connect_teams -e "decommission_cloud_api_url=$cloud_url" "${hcp[@]}" \
    > "$work/decommission.log" 2>&1 || { tail -60 "$work/decommission.log"; exit 1; }
grep -A 8 'PLAY RECAP' "$work/decommission.log"
cat "$work/reports/summary-decommission.txt"
python - "$work/reports" "$HIKSIM_CONTROL" <<'PY'
import json, os, sys, urllib.request
reports = sys.argv[1]
# cam-h2 left the Teams account through the roles' cloud step (looked up, deleted, looked up again).
cam2 = json.load(open(os.path.join(reports, 'devices', 'cam-h2.json')))
assert 'deleted from the hik_connect_teams account' in cam2['changes'], cam2['changes']
assert cam2['cloud']['account']['confirmed'] is True
cloud = json.load(urllib.request.urlopen(sys.argv[2] + '/cloud'))
assert [d['owner'] for d in cloud['devices'].values()] == [None], cloud['devices']
record = lambda name: json.load(open(os.path.join(reports, 'devices', name + '.json')))
summary = open(os.path.join(reports, 'summary-decommission.txt')).read()
assert '2 still in HikCentral Professional: remove them there.' in summary, summary
cam1, cam3, cam4 = record('cam-h1'), record('cam-h3'), record('cam-h4')
# Their own steps ran (HikCentral holds nothing up) and the record names where HikCentral has them.
assert all(r['status'] == 'ok' and 'password changed: admin' in r['changes'] for r in (cam1, cam3, cam4))
assert "still in HikCentral Professional as camera 'cam-h1' of 'NVR North' in area 'North': remove it there" in cam1['notes']
assert "still in HikCentral Professional as 'Yard' in area 'South': remove it there" in cam3['notes']
assert cam3['hikcentral']['matched_by'] == 'serial' and cam4['hikcentral'] == dict(cam4['hikcentral'], found=False, checked=True)
assert not any('HikCentral' in note for note in cam4['notes'])
run = json.load(open(os.path.join(reports, 'run-decommission.json')))
assert run['counts']['still_in_hikcentral'] == 2 and 'decommission_hikcentral_app_secret' not in json.dumps(run['options'])
print('decommission: cam-h1 and cam-h3 named as still in HikCentral, every camera done')
PY

# HikCentral not answering holds the decommission up neither: a check run says it was not checked, for every device.
ansible-playbook -i "$HIKSIM_INVENTORY" camops.hikvision.decommission --check -e decommission_targets=cam-h4 \
    -e "decommission_store_dir=$work/store" -e "decommission_report_dir=$work/reports" -e decommission_cloud=false \
    -e "decommission_hikcentral_host=$hcp_host" -e decommission_hikcentral_port=9 > "$work/unchecked.log" 2>&1 \
    || { tail -40 "$work/unchecked.log"; exit 1; }
grep -q 'HikCentral Professional was not checked (each device says why).' "$work/unchecked.log"
grep -q 'not checked in HikCentral Professional: HikCentral Professional 127.0.46.100:9' "$work/unchecked.log"

# The audit: the recorder HikCentral holds gets the finding; HikCentral on a port where nothing answers fails
# nothing and every device says it was not checked.
ansible-playbook -i "$HIKSIM_INVENTORY" camops.hikvision.audit -e hik_targets=nvr-h -e "audit_report_dir=$work/audit" \
    -e "audit_hikcentral_host=$hcp_host" -e "audit_hikcentral_port=$hcp_port" -e "audit_hikcentral_ca_path=$HIKCENTRAL_CERT" \
    > "$work/audit.log" 2>&1 || { tail -40 "$work/audit.log"; exit 1; }
cat "$work/audit/audit.txt"
grep -q "nvr-h .*still in HikCentral Professional as 'NVR North' in area 'North': remove it there" "$work/audit/audit.txt"
ansible-playbook -i "$HIKSIM_INVENTORY" camops.hikvision.audit -e hik_targets=nvr-h -e "audit_report_dir=$work/audit2" \
    -e "audit_hikcentral_host=$hcp_host" -e audit_hikcentral_port=9 > "$work/audit2.log" 2>&1 \
    || { tail -40 "$work/audit2.log"; exit 1; }
cat "$work/audit2/audit.txt"
grep -q "nvr-h .*not checked in HikCentral Professional: HikCentral Professional 127.0.46.100:9: POST /artemis/api/common/v1/version failed: it could not be reached." "$work/audit2/audit.txt"
for log in "$work/decommission.log" "$work/unchecked.log" "$work/audit.log" "$work/audit2.log"; do
    for secret in "${secrets[@]}"; do
        if grep -n -F -e "$secret" "$log"; then
            echo "a secret appeared in $log" >&2
            exit 1
        fi
    done
done
