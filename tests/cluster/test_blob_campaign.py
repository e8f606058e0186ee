"""A short seeded fault campaign on a 5-node cluster in network namespaces
(blob_campaign.py); bench/blob_campaign.sh runs long ones.

    DISPOTIFY_BLOB_SEED=N   replays one seed
    DISPOTIFY_BLOB_STEPS=N  runs N fault steps (one a second)
"""

import os

import pytest

import netns
from blob_campaign import CAMPAIGN_ARGS, Campaign
from helpers import SLOW
from netns_cluster import NetCluster


@pytest.fixture
def campaign_cluster(tmp_path):
    reason = netns.unavailable_reason()
    if reason:
        pytest.skip(reason)
    net = netns.Network()
    cluster = None
    try:
        cluster = NetCluster(tmp_path / "c", 5, net, args=CAMPAIGN_ARGS)
        cluster.start()
        assert cluster.token
        cluster.wait_applied_equal()
        yield cluster
    finally:
        net.heal()
        for node in (cluster.nodes if cluster else []):
            node.kill()
        net.close()


def test_no_acknowledged_upload_is_lost_and_no_wrong_byte_is_served(campaign_cluster, tmp_path):
    seed = int(os.environ.get("DISPOTIFY_BLOB_SEED", "1"))
    steps = int(os.environ.get("DISPOTIFY_BLOB_STEPS", str(int(20 / SLOW) + 5)))
    Campaign(campaign_cluster, seed, tmp_path).run(steps=steps, step_s=1.0 * SLOW)
