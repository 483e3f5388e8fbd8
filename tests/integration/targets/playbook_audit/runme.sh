#!/usr/bin/env bash
# The audit playbook (the README's main job) against a simulated fleet: table, reports, failure handling.
set -eux
here="$(pwd)"
source ../setup_hiksim/hiksim.sh
hiksim_start "$here/fleet.yml"
out="$HIKSIM_DIR/reports"

ansible-playbook -i "$HIKSIM_INVENTORY" camops.hikvision.audit -e "audit_report_dir=$out" "$@"
python - "$out/audit.json" "$out/audit.txt" <<'PY'
import json, sys
report = json.load(open(sys.argv[1]))
rows = dict((r['name'], r) for r in report['devices'])
assert sorted(rows) == ['cam-a', 'cam-b', 'cam-c', 'nvr-a'], rows
assert all(r['status'] == 'ok' for r in rows.values()), rows
assert rows['cam-a']['device']['model'] == 'DS-2CD2146G2-ISU'
assert rows['cam-b']['site'] == 'south'
assert [c['ip_address'] for c in rows['nvr-a']['channels']] == ['127.0.4.2']
table = open(sys.argv[2]).read()
assert '4 device(s), 1 with findings, 0 could not be read.' in table, table
assert rows['cam-b']['findings'] == ['Hik-Connect access on (bound to an account)', 'extra users: guest',
                                     'default password'], rows['cam-b']['findings']
assert 'Sim-Admin-123' not in table and 'Sim-Admin-123' not in open(sys.argv[1]).read()
PY

# A relative report directory is relative to the directory ansible-playbook runs in.
mkdir -p "$HIKSIM_DIR/cwd"
(cd "$HIKSIM_DIR/cwd" && ansible-playbook -i "$HIKSIM_INVENTORY" camops.hikvision.audit --limit cam-a \
    -e audit_report_dir=relative-reports "$@" > "$HIKSIM_DIR/relative.log" 2>&1) \
    || { tail -40 "$HIKSIM_DIR/relative.log"; exit 1; }
test -s "$HIKSIM_DIR/cwd/relative-reports/audit.json"

# cam-c with certificate checks off instead of its certificate as the CA: read all the same, and no warning
# per request (urllib3's InsecureRequestWarning, which Ansible shows as a worker writing to stderr).
printf 'all:\n  hosts:\n    cam-c:\n      hik_validate_certs: false\n      hik_ca_path: null\n' > "$HIKSIM_DIR/insecure.yml"
ansible-playbook -i "$HIKSIM_INVENTORY" -i "$HIKSIM_DIR/insecure.yml" camops.hikvision.audit --limit cam-c \
    -e "audit_report_dir=$out" "$@" > "$HIKSIM_DIR/insecure.log" 2>&1 || { tail -40 "$HIKSIM_DIR/insecure.log"; exit 1; }
if grep -n -e InsecureRequestWarning -e 'stderr' "$HIKSIM_DIR/insecure.log"; then
    echo "a warning for the certificate checks that the inventory turned off" >&2
    exit 1
fi
grep -q '1 device(s), 0 with findings, 0 could not be read.' "$out/audit.txt"

# A device with a wrong inventory password: recorded as failed, and the play fails after reporting.
printf 'all:\n  hosts:\n    cam-b:\n      hik_password: Not-the-1-password\n' > "$HIKSIM_DIR/override.yml"
rc=0
ansible-playbook -i "$HIKSIM_INVENTORY" -i "$HIKSIM_DIR/override.yml" camops.hikvision.audit \
    -e "audit_report_dir=$out" "$@" > "$HIKSIM_DIR/failed-run.log" 2>&1 || rc=$?
cat "$HIKSIM_DIR/failed-run.log"
[ "$rc" -eq 2 ]
# The device that could not be read is the failed host (AWX's relaunch on failed hosts), and only it.
grep -q 'fatal: \[cam-b\]: FAILED! => .*Could not read this device: ' "$HIKSIM_DIR/failed-run.log"
grep -E '^cam-b +: .*failed=1' "$HIKSIM_DIR/failed-run.log"
[ "$(grep -cE '^[^ ]+ +: .*failed=1' "$HIKSIM_DIR/failed-run.log")" -eq 1 ]
grep -q 'cam-b .*FAILED: .*refused the credentials' "$out/audit.txt"
grep -q '4 device(s), 0 with findings, 1 could not be read.' "$out/audit.txt"

# The same run with audit_fail_on_error=false succeeds.
ansible-playbook -i "$HIKSIM_INVENTORY" -i "$HIKSIM_DIR/override.yml" camops.hikvision.audit \
    -e "audit_report_dir=$out" -e audit_fail_on_error=false "$@"

# With a credential store, a refused password is remembered (salted hash, <store>/refused) and a later audit
# does not send it again: cam-b's failed logins stay where they were, and the report says why.
failed_logins() {
    python - "$HIKSIM_CONTROL" <<'PY'
import json, sys, urllib.request
print(json.load(urllib.request.urlopen(sys.argv[1] + '/devices/cam-b/counters'))['failed_logins'])
PY
}
store="$HIKSIM_DIR/store"
before="$(failed_logins)"
for run in 1 2; do
    ansible-playbook -i "$HIKSIM_INVENTORY" -i "$HIKSIM_DIR/override.yml" camops.hikvision.audit \
        -e "audit_report_dir=$out" -e "audit_store_dir=$store" -e audit_fail_on_error=false "$@" \
        > "$HIKSIM_DIR/remembered-$run.log" 2>&1
done
[ "$(failed_logins)" -eq $((before + 1)) ]
grep -q 'cam-b .*FAILED: .*refused this password .*it is not sent again' "$out/audit.txt"
[ "$(stat -c %a "$store/refused")" = 700 ]
if grep -rq 'Not-the-1-password' "$store"; then echo 'the refused password is in the store in clear'; exit 1; fi

# The example inventory in examples/ parses, with its vaulted passwords (no device is contacted).
dir="$(pwd)"
while [ "$dir" != / ] && [ ! -f "$dir/examples/inventory/hosts.yml" ]; do dir="$(dirname "$dir")"; done
ansible-inventory -i "$dir/examples/inventory" --vault-password-file "$dir/examples/vault-password.example" \
    --host south-cam-01 > "$HIKSIM_DIR/example-host.json"
python - "$HIKSIM_DIR/example-host.json" <<'PY'
import json, sys
host = json.load(open(sys.argv[1]))
assert host['hik_recorder'] == 'south-dvr-01' and host['hik_site'] == 'south', host
assert host['vault_hik_password_south'] == 'Example-South-2'
print('example inventory parses with its vault')
PY
