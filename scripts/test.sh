#!/usr/bin/env bash
# Run every test of the collection, on every ansible-core it claims (meta/runtime.yml: 2.16 to 2.19). What runs
# on which version, and why:
#   2.19 (.venv, the newest, the one the demo uses): everything: ansible-test sanity, unit tests, the mutation
#        check of the safety logic, the fault matrix (every device module against every fault of
#        tests/faults/faults.yml, over HTTP and HTTPS; docs/reliability.md is its table; and the crash tests, the
#        decommission and the transfer killed at every write and resumed, tests/faults/crash.py; and the audit,
#        decommission and transfer playbooks over a fleet with a fault per device, tests/faults/roles.py), every
#        integration target against the simulator, the conformance suite over every real device profile and its
#        variants, the browser check of the HTML reports, ansible-lint (production profile), changelog lint, and
#        build/install/ansible-doc/galaxy-importer/ansible-builder of the tarball.
#   2.16 (the lowest claimed): ansible-test sanity without pylint (pylint checks the same code on 2.19; the
#        other sanity tests are the ones whose rules change with the version: the boilerplate, validate-modules,
#        ansible-doc, the import test), unit tests, and the integration targets that run the roles and playbooks
#        (ROLE_TARGETS below: the decommission, audit and transfer playbooks through ansible-playbook and
#        ansible-runner, the safety cases, the inventory plugin).
#   2.17, 2.18: the decommission, audit and transfer playbooks through ansible-playbook and ansible-runner
#        (BETWEEN_TARGETS). Sanity and unit tests check the collection's own code and its static rules, which
#        2.16 and 2.19 bracket; they run on 2.17 and 2.18 by name (sanity-2.17, units-2.18, ...) and are left
#        out of the full run to keep CI inside its 20 minutes (about 90 s a version).
#   The roles' targets go through every layer ansible-core provides: templating and its trust rules,
#        module_defaults and the action group, the action plugins and the in-process runner, check and diff mode,
#        set_stats, retry files, the inventory plugin API. The module targets and the conformance suite exercise
#        the collection's own parsing and planning against the simulator and the device profiles, which do not
#        change with ansible-core; they run on 2.19 only (every extra version's run of them costs about 6
#        minutes).
# Usage: scripts/test.sh [stage ...]   (stages: sanity units mutation faults integration conformance browser lint
#        changelog build, and sanity, units, roles, integration or conformance with -2.16, -2.17 or -2.18 to run
#        them on that ansible-core, in .venv-X.Y made by scripts/bootstrap.sh --core X.Y)
# The browser stage renders the HTML reports of the demo fleet in headless Chromium and reads them back
# (tests/browser); its screenshots stay in tests/output/browser/ of the checkout.
# HIK_TARGETS="hik_user ..." limits the integration and roles stages to those targets.
# The integration and conformance stages fail on any deprecation warning, on every ansible-core they run.
set -uo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
STAGES=("$@")
[ ${#STAGES[@]} -eq 0 ] && STAGES=(sanity units mutation faults integration conformance browser
                                    sanity-2.16 units-2.16 roles-2.16 roles-2.17 roles-2.18 lint changelog build)
# The lowest ansible-core the collection claims (meta/runtime.yml).
LOWEST=2.16
ROLE_TARGETS=(playbook_decommission playbook_audit playbook_safety awx_runner inventory_recorders)
# On the versions between the lowest and the newest, the three that run the decommission, audit and transfer
# playbooks through ansible-playbook and ansible-runner (the safety cases and the inventory plugin run on 2.16 and
# 2.19): CI's 20 minutes.
BETWEEN_TARGETS=(playbook_decommission playbook_audit awx_runner)
# The other ansible-core versions the stages name, each in its own venv (.venv-X.Y).
CORES=()
for stage in "${STAGES[@]}"; do
    case "$stage" in
        *-2.1[0-9]) version="${stage##*-}"; case " ${CORES[*]-} " in *" $version "*) ;; *) CORES+=("$version") ;; esac ;;
    esac
done
core_args=()
for version in ${CORES[@]+"${CORES[@]}"}; do core_args+=(--core "$version"); done
case " ${STAGES[*]} " in *" browser "*) core_args+=(--browser) ;; esac
bash "$ROOT/scripts/bootstrap.sh" ${core_args[@]+"${core_args[@]}"} || exit 1
# shellcheck source=scripts/env.sh
source "$ROOT/scripts/env.sh"
read -r -a TARGETS <<< "${HIK_TARGETS:-}"

WORK="$(mktemp -d "${TMPDIR:-/tmp}/camops-test.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT
COLL="$WORK/ansible_collections/camops/hikvision"
mkdir -p "$COLL"
# ansible-test needs a real ansible_collections/<ns>/<name> directory: copy the tracked and
# not-ignored files of the checkout there (uncommitted changes included).
(cd "$ROOT" && git ls-files -co --exclude-standard -z | tar --null -T - -cf -) | tar -xf - -C "$COLL"

# ansible-test bootstraps pip in its sanity venvs with a script it downloads from a host that is not
# reachable here; an equivalent offline stand-in goes where it looks first.
# Each ansible-core version looks for its own pip version's script (the lowest one's too).
mkdir -p "$HOME/.ansible/test/cache"
for py in python ${CORES[@]+"${CORES[@]/#/$ROOT/.venv-}"}; do
    [ "$py" = python ] || py="$py/bin/python"
    command -v "$py" >/dev/null 2>&1 || continue
    pip_version="$("$py" - <<'PY'
import os, re, ansible_test
src = open(os.path.join(os.path.dirname(ansible_test.__file__), '_internal', 'python_requirements.py')).read()
print(re.search(r"pip='([0-9.]+)'", src).group(1))
PY
)"
    cp "$ROOT/tests/utils/get_pip_offline.py" "$HOME/.ansible/test/cache/get_pip_${pip_version//./_}.py"
done

export ANSIBLE_COLLECTIONS_PATH="$WORK"
export ANSIBLE_FORCE_COLOR=0
passed=0
failed=0
failed_names=()

run_stage() {
    local name="$1"
    shift
    echo
    echo "=== stage: $name ==="
    local started=$SECONDS status
    # Not in an if: a stage that sets -e (build) must stop at its first failing command, and bash ignores
    # set -e anywhere inside an if's condition.
    (cd "$COLL" && "$@")
    status=$?
    if [ "$status" -eq 0 ]; then
        passed=$((passed + 1))
        echo "=== stage $name: passed in $((SECONDS - started)) s ==="
    else
        failed=$((failed + 1))
        failed_names+=("$name")
        echo "=== stage $name: FAILED after $((SECONDS - started)) s ==="
    fi
}

# ansible-test integration, then no deprecation warning in any log the targets' playbooks wrote
# (tests/integration/targets/setup_hiksim/hiksim.sh points ANSIBLE_LOG_PATH there).
stage_integration() {
    rm -rf tests/output/ansible-logs
    ansible-test integration --python 3.11 --local --color no ${TARGETS[@]+"${TARGETS[@]}"} || return 1
    no_deprecations tests/output/ansible-logs
}

# The integration targets that run the roles and playbooks (HIK_TARGETS, when set, still limits them).
stage_roles() {
    local -a TARGETS=("${ROLE_TARGETS[@]}")
    [ "$1" = "$LOWEST" ] || TARGETS=("${BETWEEN_TARGETS[@]}")
    [ -z "${HIK_TARGETS:-}" ] || read -r -a TARGETS <<< "$HIK_TARGETS"
    stage_integration
}

# A stage on another ansible-core: its venv's commands first on PATH.
on_core() {
    local version="$1"
    shift
    PATH="$ROOT/.venv-$version/bin:$PATH" "$@"
}

no_deprecations() {
    local found
    found="$(grep -h -A3 'DEPRECATION WARNING' "$1"/*.log 2>/dev/null)"
    if [ -n "$found" ]; then
        echo "deprecation warnings in the playbooks' output:"
        echo "$found"
        return 1
    fi
    echo "no deprecation warning in $(find "$1" -name '*.log' 2>/dev/null | wc -l) playbook log(s) ($(ansible --version | head -n 1))"
}

stage_build() {
    set -e
    ansible-galaxy collection build --force --output-path "$WORK/dist" . >/dev/null
    local tarball
    tarball="$(ls "$WORK"/dist/camops-hikvision-*.tar.gz)"
    echo "built $(basename "$tarball") ($(du -k "$tarball" | cut -f1) KiB)"
    ANSIBLE_COLLECTIONS_PATH="$WORK/installed" ansible-galaxy collection install --offline --force "$tarball" -p "$WORK/installed" >/dev/null
    python - <<'PY'
import glob, os, yaml
modules = sorted(os.path.basename(p)[:-3] for p in glob.glob('plugins/modules/*.py')
                 if 'camops.hikvision.connection' in open(p).read())
group = sorted(yaml.safe_load(open('meta/runtime.yml'))['action_groups']['isapi'])
assert group == modules, 'action group isapi %s != device modules %s' % (group, modules)
print('action group isapi holds every device module: %s' % ', '.join(modules))
PY
    # Every module's documentation, in one ansible-doc call each way (JSON and the text a user reads).
    local -a fqcns=()
    local module
    for module in plugins/modules/*.py; do fqcns+=("camops.hikvision.$(basename "$module" .py)"); done
    ANSIBLE_COLLECTIONS_PATH="$WORK/installed" ansible-doc --json "${fqcns[@]}" > "$WORK/doc.json"
    python - "$WORK/doc.json" "${fqcns[@]}" <<'PY'
import json, sys
data = json.load(open(sys.argv[1]))
for fqcn in sys.argv[2:]:
    doc = data.get(fqcn) or {}
    assert doc.get('doc', {}).get('short_description'), '%s: ansible-doc rendered no documentation' % fqcn
    assert doc.get('examples'), '%s: no EXAMPLES' % fqcn
    assert doc.get('return'), '%s: no RETURN' % fqcn
    print('ansible-doc %s: ok' % fqcn)
PY
    ANSIBLE_COLLECTIONS_PATH="$WORK/installed" ansible-doc "${fqcns[@]}" > "$WORK/doc.txt"
    [ "$(grep -c 'RETURN VALUES' "$WORK/doc.txt")" -eq ${#fqcns[@]} ] \
        || { echo "ansible-doc's text does not show RETURN VALUES for every module"; return 1; }
    # The execution environment (ee/): what ansible-builder finds in the installed collection, and the build
    # context it writes for ee/execution-environment.yml with the tarball. No image is built: there is no
    # container engine here.
    ansible-builder introspect --sanitize "$WORK/installed" > "$WORK/introspect.txt"
    cp -r ee "$WORK/ee"
    cp "$tarball" "$WORK/ee/"
    ansible-builder create -f "$WORK/ee/execution-environment.yml" -c "$WORK/ee-context" \
        --output-filename Containerfile >/dev/null
    python tests/utils/check_ee.py "$WORK/introspect.txt" "$WORK/ee-context" "$(basename "$tarball")"
    local filter
    fqcns=()
    for filter in plugins/filter/*.yml; do fqcns+=("camops.hikvision.$(basename "$filter" .yml)"); done
    ANSIBLE_COLLECTIONS_PATH="$WORK/installed" ansible-doc -t filter "${fqcns[@]}" > "$WORK/filters.txt"
    [ "$(grep -c 'RETURN VALUES' "$WORK/filters.txt")" -eq ${#fqcns[@]} ] \
        || { echo "ansible-doc -t filter does not show RETURN VALUES for every filter"; return 1; }
    echo "ansible-doc -t filter: ok for ${fqcns[*]}"
    # The Galaxy and Automation Hub import check (galaxy-importer, with its own ansible-lint run) on the tarball.
    mkdir -p "$WORK/importer"
    (cd "$WORK/importer" && python -m galaxy_importer.main "$tarball" > "$WORK/importer/import.log" 2>&1) \
        || { cat "$WORK/importer/import.log"; return 1; }
    if grep -E '^(WARNING|ERROR)' "$WORK/importer/import.log" || ! grep -q 'Importer processing completed successfully' "$WORK/importer/import.log"; then
        cat "$WORK/importer/import.log"
        return 1
    fi
    echo "galaxy-importer $(python -c 'import importlib.metadata as m; print(m.version("galaxy-importer"))'): the import completed without a warning"
    # The inventory plugin's documentation renders (ansible-doc exits 0 for a plugin it does not find).
    ANSIBLE_COLLECTIONS_PATH="$WORK/installed" ansible-doc --json -t inventory camops.hikvision.recorders \
        | python -c "import json,sys; d=json.load(sys.stdin)['camops.hikvision.recorders']; assert d['doc']['options']['recorders'] and d['examples']"
    echo "ansible-doc -t inventory camops.hikvision.recorders: ok"
    local role
    fqcns=()
    for role in roles/*/; do fqcns+=("camops.hikvision.$(basename "$role")"); done
    ANSIBLE_COLLECTIONS_PATH="$WORK/installed" ansible-doc -t role "${fqcns[@]}" > "$WORK/roles.txt"
    [ "$(grep -c 'ENTRY POINT: .*main' "$WORK/roles.txt")" -eq ${#fqcns[@]} ] \
        || { echo "ansible-doc -t role does not show the main entry point of every role"; return 1; }
    echo "ansible-doc -t role: ok for ${fqcns[*]}"
}

SANITY=(ansible-test sanity --python 3.11 --color no --exclude tests/simulator/hiksim/profiles/)
UNITS=(ansible-test units --python 3.11 --color no)
for stage in "${STAGES[@]}"; do
    case "$stage" in
        sanity) run_stage sanity "${SANITY[@]}" ;;
        units) run_stage units "${UNITS[@]}" ;;
        mutation) run_stage mutation python tests/mutation/run.py ;;
        faults) run_stage faults bash -c 'python tests/faults/matrix.py --docs docs/reliability.md --check-docs &&
                                          python tests/faults/crash.py && python tests/faults/roles.py' ;;
        integration) run_stage integration stage_integration ;;
        conformance) run_stage conformance python tests/conformance/conformance.py --docs docs/devices.md --check-docs --both-paths ;;
        sanity-2.1[0-9]) run_stage "$stage" on_core "${stage##*-}" "${SANITY[@]}" --skip-test pylint ;;
        units-2.1[0-9]) run_stage "$stage" on_core "${stage##*-}" "${UNITS[@]}" ;;
        integration-2.1[0-9]) run_stage "$stage" on_core "${stage##*-}" stage_integration ;;
        roles-2.1[0-9]) run_stage "$stage" on_core "${stage##*-}" stage_roles "${stage##*-}" ;;
        conformance-2.1[0-9]) run_stage "$stage" on_core "${stage##*-}" python tests/conformance/conformance.py --stage base ;;
        browser) run_stage browser env HIK_BROWSER_ARTIFACTS="$ROOT/tests/output/browser" bash tests/browser/run.sh ;;
        lint) run_stage lint ansible-lint --profile production --offline ;;
        changelog) run_stage changelog bash -c 'bash scripts/changelog.sh --check && antsibull-changelog lint' ;;
        build) run_stage build stage_build ;;
        *) echo "unknown stage $stage"; exit 2 ;;
    esac
done

echo
if [ "$failed" -gt 0 ]; then
    echo "failed stages: ${failed_names[*]}"
fi
echo "test stages: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
