#!/usr/bin/env bash
# Sourced by integration targets: start hiksim on loopback with a fleet file, stop it on exit.
# Sets HIKSIM_DIR, HIKSIM_INVENTORY, HIKSIM_CONTROL and HIKSIM_PROFILES.

_hiksim_find_simulator() {
    local dir
    dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
    while [ "$dir" != "/" ]; do
        if [ -d "$dir/tests/simulator/hiksim" ]; then
            echo "$dir/tests/simulator"
            return 0
        fi
        dir="$(dirname "$dir")"
    done
    return 1
}

hiksim_start() {
    local fleet="$1" sim
    sim="$(_hiksim_find_simulator)"
    HIKSIM_DIR="$(mktemp -d)"
    HIKSIM_INVENTORY="$HIKSIM_DIR/inventory.yml"
    HIKSIM_PROFILES="$sim/hiksim/profiles"
    PYTHONPATH="$sim${PYTHONPATH:+:$PYTHONPATH}" python -m hiksim --fleet "$fleet" \
        --inventory "$HIKSIM_INVENTORY" --ready-file "$HIKSIM_DIR/ready.json" > "$HIKSIM_DIR/hiksim.log" 2>&1 &
    HIKSIM_PID=$!
    trap hiksim_stop EXIT
    for _ in $(seq 1 100); do
        [ -s "$HIKSIM_DIR/ready.json" ] && break
        if ! kill -0 "$HIKSIM_PID" 2>/dev/null; then
            cat "$HIKSIM_DIR/hiksim.log" >&2
            return 1
        fi
        sleep 0.1
    done
    HIKSIM_CONTROL="$(python -c 'import json,sys; print(json.load(open(sys.argv[1]))["control"])' "$HIKSIM_DIR/ready.json")"
    export HIKSIM_DIR HIKSIM_INVENTORY HIKSIM_CONTROL HIKSIM_PROFILES HIKSIM_PID
    # Every playbook's warnings go to a log under the collection's tests/output/, which scripts/test.sh reads
    # for deprecation warnings after the stage (ansible-test passes no environment variable of ours through).
    local logs="${sim%/tests/simulator}/tests/output/ansible-logs"
    mkdir -p "$logs"
    ANSIBLE_LOG_PATH="$logs/$(basename "$(pwd)").log"
    export ANSIBLE_LOG_PATH
    # Modules run on the controller (connection: local) with the interpreter that runs the tests.
    ANSIBLE_PYTHON_INTERPRETER="$(command -v python)"
    export ANSIBLE_PYTHON_INTERPRETER
}

hiksim_stop() {
    if [ -n "${HIKSIM_PID:-}" ]; then
        kill "$HIKSIM_PID" 2>/dev/null || true
        wait "$HIKSIM_PID" 2>/dev/null || true
    fi
    rm -rf "${HIKSIM_DIR:-/nonexistent}"
}

# hiksim_playbook_vvv PLAYBOOK SECRET... -- run PLAYBOOK against the simulated fleet at -vvv (extra
# ansible-playbook arguments go in HIKSIM_PLAYBOOK_ARGS), show the tail on failure, then fail if any
# SECRET appears anywhere in the output.
hiksim_playbook_vvv() {
    local playbook="$1" log secret
    shift
    log="$HIKSIM_DIR/$(basename "$playbook" .yml).log"
    # shellcheck disable=SC2086
    if ! ansible-playbook -i "$HIKSIM_INVENTORY" "$playbook" -vvv ${HIKSIM_PLAYBOOK_ARGS:-} > "$log" 2>&1; then
        grep -v -e '^<' -e '^ESTABLISH' -e '^EXEC' -e '^PUT' -e '^Using module' "$log" | tail -n 120
        return 1
    fi
    grep -E '^PLAY RECAP' -A 20 "$log"
    for secret in "$@"; do
        if grep -n -F -e "$secret" "$log"; then
            echo "a secret appeared in the -vvv output of $playbook" >&2
            return 1
        fi
    done
    echo "none of $# secrets appears in the -vvv output of $playbook"
}
