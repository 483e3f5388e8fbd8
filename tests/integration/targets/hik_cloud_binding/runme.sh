#!/usr/bin/env bash
# hik_cloud_binding against simulated devices, at -vvv; no verification code may appear in the output,
# including the one the module generated (read back from the simulator afterwards).
set -eux
source ../setup_hiksim/hiksim.sh
hiksim_start "$(pwd)/fleet.yml"
hiksim_playbook_vvv "$(pwd)/main.yml" Sim-Admin-123 Old12345 Hand0ver1 NewOwner1 abc12 Toolong123456 'abc-123#x'
set +x
generated="$(python -c 'import json, sys, urllib.request
print(json.load(urllib.request.urlopen(sys.argv[1] + "/devices/rot"))["ezviz"]["verification_code"])' "$HIKSIM_CONTROL")"
[ "${#generated}" -eq 12 ]
if grep -q -F -e "$generated" "$HIKSIM_DIR/main.log"; then
    echo "the generated verification code appeared in the -vvv output" >&2
    exit 1
fi
echo "the generated code does not appear in the output"
