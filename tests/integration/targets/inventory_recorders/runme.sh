#!/usr/bin/env bash
# camops.hikvision.recorders against a simulated fleet: ansible-inventory --list and --graph (the hosts, their
# variables and groups, no password anywhere, a warning for each recorder that cannot be read: a wrong password,
# a lockout with its time, nothing listening); a refused password not sent again by the next read; strict; a
# source that can never work refused before any request; the cache; the audit of a PoE camera; and the
# decommission of every camera behind one recorder with --limit on its group, then again (changed=0), then the
# recorder read afresh (its cameras gone).
set -eux
source ../setup_hiksim/hiksim.sh
hiksim_start "$(pwd)/fleet.yml"
here="$(pwd)"
work="$HIKSIM_DIR"
set +x
export HIKVISION_PASSWORD=Sim-Admin-123
printf 'inventory-test-vault\n' > "$work/vault-pass"
set -x
chmod 600 "$work/vault-pass"
export ANSIBLE_VAULT_PASSWORD_FILE="$work/vault-pass"
# Only recorders are in the sources; a play of the recorders' playbook may match no host.
export ANSIBLE_HOST_PATTERN_MISMATCH=warning

control() {  # control METHOD PATH
    python - "$HIKSIM_CONTROL" "$@" <<'PY'
import json, sys, urllib.request
url, method, path = sys.argv[1], sys.argv[2], sys.argv[3]
req = urllib.request.Request(url + path, data=None if method == 'GET' else b'', method=method)
print(json.dumps(json.load(urllib.request.urlopen(req))))
PY
}
said() {  # said TEXT FILE: TEXT is in FILE, whatever the line breaks (ansible-core 2.16 wraps its warnings)
    tr -s ' \n' '  ' < "$2" | grep -q -F -e "$1"
}
refused() {  # refused SOURCE: ansible-inventory fails on SOURCE; its error output goes to SOURCE.err
    local rc=0
    ANSIBLE_INVENTORY_ANY_UNPARSED_IS_FAILED=true ansible-inventory -i "$1" --list > /dev/null 2> "$1.err" || rc=$?
    cat "$1.err"
    [ "$rc" -ne 0 ]
}
counter() {  # counter DEVICE NAME
    control GET "/devices/$1/counters" | python -c "import json,sys; print(json.load(sys.stdin)['$2'])"
}

# nvr-locked locks the controller's address out after two refused logins: two, before the inventory is read.
python - <<'PY'
import requests
from requests.auth import HTTPDigestAuth
for _ in range(2):
    requests.get('http://127.0.44.1:18110/ISAPI/System/deviceInfo', auth=HTTPDigestAuth('admin', 'Not-Its-Password'),
                 timeout=5)
PY

# The sources. dvr-s's own password is vaulted in the source; it serves HTTPS with a certificate of its own.
dvr_cert="$(control GET /devices/dvr-s | python -c "import json,sys; print(json.load(sys.stdin)['certificate'])")"
vaulted="$(ansible-vault encrypt_string 'Dvr-Pass-456' 2>/dev/null)"
# Both sources' common part: the plugin, the ports, the memory, and the two recorders that can be read.
readable_source() {  # readable_source FILE [SOURCE LINES]: the common part, the lines given, then the two recorders
    printf 'plugin: camops.hikvision.recorders\nport: 18110\ncamera_port: 18110\nrefused_password_dir: %s\n%s\n' \
        "$work/refused" "${2:-}" > "$1"
    cat >> "$1" <<YAML
recorders:
  - {host: 127.0.41.1, name: nvr-n, site: north}
  - host: 127.0.42.1
    name: dvr-s
    site: south
    protocol: https
    ca_path: $dvr_cert
    password: $vaulted
YAML
}
readable_source "$work/fleet.hikvision.yml"
cat >> "$work/fleet.hikvision.yml" <<YAML
  - {host: 127.0.43.1, name: nvr-wrong, site: east, password: Not-The-Password-1}
  - {host: 127.0.44.1, name: nvr-locked, site: east}
  - {host: 127.0.45.1, name: nvr-gone, site: east, timeout: 3}
compose:
  hik_label: "'camera ' ~ hik_channel_name ~ ' on ' ~ hik_recorder"
groups:
  north_cameras: "hik_site == 'north' and hik_device_type == 'ipc'"
keyed_groups:
  - {key: hik_channel_protocol, prefix: proto}
YAML
secrets=(Sim-Admin-123 Dvr-Pass-456 Not-The-Password-1)
no_secret() {  # no_secret FILE...
    local secret
    for secret in "${secrets[@]}"; do
        if grep -n -F -e "$secret" "$@"; then
            echo "a password appeared in $*" >&2
            return 1
        fi
    done
}

ansible-inventory -i "$work/fleet.hikvision.yml" --list > "$work/list.json" 2> "$work/list.err"
cat "$work/list.err"
no_secret "$work/list.json" "$work/list.err"
control GET /state > "$work/state.json"
python "$here/check.py" list "$work/list.json" "$work/list.err" "$work/state.json"
[ "$(counter nvr-wrong failed_logins)" -eq 1 ]

# A channel name that is a template is a plain string to Ansible (ansible-core 2.16 included): printed, not run.
(cd "$work" && ansible -i "$work/fleet.hikvision.yml" offline_cameras -m ansible.builtin.debug -a var=hik_channel_name \
    > "$work/unsafe.log" 2>&1) || { cat "$work/unsafe.log"; exit 1; }
cat "$work/unsafe.log"
[ ! -e "$work/PWNED" ]
grep -q -F "yard {{ lookup('ansible.builtin.pipe', 'touch PWNED') }}" "$work/unsafe.log"

# Two recorders whose names make one group name are refused: one's cameras would join a run meant for the other's.
printf 'plugin: camops.hikvision.recorders\nport: 18110\nrefused_password_dir: %s\nrecorders:\n  - {host: 127.0.41.1, name: nvr-n}\n  - {host: 127.0.42.1, name: nvr.n, protocol: https, ca_path: %s}\n' \
    "$work/refused" "$dvr_cert" > "$work/clash.hikvision.yml"
refused "$work/clash.hikvision.yml"
said "both make the group name recorder_nvr_n" "$work/clash.hikvision.yml.err"

# The next read does not send the refused password again.
ansible-inventory -i "$work/fleet.hikvision.yml" --graph > "$work/graph.txt" 2> "$work/graph.err"
cat "$work/graph.txt" "$work/graph.err"
[ "$(counter nvr-wrong failed_logins)" -eq 1 ]
said 'not sent again until the password given changes' "$work/graph.err"
python "$here/check.py" graph "$work/graph.txt"

# strict: a recorder that cannot be read fails the inventory.
{ cat "$work/fleet.hikvision.yml"; echo 'strict: true'; } > "$work/strict.hikvision.yml"
refused "$work/strict.hikvision.yml"
said 'could not be read (strict)' "$work/strict.hikvision.yml.err"

# A source that can never work is refused before any request.
before="$(counter nvr-n requests)"
printf 'plugin: camops.hikvision.recorders\nrecorders:\n  - {host: 127.0.41.1, prot: https}\n' > "$work/bad.hikvision.yml"
refused "$work/bad.hikvision.yml"
said 'unknown key(s) prot' "$work/bad.hikvision.yml.err"
[ "$(counter nvr-n requests)" -eq "$before" ]

# The cache: the second read sends nothing.
readable_source "$work/ok.hikvision.yml" "$(printf 'cache: true\ncache_plugin: ansible.builtin.jsonfile\ncache_connection: %s' "$work/cache")"
ansible-inventory -i "$work/ok.hikvision.yml" --list > "$work/cached1.json"
before="$(counter nvr-n requests)"
ansible-inventory -i "$work/ok.hikvision.yml" --list > "$work/cached2.json"
[ "$(counter nvr-n requests)" -eq "$before" ]
cmp "$work/cached1.json" "$work/cached2.json"
no_secret "$work/cache" -r

# The audit of the PoE camera: not contacted, reported as not reachable.
ansible-playbook -i "$work/ok.hikvision.yml" camops.hikvision.audit --limit poe_cameras \
    -e "audit_report_dir=$work/audit" > "$work/audit.log" 2>&1 || { tail -40 "$work/audit.log"; exit 1; }
cat "$work/audit/audit.txt"
grep -q "SKIPPED: not read: not reachable from the controller (hik_reachable is false: a camera on nvr-n's PoE network)" \
    "$work/audit/audit.txt"

# The transfer of the PoE camera: not contacted either, reported as skipped, no hand-over sheet, nothing stored.
ansible-playbook -i "$work/ok.hikvision.yml" camops.hikvision.transfer -e transfer_targets=poe_cameras \
    -e "transfer_store_dir=$work/transfer-store" -e "transfer_report_dir=$work/transfer" \
    -e transfer_new_admin_password=New-Owner-Pass-1 > "$work/transfer.log" 2>&1 || { tail -40 "$work/transfer.log"; exit 1; }
python - "$work" <<'PY'
import json, os, sys
work = sys.argv[1]
record = json.load(open(os.path.join(work, 'transfer', 'devices', 'nvr-n-ch03.json')))
assert record['status'] == 'skipped' and record['verified'] is False, record
assert "a camera on nvr-n's PoE network" in ' '.join(record['notes']), record['notes']
assert not os.path.exists(os.path.join(work, 'transfer', 'handover', 'nvr-n-ch03.txt'))
assert not os.path.exists(os.path.join(work, 'transfer-store', 'nvr-n-ch03.yml'))
print('transfer: the PoE camera skipped, not contacted, no sheet, nothing stored')
PY

# Every camera behind nvr-n, and only those: the recorder's group holds nvr-n and its cameras; nvr-n has their
# channels removed and is not itself decommissioned.
decommission() {
    ansible-playbook -i "$work/ok.hikvision.yml" camops.hikvision.decommission --limit recorder_nvr_n \
        -e decommission_targets=cameras -e "decommission_store_dir=$work/store" \
        -e "decommission_report_dir=$work/reports"
}
decommission > "$work/run1.log" 2>&1 || { tail -60 "$work/run1.log"; exit 1; }
grep -A 8 'PLAY RECAP' "$work/run1.log"
no_secret "$work/run1.log"
control GET /state > "$work/state-after.json"
python "$here/check.py" decommissioned "$work/state-after.json" "$work/store" "$work/reports"

# Again, with the same (cached) inventory: nothing changes.
decommission > "$work/run2.log" 2>&1 || { tail -60 "$work/run2.log"; exit 1; }
grep -A 8 'PLAY RECAP' "$work/run2.log"
if grep -E '^[a-z0-9-]+ +: ok=' "$work/run2.log" | grep -v 'changed=0 ' | grep -q .; then
    echo "a host changed on the second run" >&2
    exit 1
fi

# Read afresh, nvr-n records no camera any more.
# (ansible-inventory has --flush-cache from ansible-core 2.17 on; the cache's directory is removed instead.)
rm -rf "$work/cache"
ansible-inventory -i "$work/ok.hikvision.yml" --graph > "$work/graph-after.txt"
cat "$work/graph-after.txt"
python "$here/check.py" graph-after "$work/graph-after.txt"
