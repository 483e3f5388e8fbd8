"""hiksim: a stateful Hikvision ISAPI device and fleet simulator.

An independent implementation of the device side, written from docs/isapi.md (the collection's ISAPI notes)
and real device captures; it never imports the camops.hikvision collection, so it can catch the client's
mistakes. Run ``python -m hiksim --help``.
"""

__version__ = '0.1.0'
