// Cluster lifecycle as services for the peer port and the public API:
// joining, removing a member, moving leadership, and status. Every
// membership change is made by the leader; other nodes forward to it.
#pragma once

#include <deque>
#include <mutex>
#include <string>

#include "base/result.h"
#include "catalog/catalog.h"
#include "cluster/join_messages.h"
#include "cluster/leader_client.h"
#include "cluster/peer_credentials.h"
#include "cluster/peer_transport.h"
#include "cluster/raft_proposer.h"
#include "cluster/raft_runner.h"

namespace boost::json {
class object;  // kept out of this header: it is included by most of api/
}

namespace dispotify::cluster {

// What this node holds that the join exchange needs (read when a join
// comes in: a renewed certificate or a restored token applies at once).
struct NodeSecrets {
  std::string join_token;
  std::optional<PeerCredentials> credentials;  // the CA key and certificate
  std::string cluster_secret;                  // <data-dir>/cluster/secret.key
};
using NodeSecretsFn = std::function<NodeSecrets()>;

struct SelfInfo {
  std::string node_id;
  std::string peer_address;  // as other nodes reach it
  std::string api_address;
};

// The feature level this node advertises: its binary's
// (catalog::kFeatureLevelCurrent), or a lower one forced by the test-only
// DISPOTIFY_TEST_FEATURE_LEVEL (a node that pretends to be older).
int64_t advertised_feature_level();

inline constexpr uint64_t kMembershipTimeoutMs = 5'000;
inline constexpr uint64_t kStatusTimeoutMs = 500;  // per member asked for its status

class ClusterService {
 public:
  // `peer_tls`: the client TLS for calls to other members (none = plain).
  ClusterService(RaftRunner& runner, RaftProposer& proposer, LeaderClient& leader, catalog::Catalog& catalog,
                 SelfInfo self, std::shared_ptr<net::TlsSlot> peer_tls, NodeSecretsFn secrets)
      : runner_(runner),
        proposer_(proposer),
        leader_(leader),
        catalog_(catalog),
        self_(std::move(self)),
        peer_tls_(std::move(peer_tls)),
        secrets_(std::move(secrets)) {}

  // Any member holding the join token (POST /peer/v1/join): checks the
  // joiner's proof (Errc::permission_denied when it fails) and that its
  // nonce is new here (Errc::conflict for a replayed ask, which would
  // otherwise revoke the joiner's current certificate), has the leader
  // admit it, and returns the grant with its proof and the sealed secrets
  // (join_proof.h).
  [[nodiscard]] Result<ProvenGrant> join(const ProvenAsk& ask);
  // Leader (others forward over POST /peer/v1/admit): certifies the
  // member's key if one is given (revoking its previous certificate),
  // records the member and its addresses, and adds it as a learner if it
  // is not in the configuration yet; the leader promotes it once caught up.
  [[nodiscard]] Result<Admission> admit(const AdmitRequest& request);
  // Any node: a new join token (`token`, or 32 random hex digits when
  // empty), sealed with the cluster key and committed (SetJoinToken);
  // returns it. From then on only it lets nodes join. Errc::invalid_argument
  // for a token shorter than kJoinTokenMin characters.
  static constexpr size_t kJoinTokenMin = 16;
  [[nodiscard]] Result<std::string> set_join_token(std::string token, const catalog::Origin& origin);
  // Any node (forwarded to the leader): removes the member from the Raft
  // configuration and from the member list.
  [[nodiscard]] Status remove(const std::string& node_id);
  [[nodiscard]] Status transfer_leader(const std::string& node_id);

  // Ok once every other member's status says it has applied `index`
  // (asked over the peer port every 200 ms); Errc::timeout naming those that
  // have not after timeout_ms.
  [[nodiscard]] Status wait_members_applied(uint64_t index, uint64_t timeout_ms) const;

  // Leader, every few seconds (ClusterNode): once every member advertises a
  // feature level above the committed one (GET /peer/v1/status,
  // "feature_level"), commits the lowest of them (SetClusterLevel,
  // catalog/feature_level.h). Returns the level it committed, if any.
  [[nodiscard]] Result<std::optional<int64_t>> raise_cluster_level();

  // This node's view, as JSON (GET /peer/v1/status).
  std::string local_status_json() const;
  // Every member's view, asked over the peer port (GET /api/v1/cluster).
  [[nodiscard]] Result<std::string> cluster_status_json() const;

  const SelfInfo& self() const { return self_; }
  // Whether this node's Raft configuration has voters (GET /peer/v1/hello).
  bool initialized() const;
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
  // Replaces this node's peer certificate (set by the node at start-up);
  // returns the new serial.
  using RenewFn = std::function<Result<std::string>()>;
  void set_certificate_renewer(RenewFn fn) { renew_ = std::move(fn); }
  [[nodiscard]] Result<std::string> renew_certificate() {
    if (!renew_) return make_error(Errc::unavailable, "this node cannot renew its certificate");
    return renew_();
  }

 private:
  [[nodiscard]] Result<net::ClientResponse> forward_for_answer(std::string_view path,
                                                               const std::string& body);
  [[nodiscard]] Status forward(std::string_view path, const std::string& body);

  RaftRunner& runner_;
  RaftProposer& proposer_;
  LeaderClient& leader_;
  catalog::Catalog& catalog_;
  SelfInfo self_;
  const std::shared_ptr<net::TlsSlot> peer_tls_;
  const NodeSecretsFn secrets_;
  std::mutex nonces_mutex_;
  std::deque<std::string> nonces_seen_;  // oldest first; guarded by nonces_mutex_
  boost::json::object local_status() const;
  PeerStatusFn peer_status_;  // set once at start-up, before requests are served
  RenewFn renew_;             // likewise
  mutable std::mutex local_storage_mutex_;
  std::function<std::string()> local_storage_;  // guarded by local_storage_mutex_
};

}  // namespace dispotify::cluster
