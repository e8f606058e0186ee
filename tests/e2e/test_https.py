"""HTTPS on the public port (issue 9): --tls-cert/--tls-key, HSTS, the
certificate reloaded on SIGHUP without dropping a stream in progress."""

import signal
import socket
import ssl
import subprocess
import time

import pytest
import requests

from helpers import BIN, Server, sha256, write_big_wav


def openssl(*args, stdin=None):
    out = subprocess.run(["openssl", *args], input=stdin, capture_output=True, timeout=30)
    assert out.returncode == 0, out.stderr.decode()
    return out.stdout


def make_ca(d):
    openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
            "-keyout", str(d / "ca.key"), "-out", str(d / "ca.crt"), "-subj", "/CN=test CA", "-days", "2")
    return d / "ca.crt"


def issue(d, name):
    """A server certificate for 127.0.0.1 signed by the test CA: (cert, key, serial)."""
    key, csr, crt = d / (name + ".key"), d / (name + ".csr"), d / (name + ".crt")
    openssl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", str(key),
            "-out", str(csr), "-subj", "/CN=" + name)
    ext = d / "san.ext"
    ext.write_text("subjectAltName=IP:127.0.0.1,DNS:localhost\n")
    openssl("x509", "-req", "-in", str(csr), "-CA", str(d / "ca.crt"), "-CAkey", str(d / "ca.key"),
            "-CAcreateserial", "-out", str(crt), "-days", "1", "-extfile", str(ext))
    serial = openssl("x509", "-in", str(crt), "-noout", "-serial").decode().strip().split("=")[1]
    return crt, key, serial.lower()


class HttpsServer(Server):
    @property
    def base(self):
        return "https://127.0.0.1:%d" % self.port


def served_serial(port, ca):
    ctx = ssl.create_default_context(cafile=str(ca))
    with socket.create_connection(("127.0.0.1", port), timeout=5) as raw:
        with ctx.wrap_socket(raw, server_hostname="127.0.0.1") as s:
            der = s.getpeercert(binary_form=True)
    pem = ssl.DER_cert_to_PEM_cert(der).encode()
    return openssl("x509", "-noout", "-serial", stdin=pem).decode().strip().split("=")[1].lower()


@pytest.fixture
def https(tmp_path, monkeypatch):
    pki = tmp_path / "pki"
    pki.mkdir()
    ca = make_ca(pki)
    crt, key, serial = issue(pki, "first")
    live_crt, live_key = pki / "live.crt", pki / "live.key"
    live_crt.write_bytes(crt.read_bytes())
    live_key.write_bytes(key.read_bytes())
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(ca))
    server = HttpsServer(tmp_path / "node", args=["--tls-cert", str(live_crt), "--tls-key", str(live_key)])
    server.start()
    yield server, pki, ca, serial
    server.stop(check=False)


def test_https_serves_the_api_with_hsts_and_refuses_plain_http(https, tmp_path):
    server, _, _, _ = https
    r = server.get("/readyz", token=None)
    assert r.status_code == 200
    assert r.headers["Strict-Transport-Security"] == "max-age=31536000"
    data = write_big_wav(tmp_path / "a.wav", 300_000).read_bytes()
    track = server.upload_ok(data, "a.wav")
    r = server.get("/api/v1/tracks/%s/stream" % track["id"])
    assert r.status_code == 200 and sha256(r.content) == sha256(data)
    r = server.get("/api/v1/tracks/%s/stream" % track["id"], headers={"Range": "bytes=1000-1999"})
    assert r.status_code == 206 and r.content == data[1000:2000]
    nodes = server.get("/api/v1/cluster/nodes").json()["nodes"]
    assert [n["url"] for n in nodes] == [server.base]
    with pytest.raises(requests.exceptions.ConnectionError):
        requests.get("http://127.0.0.1:%d/readyz" % server.port, timeout=5)


def test_sighup_reloads_the_certificate_without_dropping_a_stream(https, tmp_path):
    server, pki, ca, first_serial = https
    assert served_serial(server.port, ca) == first_serial
    data = write_big_wav(tmp_path / "long.wav", 8_000_000).read_bytes()
    track = server.upload_ok(data, "long.wav")
    stream = server.get("/api/v1/tracks/%s/stream" % track["id"], stream=True)
    assert stream.status_code == 200
    it = stream.iter_content(65536)
    received = next(it)
    # Renewed files in place, then SIGHUP.
    crt, key, second_serial = issue(pki, "second")
    (pki / "live.crt").write_bytes(crt.read_bytes())
    (pki / "live.key").write_bytes(key.read_bytes())
    server.proc.send_signal(signal.SIGHUP)

    def reloaded():
        return served_serial(server.port, ca) == second_serial

    deadline = time.time() + 10
    while not reloaded():
        assert time.time() < deadline, "the new certificate is not served"
        time.sleep(0.1)
    assert "reloaded the TLS certificate" in server.stderr_text()
    # The stream that began with the old certificate goes on to its end.
    for chunk in it:
        received += chunk
    assert sha256(received) == sha256(data)
    assert server.running()
    # A broken replacement keeps the working certificate.
    (pki / "live.key").write_text("not a key")
    server.proc.send_signal(signal.SIGHUP)
    deadline = time.time() + 10
    while "keeping the old one" not in server.stderr_text():
        assert time.time() < deadline
        time.sleep(0.1)
    assert served_serial(server.port, ca) == second_serial


def test_the_cli_speaks_https_and_checks_the_certificate(https):
    server, _, ca, _ = https
    probe = subprocess.run([BIN, "probe", server.base + "/readyz"], capture_output=True, text=True, timeout=30)
    assert probe.returncode == 0, probe.stderr
    token = server.admin_token
    status = [BIN, "cluster", "status", "--server", server.base, "--token", token]
    # The test CA is not one of the system's: refused until --ca-file names it.
    refused = subprocess.run(status, capture_output=True, text=True, timeout=30)
    assert refused.returncode != 0
    assert "certificate verify failed" in refused.stderr, refused.stderr
    ok = subprocess.run(status + ["--ca-file", str(ca)], capture_output=True, text=True, timeout=30)
    assert ok.returncode == 0, ok.stderr
    # The certificate is for 127.0.0.1 and localhost, not for another name of the host.
    other_name = subprocess.run([BIN, "cluster", "status", "--server", "https://127.0.0.2:%d" % server.port,
                                 "--token", token, "--ca-file", str(ca)], capture_output=True, text=True, timeout=30)
    assert other_name.returncode != 0


def test_a_certificate_without_its_key_is_refused_at_start(tmp_path):
    out = subprocess.run([BIN, "serve", "--data-dir", str(tmp_path / "d"), "--listen", "127.0.0.1:0",
                          "--tls-cert", str(tmp_path / "x.crt")], capture_output=True, text=True, timeout=30)
    assert out.returncode != 0
    assert "--tls-cert and --tls-key go together" in out.stderr
