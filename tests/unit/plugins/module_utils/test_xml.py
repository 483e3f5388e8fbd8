"""XML handling: namespaces matched by local name, hostile and broken input refused."""

import time
import tracemalloc

import pytest

from ansible_collections.camops.hikvision.plugins.module_utils.isapi.api import (
    MalformedResponseError, as_list, build_xml, parse_xml, xml_bool, xml_get, xml_int, xml_text,
)

NAMESPACES = [
    'http://www.hikvision.com/ver20/XMLSchema',
    'http://www.hikvision.com/ver10/XMLSchema',
    'http://www.isapi.org/ver20/XMLSchema',
    'urn:psialliance-org',
]


@pytest.mark.parametrize('namespace', NAMESPACES)
@pytest.mark.parametrize('version', ['1.0', '2.0'])
def test_elements_are_found_by_local_name_whatever_the_namespace(namespace, version):
    doc = parse_xml(('<?xml version="1.0" encoding="UTF-8" ?>\n<DeviceInfo version="%s" xmlns="%s">'
                     '<model>DS-X</model><Nested version="%s" xmlns="%s"><a>1</a></Nested></DeviceInfo>'
                     % (version, namespace, version, namespace)).encode())
    assert doc.root == 'DeviceInfo'
    assert doc.namespace == namespace
    assert doc.version == version
    assert doc.get('model') == 'DS-X'
    assert doc.get('Nested', 'a') == '1'
    assert '@xmlns' not in doc.get('Nested')


def test_no_namespace_and_prefixed_namespace():
    plain = parse_xml(b'<LineDetection><id>1</id></LineDetection>')
    assert plain.namespace is None and plain.get('id') == '1'
    prefixed = parse_xml(b'<hik:DeviceInfo xmlns:hik="urn:x"><hik:model>M</hik:model></hik:DeviceInfo>')
    assert prefixed.root == 'DeviceInfo' and prefixed.namespace == 'urn:x' and prefixed.get('model') == 'M'


def test_request_body_echoes_namespace_and_version():
    body = build_xml('EZVIZ', {'enabled': 'false'}, namespace=NAMESPACES[2], version='2.0')
    doc = parse_xml(body)
    assert doc.namespace == NAMESPACES[2] and doc.version == '2.0' and doc.get('enabled') == 'false'


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<DeviceInfo><model>&lol9;</model></DeviceInfo>"""


def test_entity_expansion_is_refused_without_memory_blowup():
    tracemalloc.start()
    started = time.monotonic()
    with pytest.raises(MalformedResponseError, match='DTD or entity'):
        parse_xml(BILLION_LAUGHS)
    dummy, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert time.monotonic() - started < 1.0
    assert peak < 5 * 1024 * 1024  # expanded, this document is about 3 GB


def test_external_entity_is_refused():
    with pytest.raises(MalformedResponseError):
        parse_xml(b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>')


@pytest.mark.parametrize('data', [b'<DeviceInfo><model>DS-2', b'not xml at all <', b'<a></b>', b''])
def test_malformed_xml_is_a_clean_error(data):
    with pytest.raises(MalformedResponseError):
        parse_xml(data)


def test_oversized_document_is_refused():
    with pytest.raises(MalformedResponseError, match='more than'):
        parse_xml(b'<a>' + b'x' * (5 * 1024 * 1024) + b'</a>')


def test_value_helpers():
    assert xml_bool('true') is True and xml_bool('false') is False and xml_bool('flase') is False
    assert xml_bool('maybe') is None and xml_bool(None, default=False) is False
    assert xml_text({'#text': ' digest ', '@opt': 'x'}) == 'digest'
    assert xml_int('32') == 32 and xml_int('x') is None
    assert as_list(None) == [] and as_list({'a': 1}) == [{'a': 1}] and as_list([1]) == [1]
    assert xml_get({'a': [{'b': '1'}]}, 'a', 'b') == '1'
    assert xml_get({'a': {}}, 'a', 'missing', default='d') == 'd'
