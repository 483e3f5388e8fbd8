#!/usr/bin/env bash
# Through the decommission role, run after run: a device that still accepts its old admin password after the
# rotation is a failed host, its report says the users step failed, and its credential record stays pending (the
# new password is never recorded as verified); a device that answers OK to the deletion of an account and keeps it
# is a failed host whose report names the account still there (the role's final check); the device beside them
# finishes.
set -eux
source ../setup_hiksim/hiksim.sh
hiksim_start "$(pwd)/fleet.yml"
store="$HIKSIM_DIR/store"
# No recorder in this fleet: the recorders' play matches no host, a warning as it is outside ansible-test (which
# makes it an error).
export ANSIBLE_HOST_PATTERN_MISMATCH=warning
for run in first again; do
    rc=0
    ansible-playbook -i "$HIKSIM_INVENTORY" camops.hikvision.decommission -e "decommission_store_dir=$store" \
        -e "decommission_report_dir=$HIKSIM_DIR/reports" > "$HIKSIM_DIR/$run.log" 2>&1 || rc=$?
    grep -A 4 'PLAY RECAP' "$HIKSIM_DIR/$run.log" || { tail -40 "$HIKSIM_DIR/$run.log"; exit 1; }
    [ "$rc" -eq 2 ]
    grep -E '^cam-keeps-old +: .*failed=1' "$HIKSIM_DIR/$run.log"
    grep -E '^cam-ignores-deletes +: .*failed=1' "$HIKSIM_DIR/$run.log"
    grep -E '^cam-ok +: .*failed=0' "$HIKSIM_DIR/$run.log"
    python - "$HIKSIM_DIR" "$run" <<'PY'
import json, sys, yaml
work, run = sys.argv[1], sys.argv[2]
record = json.load(open(work + '/reports/devices/cam-keeps-old.json'))
assert record['status'] == 'failed' and record['failed_step'] == 'users', record
assert record['verified'] is False, record
# The first run proves the rotation with a login with the old password, which the device still takes. Run again,
# the login with the previous password works, and the device refuses it as the current one for the change.
assert run != 'first' or 'still accepts the old password' in record['error'], record['error']
stored = yaml.safe_load(open(work + '/store/cam-keeps-old.yml'))
assert stored['status'] == 'pending' and stored['previous_password'] == 'Sim-Admin-123', stored['status']
ok = yaml.safe_load(open(work + '/store/cam-ok.yml'))
assert ok['status'] == 'verified', ok['status']
assert json.load(open(work + '/reports/devices/cam-ok.json'))['status'] == 'ok'
ignored = json.load(open(work + '/reports/devices/cam-ignores-deletes.json'))
assert ignored['status'] == 'failed' and 'local accounts are admin, installer, not admin' in ignored['error'], ignored
assert not any(c.startswith('users deleted') for c in ignored.get('changes') or []), ignored['changes']
print(run, ': cam-keeps-old failed at the users step and stays pending; cam-ignores-deletes failed the final '
      'check (%s: %s); cam-ok verified' % (ignored['failed_step'], ignored['error']))
PY
done
