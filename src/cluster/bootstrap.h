// Which new node creates the cluster when every node is started the same
// way, as an orchestrator starts the replicas of one service (a
// StatefulSet, a Swarm service): all get --join with the service's name,
// and --bootstrap-host names the one replica (by host name: dispotify-0,
// or the Swarm task with slot 1) that creates the cluster, but only if no
// address behind --join answers as a member of one already. So the
// bootstrap host, started again on an empty volume after its data was
// lost, joins the running cluster as a new node instead of creating a
// second cluster beside it.
//
// Limit: a bootstrap host with an empty data dir that cannot reach any
// existing member (all down, or cut off) creates a new cluster.
#pragma once

#include <string_view>

namespace dispotify::cluster {

// True when `hostname` is `bootstrap_host`, or its first label is
// ("dispotify-0" matches "dispotify-0.peers.ns.svc"). An empty
// bootstrap_host matches nothing.
bool is_bootstrap_host(std::string_view bootstrap_host, std::string_view hostname);

// True when a GET /peer/v1/hello body comes from a member of a cluster
// (its configuration has voters); false for a node still joining, and for
// anything that does not parse.
bool hello_shows_a_cluster(std::string_view hello_json);

}  // namespace dispotify::cluster
