#!/usr/bin/env bash
# Source this file to get the project's environment: the venv on PATH and the collection path set.
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export PATH="$ROOT/.venv/bin:$PATH"
export ANSIBLE_COLLECTIONS_PATH="$ROOT/build/collections"
export PYTHONPATH="$ROOT/tests/simulator${PYTHONPATH:+:$PYTHONPATH}"
export ANSIBLE_PYTHON_INTERPRETER="$ROOT/.venv/bin/python"
