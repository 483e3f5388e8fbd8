#!/usr/bin/env bash
# Run every test of the collection: ansible-test sanity, unit tests, integration targets against the
# simulator, the conformance suite over every real device profile, the integration targets and the
# conformance suite's base stage again on the lowest ansible-core the collection claims (every profile as
# captured, through ansible-core; the variants exercise the collection's own parsing, which does not change with
# ansible-core, and run once, to keep CI inside its 20 minutes), ansible-lint (production
# profile), changelog lint, and build/install/ansible-doc of the tarball.
# Usage: scripts/test.sh [stage ...]   (stages: sanity units mutation integration conformance sanity-lowest
#        integration-lowest conformance-lowest lint changelog build)
# HIK_TARGETS="hik_user ..." limits the integration stages to those targets.
# The integration and conformance stages fail on any deprecation warning, on every ansible-core they run.
set -uo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
STAGES=("$@")
[ ${#STAGES[@]} -eq 0 ] && STAGES=(sanity units mutation integration conformance sanity-lowest integration-lowest
                                    conformance-lowest lint changelog build)
case " ${STAGES[*]} " in
    *-lowest*) bash "$ROOT/scripts/bootstrap.sh" --lowest || exit 1 ;;
    *) bash "$ROOT/scripts/bootstrap.sh" || exit 1 ;;
esac
# shellcheck source=scripts/env.sh
source "$ROOT/scripts/env.sh"
LOWEST_PATH="$ROOT/.venv-lowest/bin:$PATH"
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
for py in python "$ROOT/.venv-lowest/bin/python"; do
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

stage_integration_lowest() {
    PATH="$LOWEST_PATH" stage_integration
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
    local module fqcn
    python - <<'PY'
import glob, os, yaml
modules = sorted(os.path.basename(p)[:-3] for p in glob.glob('plugins/modules/*.py')
                 if 'camops.hikvision.connection' in open(p).read())
group = sorted(yaml.safe_load(open('meta/runtime.yml'))['action_groups']['isapi'])
assert group == modules, 'action group isapi %s != device modules %s' % (group, modules)
print('action group isapi holds every device module: %s' % ', '.join(modules))
PY
    for module in plugins/modules/*.py; do
        fqcn="camops.hikvision.$(basename "$module" .py)"
        ANSIBLE_COLLECTIONS_PATH="$WORK/installed" ansible-doc --json "$fqcn" > "$WORK/doc.json"
        python - "$fqcn" "$WORK/doc.json" <<'PY'
import json, sys
fqcn, path = sys.argv[1], sys.argv[2]
data = json.load(open(path))
doc = data.get(fqcn) or {}
assert doc.get('doc', {}).get('short_description'), '%s: ansible-doc rendered no documentation' % fqcn
assert doc.get('examples'), '%s: no EXAMPLES' % fqcn
assert doc.get('return'), '%s: no RETURN' % fqcn
print('ansible-doc %s: ok' % fqcn)
PY
        ANSIBLE_COLLECTIONS_PATH="$WORK/installed" ansible-doc "$fqcn" > /dev/null
    done
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
    for filter in plugins/filter/*.yml; do
        fqcn="camops.hikvision.$(basename "$filter" .yml)"
        ANSIBLE_COLLECTIONS_PATH="$WORK/installed" ansible-doc -t filter "$fqcn" | grep -q 'RETURN VALUES'
        echo "ansible-doc -t filter $fqcn: ok"
    done
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
    for role in roles/*/; do
        fqcn="camops.hikvision.$(basename "$role")"
        ANSIBLE_COLLECTIONS_PATH="$WORK/installed" ansible-doc -t role "$fqcn" | grep -q 'ENTRY POINT: .*main'
        echo "ansible-doc -t role $fqcn: ok"
    done
}

for stage in "${STAGES[@]}"; do
    case "$stage" in
        sanity) run_stage sanity ansible-test sanity --python 3.11 --color no --exclude tests/simulator/hiksim/profiles/ ;;
        sanity-lowest) run_stage sanity-lowest env PATH="$LOWEST_PATH" ansible-test sanity --python 3.11 --color no \
                           --exclude tests/simulator/hiksim/profiles/ ;;
        units) run_stage units ansible-test units --python 3.11 --color no ;;
        mutation) run_stage mutation python tests/mutation/run.py ;;
        integration) run_stage integration stage_integration ;;
        conformance) run_stage conformance python tests/conformance/conformance.py --docs docs/devices.md --check-docs --both-paths ;;
        integration-lowest) run_stage integration-lowest stage_integration_lowest ;;
        conformance-lowest) run_stage conformance-lowest env PATH="$LOWEST_PATH" python tests/conformance/conformance.py --stage base ;;
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
