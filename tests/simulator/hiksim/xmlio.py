"""XML in and out the way Hikvision firmware does it: per-profile namespace and version."""

import re

import xmltodict

_DECL = {
    '1.0': '<?xml version="1.0" encoding="UTF-8" ?>\n',
    '2.0': '<?xml version="1.0" encoding="UTF-8"?>\n',
}


class BadXml(Exception):
    """The request body is not XML the device accepts."""


def _strip(key):
    if key.startswith('@xmlns'):
        return None
    if ':' in key:
        prefix = '@' if key.startswith('@') else ''
        return prefix + key.split(':', 1)[1]
    return key


def _clean(value):
    if isinstance(value, dict):
        out = {}
        for key, item in value.items():
            new = _strip(key)
            if new is not None:
                out[new] = _clean(item)
        return out
    if isinstance(value, list):
        return [_clean(v) for v in value]
    return value


def parse(body):
    """Parse a request body; returns (root local name, content dict). Entities are refused."""
    if not body or not body.strip():
        raise BadXml('empty body')
    if re.search(br'<!(DOCTYPE|ENTITY)', body, re.IGNORECASE):
        raise BadXml('DTD not allowed')
    try:
        raw = xmltodict.parse(body, disable_entities=True)
    except Exception as exc:  # expat error
        raise BadXml(str(exc))
    if not isinstance(raw, dict) or len(raw) != 1:
        raise BadXml('no single root')
    (root, content), = raw.items()
    if content is None:
        content = {}
    if not isinstance(content, dict):
        content = {'#text': content}
    return _strip(root), _clean(content)


def render(root, content, namespace=None, version='2.0', declaration=True):
    """Serialise ``content`` under ``root`` with the device's namespace and version."""
    node = {}
    if version:
        node['@version'] = version
    if namespace:
        node['@xmlns'] = namespace
    for key, value in (content or {}).items():
        if key in ('@version', '@xmlns'):
            continue
        node[key] = value
    text = xmltodict.unparse({root: node}, full_document=False, pretty=True, indent='  ')
    if declaration:
        text = _DECL.get(version or '2.0', _DECL['2.0']) + text
    return text.encode('utf-8')


def render_raw(document, declaration_version='2.0'):
    """Serialise a captured xmltodict dump as it is (its own namespaces and versions)."""
    text = xmltodict.unparse(document, full_document=False, pretty=True, indent='  ')
    return (_DECL.get(declaration_version, _DECL['2.0']) + text).encode('utf-8')


def text(value, default=None):
    if isinstance(value, dict):
        value = value.get('#text')
    if value is None:
        return default
    return str(value).strip()


def value(node, default=None):
    """A capability's value: its text, else its ``def`` attribute (firmware that gives only min/max/def)."""
    found = text(node)
    if found is None and isinstance(node, dict):
        found = node.get('@def')
    return default if found is None else found


def drop_elements(body, names):
    """``body`` (XML bytes) without the elements whose local name is in ``names``, anywhere in the tree."""
    names = set(names)
    declaration = body.split(b'?>', 1)[0] + b'?>\n' if body.lstrip().startswith(b'<?xml') else b''

    def walk(node):
        if isinstance(node, dict):
            return dict((k, walk(v)) for k, v in node.items() if k.split(':')[-1] not in names)
        if isinstance(node, list):
            return [walk(v) for v in node]
        return node

    document = walk(xmltodict.parse(body, disable_entities=True))
    text_out = xmltodict.unparse(document, full_document=False, pretty=True, indent='  ')
    return declaration + text_out.encode('utf-8')


def as_bool(value):
    t = (text(value) or '').lower()
    if t == 'true':
        return True
    if t == 'false':
        return False
    return None


def as_list(value):
    if value is None:
        return []
    return value if isinstance(value, list) else [value]
