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
