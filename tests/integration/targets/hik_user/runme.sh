#!/usr/bin/env bash
# hik_user against simulated devices. The playbook runs once, at -vvv, and its whole output is searched
# for every password the test uses.
set -eux
here="$(pwd)"
source ../setup_hiksim/hiksim.sh
hiksim_start "$here/fleet.yml"
log="$HIKSIM_DIR/hik_user.log"
if ! ansible-playbook -i "$HIKSIM_INVENTORY" "$here/main.yml" -vvv "$@" > "$log" 2>&1; then
    grep -v '^<\|^ESTABLISH\|^EXEC\|^PUT\|^Using module' "$log" | tail -n 120
    exit 1
fi
grep -E '^(PLAY RECAP|localhost) ' "$log"
if grep -n -e 'Sim-Admin-123' -e 'New-Admin-456' -e 'Monitor-2024' -e 'Install-2024' -e 'Guest-2024x' \
        -e 'Ops-2024xx' -e 'Onvif-2024' -e 'Keeper-2024' -e 'Night-202' -e 'abc12' -e 'aaaaaaaaaa' "$log"; then
    echo "a password appeared in the -vvv output" >&2
    exit 1
fi
