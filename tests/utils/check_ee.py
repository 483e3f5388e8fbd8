"""Check what ansible-builder made of the collection (scripts/test.sh, build stage): the introspected Python
needs are the collection's, and the build context for ee/execution-environment.yml installs this tarball.
Usage: check_ee.py INTROSPECT_OUTPUT CONTEXT_DIR TARBALL_NAME"""

import os
import sys

import yaml


def main(introspect_path, context, tarball):
    introspected = open(introspect_path).read()
    for package in ('requests', 'xmltodict'):
        assert package in introspected, 'ansible-builder introspect did not find %s:\n%s' % (package, introspected)
    build = os.path.join(context, '_build')
    containerfile = os.path.join(context, 'Containerfile')
    assert os.path.isfile(containerfile), 'no Containerfile in %s' % context
    text = open(containerfile).read()
    assert 'ansible-galaxy' in text and 'requirements.yml' in text, 'the Containerfile installs no collection'
    copied = os.path.join(build, 'collections', tarball)
    assert os.path.isfile(copied), 'the build context lacks %s' % copied
    wanted = yaml.safe_load(open(os.path.join(build, 'requirements.yml')))['collections']
    names = [entry['name'] for entry in wanted]
    assert names == ['collections/' + tarball], (
        'ee/requirements.yml installs %s, not the built %s: keep its name in step with galaxy.yml version' % (names, tarball))
    print('execution environment: introspect finds requests and xmltodict; the build context installs %s' % tarball)


if __name__ == '__main__':
    main(*sys.argv[1:])
