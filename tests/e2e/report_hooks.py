"""pytest hooks shared by the black-box suites (tests/e2e, tests/cluster):
a missing binary is a usage error, and a failed test's report carries the
logs of every server that ran during it. A conftest imports them by name."""

import os
import time

import pytest

from helpers import BIN, failure_log_sections


def pytest_configure(config):
    if not os.access(BIN, os.X_OK):
        raise pytest.UsageError("dispotify binary not found at %s (set DISPOTIFY_BIN)" % BIN)


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    item.dispotify_started_at = time.time()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if not report.failed:
        return
    for section in failure_log_sections(getattr(item, "dispotify_started_at", 0)):
        report.sections.append(section)
