"""Fixtures of the multi-process cluster suite: several `dispotify serve`
processes on loopback ports forming one cluster, driven over HTTP.

    DISPOTIFY_BIN=/path/to/dispotify python3 -m pytest -q tests/cluster
"""

import os
import sys
import time

import pytest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "e2e"))

from helpers import BIN, failure_log_sections  # noqa: E402
from cluster_helpers import Cluster  # noqa: E402

sys.path.insert(0, os.path.dirname(__file__))


def pytest_configure(config):
    if not os.access(BIN, os.X_OK):
        raise pytest.UsageError("dispotify binary not found at %s (set DISPOTIFY_BIN)" % BIN)


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    item.cluster_started_at = time.time()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if not report.failed:
        return
    for section in failure_log_sections(getattr(item, "cluster_started_at", 0)):
        report.sections.append(section)


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
