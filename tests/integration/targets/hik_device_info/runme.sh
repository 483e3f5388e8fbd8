#!/usr/bin/env bash
# hik_device_info against a simulated fleet: one device per real capture, plus lockout devices.
set -eux
here="$(pwd)"
source ../setup_hiksim/hiksim.sh
hiksim_start "$here/fleet.yml"
ansible-playbook -i "$HIKSIM_INVENTORY" "$here/expected.yml" -e "profiles_dir=$HIKSIM_PROFILES" "$@"
ansible-playbook -i "$HIKSIM_INVENTORY" "$here/main.yml" -e "profiles_dir=$HIKSIM_PROFILES" "$@"
# Secrets never appear in output, even at -vvv.
if ! ansible-playbook -i "$HIKSIM_INVENTORY" "$here/main.yml" -e "profiles_dir=$HIKSIM_PROFILES" -vvv > "$HIKSIM_DIR/vvv.log" 2>&1; then
    tail -n 60 "$HIKSIM_DIR/vvv.log"
    exit 1
fi
grep -c 'TASK \[' "$HIKSIM_DIR/vvv.log"
if grep -n -e 'Sim-Admin-123' -e 'Wrong-pass-1' -e 'Therm4321' "$HIKSIM_DIR/vvv.log"; then
    echo "a secret appeared in the -vvv output" >&2
    exit 1
fi
