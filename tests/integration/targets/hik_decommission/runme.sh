#!/usr/bin/env bash
# hik_decommission against simulated devices, at -vvv, on both execution paths (in-process and AnsiballZ);
# none of the passwords the test uses may appear in the output, the generated ones in the store included.
set -eux
source ../setup_hiksim/hiksim.sh
hiksim_start "$(pwd)/fleet.yml"
hiksim_playbook_vvv "$(pwd)/main.yml" Sim-Admin-123 Flow-New-Pass9 FlowCode1234 Install-2024 Onvif-2024x \
    Keeper-2024
# The passwords the store generated are known only after the run (store.yml kept them): check its log for them too.
hiksim_playbook_vvv "$(pwd)/store.yml" Sim-Admin-123 Install-2024 Rotated-Later-7 Before-Crash-1 Reset-Before-1 \
    Given-Code-1
set +x  # the generated passwords must not reach the test log either
generated="$(cat "$HIKSIM_DIR"/generated-*)"
test -n "$generated"
for secret in $generated; do
    if grep -n -F -e "$secret" "$HIKSIM_DIR/store.log"; then
        echo "a stored secret appeared in the -vvv output of store.yml" >&2
        exit 1
    fi
done
