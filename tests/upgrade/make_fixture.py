"""Makes tests/cluster/fixtures/datadir-v1.tar.gz: the data dir of a
one-node cluster written by a binary from before format versions and
feature levels (version N of the upgrade test), with a user, a track and
a playlist in it. tests/cluster/test_old_data_dir.py starts this build on
it. Run by `make upgrade-fixture`, which builds that old binary first:

    DISPOTIFY_OLD_BIN=~/.cache/dispotify-upgrade/59d4324/build/dispotify \\
        /usr/bin/python3 tests/upgrade/make_fixture.py
"""

import json
import os
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "e2e"))
sys.path.insert(0, str(HERE.parent / "cluster"))

from helpers import wav_bytes  # noqa: E402
from versioned_nodes import VersionedNode  # noqa: E402

OUT = HERE.parent / "cluster" / "fixtures" / "datadir-v1.tar.gz"
BASE_COMMIT = os.environ.get("DISPOTIFY_OLD_COMMIT", "59d4324")


def main():
    old_bin = os.environ["DISPOTIFY_OLD_BIN"]
    with tempfile.TemporaryDirectory() as tmp:
        node = VersionedNode(Path(tmp) / "n0", "n0", binary=old_bin)
        node.start()
        token = node.login("admin", node.admin_password)
        audio = wav_bytes(seconds=0.5, seed=7)
        r = node.upload(audio, "fixture.wav", token=token)
        assert r.status_code == 201, r.text
        track = r.json()
        r = node.post("/api/v1/users", token=token, json={"username": "fixture-listener",
                                                            "password": "fixture-password", "role": "listener"})
        assert r.status_code == 201, r.text
        r = node.post("/api/v1/playlists", token=token, json={"name": "fixture-playlist",
                                                               "track_ids": [track["id"]]})
        assert r.status_code == 201, r.text
        status = node.get("/api/v1/cluster", token=token).json()
        node.stop()
        manifest = {
            "written_by": BASE_COMMIT,
            "version": subprocess.run([old_bin, "version"], capture_output=True, text=True).stdout.strip(),
            "node_id": status["node_id"],
            "commit_index": status["commit_index"],
            "track_id": track["id"],
            "content_hash": track["content_hash"],
            "user": "fixture-listener",
            "playlist": "fixture-playlist",
        }
        (node.data_dir / "FIXTURE.json").write_text(json.dumps(manifest, indent=1) + "\n")
        OUT.parent.mkdir(parents=True, exist_ok=True)
        with tarfile.open(OUT, "w:gz") as tar:
            # Caches are local and rebuilt: not part of the format.
            tar.add(node.data_dir, arcname="data", filter=lambda t: None if "/cache" in t.name else t)
    print("wrote %s (%d bytes): %s" % (OUT, OUT.stat().st_size, manifest))


if __name__ == "__main__":
    main()
