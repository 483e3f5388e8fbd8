#!/usr/bin/env bash
# The decommission, audit and transfer playbooks through ansible-runner, with a private data dir laid out as
# AWX/AAP lays it out: the device login only in env/envvars (as a custom credential type injects it), the
# options in env/extravars, an inventory without any secret, a project whose playbooks import the
# collection's. runner.py checks the runner's status, the stats event, the job events and artifacts.
set -eux
source ../setup_hiksim/hiksim.sh
hiksim_start "$(pwd)/fleet.yml"
python "$(pwd)/runner.py" "$HIKSIM_INVENTORY" "$HIKSIM_DIR"
