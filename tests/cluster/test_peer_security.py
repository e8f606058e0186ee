"""The peer port is for members only (issue 9, docs/SECURITY.md): mutual TLS
with the cluster's CA, a join token proven without being sent, revocation on
removal, and tampered or replayed bytes that change nothing."""

import hashlib
import hmac
import json
import os
import socket
import ssl
import subprocess
import threading

import pytest
import requests

from cluster_helpers import JOIN_TOKEN
from helpers import BIN, child_env
from peer_tls import client_context, credentials

pytestmark = pytest.mark.filterwarnings("ignore::urllib3.exceptions.InsecureRequestWarning")

MEMBER_ROUTES = [("GET", "/peer/v1/status"), ("POST", "/peer/v1/raft"), ("POST", "/peer/v1/propose"),
                 ("POST", "/peer/v1/propose-batch"),
                 ("POST", "/peer/v1/remove"), ("POST", "/peer/v1/transfer"), ("POST", "/peer/v1/admit"),
                 ("PUT", "/peer/v1/blobs"), ("GET", "/peer/v1/blobs/" + "a" * 64)]


def openssl(*args, stdin=None):
    out = subprocess.run(["openssl", *args], input=stdin, capture_output=True, timeout=30)
    assert out.returncode == 0, out.stderr.decode()
    return out.stdout


def new_key(tmp_path, name):
    key = tmp_path / (name + ".key")
    openssl("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", str(key))
    return key


def forged_certificate(tmp_path, common_name):
    """A self-signed certificate naming a real member: not of the cluster's CA."""
    key = new_key(tmp_path, "forged")
    crt = tmp_path / "forged.crt"
    openssl("req", "-x509", "-key", str(key), "-out", str(crt), "-subj", "/CN=" + common_name, "-days", "1")
    return (str(crt), str(key))


def raw_request(address, request_bytes, context):
    """Sends bytes over TLS and returns the status line, or the error."""
    host, port = address.split(":")
    try:
        with socket.create_connection((host, int(port)), timeout=5) as raw:
            with context.wrap_socket(raw) as s:
                s.sendall(request_bytes)
                return s.recv(4096).split(b"\r\n", 1)[0].decode()
    except (ssl.SSLError, ConnectionError, socket.timeout) as e:
        return "error: %s" % e


def request_bytes(method, path, body=b"", headers=()):
    head = "%s %s HTTP/1.1\r\nHost: x\r\nContent-Length: %d\r\nConnection: close\r\n" % (method, path, len(body))
    for name, value in headers:
        head += "%s: %s\r\n" % (name, value)
    return head.encode() + b"\r\n" + body


# The join proof, written again from docs/SECURITY.md: an independent check
# of cluster/join_proof.cpp.
def derive(label, token, context=b""):
    return hashlib.blake2b(label + b"\0" + token + b"\0" + context, digest_size=32).digest()


def framed(*fields):
    return b"".join(b"%d:%s" % (len(f), f) for f in fields)


def prove_ask(token, ask):
    message = framed(b"join-ask-v1", *(ask[k].encode() for k in
                                       ("node_id", "peer_address", "api_address", "public_key", "nonce")))
    return hmac.new(derive(b"dispotify join proof", token), message, hashlib.sha256).hexdigest()


def grant_is_proven(token, nonce, grant):
    message = framed(b"join-grant-v1", nonce.encode(), *(grant[k].encode() for k in
                                                         ("cluster_id", "ca_certificate", "certificate",
                                                          "sealed_secrets")))
    expected = hmac.new(derive(b"dispotify join proof", token), message, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, grant["proof"])


def join_ask(tmp_path, token, node_id="00000000000000f1"):
    public = openssl("pkey", "-in", str(new_key(tmp_path, node_id)), "-pubout").decode()
    ask = {"node_id": node_id, "peer_address": "127.0.0.1:9", "api_address": "127.0.0.1:9",
           "public_key": public, "nonce": os.urandom(32).hex()}
    ask["proof"] = prove_ask(token, ask)
    return ask


def post_join(node, ask):
    return requests.post("https://%s/peer/v1/join" % node.peer_address, json=ask, verify=False, timeout=10)


def test_a_stranger_without_a_certificate_of_the_cluster_gets_nothing(cluster3, tmp_path):
    node = cluster3.nodes[1]
    victim_id = cluster3.nodes[0].raft_status()["node_id"]
    anonymous = client_context()
    forged = client_context(forged_certificate(tmp_path, victim_id))
    for method, path in MEMBER_ROUTES:
        answer = raw_request(node.peer_address, request_bytes(method, path), anonymous)
        assert answer == "HTTP/1.1 403 Forbidden", (method, path, answer)
        # A certificate of another CA, even one naming a member, fails the handshake.
        assert raw_request(node.peer_address, request_bytes(method, path), forged).startswith("error"), path
    # Plain HTTP gets no answer at all.
    with pytest.raises(requests.exceptions.ConnectionError):
        requests.get("http://%s/peer/v1/status" % node.peer_address, timeout=5)
    # Only the hello and the join are open, and the hello tells nothing but that a cluster is here.
    assert requests.get("https://%s/peer/v1/hello" % node.peer_address, verify=False, timeout=5).json() == {
        "cluster": True}
    assert "needs a certificate" in node.all_logs()


def test_a_member_cannot_speak_for_another(cluster3):
    speaker, victim, target = cluster3.nodes
    victim_id = victim.raft_status()["node_id"]
    context = client_context(credentials(speaker.data_dir))
    answer = raw_request(target.peer_address,
                         request_bytes("POST", "/peer/v1/raft", b"", [("X-Dispotify-From", victim_id)]), context)
    assert answer == "HTTP/1.1 403 Forbidden"
    assert "may not speak for node " + victim_id in target.all_logs()


def test_joining_needs_the_token_and_a_replayed_ask_is_refused(cluster3, tmp_path):
    node = cluster3.nodes[2]
    wrong = join_ask(tmp_path, b"not-the-token")
    r = post_join(node, wrong)
    assert r.status_code == 403 and r.json()["error"]["message"] == "wrong join token", r.text
    ask = join_ask(tmp_path, JOIN_TOKEN.encode())
    tampered = dict(ask, peer_address="10.9.9.9:4534")
    assert post_join(node, tampered).status_code == 403
    r = post_join(node, ask)
    assert r.status_code == 200, r.text
    grant = r.json()
    assert grant_is_proven(JOIN_TOKEN.encode(), ask["nonce"], grant)
    assert not grant_is_proven(b"not-the-token", ask["nonce"], grant)
    # The certificate names the node and certifies the key it asked for.
    crt = tmp_path / "granted.crt"
    crt.write_text(grant["certificate"])
    subject = openssl("x509", "-in", str(crt), "-noout", "-subject").decode()
    assert subject.strip().endswith("CN = 00000000000000f1")
    assert openssl("x509", "-in", str(crt), "-noout", "-pubkey").decode() == ask["public_key"]
    ca = tmp_path / "ca.crt"
    ca.write_text(grant["ca_certificate"])
    openssl("verify", "-CAfile", str(ca), str(crt))
    # The secrets travel sealed: no PEM key in the answer.
    assert "PRIVATE KEY" not in r.text
    # The very same ask again is a replay.
    replay = post_join(node, ask)
    assert replay.status_code == 409, replay.text
    members = cluster3.nodes[0].status(cluster3.token)["members"]
    assert "00000000000000f1" in {m["node_id"] for m in members}


def test_a_removed_member_is_refused_everywhere(cluster3):
    token = cluster3.token
    leader = cluster3.leader()
    removed = [n for n in cluster3.nodes if n is not leader][0]
    removed_id = removed.raft_status()["node_id"]
    cert = credentials(removed.data_dir)
    out = subprocess.run([BIN, "cluster", "remove", removed_id, "--server", leader.base, "--token", token],
                         capture_output=True, text=True, timeout=30, env=child_env())
    assert out.returncode == 0, out.stderr
    for node in cluster3.nodes:
        if node is removed:
            continue

        def refused():
            answer = raw_request(node.peer_address, request_bytes("GET", "/peer/v1/status"), client_context(cert))
            return answer == "HTTP/1.1 403 Forbidden"

        cluster3.wait(refused, 10, "the removed node's certificate refused")
        assert "is revoked" in node.all_logs()


class RecordingProxy:
    """A TCP proxy to `target` for one connection that records what the
    client sends and, with `flip_at`, flips one bit of the byte at that
    offset of the client's stream."""

    def __init__(self, target, flip_at=None):
        self.target = target
        self.flip_at = flip_at
        self.recorded = b""
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.address = "127.0.0.1:%d" % self.listener.getsockname()[1]
        threading.Thread(target=self.serve, daemon=True).start()

    def serve(self):
        client, _ = self.listener.accept()
        host, port = self.target.split(":")
        server = socket.create_connection((host, int(port)), timeout=5)
        threading.Thread(target=self.pump, args=(server, client, False), daemon=True).start()
        self.pump(client, server, True)

    def pump(self, src, dst, upstream):
        try:
            while True:
                data = src.recv(65536)
                if not data:
                    break
                if upstream:
                    at = len(self.recorded)
                    self.recorded += data
                    if self.flip_at is not None and at <= self.flip_at < at + len(data):
                        i = self.flip_at - at
                        data = data[:i] + bytes([data[i] ^ 0x01]) + data[i + 1:]
                dst.sendall(data)
        except OSError:
            pass
        finally:
            for s in (src, dst):
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass


def transfer_leader(cluster, to_node):
    out = subprocess.run([BIN, "cluster", "transfer-leader", to_node.raft_status()["node_id"], "--server",
                          to_node.base, "--token", cluster.token], capture_output=True, text=True, timeout=30,
                         env=child_env())
    assert out.returncode == 0, out.stderr
    assert cluster.leader() is to_node


def test_tampered_or_replayed_peer_bytes_change_nothing(cluster3):
    leader = cluster3.leader()
    follower = cluster3.followers()[0]
    cert = credentials(follower.data_dir)
    transfer = request_bytes("POST", "/peer/v1/transfer", follower.raft_status()["node_id"].encode(),
                             [("X-Pad", "p" * 10000)])
    # One flipped bit in the encrypted request (the handshake takes the first
    # 2 KB or so): its TLS record fails its check, and nothing is done.
    flipper = RecordingProxy(leader.peer_address, flip_at=6000)
    answer = raw_request(flipper.address, transfer, client_context(cert))
    assert not answer.startswith("HTTP/1.1 2"), answer
    assert len(flipper.recorded) > 10000
    assert cluster3.leader() is leader
    # A genuine transfer, recorded on its way.
    recorder = RecordingProxy(leader.peer_address)
    assert raw_request(recorder.address, transfer, client_context(cert)) == "HTTP/1.1 204 No Content"
    assert cluster3.leader() is follower
    transfer_leader(cluster3, leader)
    # The recording replayed: the handshake is bound to fresh randomness from
    # the server, so the old bytes cannot finish it, and nothing moves.
    host, port = leader.peer_address.split(":")
    with socket.create_connection((host, int(port)), timeout=5) as s:
        s.sendall(recorder.recorded)
        s.settimeout(5)
        try:
            while s.recv(65536):
                pass
        except OSError:
            pass
    assert cluster3.leader() is leader
    assert leader.raft_status()["role"] == "leader"


def serial_of(pem_path):
    return openssl("x509", "-in", pem_path, "-noout", "-serial").decode().strip().split("=")[1].lower()


def test_a_renewed_certificate_replaces_and_revokes_the_old_one(cluster3, tmp_path):
    """Key rotation, node by node (docs/SECURITY.md): the node certifies a
    new key, uses it, then records it, which revokes the old one."""
    node = cluster3.followers()[0]
    old = tmp_path / "old.pem"
    old.write_bytes((node.data_dir / "cluster" / "node.pem").read_bytes())
    out = subprocess.run([BIN, "cluster", "renew-certificate", "--server", node.base, "--token", cluster3.token],
                         capture_output=True, text=True, timeout=30, env=child_env())
    assert out.returncode == 0, out.stderr
    answer = json.loads(out.stdout)
    new_serial = answer["certificate_serial"]
    assert new_serial != serial_of(str(old))
    assert serial_of(str(node.data_dir / "cluster" / "node.pem")) == new_serial
    assert oct((node.data_dir / "cluster" / "node.pem").stat().st_mode & 0o777) == "0o600"
    # Every other member refuses the old certificate soon, and takes the new one.
    for other in cluster3.nodes:
        if other is node:
            continue

        def old_refused():
            return raw_request(other.peer_address, request_bytes("GET", "/peer/v1/status"),
                               client_context((str(old), str(old)))) == "HTTP/1.1 403 Forbidden"

        cluster3.wait(old_refused, 10, "the old certificate refused")
        assert raw_request(other.peer_address, request_bytes("GET", "/peer/v1/status"),
                           client_context(credentials(node.data_dir))) == "HTTP/1.1 200 OK"
    members = {m["node_id"]: m for m in cluster3.nodes[0].status(cluster3.token)["members"]}
    assert all(m["reachable"] for m in members.values())
    # The renewed node still takes part: a write through it commits, and it
    # keeps its certificate across a restart.
    assert create_user_through(node, cluster3.token, "after-renewal") == 201
    node.stop()
    node.start()
    assert serial_of(str(node.data_dir / "cluster" / "node.pem")) == new_serial
    cluster3.wait_voters(3)


def create_user_through(node, token, name):
    r = node.post("/api/v1/users", token=token, json={"username": name, "password": "password-" + name})
    return r.status_code


def minted_certificate(tmp_path, member_data_dir, common_name):
    """A certificate for `common_name` made with the cluster CA's key copied
    from a member's data dir (what someone who read that dir could make)."""
    key = new_key(tmp_path, "minted-" + common_name)
    csr = tmp_path / ("minted-%s.csr" % common_name)
    crt = tmp_path / ("minted-%s.crt" % common_name)
    ca = member_data_dir / "cluster"
    openssl("req", "-new", "-key", str(key), "-subj", "/CN=" + common_name, "-out", str(csr))
    openssl("x509", "-req", "-in", str(csr), "-CA", str(ca / "ca.crt"), "-CAkey", str(ca / "ca.key"),
            "-set_serial", "0x" + os.urandom(8).hex(), "-days", "1", "-out", str(crt))
    return (str(crt), str(key))


class FakePeerServer:
    """A TLS server on a stopped member's peer port, with the given
    certificate, that counts the HTTP requests members send it."""

    def __init__(self, address, cert):
        host, port = address.split(":")
        self.context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        self.context.minimum_version = ssl.TLSVersion.TLSv1_3
        self.context.load_cert_chain(*cert)
        self.listener = socket.create_server((host, int(port)))
        self.connections = 0
        self.requests = 0
        self.stopped = False
        self.thread = threading.Thread(target=self.serve, daemon=True)
        self.thread.start()

    def serve(self):
        self.listener.settimeout(0.2)
        while not self.stopped:
            try:
                raw, _ = self.listener.accept()
            except OSError:
                continue
            self.connections += 1
            threading.Thread(target=self.answer, args=(raw,), daemon=True).start()

    def answer(self, raw):
        try:
            raw.settimeout(3)
            with self.context.wrap_socket(raw, server_side=True) as s:
                if s.recv(65536).split(b" ", 1)[0] in (b"GET", b"POST", b"PUT"):
                    self.requests += 1
                s.sendall(b"HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
        except (ssl.SSLError, OSError):
            pass

    def close(self):
        self.stopped = True
        self.thread.join(timeout=5)
        self.listener.close()


def test_a_leaked_ca_key_mints_no_way_in(cluster3, tmp_path):
    """Every member holds the CA key, so whoever read a data dir can sign
    certificates; only those the member list records count: a minted one,
    for a new id or for a member's, is refused as a client and as a
    server (docs/SECURITY.md)."""
    nodes = cluster3.nodes
    leader = cluster3.leader()
    victim = cluster3.followers()[0]
    victim_id = victim.raft_status()["node_id"]
    for name in ("00000000000000f7", victim_id):
        minted = client_context(minted_certificate(tmp_path, nodes[0].data_dir, name))
        for node in nodes:
            for method, path in MEMBER_ROUTES:
                answer = raw_request(node.peer_address, request_bytes(method, path), minted)
                assert answer == "HTTP/1.1 403 Forbidden", (name, node.name, method, path, answer)
    assert any("is not a member" in n.all_logs() for n in nodes)
    assert any("not the one recorded for node " + victim_id in n.all_logs() for n in nodes)
    # As a server: the victim stops and an impostor takes its peer port.
    # With a minted certificate for the victim's id, the leader's handshakes
    # fail and it sends nothing; with the victim's real one (the control),
    # the same fake server receives the leader's requests.
    victim.stop()
    for cert, expect_requests in ((minted_certificate(tmp_path, nodes[0].data_dir, victim_id), False),
                                  (credentials(victim.data_dir), True)):
        fake = FakePeerServer(victim.peer_address, cert)
        try:
            cluster3.wait(lambda: fake.connections >= 3, 15, "the leader trying the impostor")
            if expect_requests:
                cluster3.wait(lambda: fake.requests > 0, 15, "the leader's requests at the real certificate")
            else:
                assert fake.requests == 0
        finally:
            fake.close()
    assert "refused a peer server" in leader.all_logs()
    victim.start()
    cluster3.wait_voters(3)


def test_a_renewal_waits_for_every_member_to_know_the_new_certificate(cluster3):
    """The new certificate is recorded as the next one first; the node
    switches only once every member has applied that, so a member that is
    down keeps the node on its old certificate (which it still accepts)."""
    node, down = cluster3.followers()[:2]
    before = serial_of(str(node.data_dir / "cluster" / "node.pem"))
    down.stop()
    out = subprocess.run([BIN, "cluster", "renew-certificate", "--server", node.base, "--token", cluster3.token],
                         capture_output=True, text=True, timeout=90, env=child_env())
    assert out.returncode != 0
    assert "not in use" in out.stderr, out.stderr
    assert serial_of(str(node.data_dir / "cluster" / "node.pem")) == before
    down.start()
    cluster3.wait_voters(3)
    # Once every member is up, the renewal goes through.
    out = subprocess.run([BIN, "cluster", "renew-certificate", "--server", node.base, "--token", cluster3.token],
                         capture_output=True, text=True, timeout=90, env=child_env())
    assert out.returncode == 0, out.stderr
    assert serial_of(str(node.data_dir / "cluster" / "node.pem")) == json.loads(out.stdout)["certificate_serial"]
    assert create_user_through(node, cluster3.token, "after-waited-renewal") == 201


def test_a_new_join_token_replaces_the_old_one_on_every_member(cluster3, tmp_path):
    """`dispotify cluster set-join-token` (docs/SECURITY.md, a leaked node):
    the new token, sealed with the cluster key in the catalog, is what every
    member checks joins against, also the founder whose data dir holds the
    old one; the old token lets nobody in."""
    follower = cluster3.followers()[0]
    out = subprocess.run([BIN, "cluster", "set-join-token", "--server", follower.base, "--token", cluster3.token],
                         capture_output=True, text=True, timeout=30, env=child_env())
    assert out.returncode == 0, out.stderr
    new_token = json.loads(out.stdout)["join_token"]
    assert len(new_token) == 32 and new_token != JOIN_TOKEN
    cluster3.wait_applied_equal()
    for i, node in enumerate(cluster3.nodes):
        r = post_join(node, join_ask(tmp_path, JOIN_TOKEN.encode(), "00000000000000e%d" % i))
        assert r.status_code == 403 and r.json()["error"]["message"] == "wrong join token", (node.name, r.text)
    # A real node joins with the new token, through the founder.
    newcomer = cluster3.new_node()
    newcomer.join_token = new_token
    newcomer.start()
    cluster3.wait_voters(4)
    # Too short a token is refused and changes nothing; an admin only.
    r = follower.post("/api/v1/cluster/join-token", token=cluster3.token, json={"join_token": "short"})
    assert r.status_code == 400, r.text
    events = follower.get("/api/v1/audit", token=cluster3.token, params={"action": "cluster.join_token_changed"})
    assert events.status_code == 200 and len(events.json()["items"]) == 1, events.text
