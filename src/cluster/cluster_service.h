// Cluster lifecycle as services for the peer port and the public API:
// joining, removing a member, moving leadership, and status. Every
// membership change is made by the leader; other nodes forward to it.
#pragma once

#include <mutex>
#include <string>

#include "base/result.h"
#include "catalog/catalog.h"
#include "cluster/leader_client.h"
#include "cluster/peer_transport.h"
#include "cluster/raft_proposer.h"
#include "cluster/raft_runner.h"

namespace boost::json {
class object;  // kept out of this header: it is included by most of api/
}

namespace dispotify::cluster {

struct JoinRequest {
  std::string node_id;  // 16 hex
  std::string peer_address;
  std::string api_address;
  std::string join_token;
};

struct SelfInfo {
  std::string node_id;
  std::string peer_address;  // as other nodes reach it
  std::string api_address;
};

inline constexpr uint64_t kMembershipTimeoutMs = 5'000;
inline constexpr uint64_t kStatusTimeoutMs = 500;  // per member asked for its status

class ClusterService {
 public:
  ClusterService(RaftRunner& runner, RaftProposer& proposer, LeaderClient& leader, catalog::Catalog& catalog,
                 SelfInfo self)
      : runner_(runner), proposer_(proposer), leader_(leader), catalog_(catalog), self_(std::move(self)) {}

  // Leader: checks the token, records the member (or its new addresses) and
  // adds it as a learner if it is not in the configuration yet; it is
  // promoted to voter by the leader once caught up. Returns the cluster id.
  // Elsewhere: forwarded to the leader.
  [[nodiscard]] Result<std::string> join(const JoinRequest& request);
  // Any node (forwarded to the leader): removes the member from the Raft
  // configuration and from the member list.
  [[nodiscard]] Status remove(const std::string& node_id);
  [[nodiscard]] Status transfer_leader(const std::string& node_id);

  // This node's view, as JSON (GET /peer/v1/status).
  std::string local_status_json() const;
  // Every member's view, asked over the peer port (GET /api/v1/cluster).
  [[nodiscard]] Result<std::string> cluster_status_json() const;

  const SelfInfo& self() const { return self_; }
  // Where the status pages learn when this node last reached each peer.
  using PeerStatusFn = std::function<std::vector<PeerTransport::PeerStatus>()>;
  void set_peer_status(PeerStatusFn fn) { peer_status_ = std::move(fn); }
  // This node's storage facts as a JSON object (disk, scrub, repairs),
  // added to its status under "storage". May be set while the peer port
  // already answers status requests.
  void set_local_storage(std::function<std::string()> fn) {
    std::lock_guard lock(local_storage_mutex_);
    local_storage_ = std::move(fn);
  }
  RaftRunner& runner() { return runner_; }

 private:
  [[nodiscard]] Status forward(std::string_view path, const std::string& body);

  RaftRunner& runner_;
  RaftProposer& proposer_;
  LeaderClient& leader_;
  catalog::Catalog& catalog_;
  SelfInfo self_;
  boost::json::object local_status() const;
  PeerStatusFn peer_status_;  // set once at start-up, before requests are served
  mutable std::mutex local_storage_mutex_;
  std::function<std::string()> local_storage_;  // guarded by local_storage_mutex_
};

}  // namespace dispotify::cluster
