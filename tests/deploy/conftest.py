"""The deployment files of deploy/ (Compose, Swarm, Kubernetes, the
container image), checked here where no container engine or Kubernetes
runs: see README.md."""

import os
import sys

HERE = os.path.dirname(__file__)
sys.path.insert(0, os.path.join(HERE, "..", "e2e"))
sys.path.insert(0, os.path.join(HERE, "..", "cluster"))

# Server logs in failure reports, and the binary check.
from report_hooks import pytest_configure, pytest_runtest_makereport, pytest_runtest_setup  # noqa: E402,F401
