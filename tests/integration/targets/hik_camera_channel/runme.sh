#!/usr/bin/env bash
# hik_camera_channel against simulated recorders, at -vvv; no password may appear in the output.
set -eux
source ../setup_hiksim/hiksim.sh
hiksim_start "$(pwd)/fleet.yml"
hiksim_playbook_vvv "$(pwd)/main.yml" Sim-Admin-123 Cam-Secret-1 Cam-Secret-2
