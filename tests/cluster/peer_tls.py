"""Talking to a node's peer port the way a member does: over mutual TLS with
a member's certificate from a data dir (docs/SECURITY.md). The harness has
no certificate of its own; it borrows the node's, or a sibling's while the
node has none yet (a joiner before its answer)."""

import ssl

import requests
import urllib3

# The certificates name node ids, not addresses: the server is checked by the
# node (cluster/peer_credentials.h), not by the harness.
urllib3.disable_warnings(urllib3.exceptions.InsecureRequestWarning)


def credentials(data_dir):
    """(certificate, key) paths of the node whose data dir this is, or None
    (node.pem holds both)."""
    d = data_dir / "cluster"
    if (d / "node.pem").exists() and (d / "ca.crt").exists():
        return (str(d / "node.pem"), str(d / "node.pem"))
    return None


def candidates(data_dir):
    """This node's credentials first, then its siblings' (same test root)."""
    own = credentials(data_dir)
    out = [own] if own else []
    for other in sorted(data_dir.parent.parent.glob("*/data")):
        c = credentials(other)
        if c and c not in out:
            out.append(c)
    return out


def peer_get(data_dir, peer_address, path, timeout=2):
    """GET https://PEER_ADDRESS/PATH with the first certificate the node
    accepts (a removed node's is refused with 403)."""
    last = None
    for cert in candidates(data_dir):
        last = requests.get("https://%s%s" % (peer_address, path), cert=cert, verify=False, timeout=timeout)
        if last.status_code != 403:
            return last
    if last is None:
        raise AssertionError("no member certificate near %s yet" % data_dir)
    return last


def client_context(cert=None):
    """An ssl context for raw sockets: TLS 1.3, no server check, with `cert`."""
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    ctx.minimum_version = ssl.TLSVersion.TLSv1_3
    if cert:
        ctx.load_cert_chain(*cert)
    return ctx
