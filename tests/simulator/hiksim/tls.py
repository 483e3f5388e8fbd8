"""HTTPS for simulated devices, with a self-signed certificate each, as real devices ship (docs/isapi.md 8.2).

A client trusts such a device only with certificate checks off, or with the device's own certificate as
its CA (``ca_path``). The simulator writes each TLS device's certificate (for its loopback address) to
``<directory>/<address>-<port>.pem``, as a user would export it from the device, so tests can check all
three: refused by default, accepted with ``ca_path`` or with ``validate_certs: false``. Needs the Python
package cryptography (a dependency of ansible-core).
"""

import datetime
import ipaddress
import os
import ssl

try:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID
except ImportError:  # only TLS devices need it
    x509 = None


def self_signed(address, port, directory):
    """A server SSLContext with a new self-signed certificate for ``address``, and the certificate's file."""
    if x509 is None:
        raise ValueError('hiksim: devices with tls need the Python package cryptography')
    os.makedirs(directory, mode=0o700, exist_ok=True)
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, address)])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (x509.CertificateBuilder()
            .subject_name(name).issuer_name(name)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(days=1))
            .not_valid_after(now + datetime.timedelta(days=30))
            .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address(address))]),
                           critical=False)
            .sign(key, hashes.SHA256()))
    cert_pem = cert.public_bytes(serialization.Encoding.PEM)
    cert_path = os.path.join(directory, '%s-%d.pem' % (address, port))
    with open(cert_path, 'wb') as handle:
        handle.write(cert_pem)
    chain_path = cert_path + '.key'  # the context loads key and certificate from a file; removed right after
    with open(chain_path, 'wb') as handle:
        handle.write(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                       serialization.NoEncryption()) + cert_pem)
    try:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(chain_path)
    finally:
        os.remove(chain_path)
    return context, cert_path
