"""The command line: version, --help, flag errors, first-start admin
password, node id persistence, JSON logs."""

import json
import re

import requests

from helpers import HTTP_TIMEOUT_S, Server, json_lines, run_cli


def test_version_prints_name_and_version():
    p = run_cli("version")
    assert p.returncode == 0, p.stderr
    assert re.fullmatch(r"dispotify \S+\n", p.stdout), repr(p.stdout)


def test_main_help_lists_commands():
    p = run_cli("--help")
    assert p.returncode == 0, p.stderr
    for command in ("serve", "import", "version"):
        assert command in p.stdout, p.stdout


def test_serve_help_lists_options():
    p = run_cli("serve", "--help")
    assert p.returncode == 0, p.stderr
    for flag in ("--data-dir", "--listen", "--admin-password", "--max-upload-size", "--min-free-disk",
                 "--log-format", "--help"):
        assert flag in p.stdout, "%s missing from serve --help:\n%s" % (flag, p.stdout)


def test_import_help_lists_options():
    p = run_cli("import", "--help")
    assert p.returncode == 0, p.stderr
    for flag in ("--server", "--token"):
        assert flag in p.stdout, "%s missing from import --help:\n%s" % (flag, p.stdout)


def test_version_help():
    p = run_cli("version", "--help")
    assert p.returncode == 0, p.stderr
    assert "usage" in p.stdout.lower()


def test_unknown_flag_exits_2(tmp_path):
    p = run_cli("serve", "--data-dir", str(tmp_path / "d"), "--no-such-flag")
    assert p.returncode == 2, (p.returncode, p.stdout, p.stderr)
    assert "--no-such-flag" in p.stderr
    assert not (tmp_path / "d").exists(), "a rejected command line must not create the data dir"


def test_unknown_import_flag_exits_2():
    p = run_cli("import", "--bogus", "x")
    assert p.returncode == 2, (p.returncode, p.stdout, p.stderr)
    assert "--bogus" in p.stderr


def test_unknown_command_exits_2():
    p = run_cli("frobnicate")
    assert p.returncode == 2, (p.returncode, p.stdout, p.stderr)
    assert "frobnicate" in p.stderr


def test_no_command_exits_2_with_usage():
    p = run_cli()
    assert p.returncode == 2
    assert "serve" in p.stdout + p.stderr


def test_bad_log_format_is_refused(tmp_path):
    p = run_cli("serve", "--data-dir", str(tmp_path / "d"), "--listen", "127.0.0.1:0", "--log-format", "xml")
    assert p.returncode != 0
    assert "log-format" in p.stderr


def test_a_refused_admin_password_changes_nothing(tmp_path):
    data = tmp_path / "data"
    p = run_cli("serve", "--data-dir", str(data), "--listen", "127.0.0.1:0", "--peer-listen", "127.0.0.1:0",
                "--admin-password", "short")
    assert p.returncode != 0
    assert "--admin-password" in p.stderr and "8 to 1024" in p.stderr, p.stderr
    assert not data.exists(), "nothing may be created for a start that is refused"


def test_generated_admin_password_shown_once(server_factory):
    server = server_factory("gen", admin_password=None)
    out = server.stdout_text()
    m = re.search(r"password:\s*(\S+)", out)
    assert m, "first start without --admin-password must print the generated password:\n" + out
    password = m.group(1)
    assert len(password) >= 8
    assert password not in server.stderr_text(), "the password must not go to the logs"
    # it works
    token = server.login("admin", password)
    assert server.get("/api/v1/me", token=token).json()["role"] == "admin"
    # a wrong one does not
    r = requests.post(server.url("/api/v1/auth/login"), json={"username": "admin", "password": password + "x"},
                      timeout=HTTP_TIMEOUT_S)
    assert r.status_code == 401

    server.stop()
    server.start()
    assert password not in server.stdout_text() + server.stderr_text()
    assert "password:" not in server.stdout_text()
    # still the same password after the restart
    server.login("admin", password)


def test_given_admin_password_not_printed(server):
    assert "ADMIN-E2E-PASSWORD".lower() not in (server.stdout_text() + server.stderr_text()).lower()
    assert "password:" not in server.stdout_text()


def test_node_id_persists_across_restarts(server):
    path = server.data_dir / "node_id"
    assert path.exists(), "serve must create DATA/node_id"
    node_id = path.read_text().strip()
    assert re.fullmatch(r"[0-9a-f]{16}", node_id), node_id
    version = requests.get(server.url("/api/v1/version"), timeout=HTTP_TIMEOUT_S).json()
    assert version["node_id"] == node_id
    assert version["name"] == "dispotify"
    cli_version = run_cli("version").stdout.split()[1]
    assert version["version"] == cli_version
    server.restart()
    assert path.read_text().strip() == node_id
    assert requests.get(server.url("/api/v1/version"), timeout=HTTP_TIMEOUT_S).json()["node_id"] == node_id
    assert requests.get(server.url("/readyz"), timeout=HTTP_TIMEOUT_S).json().get("node_id", node_id) == node_id


def test_log_format_json(server_factory):
    server = server_factory("jsonlog", args=["--log-format", "json"])
    server.get("/api/v1/me")
    server.get("/api/v1/nope")
    server.stop()
    text = server.stderr_text()
    lines = [line for line in text.splitlines() if line.strip()]
    assert len(lines) >= 2, "expected start and stop log lines, got:\n" + text
    for line in lines:
        try:
            record = json.loads(line)
        except ValueError:
            raise AssertionError("not a JSON log line: %r" % line)
        assert isinstance(record, dict), line
        assert {"ts", "level", "msg"} <= set(record), line
        assert record["level"] in ("debug", "info", "warn", "error"), line
    assert json_lines(text)


def test_log_format_text_is_not_json(server_factory):
    server = server_factory("textlog")
    server.stop()
    first = server.stderr_text().splitlines()[0]
    assert not first.startswith("{"), first


def test_import_command_uploads_a_folder(server, fixtures, tmp_path):
    folder = tmp_path / "music"
    (folder / "sub").mkdir(parents=True)
    mp3_path, _ = fixtures.formats["mp3"]
    flac_path, _ = fixtures.formats["flac"]
    (folder / "a.mp3").write_bytes(mp3_path.read_bytes())
    (folder / "sub" / "b.flac").write_bytes(flac_path.read_bytes())
    (folder / "notes.txt").write_text("not audio")
    p = run_cli("import", str(folder), "--server", server.base, "--token", server.admin_token, timeout=120)
    assert server.tracks_total() == 2, (p.returncode, p.stdout, p.stderr)
    names = sorted(t["filename"] for t in server.get("/api/v1/tracks").json()["items"])
    assert names == ["a.mp3", "b.flac"]


def test_probe_exits_0_on_200_and_1_otherwise(module_server):
    """`dispotify probe URL`: the container image's health check."""
    assert run_cli("probe", module_server.url("/readyz")).returncode == 0
    missing = run_cli("probe", module_server.url("/no-such-route-for-probe"))
    assert missing.returncode == 1 and "status" in missing.stderr
    closed = run_cli("probe", "http://127.0.0.1:1/readyz", "--timeout", "500")
    assert closed.returncode == 1 and closed.stderr
    assert run_cli("probe").returncode == 2
    assert run_cli("probe", "ftp://x/readyz").returncode == 2


def test_secrets_come_from_files(tmp_path):
    """--admin-password-file (a mounted secret; trailing newline dropped)."""
    secret = tmp_path / "admin-password"
    secret.write_text("from-a-file-password\n")
    server = Server(tmp_path / "s", admin_password=None, args=["--admin-password-file", str(secret)])
    server.start()
    try:
        assert server.login("admin", "from-a-file-password")
        assert "password" not in server.stdout_text(), "a given password is never printed"
    finally:
        server.stop()
    bad = run_cli("serve", "--data-dir", str(tmp_path / "t"), "--listen", "127.0.0.1:0", "--peer-listen",
                  "127.0.0.1:0", "--admin-password-file", str(tmp_path / "missing"))
    assert bad.returncode == 1 and "admin-password-file" in bad.stderr


def test_a_malformed_join_address_is_refused_at_once(tmp_path):
    p = run_cli("serve", "--data-dir", str(tmp_path / "d"), "--listen", "127.0.0.1:0", "--peer-listen",
                "127.0.0.1:0", "--join", "peers", "--join-token", "t", timeout=10)
    assert p.returncode == 1 and "--join" in p.stderr, p.stderr
