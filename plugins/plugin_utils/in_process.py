# -*- coding: utf-8 -*-
# Copyright (c) camops.hikvision contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Run this collection's modules in the controller's worker process instead of a new Python.

Every module of the collection talks HTTP from the controller (``connection: local`` or
``delegate_to: localhost``). Shipping it as an AnsiballZ payload and starting a new interpreter that imports
requests costs about half a second of CPU per task, more than everything else a task costs together
(docs/benchmarks.md). When the task's connection is local and nothing needs a separate process (no become,
no async), the action plugin of each module imports the module and calls its ``run(module)`` with a
stand-in for AnsibleModule: the same argument spec (types, defaults, choices, environment fallbacks, mutual
exclusion) is validated with ArgumentSpecValidator, ``fail_json``/``exit_json`` end the run, and the result is
scrubbed of every no_log value exactly as AnsibleModule does. Otherwise, or with the variable
``hik_in_process: false``, the module runs the ordinary way.

Each action plugin calls ``preload(__name__)`` when it is imported. The linear and free strategies import
every task's action plugin class in the strategy process (to read BYPASS_HOST_LOOP) before they fork the
task's workers, so the module and what it imports (requests, urllib3, xmltodict) are loaded once per run
and every worker inherits them; imported in each worker instead, they cost more CPU than the rest of the
task (docs/benchmarks.md).

Every object a worker inherited from the strategy process is moved into the garbage collector's permanent
generation (``gc.freeze()``), so that the worker's collections do not walk, and copy on write, the strategy
process's whole heap, which grows with the number of hosts (500 devices: 469 s without it, 434 s with it
in the action, docs/benchmarks.md). The first ``preload`` in the strategy process registers a fork hook that
does it in every worker right after the fork, before the worker templates its task (the workers' garbage
collections of a 150-device first run: 5.9 s of CPU before, 0.9 s after); the action does it again in case
no hook was registered. A worker ends with its task, so what it inherited is never its to free.
"""

import gc
import importlib
import json
import multiprocessing
import os
import traceback

from ansible.module_utils.common.arg_spec import ArgumentSpecValidator
from ansible.module_utils.common.parameters import remove_values
from ansible.module_utils.parsing.convert_bool import boolean
from ansible.plugins.action import ActionBase
from ansible.plugins.action.normal import ActionModule as NormalAction

MODULE_PACKAGE = 'ansible_collections.camops.hikvision.plugins.modules.'
LOCAL_CONNECTIONS = ('local', 'ansible.builtin.local')
VALIDATION_KEYS = ('mutually_exclusive', 'required_together', 'required_one_of', 'required_if', 'required_by')


def preload(action_name):
    """Import the module of action plugin ``action_name`` (its ``__name__``) into this process now, and in
    the strategy process have every worker forked from now on freeze the heap it inherits (freeze_at_fork)."""
    try:
        importlib.import_module(MODULE_PACKAGE + action_name.rsplit('.', 1)[-1])
    except ImportError:
        # Not fatal here: run_module imports it again when a task runs, and reports the error there.
        pass
    freeze_at_fork()


_FORK_HOOK = []


def freeze_at_fork():
    """In the strategy process (the main process), register once a hook that freezes the inherited heap
    (``gc.freeze()``) in every child forked from it, i.e. at the start of every task's worker, before the
    worker templates the task. Elsewhere do nothing. Returns whether the hook is registered in this process."""
    if multiprocessing.parent_process() is not None or not hasattr(os, 'register_at_fork'):
        return False
    if not _FORK_HOOK:
        # Not freeze_inherited_heap: right after the fork, multiprocessing does not know yet that it is a child.
        os.register_at_fork(after_in_child=gc.freeze)
        _FORK_HOOK.append(True)
    return True


def freeze_inherited_heap():
    """In a worker process (a multiprocessing child), exempt every object it inherited from garbage
    collection; elsewhere (the strategy process, a test) do nothing. Returns whether it froze."""
    if multiprocessing.parent_process() is None:
        return False
    gc.freeze()
    return True


class ModuleExit(BaseException):
    """exit_json/fail_json of the stand-in; a BaseException (like SystemExit) so that a module's
    ``except Exception`` never catches it."""

    def __init__(self, result):
        BaseException.__init__(self)
        self.result = result


class InProcessModule(object):
    """What the collection's modules use of AnsibleModule: params, check_mode, _diff, warn, exit_json,
    fail_json."""

    def __init__(self, params, check_mode, diff):
        self.params = params
        self.check_mode = check_mode
        self._diff = diff
        self.warnings = []

    def warn(self, warning):
        self.warnings.append(warning)

    def exit_json(self, **kwargs):
        kwargs.setdefault('changed', False)
        raise ModuleExit(kwargs)

    def fail_json(self, msg, **kwargs):
        kwargs['failed'] = True
        kwargs['msg'] = msg
        raise ModuleExit(kwargs)


def run_module(name, args, check_mode=False, diff=False):
    """Run module ``name`` of this collection in this process; returns its result (no_log values removed)."""
    module_code = importlib.import_module(MODULE_PACKAGE + name)
    spec = module_code.module_args()
    validator = ArgumentSpecValidator(spec['argument_spec'],
                                      **dict((key, spec[key]) for key in VALIDATION_KEYS if key in spec))
    validation = validator.validate(args)
    no_log_values = validation._no_log_values  # pylint: disable=protected-access
    if validation.error_messages:
        result = dict(failed=True, msg='; '.join(validation.error_messages))
        return remove_values(result, no_log_values)
    module = InProcessModule(validation.validated_parameters, check_mode, diff)
    try:
        module_code.run(module)
        result = dict(changed=False, msg='the module ended without a result')
    except ModuleExit as done:
        result = done.result
    except Exception as exc:  # pylint: disable=broad-except
        # What a module crash looks like to Ansible: failed, with the traceback.
        result = dict(failed=True, msg='MODULE FAILURE: %s: %s' % (type(exc).__name__, exc),
                      exception=traceback.format_exc())
    if module.warnings:
        result['warnings'] = list(result.get('warnings') or []) + module.warnings
    for warning in validation._warnings:  # pylint: disable=protected-access
        # As AnsibleModule words them.
        result.setdefault('warnings', []).append('Both option %s and its alias %s are set.'
                                                 % (warning.get('option'), warning.get('alias')))
    result['invocation'] = dict(module_args=validation.validated_parameters)
    # What crosses the process boundary is JSON, so the result is JSON here too (tuples become lists).
    return json.loads(json.dumps(remove_values(result, no_log_values)))


class InProcessModuleAction(NormalAction):
    """The action plugin of every module of this collection: in-process where that is the same thing,
    the ordinary module execution (ansible.builtin.normal) otherwise."""

    def run(self, tmp=None, task_vars=None):
        freeze_inherited_heap()
        task_vars = task_vars or {}
        if not self._in_process(task_vars):
            return super(InProcessModuleAction, self).run(tmp, task_vars)
        result = ActionBase.run(self, tmp, task_vars)
        environment = {}
        self._compute_environment_string(raw_environment_out=environment)
        saved = dict(os.environ)
        os.environ.update(dict((str(k), str(v)) for k, v in environment.items()))
        try:
            name = self._task.resolved_action.rsplit('.', 1)[-1]
            result.update(run_module(name, dict(self._task.args), check_mode=bool(self._task.check_mode),
                                     diff=bool(self._task.diff)))
        finally:
            os.environ.clear()
            os.environ.update(saved)
        return result

    def _in_process(self, task_vars):
        if not boolean(task_vars.get('hik_in_process', True), strict=False):
            return False
        connection = getattr(self._connection, 'ansible_name', None) or getattr(self._connection, '_load_name', '')
        return (connection in LOCAL_CONNECTIONS and not self._task.async_val
                and not self._play_context.become)
