#!/usr/bin/env bash
# Configuration backup, reboot and factory reset against simulated devices, at -vvv; no secret in the output.
set -eux
source ../setup_hiksim/hiksim.sh
hiksim_start "$(pwd)/fleet.yml"
hiksim_playbook_vvv "$(pwd)/main.yml" Sim-Admin-123 Backup-Key1
