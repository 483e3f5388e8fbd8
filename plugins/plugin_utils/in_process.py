# -*- coding: utf-8 -*-
# Copyright (c) camops.hikvision contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Run this collection's modules in the controller's worker process instead of a new Python.

Every module of the collection talks HTTP from the controller (``connection: local`` or
``delegate_to: localhost``). Shipping it as an AnsiballZ payload and starting a new interpreter that imports
requests costs about half a second of CPU per task, more than everything else a task costs together
(docs/benchmarks.md). When the task's connection is local and nothing needs a separate process (no become,
no async), the module's action plugin (every module's is this same class, under the module's own name)
imports the module and calls its ``run(module)`` with a stand-in for AnsibleModule. Otherwise, or with the variable
``hik_in_process: false``, the module runs the ordinary way.

Only ansible-core's public API is used: the arguments are validated by ArgumentSpecValidator (types,
defaults, choices, environment fallbacks, mutual exclusion) and its public result; the values to keep out of
every result (no_log) are computed from the collection's own argument specs (no_log_values, held equal to
what AnsibleModule finds by a unit test); the task's ``environment`` feeds the options' environment
fallbacks directly, and the process environment is never changed.

Importing the action plugin imports every module it serves. The linear and free strategies import every
task's action plugin class in the strategy process before they fork the task's workers, so the modules and
what they import (requests, urllib3, xmltodict) are loaded once per run and every worker inherits them.

Each worker moves what it inherited into the garbage collector's permanent generation (``gc.freeze()``) as
the action starts, so that its collections do not walk, and copy on write, the strategy process's heap; the
worker ends with its task. A hook that does it at every fork (before the worker templates its task, which
saves more) affects every worker of the run, other collections' too, so it is off unless the controller's
environment sets CAMOPS_HIKVISION_FREEZE_AT_FORK=1 (the measured difference is in docs/benchmarks.md).
"""

import gc
import grp
import importlib
import json
import multiprocessing
import os
import pwd
import stat
import traceback

from ansible.module_utils.common.arg_spec import ArgumentSpecValidator
from ansible.module_utils.common.parameters import remove_values
from ansible.module_utils.parsing.convert_bool import boolean
from ansible.plugins.action import ActionBase
from ansible.plugins.action.normal import ActionModule as NormalAction

from ansible_collections.camops.hikvision.plugins.module_utils import specs

MODULE_PACKAGE = 'ansible_collections.camops.hikvision.plugins.modules.'
# The modules whose action plugin is InProcessModuleAction.
MODULES = specs.MODULES
LOCAL_CONNECTIONS = ('local', 'ansible.builtin.local')
VALIDATION_KEYS = ('mutually_exclusive', 'required_together', 'required_one_of', 'required_if', 'required_by')
FREEZE_AT_FORK_VARIABLE = 'CAMOPS_HIKVISION_FREEZE_AT_FORK'


def preload():
    """Import every module the action plugin serves into this process now; in the strategy process, with
    CAMOPS_HIKVISION_FREEZE_AT_FORK=1, also have every worker forked from now on freeze its inherited heap."""
    for name in MODULES:
        try:
            importlib.import_module(MODULE_PACKAGE + name)
        except ImportError:
            # Not fatal here: run_module imports it again when a task runs, and reports the error there.
            pass
    if boolean(os.environ.get(FREEZE_AT_FORK_VARIABLE, 'false'), strict=False):
        freeze_at_fork()


_FORK_HOOK = []


def freeze_at_fork():
    """In the strategy process (the main process), register once a hook that freezes the inherited heap
    (``gc.freeze()``) in every child forked from it. Elsewhere do nothing. Returns whether it is registered."""
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


def _secret_leaves(value, out):
    """Every non-empty string and number inside ``value``, as text, the way AnsibleModule lists a no_log
    option's values (booleans and None are not secrets)."""
    if isinstance(value, bytes):
        value = value.decode('utf-8', 'surrogateescape')
    if isinstance(value, str):
        if value:
            out.add(value)
    elif isinstance(value, dict):
        for item in value.values():
            _secret_leaves(item, out)
    elif isinstance(value, (list, tuple, set, frozenset)):
        for item in value:
            _secret_leaves(item, out)
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        out.add(repr(value) if isinstance(value, float) else str(value))
    return out


def no_log_values(argument_spec, params):
    """The values of ``params`` that no result may show: every value of a no_log option, at any depth of
    suboptions (a list of dicts included), as AnsibleModule collects them."""
    found = set()
    for name, option in argument_spec.items():
        value = params.get(name)
        if value is None:
            continue
        if option.get('no_log'):
            _secret_leaves(value, found)
        if option.get('options'):
            for item in (value if isinstance(value, list) else [value]):
                if isinstance(item, dict):
                    found |= no_log_values(option['options'], item)
    return found


def apply_environment(argument_spec, args, environment):
    """``args`` with the options whose fallback is an environment variable taken from ``environment`` (the
    task's ``environment``) where the task does not set them; the validator reads the controller's own
    environment for the rest. Nothing is written to the process environment."""
    args = dict(args)
    for name, option in argument_spec.items():
        fallback = option.get('fallback')
        if args.get(name) is not None or not fallback or len(fallback) < 2 or \
                getattr(fallback[0], '__name__', '') != 'env_fallback':
            continue
        for variable in fallback[1]:
            if variable in environment:
                args[name] = environment[variable]
                break
    return args


def alias_warnings(argument_spec, args):
    """What AnsibleModule says when an option and one of its aliases are both set."""
    warnings = []
    for name, option in argument_spec.items():
        for alias in option.get('aliases') or ():
            if name in args and alias in args:
                warnings.append('Both option %s and its alias %s are set.' % (name, alias))
    return warnings


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
        raise ModuleExit(path_info(kwargs))

    def fail_json(self, msg, **kwargs):
        kwargs['failed'] = True
        kwargs['msg'] = msg
        raise ModuleExit(path_info(kwargs))


def path_info(result):
    """What AnsibleModule adds to a result that names a file (``path`` or ``dest``): its owner, group, mode,
    type and size, so that a module's result is the same in-process and the ordinary way."""
    path = result.get('path', result.get('dest'))
    if path is None or not os.path.lexists(path):
        return result
    st = os.lstat(path)
    result.update(uid=st.st_uid, gid=st.st_gid, mode='0%03o' % stat.S_IMODE(st.st_mode), size=st.st_size)
    try:
        result['owner'] = pwd.getpwuid(st.st_uid)[0]
    except KeyError:
        result['owner'] = str(st.st_uid)
    try:
        result['group'] = grp.getgrgid(st.st_gid)[0]
    except KeyError:
        result['group'] = str(st.st_gid)
    if os.path.islink(path):
        result['state'] = 'link'
    elif os.path.isdir(path):
        result['state'] = 'directory'
    elif os.stat(path).st_nlink > 1:
        result['state'] = 'hard'
    else:
        result['state'] = 'file'
    context = _selinux_context(path)
    if context:
        result['secontext'] = context
    return result


def _selinux_context(path):
    """The file's SELinux context where SELinux is enabled (as AnsibleModule reports it), else None."""
    try:
        from ansible.module_utils.compat import selinux
        if selinux.is_selinux_enabled() != 1:
            return None
        rc, context = selinux.lgetfilecon_raw(path)
        return context if rc == 0 else None
    except (ImportError, OSError, AttributeError):
        return None


def validate(name, args, environment=None):
    """(argument_spec, args, validation): ``args`` for module ``name`` with the options' environment fallbacks
    taken from ``environment`` (the task's), validated by ansible-core's ArgumentSpecValidator against the
    module's own argument spec and its mutual rules."""
    spec = specs.module_args(name)
    argument_spec = spec['argument_spec']
    args = apply_environment(argument_spec, args, environment or {})
    validator = ArgumentSpecValidator(argument_spec,
                                      **dict((key, spec[key]) for key in VALIDATION_KEYS if key in spec))
    return argument_spec, args, validator.validate(args)


def run_module(name, args, check_mode=False, diff=False, environment=None):
    """Run module ``name`` of this collection in this process; returns its result (no_log values removed).
    ``environment`` is the task's environment, for the options' environment fallbacks."""
    module_code = importlib.import_module(MODULE_PACKAGE + name)
    argument_spec, args, validation = validate(name, args, environment)
    params = validation.validated_parameters
    secrets = no_log_values(argument_spec, params)
    if validation.error_messages:
        result = dict(failed=True, msg='; '.join(validation.error_messages))
        return remove_values(result, secrets)
    module = InProcessModule(params, check_mode, diff)
    try:
        module_code.run(module)
        result = dict(changed=False, msg='the module ended without a result')
    except ModuleExit as done:
        result = done.result
    except Exception as exc:  # pylint: disable=broad-except
        # What a module crash looks like to Ansible: failed, with the traceback.
        result = dict(failed=True, msg='MODULE FAILURE: %s: %s' % (type(exc).__name__, exc),
                      exception=traceback.format_exc())
    warnings = module.warnings + alias_warnings(argument_spec, args)
    if warnings:
        result['warnings'] = list(result.get('warnings') or []) + warnings
    result['invocation'] = dict(module_args=params)
    # What crosses the process boundary is JSON, so the result is JSON here too (tuples become lists).
    return json.loads(json.dumps(remove_values(result, secrets)))


class InProcessModuleAction(NormalAction):
    """The action plugin of every module of this collection: in-process where that is the same thing,
    the ordinary module execution (ansible.builtin.normal) otherwise."""

    def run(self, tmp=None, task_vars=None):
        freeze_inherited_heap()
        task_vars = task_vars or {}
        if not self._in_process(task_vars):
            return super(InProcessModuleAction, self).run(tmp, task_vars)
        result = ActionBase.run(self, tmp, task_vars)
        name = self._module_name()
        result.update(run_module(name, dict(self._task.args), check_mode=bool(self._task.check_mode),
                                 diff=bool(self._task.diff), environment=self._task_environment()))
        return result

    def _task_environment(self):
        """The task's ``environment`` keyword (play, block and task levels), templated, as one dict."""
        environment = {}
        entries = self._task.environment
        if entries is None:
            return environment
        for entry in entries if isinstance(entries, list) else [entries]:
            entry = self._templar.template(entry)
            if isinstance(entry, dict):
                environment.update(dict((str(k), str(v)) for k, v in entry.items()))
        return environment

    def _module_name(self):
        """The module the task names."""
        return self._task.action.rsplit('.', 1)[-1]

    def _in_process(self, task_vars):
        if not boolean(task_vars.get('hik_in_process', True), strict=False) or self._module_name() not in MODULES:
            return False
        connection = getattr(self._connection, 'ansible_name', '')
        return (connection in LOCAL_CONNECTIONS and not self._task.async_val
                and not self._play_context.become)
