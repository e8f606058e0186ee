"""Fixtures of the multi-process cluster suite: several `dispotify serve`
processes on loopback ports forming one cluster, driven over HTTP.

    DISPOTIFY_BIN=/path/to/dispotify python3 -m pytest -q tests/cluster
"""

import os
import sys

import pytest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "e2e"))

from cluster_helpers import Cluster  # noqa: E402

sys.path.insert(0, os.path.dirname(__file__))


# Server logs in failure reports, and the binary check.
from report_hooks import pytest_configure, pytest_runtest_makereport, pytest_runtest_setup  # noqa: E402,F401


@pytest.fixture
def cluster_factory(tmp_path):
    made = []

    def make(size=3, **kw):
        c = Cluster(tmp_path / ("c%d" % len(made)), size, **kw)
        made.append(c)
        c.start()
        return c

    yield make
    for c in made:
        c.close()


@pytest.fixture
def cluster3(cluster_factory):
    return cluster_factory(3)
