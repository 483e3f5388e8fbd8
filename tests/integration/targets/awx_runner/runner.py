"""The collection's playbooks through ansible-runner, as AWX/AAP runs a job (tests/integration/targets/awx_runner).

    python runner.py INVENTORY WORKDIR

INVENTORY is hiksim's (it holds hik_password, which is taken out: the job's inventory has no secret).
"""

import glob
import json
import os
import sys

import ansible_runner
import yaml

PASSWORD = 'Sim-Admin-123'  # the credential's, injected as HIKVISION_PASSWORD
SECRETS = (PASSWORD, 'Other-Admin-77', 'Install-2024', 'Hik12345', 'New-Owner-Pass1', 'NewOwner99')
WRONG = 'cam-wrong'


def strip(node):
    if isinstance(node, dict):
        node.pop('hik_password', None)
        for value in node.values():
            strip(value)
    return node


def private_data_dir(work, name, inventory, extravars, playbook):
    """A private data dir as AWX lays it out: env/envvars (the credential), env/extravars, inventory/hosts,
    project/<playbook>."""
    root = os.path.join(work, name)
    for sub in ('env', 'inventory', 'project'):
        os.makedirs(os.path.join(root, sub), exist_ok=True)
    with open(os.path.join(root, 'env', 'envvars'), 'w') as handle:
        yaml.safe_dump({'HIKVISION_USERNAME': 'admin', 'HIKVISION_PASSWORD': PASSWORD}, handle)
    with open(os.path.join(root, 'env', 'extravars'), 'w') as handle:
        yaml.safe_dump(extravars, handle)
    with open(os.path.join(root, 'inventory', 'hosts.yml'), 'w') as handle:
        yaml.safe_dump(inventory, handle)
    with open(os.path.join(root, 'project', 'site.yml'), 'w') as handle:
        handle.write('---\n- name: The collection\'s playbook\n  ansible.builtin.import_playbook: %s\n' % playbook)
    return root


def run(root, label):
    result = ansible_runner.run(private_data_dir=root, playbook='site.yml', quiet=True, ident=label)
    events = list(result.events)
    stats = [event for event in events if event.get('event') == 'playbook_on_stats']
    if len(stats) != 1:
        print(result.stdout.read()[-4000:])
        sys.exit('%s: %d stats events (status %s, rc %s)' % (label, len(stats), result.status, result.rc))
    # Nothing of the job's output, events or artifacts shows a secret. Except artifacts/<ident>/command:
    # ansible-runner itself writes its whole environment there (mode 0600), the injected credential with it,
    # whatever the playbook does (docs/awx.md says so).
    artifacts = os.path.join(root, 'artifacts', label)
    command = os.path.join(artifacts, 'command')
    assert os.stat(command).st_mode & 0o077 == 0, '%s: %s is readable by others' % (label, command)
    for path in glob.glob(os.path.join(artifacts, '**', '*'), recursive=True):
        if os.path.isfile(path) and path != command:
            with open(path, 'rb') as handle:
                data = handle.read()
            for secret in SECRETS:
                assert secret.encode() not in data, '%s: a secret is in %s' % (label, path)
    print('%s: status %s, rc %s, failures %s, changed %s, dark %s' % (
        label, result.status, result.rc, sorted(result.stats['failures']), sorted(result.stats['changed']),
        sorted(result.stats['dark'])))
    return result


# What the job keeps of this process's environment: where the collection is, where the playbooks' warnings
# are logged (scripts/test.sh reads them), the interpreter. ansible-test's own ANSIBLE_* settings (for example
# ANSIBLE_HOST_PATTERN_MISMATCH=error) are not an AWX job's.
KEPT = ('ANSIBLE_COLLECTIONS_PATH', 'ANSIBLE_LOG_PATH', 'ANSIBLE_PYTHON_INTERPRETER')


def main():
    inventory_path, work = sys.argv[1], sys.argv[2]
    for key in [key for key in os.environ if key.startswith('ANSIBLE_') and key not in KEPT]:
        del os.environ[key]
    with open(inventory_path) as handle:
        inventory = strip(yaml.safe_load(handle))
    assert 'hik_password' not in json.dumps(inventory)
    store = os.path.join(work, 'store')
    departing = 'cam-1:cam-2:cam-wrong'

    # The decommission job: every device the credential opens leaves; the one it does not is a failed host,
    # and only that one (the relaunch-on-failed list), while the others go on.
    options = dict(decommission_store_dir=store, decommission_report_dir=os.path.join(work, 'reports'),
                   decommission_targets=departing, decommission_backup_dir=os.path.join(work, 'backups'))
    root = private_data_dir(work, 'decommission', inventory, options, 'camops.hikvision.decommission')
    first = run(root, 'first')
    assert first.status == 'failed' and first.rc != 0, first.status
    assert sorted(first.stats['failures']) == [WRONG], first.stats
    assert sorted(first.stats['changed']) == ['cam-1', 'cam-2'], first.stats
    assert not first.stats['dark'], first.stats
    with open(os.path.join(store, 'cam-1.yml')) as handle:
        assert yaml.safe_load(handle)['status'] == 'verified'
    # set_stats gave the job its counts: the stats event's artifact_data, which AWX keeps as the job's artifacts
    # and hands to the next job of a workflow.
    stats = [event for event in first.events if event.get('event') == 'playbook_on_stats'][0]
    counts = stats['event_data'].get('artifact_data', {}).get('camops_hikvision', {}).get('decommission', {})
    assert counts.get('failed') == 1 and counts.get('failed_hosts') == [WRONG], stats['event_data']
    # The same job again: the finished devices change nothing; the failed one fails again, and its refused
    # password is not sent to it again (remembered in the store's refused/).
    again = run(root, 'again')
    assert sorted(again.stats['failures']) == [WRONG] and not again.stats['changed'], again.stats

    # The audit job reads every device with the same credential: the decommissioned ones with their stored
    # password, the untouched one with the credential's.
    audit = dict(audit_store_dir=store, audit_report_dir=os.path.join(work, 'audit'))
    root = private_data_dir(work, 'audit', inventory, audit, 'camops.hikvision.audit')
    audited = run(root, 'audit')
    # The device it cannot read is the failed host, and only it (the credential's password, which cam-wrong
    # refused in the decommission job, is not sent to it again).
    assert not audited.stats['changed'] and sorted(audited.stats['failures']) == [WRONG], audited.stats

    # The transfer job hands cam-handover to a new owner.
    transfer = dict(transfer_store_dir=store, transfer_report_dir=os.path.join(work, 'transfer'),
                    transfer_targets='cam-handover', transfer_new_admin_password='New-Owner-Pass1',
                    transfer_verification_code='NewOwner99')
    root = private_data_dir(work, 'transfer', inventory, transfer, 'camops.hikvision.transfer')
    handed = run(root, 'transfer')
    assert handed.status == 'successful' and sorted(handed.stats['changed']) == ['cam-handover'], handed.stats
    again = run(root, 'transfer-again')
    assert again.status == 'successful' and not again.stats['changed'], again.stats
    print('ansible-runner: decommission, audit and transfer jobs as AWX runs them: ok')


if __name__ == '__main__':
    main()
