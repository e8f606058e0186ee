"""Shared helpers of the black-box suite: the Server wrapper, HTTP helpers,
audio generation and small parsers. Used by conftest.py and the tests.

Everything here talks to the real binary over real sockets; nothing imports
or links any server code.
"""

import hashlib
import io
import json
import os
import random
import re
import signal
import socket
import struct
import subprocess
import time
import wave
from pathlib import Path

import requests

REPO = Path(__file__).resolve().parents[2]
BIN = os.environ.get("DISPOTIFY_BIN", str(REPO / "build" / "dispotify"))
FFMPEG = "/usr/bin/ffmpeg"
ADMIN_PASSWORD = "admin-e2e-password"
USER_PASSWORD = "user-e2e-password"
# Multiplies every wait of the suite (an ASan build is slower):
# DISPOTIFY_E2E_SLOW=2 doubles them.
SLOW = float(os.environ.get("DISPOTIFY_E2E_SLOW", "1"))
READY_TIMEOUT_S = 10 * SLOW
STOP_TIMEOUT_S = 10 * SLOW
HTTP_TIMEOUT_S = 30 * SLOW

# Default token argument of Server.req: the admin's session token.
ADMIN = object()


def sha256(data):
    return hashlib.sha256(data).hexdigest()


# Ports for the servers of the e2e and cluster suites: below the kernel's
# ephemeral range (32768-60999 by default), where a port the OS hands out
# (bind to 0, or any outgoing connection of any process) could be taken
# between our check and the server's bind: that happened ("Address already
# in use" at a node's start). Each pytest-xdist worker has its own block, and
# a run starts at a place of its own in it (another clone's run may share
# the machine); the subsonic (5200-5299) and web (5100-5199) suites have
# their own ranges.
PORT_BLOCK_FIRST, PORT_BLOCK_SIZE = 20000, 1500
_WORKER = int(os.environ.get("PYTEST_XDIST_WORKER", "gw0").lstrip("gw") or 0)
_block_first = PORT_BLOCK_FIRST + (_WORKER % 8) * PORT_BLOCK_SIZE
_next_port = random.Random(os.getpid()).randrange(PORT_BLOCK_SIZE)


def free_port():
    global _next_port
    for _ in range(PORT_BLOCK_SIZE):
        port = _block_first + _next_port % PORT_BLOCK_SIZE
        _next_port += 1
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError("no free port in %d-%d" % (_block_first, _block_first + PORT_BLOCK_SIZE - 1))


def child_env():
    """The environment for the server: no DISPOTIFY_* settings leak in."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("DISPOTIFY_")}
    env.setdefault("ASAN_OPTIONS", "abort_on_error=0:detect_leaks=1")
    return env


def run_cli(*args, timeout=30, env=None):
    """Runs the binary with args; returns CompletedProcess (text)."""
    return subprocess.run([BIN, *args], stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, timeout=timeout * SLOW, env=env or child_env(),
                          text=True, check=False)


# ---- the server process ------------------------------------------------------

class Server:
    """One `dispotify serve` process on a free port with its own data dir.

    start() may be called again after stop()/kill() to restart on the same
    data dir (on a new port). Every start's stdout and stderr are kept in
    files under log_dir; stderr_text()/stdout_text() read them.
    """

    registry = []  # every Server ever made, for failure reports

    def __init__(self, root, name="server", admin_password=ADMIN_PASSWORD, args=(), preexec_fn=None):
        self.root = Path(root)
        self.name = name
        self.data_dir = self.root / "data"
        self.log_dir = self.root / "logs"
        self.log_dir.mkdir(parents=True, exist_ok=True)
        self.admin_password = admin_password
        self.args = list(args)
        self.preexec_fn = preexec_fn  # run in the child before exec (e.g. to set its limits)
        self.proc = None
        self.port = None
        self.starts = []  # [(stdout_path, stderr_path)]
        self.started_at = None
        self.stopped_at = None
        self._admin_token = None
        Server.registry.append(self)

    # -- lifecycle

    @property
    def base(self):
        return "http://127.0.0.1:%d" % self.port

    def command(self, port, peer_port):
        cmd = [BIN, "serve", "--data-dir", str(self.data_dir), "--listen", "127.0.0.1:%d" % port,
               "--peer-listen", "127.0.0.1:%d" % peer_port, "--min-free-disk", "1MiB"]
        if self.admin_password is not None:
            cmd += ["--admin-password", self.admin_password]
        return cmd + self.args  # later flags win

    def launch(self, cmd, preexec_fn=None):
        """Starts `cmd` as this server's process, its output in a new pair of log files."""
        n = len(self.starts)
        out_path = self.log_dir / ("%s.%d.stdout" % (self.name, n))
        err_path = self.log_dir / ("%s.%d.stderr" % (self.name, n))
        self.starts.append((out_path, err_path))
        with open(out_path, "wb") as out, open(err_path, "wb") as err:
            self.proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=out, stderr=err, env=child_env(),
                                         preexec_fn=preexec_fn)
        self.started_at = time.time()
        self.stopped_at = None

    def start(self, wait=True):
        assert self.proc is None or self.proc.poll() is not None, "already running"
        last_error = None
        for _attempt in range(5):
            port, peer_port = free_port(), free_port()
            self.launch(self.command(port, peer_port), preexec_fn=self.preexec_fn)
            self.port = port
            if not wait:
                return self
            if self.wait_ready():
                return self
            if self.proc.poll() is None:
                self.kill()
                raise AssertionError("%s: /readyz not 200 within %.0f s\n%s"
                                     % (self.name, READY_TIMEOUT_S, self.stderr_text()[-4000:]))
            last_error = self.stderr_text()
            self.stopped_at = time.time()
            if "in use" not in last_error.lower():
                break  # not a port race: do not retry
        raise AssertionError("%s: server exited at start (code %s)\n%s"
                             % (self.name, self.proc.returncode, (last_error or "")[-4000:]))

    def wait_ready(self, timeout=READY_TIMEOUT_S):
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.proc.poll() is not None:
                return False
            try:
                if requests.get(self.base + "/readyz", timeout=1).status_code == 200:
                    return True
            except requests.RequestException:
                pass
            time.sleep(0.05)
        return False

    def running(self):
        return self.proc is not None and self.proc.poll() is None

    def stop(self, timeout=STOP_TIMEOUT_S, check=True):
        """SIGTERM; the process must exit within `timeout` (with code 0 if check)."""
        if not self.running():
            return self.proc.returncode if self.proc else None
        self.proc.send_signal(signal.SIGTERM)
        try:
            code = self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            self.stopped_at = time.time()
            raise AssertionError("%s did not exit within %.0f s of SIGTERM" % (self.name, timeout))
        self.stopped_at = time.time()
        if check:
            assert code == 0, "%s exited with %s after SIGTERM\n%s" % (self.name, code, self.stderr_text()[-4000:])
        return code

    def kill(self):
        """kill -9: no chance to clean up."""
        if self.running():
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(timeout=10)
        self.stopped_at = time.time()

    def restart(self):
        self.stop()
        return self.start()

    def stdout_text(self, index=-1):
        return self.starts[index][0].read_text(errors="replace")

    def stderr_text(self, index=-1):
        return self.starts[index][1].read_text(errors="replace")

    def all_logs(self, tail=6000):
        parts = []
        for i, (out, err) in enumerate(self.starts):
            for label, path in (("stdout", out), ("stderr", err)):
                text = path.read_text(errors="replace") if path.exists() else ""
                if text:
                    parts.append("--- %s start %d %s ---\n%s" % (self.name, i, label, text[-tail:]))
        return "\n".join(parts)

    # -- files

    @property
    def blobs_dir(self):
        return self.data_dir / "blobs"

    def blob_tmp_files(self):
        tmp = self.blobs_dir / "tmp"
        return sorted(p.name for p in tmp.iterdir()) if tmp.exists() else []

    def blob_files(self):
        """Names of every stored blob file (not temporary files nor
        interrupted copies, which live beside the store)."""
        out = []
        for _dirpath, _dirs, files in os.walk(self.blobs_dir / "sha256"):
            out += files
        return sorted(out)

    def has_blob(self, content_hash):
        return any(content_hash in name for name in self.blob_files())

    # -- HTTP

    def url(self, path):
        return self.base + path

    @property
    def admin_token(self):
        if self._admin_token is None:
            self._admin_token = self.login("admin", self.admin_password)
        return self._admin_token

    def req(self, method, path, token=ADMIN, headers=None, **kw):
        headers = dict(headers or {})
        if token is ADMIN:
            token = self.admin_token
        if token:
            headers["Authorization"] = "Bearer " + token
        kw.setdefault("timeout", HTTP_TIMEOUT_S)
        kw.setdefault("allow_redirects", False)
        return requests.request(method, self.url(path), headers=headers, **kw)

    def get(self, path, **kw):
        return self.req("GET", path, **kw)

    def post(self, path, **kw):
        return self.req("POST", path, **kw)

    def patch(self, path, **kw):
        return self.req("PATCH", path, **kw)

    def delete(self, path, **kw):
        return self.req("DELETE", path, **kw)

    def head(self, path, **kw):
        return self.req("HEAD", path, **kw)

    def login(self, username, password):
        r = requests.post(self.url("/api/v1/auth/login"), json={"username": username, "password": password},
                          timeout=HTTP_TIMEOUT_S)
        assert r.status_code == 200, "login %s: %d %s" % (username, r.status_code, r.text)
        return r.json()["token"]

    def create_user(self, username, password=USER_PASSWORD, role="uploader"):
        """Creates a user as admin and logs in; returns the user dict plus "token"."""
        r = self.post("/api/v1/users", json={"username": username, "password": password, "role": role})
        assert r.status_code == 201, "create user %s: %d %s" % (username, r.status_code, r.text)
        user = r.json()
        user["token"] = self.login(username, password)
        return user

    def upload(self, data, filename, token=ADMIN, multipart=False, **kw):
        """Uploads bytes (or a Path) as a raw body with ?filename= or as multipart."""
        if isinstance(data, Path):
            data = data.read_bytes()
        if multipart:
            body, content_type = multipart_body([("file", filename, data)])
            return self.post("/api/v1/tracks", token=token, data=body, headers={"Content-Type": content_type}, **kw)
        return self.post("/api/v1/tracks", token=token, params={"filename": filename}, data=data,
                         headers={"Content-Type": "application/octet-stream"}, **kw)

    def upload_ok(self, data, filename, token=ADMIN, expect=201):
        r = self.upload(data, filename, token=token)
        assert r.status_code == expect, "upload %s: %d %s" % (filename, r.status_code, r.text)
        return r.json()

    def tracks_total(self, token=ADMIN):
        r = self.get("/api/v1/tracks", token=token)
        assert r.status_code == 200, r.text
        return r.json()["total"]

    def metrics(self):
        r = requests.get(self.url("/metrics"), timeout=HTTP_TIMEOUT_S)
        assert r.status_code == 200, r.text
        return r.text


def failure_log_sections(since):
    """(title, text) of every server alive since `since`, for a failed test's report."""
    sections = []
    for server in Server.registry:
        if server.starts and (server.running() or (server.stopped_at or 0) >= since):
            sections.append(("dispotify logs: %s (%s)" % (server.name, server.data_dir), server.all_logs()))
    return sections


def multipart_body(parts, boundary="----dispotifyE2eBoundary7MA4YWxkTrZu0gW"):
    """multipart/form-data as browsers send it (raw UTF-8 file names).
    parts: [(field name, file name or None, bytes or str)]."""
    out = b""
    for name, filename, content in parts:
        if isinstance(content, str):
            content = content.encode()
        out += b"--" + boundary.encode() + b"\r\n"
        disposition = 'form-data; name="%s"' % name
        if filename is not None:
            disposition += '; filename="%s"' % filename.replace('"', "%22")
        out += ("Content-Disposition: %s\r\n" % disposition).encode("utf-8")
        if filename is not None:
            out += b"Content-Type: application/octet-stream\r\n"
        out += b"\r\n" + content + b"\r\n"
    out += b"--" + boundary.encode() + b"--\r\n"
    return out, "multipart/form-data; boundary=" + boundary


# ---- assertions ------------------------------------------------------------------

ERROR_CODES = {400: "invalid_argument", 401: "unauthenticated", 403: "permission_denied", 404: "not_found",
               405: "invalid_argument", 409: "conflict", 413: "too_large", 415: "unsupported_media",
               416: "range_not_satisfiable", 503: "unavailable", 507: "insufficient_storage"}


def assert_error(r, status, code=None):
    """The response is `status` with exactly {"error": {"code", "message"}}."""
    assert r.status_code == status, "expected %d, got %d: %s" % (status, r.status_code, r.text[:500])
    assert r.headers.get("Content-Type", "").startswith("application/json"), r.headers
    body = r.json()
    assert set(body) == {"error"}, body
    assert set(body["error"]) == {"code", "message"}, body
    assert isinstance(body["error"]["message"], str) and body["error"]["message"], body
    expected = code if code is not None else ERROR_CODES.get(status)
    if expected is not None:
        assert body["error"]["code"] == expected, body
    return body["error"]


def parse_metrics(text):
    """Prometheus text -> {(name, frozenset(labels.items())): value}."""
    out = {}
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        m = re.match(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})?\s+(\S+)$', line)
        assert m, "bad metrics line: %r" % line
        labels = dict(re.findall(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"', m.group(3) or ""))
        out[(m.group(1), frozenset(labels.items()))] = float(m.group(4))
    return out


def metric(text, name, **labels):
    """The value of one sample, or None."""
    return parse_metrics(text).get((name, frozenset(labels.items())))


# ---- raw sockets ---------------------------------------------------------------------

def raw_request(port, data, read_timeout=10 * SLOW):
    """Sends raw bytes, returns everything the server sends until it closes or
    goes quiet. A reset after the response counts as the end."""
    s = socket.create_connection(("127.0.0.1", port), timeout=read_timeout)
    try:
        try:
            s.sendall(data)
        except (BrokenPipeError, ConnectionResetError):
            pass
        chunks = []
        while True:
            try:
                chunk = s.recv(65536)
            except (ConnectionResetError, socket.timeout):
                break
            if not chunk:
                break
            chunks.append(chunk)
            if _complete_response(b"".join(chunks)):
                break
        return b"".join(chunks)
    finally:
        s.close()


def _complete_response(buf):
    head, sep, body = buf.partition(b"\r\n\r\n")
    if not sep:
        return False
    m = re.search(rb"\r\ncontent-length:\s*(\d+)", head, re.I)
    return m is not None and len(body) >= int(m.group(1))


def parse_raw_response(buf):
    """-> (status, {lower-case header: value}, body)."""
    head, _, body = buf.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = {}
    for line in lines[1:]:
        k, _, v = line.partition(":")
        headers[k.strip().lower()] = v.strip()
    return status, headers, body


# ---- audio -------------------------------------------------------------------------------

def wav_bytes(seconds=0.1, rate=44100, channels=1, seed=None):
    """A valid 16-bit PCM WAV; noise, so each call (without seed) is unique."""
    frames = int(seconds * rate)
    if seed is None:
        pcm = os.urandom(frames * 2 * channels)
    else:
        pcm = random.Random(seed).randbytes(frames * 2 * channels)
    buf = io.BytesIO()
    with wave.open(buf, "wb") as w:
        w.setnchannels(channels)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(pcm)
    return buf.getvalue()


def write_big_wav(path, size_bytes, rate=8000):
    """A WAV file of about size_bytes (mono 16-bit), written in chunks."""
    frames = size_bytes // 2
    data_len = frames * 2
    header = b"RIFF" + struct.pack("<I", 36 + data_len) + b"WAVE"
    header += b"fmt " + struct.pack("<IHHIIHH", 16, 1, 1, rate, rate * 2, 2, 16)
    header += b"data" + struct.pack("<I", data_len)
    rng = random.Random(size_bytes)
    block = rng.randbytes(1 << 20)
    with open(path, "wb") as f:
        f.write(header)
        left = data_len
        i = 0
        while left > 0:
            n = min(left, len(block))
            # vary each MiB so the file is not periodic
            f.write(bytes([i & 0xFF]) + block[1:n] if n > 1 else block[:n])
            left -= n
            i += 1
    return path


def ffmpeg_audio(path, fmt="mp3", seconds=0.5, tags=None, freq=440, cover=None):
    """Encodes a sine tone with ffmpeg; tags are ffmpeg -metadata keys."""
    codec = {"mp3": ["-c:a", "libmp3lame", "-b:a", "32k", "-id3v2_version", "4"],
             "flac": ["-c:a", "flac"],
             "ogg": ["-c:a", "libvorbis", "-q:a", "0"],
             "wav": ["-c:a", "pcm_s16le"]}[fmt]
    args = [FFMPEG, "-hide_banner", "-nostdin", "-v", "error", "-y", "-f", "lavfi", "-i",
            "sine=frequency=%g:sample_rate=44100:duration=%g" % (freq, seconds)]
    if cover:
        args += ["-i", str(cover), "-map", "0:a", "-map", "1:v", "-c:v", "copy", "-disposition:v", "attached_pic"]
    args += ["-ac", "1", "-fflags", "+bitexact", "-map_metadata", "-1"] + codec
    for k, v in (tags or {}).items():
        args += ["-metadata", "%s=%s" % (k, v)]
    args.append(str(path))
    proc = subprocess.run(args, stdin=subprocess.DEVNULL, capture_output=True, timeout=60, check=False)
    if proc.returncode != 0:
        raise RuntimeError("ffmpeg failed: %s\n%s" % (" ".join(args), proc.stderr.decode(errors="replace")))
    return Path(path)


# ---- images -----------------------------------------------------------------------------------

def jpeg_size(data):
    """(width, height) from a JPEG's SOF marker."""
    assert data[:2] == b"\xff\xd8", "not a JPEG"
    pos = 2
    while pos + 4 <= len(data):
        if data[pos] != 0xFF:
            pos += 1
            continue
        marker = data[pos + 1]
        if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7 or marker == 0xFF:
            pos += 2 if marker != 0xFF else 1
            continue
        length = struct.unpack(">H", data[pos + 2:pos + 4])[0]
        if marker in (0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF):
            h, w = struct.unpack(">HH", data[pos + 5:pos + 9])
            return w, h
        pos += 2 + length
    raise AssertionError("no SOF marker in JPEG")


def is_rfc3339_ms(text):
    return re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", text or "") is not None


def json_lines(text):
    return [json.loads(line) for line in text.splitlines() if line.strip()]
