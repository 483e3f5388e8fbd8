#!/usr/bin/env bash
# The decommission playbook on a simulated fleet, judged by the simulator's state: check mode writes
# nothing; a run leaves site_a decommissioned (and site_b untouched), with a credential store given as the
# user's own task files; a second run changes nothing and only reads; no stored secret appears in any
# output; a run killed mid-fleet and started again finishes with every password known; a transfer of
# site_b hands it over and is idempotent too.
set -eux
source ../setup_hiksim/hiksim.sh
hiksim_start "$(pwd)/fleet.yml"
here="$(pwd)"
store="$HIKSIM_DIR/store"
reports="$HIKSIM_DIR/reports"
logs="$HIKSIM_DIR/logs"
mkdir -p "$logs"

# site_a's runs also delete its devices from the installer's Hik-Partner Pro account (credentials from
# the controller's environment).
cloud_url="$(python -c 'import json,sys; print(json.load(open(sys.argv[1]))["cloud"])' "$HIKSIM_DIR/ready.json")"
set +x
export HIK_CLOUD_APP_KEY=Role-Hpp-Key HIK_CLOUD_APP_SECRET=Role-Hpp-Secret
set -x
decommission() {
    ansible-playbook -i "$HIKSIM_INVENTORY" -i "$here/recorder_channel.yml" camops.hikvision.decommission \
        -e "decommission_store_dir=$store" \
        -e "decommission_report_dir=$reports" -e '{"decommission_keep_users": ["keeper"]}' \
        -e decommission_cloud_provider=hik_partner_pro -e "decommission_cloud_api_url=$cloud_url" "$@"
}
cloud_writes() {
    control GET /cloud | python -c "import json,sys; print(json.load(sys.stdin)['counters']['writes'])"
}
control() {  # control METHOD PATH [JSON]
    python - "$HIKSIM_CONTROL" "$@" <<'PY'
import json, sys, urllib.request
url, method, path = sys.argv[1], sys.argv[2], sys.argv[3]
data = sys.argv[4].encode() if len(sys.argv) > 4 else (b'' if method != 'GET' else None)
req = urllib.request.Request(url + path, data=data, method=method)
print(json.dumps(json.load(urllib.request.urlopen(req))))
PY
}
total() {  # total COUNTER: the sum over all devices
    control GET /counters | python -c "import json,sys; print(sum(d['$1'] for d in json.load(sys.stdin).values()))"
}
records() {  # every file of the reports' devices/ folder (each must be JSON), as one JSON object by device name
    python - "$reports/devices" <<'PY'
import json, os, sys
print(json.dumps(dict((os.path.splitext(name)[0], json.load(open(os.path.join(sys.argv[1], name))))
                      for name in os.listdir(sys.argv[1]))))
PY
}
recap_all_unchanged() {
    grep -E '^[a-z0-9-]+ +: ok=' "$1"
    if grep -E '^[a-z0-9-]+ +: ok=' "$1" | grep -v 'changed=0 ' | grep -q .; then
        echo "a host changed in $1" >&2
        return 1
    fi
    # ... and no device went through a rescue (a failure caught and recorded).
    if grep -E '^[a-z0-9-]+ +: ok=' "$1" | grep -q 'rescued=[1-9]'; then
        echo "a host was rescued in $1" >&2
        return 1
    fi
}

# 1. --check --diff: a full plan, and not one write request or stored file.
control POST /counters/reset
decommission -e decommission_targets=site_a --check --diff > "$logs/check.log" 2>&1 || { tail -50 "$logs/check.log"; exit 1; }
grep -q 'password changed: admin' "$logs/check.log"
[ "$(total writes)" -eq 0 ]
[ "$(cloud_writes)" -eq 0 ]
grep -q 'deleted from the hik_partner_pro account' "$logs/check.log"
[ ! -e "$store" ] || [ -z "$(ls -A "$store")" ]

# 2. The decommission of site_a, at -vvv (searched for secrets below), with the credential store given as
# the user's own task files (extra vars, absolute paths; they wrap the file store and mark each use).
control POST /counters/reset
journal="$HIKSIM_DIR/custom-store"
mkdir -p "$journal"
decommission -e decommission_targets=site_a -vvv -e "decommission_store_read_tasks=$here/custom_store_read.yml" \
    -e "decommission_store_write_tasks=$here/custom_store_write.yml" -e "custom_store_journal=$journal" \
    > "$logs/run1.log" 2>&1 || { tail -80 "$logs/run1.log"; exit 1; }
for mark in {nvr-a,dvr-a,cam-a1,cam-a2}.{read,write}; do
    [ -e "$journal/$mark" ] || { echo "the custom credential store was not used: no $mark" >&2; exit 1; }
done
# Each device's account list is read twice, no more: the preflight (the accounts step plans from it on the same
# session), and the rotation's login with the new password (which is the verification read of the accounts too).
control GET /counters | python -c "
import json, sys
counters = json.load(sys.stdin)
reads = dict((n, d['by_request'].get('GET /ISAPI/Security/users', 0)) for n, d in counters.items())
print('account list reads:', reads, 'requests:', dict((n, d['requests']) for n, d in counters.items()))
assert all(reads[n] == 2 for n in ('cam-a1', 'cam-a2', 'dvr-a', 'nvr-a')), reads
# nvr-a leaves with its cameras: its own flow removed their channels, on its one login session (the preflight's
# challenge and the rotation's two proofs), and read its channel list once.
nvr = counters['nvr-a']
assert nvr['challenges'] == 3 and nvr['by_request'].get('GET /ISAPI/ContentMgmt/InputProxy/channels') == 1, nvr"
grep -E '"site_a +cam-a1 .*removed from nvr-a \(channel [0-9]+\)' "$logs/run1.log"
grep -E '"site_a +nvr-a .*cameras removed: ' "$logs/run1.log"
# cam-a2 refuses a nonce's third use: its preflight met that once and the role gave the limit to every later
# step (hik_user's ONVIF and local accounts, the verification read), so nothing else was refused.
nonce_overuses() {
    control GET /counters | python -c "import json,sys; print(json.load(sys.stdin)['$1']['nonce_overuses'])"
}
[ "$(nonce_overuses cam-a2)" -eq 1 ]
python "$here/check.py" "$HIKSIM_CONTROL" "$store" site_a site_b
# nvr-a recorded only site_a's cameras, cam-a2 through the channel that the inventory named
# (hik_recorder_channel): no channel is left.
control GET /devices/nvr-a | python -c "
import json, sys
left = json.load(sys.stdin)['channels']
assert left == [], left"
test -s "$reports/summary-decommission.html"
test -s "$reports/summary-decommission.csv"
test -s "$reports/devices/cam-a1.json"
# cam-a1 left the account, its site's handover share with it; cam-b1 (site_b) is still there; cam-a1 reports
# bind_status unbind.
control GET /state | python -c "
import json, sys
assert json.load(sys.stdin)['cam-a1']['ezviz']['bind_status'] == 'unbind'"
control GET /cloud | python -c "
import json, sys
cloud = json.load(sys.stdin)
owners = dict((rec['device'], rec['owner']) for rec in cloud['devices'].values())
assert owners == {'cam-a1': None, 'cam-b1': 'installer'}, owners
assert cloud['accounts']['installer']['sites']['site-a']['customers'] == [], cloud['accounts']['installer']['sites']
print('cam-a1 deleted from the account, its handover share revoked')"
grep -q '"deleted": true' "$reports/devices/cam-a1.json"

# 3. Again, with the free strategy (the playbook says it is safe with it): changed=0 on every host and only
# reads, on the devices and in the cloud, and the report (a linear play of its own) has every device's record.
control POST /counters/reset
control POST /cloud/counters/reset
rm -rf "$reports/devices"
ANSIBLE_STRATEGY=free decommission -e decommission_targets=site_a > "$logs/run2.log" 2>&1 \
    || { tail -50 "$logs/run2.log"; exit 1; }
recap_all_unchanged "$logs/run2.log"
[ "$(total writes)" -eq 0 ]
[ "$(cloud_writes)" -eq 0 ]
[ "$(total failed_logins)" -eq 0 ]
records | python -c "
import json, sys
records = json.load(sys.stdin)
assert sorted(records) == ['cam-a1', 'cam-a2', 'dvr-a', 'nvr-a'], sorted(records)
assert all(r['status'] == 'ok' and not r['changed'] and r['verified'] for r in records.values()), records"
[ "$(nonce_overuses cam-a2)" -eq 1 ]
# That refusal is a warning naming the setting that avoids it (Ansible wraps long warnings: joined first).
nonce_warnings() {
    tr -s ' \n' '  ' < "$1" | grep -o 'set nonce_max_uses: 2 for this device' | wc -l
}
[ "$(nonce_warnings "$logs/run2.log")" -eq 1 ]
# With the limit in the inventory (hik_nonce_max_uses), not even the preflight is refused, and nothing warns.
control POST /counters/reset
decommission -e decommission_targets=cam-a2 -e hik_nonce_max_uses=2 > "$logs/run2-nonce.log" 2>&1 \
    || { tail -50 "$logs/run2-nonce.log"; exit 1; }
recap_all_unchanged "$logs/run2-nonce.log"
[ "$(nonce_overuses cam-a2)" -eq 0 ]
[ "$(nonce_warnings "$logs/run2-nonce.log")" -eq 0 ]

# 3b. A device that fails (an answer that is not XML) is caught and recorded, the others go on, the run
# fails at the end, and the retry file names only that device.
control POST /devices/cam-a2/faults '{"malformed_xml": 1}'
if decommission -e decommission_targets=site_a > "$logs/fail.log" 2>&1; then
    echo "a run with a failed device succeeded" >&2; exit 1
fi
control DELETE /devices/cam-a2/faults
# The failed device is a failed host to Ansible (and AWX), after the reports; the others are not.
grep -E '^cam-a2 +: .*failed=1 .*rescued=1' "$logs/fail.log"
grep -E '^cam-a1 +: .*failed=0' "$logs/fail.log"
grep -E '^nvr-a +: .*failed=0' "$logs/fail.log"
records | python -c "
import json, sys, yaml
records = json.load(sys.stdin)
failed = records['cam-a2']
assert failed['status'] == 'failed' and failed['failed_step'] == 'preflight', failed
assert failed['error'] and failed['verified'] is False, failed
others = dict((n, r['status']) for n, r in records.items() if r['site'] == 'site_a' and n != 'cam-a2')
assert others == {'nvr-a': 'ok', 'dvr-a': 'ok', 'cam-a1': 'ok'}, others
retry = yaml.safe_load(open(sys.argv[1]))
assert retry['decommission_targets'] == 'cam-a2', retry
# The retry carries every option of the run (a retry that dropped the keep list would delete 'keeper').
assert retry['decommission_keep_users'] == ['keeper'] and retry['decommission_store_dir'], retry
assert 'decommission_new_password' not in retry and 'decommission_cloud_app_secret' not in retry, retry
run = json.load(open(sys.argv[2]))
assert run['counts']['failed'] == 1 and run['counts']['devices'] == run['counts']['ok'] + 1, run['counts']
assert run['options']['decommission_keep_users'] == ['keeper'] and run['ansible_core'] and run['collection'], run
assert run['started'] <= run['ended'] and run['user'], run
print('cam-a2 failed and recorded:', failed['failed_step'], '-', failed['error'])" "$reports/retry-decommission.yml" "$reports/run-decommission.json"
# Every run's reports are kept, the newest behind a stable link.
test -L "$reports/decommission-latest"
test -s "$reports/decommission-latest/run-decommission.json"
test -s "$reports/decommission-latest/devices/cam-a2.json"

# 3c. --limit applies to the recorders too (site_b, check mode: nothing changes before section 4). A camera
# whose recorder the limit leaves out fails that step in the plan (before: status ok, its channel left without
# a word), and the run fails; with the recorder in the limit, the recorder removes only the cameras the limit
# leaves in the run (before: every camera of decommission_targets that names it, here cam-b2 too).
if decommission -e decommission_targets=site_b --limit cam-b1 --check > "$logs/limit1.log" 2>&1; then
    echo "a run that left a camera's recorder out succeeded" >&2; exit 1
fi
# (The summary is printed as the lines of a debug message: each in double quotes.)
grep -E '"site_b +cam-b1 .* FAILED at recorder nvr-b: its recorder nvr-b was not in this run' "$logs/limit1.log"
decommission -e decommission_targets=site_b --limit cam-b1,nvr-b --check > "$logs/limit2.log" 2>&1 \
    || { tail -50 "$logs/limit2.log"; exit 1; }
grep -E '"site_b +nvr-b .*cameras removed: 127\.0\.22\.11(;|")' "$logs/limit2.log"
grep -E '"site_b +cam-b1 .*removed from nvr-b \(channel 1\)' "$logs/limit2.log"
# A camera whose inventory serial (hik_serial) is not what nvr-b reports for the channel at its address: a
# replacement camera is there now, and its channel is not removed (refused before any write, as in a real run).
printf 'all:\n  hosts:\n    cam-b2:\n      hik_serial: DS-2TD1228-2/QA-REPLACED-CAMERA\n' > "$HIKSIM_DIR/replaced.yml"
if decommission -i "$HIKSIM_DIR/replaced.yml" -e decommission_targets=cam-b2 --limit cam-b2,nvr-b --check \
        > "$logs/replaced.log" 2>&1; then
    echo "a run that would remove a replacement camera's channel succeeded" >&2; exit 1
fi
grep -E '"site_b +cam-b2 .* FAILED at recorder nvr-b: .*reports serial number [^ ]+, not the expected DS-2TD1228-2/QA-REPLACED-CAMERA: another camera is at that address now' "$logs/replaced.log"
[ "$(total writes)" -eq 0 ]

# 3d. The login from the controller's environment, as an AWX/AAP credential injects it: an inventory without
# hik_password reads site_b (check mode) with HIKVISION_PASSWORD, and without it every device fails in one
# sentence before any request - and a run in which every device failed still writes its reports and fails
# each host.
python - "$HIKSIM_INVENTORY" "$HIKSIM_DIR/no-password.yml" <<'PY'
import sys, yaml
def strip(node):
    if isinstance(node, dict):
        node.pop('hik_password', None)
        for value in node.values():
            strip(value)
inventory = yaml.safe_load(open(sys.argv[1]))
strip(inventory)
yaml.safe_dump(inventory, open(sys.argv[2], 'w'))
PY
if grep -q hik_password "$HIKSIM_DIR/no-password.yml"; then exit 1; fi
no_password() {
    ansible-playbook -i "$HIKSIM_DIR/no-password.yml" camops.hikvision.decommission -e "decommission_store_dir=$store" \
        -e "decommission_report_dir=$HIKSIM_DIR/env-reports" -e decommission_targets=site_b "$@"
}
set +x
HIKVISION_PASSWORD=Sim-Admin-123 no_password --check > "$logs/env.log" 2>&1 || { set -x; tail -50 "$logs/env.log"; exit 1; }
set -x
grep -E '^cam-b1 +: .*failed=0' "$logs/env.log"
if env -u HIKVISION_PASSWORD ansible-playbook --version > /dev/null && (unset HIKVISION_PASSWORD; no_password) \
        > "$logs/no-password.log" 2>&1; then
    echo "a run without any password succeeded" >&2; exit 1
fi
grep -E '^cam-b1 +: .*failed=1' "$logs/no-password.log"
grep -E '^nvr-b +: .*failed=1' "$logs/no-password.log"
grep -qi 'no password to log in with' "$HIKSIM_DIR/env-reports/devices/cam-b1.json"
python -c "
import json, sys
run = json.load(open(sys.argv[1]))
assert run['counts']['failed'] == run['counts']['devices'] == 5, run['counts']
print('every device failed, and the run reported them all')" "$HIKSIM_DIR/env-reports/run-decommission.json"
[ "$(total writes)" -eq 0 ]

# 4. A run killed mid-fleet (site_b, vault-encrypted store, slowed devices), then started again.
vault="$HIKSIM_DIR/vault-pass"
echo 'integration-vault-secret' > "$vault"
for dev in nvr-b cam-b1 cam-b2 cam-b3 cam-b4; do control POST "/devices/$dev/faults" '{"latency_ms": 120}'; done
setsid ansible-playbook -i "$HIKSIM_INVENTORY" camops.hikvision.decommission -e decommission_targets=site_b \
    -e "decommission_store_dir=$store" -e "decommission_report_dir=$reports" --vault-password-file "$vault" \
    > "$logs/killed.log" 2>&1 &
pid=$!
# Kill it as soon as the first device has its new password but before the fleet is done.
python - "$HIKSIM_CONTROL" <<'PY'
import json, sys, time, urllib.request
deadline = time.time() + 240
while time.time() < deadline:
    state = json.load(urllib.request.urlopen(sys.argv[1] + '/state'))
    changed = [n for n, d in state.items() if d['site'] == 'site_b' and d['users'][0]['password'] != 'Sim-Admin-123']
    if changed:
        print('rotated so far:', changed)
        sys.exit(0)
    time.sleep(0.05)
sys.exit('no device was rotated in time')
PY
kill -9 -- "-$pid" || true
wait "$pid" || true
grep -q 'PLAY RECAP' "$logs/killed.log" && { echo "the run finished before it could be killed" >&2; exit 1; }
for dev in nvr-b cam-b1 cam-b2 cam-b3 cam-b4; do control DELETE "/devices/$dev/faults"; done
# A request the killed run sent just before it died is still in the simulator (120 ms latency): let it
# finish before the counters are reset, or it counts as the resumed run's (seen: a failed login too many).
sleep 1
control POST /counters/reset
decommission -e decommission_targets=site_b --vault-password-file "$vault" > "$logs/resumed.log" 2>&1 \
    || { tail -80 "$logs/resumed.log"; exit 1; }
# Recovery costs at most one failed login per device: the old password refused, or the check that it is
# refused after a rotation this run made (counted before check.py, which tries the old password itself).
control GET /counters | python -c "
import json, sys
bad = dict((n, d['failed_logins']) for n, d in json.load(sys.stdin).items() if d['failed_logins'] > 1)
assert not bad, bad"

python "$here/check.py" "$HIKSIM_CONTROL" "$store" site_b none "$vault"

# 5. Hand site_b to a new owner, twice (the new owner's secrets come in a vars file, as from a vault).
printf 'transfer_new_admin_password: NewOwner-Pass1\ntransfer_verification_code: NewOwner77\n' > "$HIKSIM_DIR/owner.yml"
transfer() {
    ansible-playbook -i "$HIKSIM_INVENTORY" camops.hikvision.transfer -e transfer_targets=site_b \
        -e "transfer_store_dir=$store" -e "transfer_report_dir=$reports" --vault-password-file "$vault" \
        -e "@$HIKSIM_DIR/owner.yml" "$@"
}
transfer -vvv > "$logs/transfer1.log" 2>&1 || { tail -80 "$logs/transfer1.log"; exit 1; }
transfer > "$logs/transfer2.log" 2>&1 || { tail -50 "$logs/transfer2.log"; exit 1; }
recap_all_unchanged "$logs/transfer2.log"
control GET /state | python -c "
import json, sys
for name, dev in json.load(sys.stdin).items():
    if dev['site'] == 'site_b':
        assert dev['users'][0]['password'] == 'NewOwner-Pass1', name
        assert dev['ezviz']['enabled'] and dev['ezviz']['verification_code'] == 'NewOwner77', name
print('site_b handed over')"
test -s "$reports/handover/cam-b1.txt"

# 5b. A factory reset at the end (dvr-a, already decommissioned; the inventory's hik_serial is the guard),
# then a run that leaves the reset device alone and records it as skipped.
decommission -e decommission_targets=dvr-a -e decommission_factory_reset=true > "$logs/reset.log" 2>&1 \
    || { tail -50 "$logs/reset.log"; exit 1; }
control GET /devices/dvr-a | python -c "
import json, sys
dev = json.load(sys.stdin)
assert dev['factory_resets'] == ['full'] and not dev['activated'], (dev['factory_resets'], dev['activated'])
print('dvr-a factory reset (full) and not activated')"
grep -q 'status: factory_reset' "$store/dvr-a.yml"
decommission -e decommission_targets=dvr-a > "$logs/reset2.log" 2>&1 || { tail -50 "$logs/reset2.log"; exit 1; }
recap_all_unchanged "$logs/reset2.log"
grep -q 'skipped.*factory reset by an earlier run\|factory reset by an earlier run' "$reports/summary-decommission.txt" \
    || grep -q '"status": "skipped"' "$reports/devices/dvr-a.json"
python -c "
import json, sys
rec = json.load(open(sys.argv[1]))
assert rec['status'] == 'skipped' and 'factory reset by an earlier run' in rec['error'], rec
print('dvr-a left alone on the next run')" "$reports/devices/dvr-a.json"

# 6. No stored password or code, old or new, appears in any output.
secrets="$(python - "$store" "$vault" <<'PY'
import os, subprocess, sys, yaml
store, vault = sys.argv[1], sys.argv[2]
out = {'Role-Hpp-Key', 'Role-Hpp-Secret', 'Sim-Admin-123', 'Hik12345', 'Guest-2024x', 'Keeper-2024', 'Install-2024', 'Onvif-2024x', 'NewOwner-Pass1',
       'NewOwner77'}
for name in os.listdir(store):
    if os.path.isdir(os.path.join(store, name)):
        continue  # refused/: salted hashes of refused passwords, no secret
    data = open(os.path.join(store, name), 'rb').read()
    if data.startswith(b'$ANSIBLE_VAULT'):
        data = subprocess.check_output(['ansible-vault', 'view', '--vault-password-file', vault,
                                        os.path.join(store, name)])
    record = yaml.safe_load(data)
    out.update(v for k, v in record.items() if k in ('password', 'previous_password', 'verification_code') and v)
print('\n'.join(sorted(out)))
PY
)"
found=0
set +x
while read -r secret; do
    if grep -n -F -e "$secret" "$logs"/*.log "$reports"/*.* "$reports"/devices/* "$reports"/handover/* > "$HIKSIM_DIR/hits"; then
        found=1
        python -c 'import sys; print(open(sys.argv[1]).read().replace(sys.argv[2], "<SECRET>")[:3000])' \
            "$HIKSIM_DIR/hits" "$secret"
    fi
done <<< "$secrets"
[ "$found" -eq 0 ]
echo "no secret in any log or report ($(echo "$secrets" | wc -l) secrets checked)"
