#!/usr/bin/env bash
# hik_device_info against a simulated fleet: one device per real capture, plus lockout devices. The
# module runs in the controller's worker process (the default for a local connection) and, with
# hik_in_process=false, the ordinary way (AnsiballZ in a new Python); both must pass the same checks.
set -eux
here="$(pwd)"
source ../setup_hiksim/hiksim.sh
hiksim_start "$here/fleet.yml"
ansible-playbook -i "$HIKSIM_INVENTORY" "$here/expected.yml" -e "profiles_dir=$HIKSIM_PROFILES" "$@"
for in_process in true false; do
    log="$HIKSIM_DIR/vvv-$in_process.log"
    # Secrets never appear in output, even at -vvv.
    if ! ansible-playbook -i "$HIKSIM_INVENTORY" "$here/main.yml" -e "profiles_dir=$HIKSIM_PROFILES" \
            -e "hik_in_process=$in_process" -vvv "$@" > "$log" 2>&1; then
        tail -n 60 "$log"
        exit 1
    fi
    grep -A 12 'PLAY RECAP' "$log"
    if grep -n -e 'Sim-Admin-123' -e 'Wrong-pass-1' -e 'Therm4321' "$log"; then
        echo "a secret appeared in the -vvv output" >&2
        exit 1
    fi
    # Which way the module ran: only the ordinary way ships an AnsiballZ payload.
    shipped="$(grep -c 'AnsiballZ_hik_device_info' "$log" || true)"
    if [ "$in_process" = true ]; then [ "$shipped" -eq 0 ]; else [ "$shipped" -gt 0 ]; fi
done
# async and become: only the ordinary way runs them (the action plugin steps aside): three AnsiballZ payloads.
log="$HIKSIM_DIR/async.log"
if ! ansible-playbook -i "$HIKSIM_INVENTORY" "$here/async.yml" -vvv "$@" > "$log" 2>&1; then
    tail -n 60 "$log"
    exit 1
fi
grep -A 3 'PLAY RECAP' "$log"
[ "$(grep -c 'AnsiballZ_hik_device_info' "$log")" -ge 3 ]
if grep -n -e 'Sim-Admin-123' "$log"; then
    echo "a secret appeared in the -vvv output of async.yml" >&2
    exit 1
fi
