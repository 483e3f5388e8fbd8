# -*- coding: utf-8 -*-
# Copyright (c) camops.hikvision contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Benchmark helper: the wall time of each task (from its start to the last host's result) and the number
of task results (one per host and task: each is a worker process), written as JSON to $TASK_TIMING_FILE
when the playbook ends. Not part of the collection."""

import json
import os
import time

from ansible.plugins.callback import CallbackBase

DOCUMENTATION = '''
name: task_timing
type: aggregate
short_description: wall time per task, for tests/bench
description: Writes the wall time of each task to the file named by TASK_TIMING_FILE.
'''


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = 'aggregate'
    CALLBACK_NAME = 'task_timing'
    CALLBACK_NEEDS_ENABLED = True

    def __init__(self):
        super(CallbackModule, self).__init__()
        self.current = None
        self.started = None
        self.totals = {}
        self.results = 0

    def _close(self):
        if self.current is not None:
            entry = self.totals.setdefault(self.current, dict(seconds=0.0, runs=0))
            entry['seconds'] += time.monotonic() - self.started
            entry['runs'] += 1
        self.current = None

    def v2_playbook_on_task_start(self, task, is_conditional):
        self._close()
        self.current = task.get_name()
        self.started = time.monotonic()

    def v2_playbook_on_handler_task_start(self, task):
        self.v2_playbook_on_task_start(task, False)

    def _count(self, result, *args, **kwargs):
        self.results += 1

    v2_runner_on_ok = v2_runner_on_failed = v2_runner_on_skipped = v2_runner_on_unreachable = _count

    def v2_playbook_on_stats(self, stats):
        self._close()
        path = os.environ.get('TASK_TIMING_FILE')
        if path:
            with open(path, 'w') as handle:
                json.dump(dict(tasks=self.totals, results=self.results), handle, indent=1, sort_keys=True)
