#!/usr/bin/env bash
# hik_decommission against simulated devices, at -vvv, on both execution paths (in-process and AnsiballZ);
# none of the passwords the test uses may appear in the output.
set -eux
source ../setup_hiksim/hiksim.sh
hiksim_start "$(pwd)/fleet.yml"
hiksim_playbook_vvv "$(pwd)/main.yml" Sim-Admin-123 Flow-New-Pass9 FlowCode1234 Install-2024 Onvif-2024x \
    Keeper-2024
