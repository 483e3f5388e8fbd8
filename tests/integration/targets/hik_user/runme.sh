#!/usr/bin/env bash
# hik_user against simulated devices, at -vvv; none of the passwords the test uses may appear in the output.
set -eux
source ../setup_hiksim/hiksim.sh
hiksim_start "$(pwd)/fleet.yml"
hiksim_playbook_vvv "$(pwd)/main.yml" Sim-Admin-123 New-Admin-456 Monitor-2024 Install-2024 Guest-2024x \
    Ops-2024xx Onvif-2024 Keeper-2024 Night-202 abc12 aaaaaaaaaa
