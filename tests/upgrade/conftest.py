"""The rolling upgrade suite: two builds of the binary in one cluster.

    DISPOTIFY_BIN=$PWD/build/dispotify DISPOTIFY_OLD_BIN=/path/to/old/dispotify \\
        /usr/bin/python3 -m pytest -q tests/upgrade

`make upgrade-test` builds the old binary (UPGRADE_BASE) first.
test_rolling_upgrade.py replaces every node of an old cluster in turn;
test_mixed_joins.py has nodes of each build join through the other.
"""

import os
import sys

import pytest

HERE = os.path.dirname(__file__)
sys.path.insert(0, os.path.join(HERE, "..", "e2e"))
sys.path.insert(0, os.path.join(HERE, "..", "cluster"))

from report_hooks import pytest_runtest_makereport, pytest_runtest_setup  # noqa: E402,F401
from report_hooks import pytest_configure as check_new_binary  # noqa: E402

OLD_BIN = os.environ.get("DISPOTIFY_OLD_BIN", "")


def pytest_configure(config):
    check_new_binary(config)
    if not os.access(OLD_BIN, os.X_OK):
        raise pytest.UsageError("old dispotify binary not found at %r (set DISPOTIFY_OLD_BIN, or run "
                                "`make upgrade-test`)" % OLD_BIN)
