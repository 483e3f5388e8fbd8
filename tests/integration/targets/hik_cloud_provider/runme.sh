#!/usr/bin/env bash
# hik_cloud_binding with the hik_partner_pro, ezviz_open and hik_connect_teams providers against hiksim's simulated cloud, at
# -vvv; no credential, token or verification code may appear in the output.
set -eux
source ../setup_hiksim/hiksim.sh
hiksim_start "$(pwd)/fleet.yml"
secrets=(Sim-Admin-123 Old12345 NewCode123 Hpp-Key-4711 Hpp-Secret-0815 Ez-Key-1234 Ez-Secret-5678 Ez-Key-Cn
         Ez-Secret-Cn Teams-Key-42 Teams-Secret-42 Not-The-Teams-Secret)
# The cloud-only plays take their credentials from the environment the controller runs in (not from a play's
# environment keyword, which ansible-playbook -vvv prints); kept out of the set -x trace.
set +x
export HIK_CLOUD_APP_KEY=Hpp-Key-4711 HIK_CLOUD_APP_SECRET=Hpp-Secret-0815
hiksim_playbook_vvv "$(pwd)/hpp.yml" "${secrets[@]}"
export HIK_CLOUD_APP_KEY=Ez-Key-1234 HIK_CLOUD_APP_SECRET=Ez-Secret-5678
hiksim_playbook_vvv "$(pwd)/ezviz.yml" "${secrets[@]}"
export HIK_CLOUD_APP_KEY=Teams-Key-42 HIK_CLOUD_APP_SECRET=Teams-Secret-42
hiksim_playbook_vvv "$(pwd)/teams.yml" "${secrets[@]}"
# Every token the simulated cloud issued (read after the runs) is absent from both logs too.
python - "$HIKSIM_CONTROL" "$HIKSIM_DIR/hpp.log" "$HIKSIM_DIR/ezviz.log" "$HIKSIM_DIR/teams.log" <<'PY'
import json, sys, urllib.request
tokens = json.load(urllib.request.urlopen(sys.argv[1] + '/cloud'))['tokens']
assert len(tokens) >= 10, tokens and len(tokens)
for path in sys.argv[2:]:
    text = open(path, encoding='utf-8').read()
    leaked = [t for t in tokens if t in text or t.split('.', 1)[1] in text]
    assert not leaked, '%d token(s) appear in %s' % (len(leaked), path)
print('none of the %d issued tokens appears in the output' % len(tokens))
PY
