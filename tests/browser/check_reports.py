"""Read back what headless Chromium made of the HTML reports (tests/browser/run.sh) and check it against the run's
JSON records: the counts, the failed devices, the retry command and one row per device with its status.

    python check_reports.py --failed NAME --audit DOM AUDIT_JSON
        --decommission DOM RUN_JSON DEVICES_DIR --screenshots PNG...
"""

import argparse
import glob
import json
import os
import re
import struct
import sys
from html.parser import HTMLParser


class Page(HTMLParser):
    """The parsed page: its paragraphs, code spans, headings and table rows (class and cell texts)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.paragraphs, self.code, self.headings, self.rows = [], [], [], []
        self._stack = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == 'tr':
            self.rows.append(dict(cls=attrs.get('class') or '', cells=[]))
        if tag in ('td', 'th') and self.rows:
            self.rows[-1]['cells'].append('')
        self._stack.append([tag, attrs, ''])

    def handle_endtag(self, tag):
        while self._stack:
            name, attrs, text = self._stack.pop()
            text = ' '.join(text.split())
            if name == 'p':
                self.paragraphs.append(dict(id=attrs.get('id'), text=text))
            elif name == 'code':
                self.code.append(text)
            elif name in ('h1', 'h2'):
                self.headings.append(text)
            if self._stack:
                self._stack[-1][2] += ' ' + text + ' ' if name in ('td', 'th', 'p') else text
            if name == tag:
                break

    def handle_data(self, data):
        if self._stack:
            self._stack[-1][2] += data
        if self.rows and any(entry[0] in ('td', 'th') for entry in self._stack):
            self.rows[-1]['cells'][-1] += data


def read(path):
    page = Page()
    with open(path, encoding='utf-8') as handle:
        page.feed(handle.read())
    page.close()
    for row in page.rows:
        row['cells'] = [' '.join(cell.split()) for cell in row['cells']]
    return page


def device_rows(page):
    return dict((row['cells'][0], row) for row in page.rows if row['cls'])


def png_size(path):
    with open(path, 'rb') as handle:
        head = handle.read(24)
    if head[:8] != b'\x89PNG\r\n\x1a\n':
        return None
    return struct.unpack('>II', head[16:24])


class Checks(object):
    def __init__(self):
        self.failed, self.count = [], 0

    def __call__(self, condition, what):
        self.count += 1
        if not condition:
            self.failed.append(what)
        return condition


def check_audit(dom, audit_json, failed, check):
    page = read(dom)
    with open(audit_json, encoding='utf-8') as handle:
        records = json.load(handle)['devices']
    flagged = [r for r in records if r.get('findings')]
    unread = sorted(r['name'] for r in records if r['status'] == 'failed')
    skipped = [r for r in records if r['status'] == 'skipped']
    check(unread == [failed], 'audit.json: the devices that could not be read are %s, not [%s]' % (unread, failed))
    counts = [p['text'] for p in page.paragraphs if p['id'] == 'counts']
    want = '%d device(s): %d with findings, %d could not be read, %d not reachable from the controller.' % (
        len(records), len(flagged), len(unread), len(skipped))
    check(counts == [want], 'audit page: the counts read %r, the records say %r' % (counts, want))
    shown = [p['text'] for p in page.paragraphs if p['id'] == 'failed']
    check(shown == [', '.join(unread)], 'audit page: the failed devices read %r, not %r' % (shown, unread))
    rows = device_rows(page)
    check(sorted(rows) == sorted(r['name'] for r in records),
          'audit page: the rows are %s, the records %s' % (sorted(rows), sorted(r['name'] for r in records)))
    for record in records:
        row = rows.get(record['name'])
        if not row:
            continue
        want_cls = ('failed' if record['status'] == 'failed' else 'skipped' if record['status'] == 'skipped'
                    else 'findings' if record.get('findings') else 'ok')
        check(row['cls'] == want_cls, 'audit page: %s is shown as %r, not %r' % (record['name'], row['cls'], want_cls))
        last = row['cells'][-1]
        if record['status'] == 'failed':
            check(last == ' '.join(record['error'].split()), 'audit page: %s shows %r, not its error' % (record['name'], last))
        else:
            for finding in record.get('findings') or []:
                check(' '.join(finding.split()) in last, 'audit page: %s does not show the finding %r' % (record['name'], finding))
    return len(records)


def check_decommission(dom, run_json, devices_dir, failed, check):
    page = read(dom)
    with open(run_json, encoding='utf-8') as handle:
        run = json.load(handle)
    records = []
    for path in sorted(glob.glob(os.path.join(devices_dir, '*.json'))):
        with open(path, encoding='utf-8') as handle:
            records.append(json.load(handle))
    counts = run['counts']
    failed_names = sorted(r['name'] for r in records if r['status'] in ('failed', 'unreachable'))
    check(failed_names == [failed], 'decommission records: the failed devices are %s, not [%s]' % (failed_names, failed))
    check(counts['devices'] == len(records) and counts['failed'] == len(failed_names),
          'run-decommission.json counts %r do not match the %d device records' % (counts, len(records)))
    want = ('Run %s: %d device(s): %d changed, %d already done, %d failed, %d unreachable, %d skipped.'
            % (run['run_id'], counts['devices'], counts['changed'], counts['already_done'], counts['failed'],
               counts['unreachable'], counts['skipped']))
    check(any(p['text'].startswith(want) for p in page.paragraphs),
          'decommission page: no paragraph reads %r (paragraphs: %r)' % (want, [p['text'] for p in page.paragraphs]))
    check('Failed devices' in page.headings, 'decommission page: no "Failed devices" heading (%r)' % page.headings)
    check(any(p['text'] == ', '.join(failed_names) for p in page.paragraphs),
          'decommission page: the failed devices %s are not listed' % failed_names)
    # The retry command on the page is the one the retry file's header gives, and that file retries exactly the
    # failed devices.
    retry_file = os.path.join(os.path.dirname(run_json), 'retry-decommission.yml')
    with open(retry_file, encoding='utf-8') as handle:
        retry_text = handle.read()
    header = re.search(r'^#   (.+)$', retry_text, re.M)
    check(bool(header) and page.code == [' '.join(header.group(1).split())],
          'decommission page: the retry command reads %r, the retry file says %r' % (page.code, header and header.group(1)))
    check(bool(page.code) and '-e @' + retry_file in page.code[0],
          'decommission page: the retry command %r does not name the retry file %s' % (page.code, retry_file))
    check(re.search(r'^decommission_targets: %s$' % re.escape(failed), retry_text, re.M) is not None,
          'the retry file does not target %s alone:\n%s' % (failed, retry_text))
    rows = device_rows(page)
    check(sorted(rows) == sorted(r['name'] for r in records),
          'decommission page: the rows are %s, the records %s' % (sorted(rows), sorted(r['name'] for r in records)))
    for record in records:
        row = rows.get(record['name'])
        if not row:
            continue
        check(row['cells'][5] == record['status'], 'decommission page: %s shows status %r, not %r'
              % (record['name'], row['cells'][5], record['status']))
        if record.get('error'):
            check(' '.join(record['error'].split()) in row['cells'][7],
                  'decommission page: %s does not show its error' % record['name'])
    return len(records)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n', 1)[0])
    parser.add_argument('--failed', required=True)
    parser.add_argument('--audit', nargs=2, required=True)
    parser.add_argument('--decommission', nargs=3, required=True)
    parser.add_argument('--screenshots', nargs='+', required=True)
    args = parser.parse_args(argv)
    check = Checks()
    audited = check_audit(args.audit[0], args.audit[1], args.failed, check)
    decommissioned = check_decommission(args.decommission[0], args.decommission[1], args.decommission[2], args.failed,
                                        check)
    for path in args.screenshots:
        size = png_size(path) if os.path.exists(path) else None
        check(size is not None and size[0] >= 800 and size[1] >= 600, '%s: not a screenshot of the page (%r)' % (path, size))
    for item in check.failed:
        print('FAILED: ' + item)
    print('browser: the audit page (%d devices) and the decommission page (%d devices) as Chromium parsed them: '
          '%d checks, %d failed; screenshots in %s'
          % (audited, decommissioned, check.count, len(check.failed), os.path.dirname(args.screenshots[0])))
    return 1 if check.failed else 0


if __name__ == '__main__':
    sys.exit(main())
