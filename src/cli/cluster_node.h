// The cluster half of `dispotify serve`: the Raft log and snapshots on
// disk, the peer port (transport and peer routes), the Raft runner, and the
// proposer that the public API writes through.
//
// Lifecycle (DESIGN.md, "Cluster lifecycle"):
//   - an empty data dir without --join creates a cluster of one: this node
//     is its only voter, it records the cluster id, the join token's hash
//     and itself as the first member;
//   - an empty data dir with --join asks any member (DNS names welcome,
//     re-resolved on every try) to add it; it starts as a learner and the
//     leader promotes it once it has caught up;
//   - an empty data dir with --join on the --bootstrap-host creates the
//     cluster, unless an address behind --join answers as a member;
//   - a restart finds everything in the data dir; if its advertised
//     addresses changed (a new IP), it tells the leader;
//   - stop() on the leader hands leadership to the most up-to-date voter
//     first (bounded), so a rolling restart does not wait out an election.
#pragma once

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <set>
#include "base/result.h"
#include "catalog/catalog.h"
#include "cluster/address_book.h"
#include "cluster/cluster_service.h"
#include "cluster/leader_client.h"
#include "cluster/peer_transport.h"
#include "cluster/raft_proposer.h"
#include "cluster/raft_runner.h"
#include "log/log_store.h"

#include "cluster/peer_credentials.h"
#include "cluster/peer_routes.h"
#include "log/snapshot_store.h"
#include "net/http_server.h"

namespace dispotify::cli {

struct ClusterNodeOptions {
  std::string data_dir;
  std::string node_id;  // hex
  std::string peer_listen_host;
  uint16_t peer_listen_port = 0;
  std::string advertise_peer;  // host:port others use; empty: the bound peer address
  std::string advertise_api;   // host:port of the public port as others reach it
  std::vector<std::string> join_addresses;
  // With join_addresses and an empty data dir: this host, when so named,
  // creates the cluster unless a member answers (cluster/bootstrap.h).
  std::string bootstrap_host;
  std::string join_token;  // given, or generated at creation
  uint64_t election_timeout_ms = 150;
  uint64_t snapshot_interval_entries = 20'000;
  // Written into the cluster when this node creates it; ignored otherwise.
  int replication_factor = 3;
  int write_quorum = 2;
  // Raised by a signal: start-up waits (joining, electing) give up.
  const std::atomic<bool>* stop_requested = nullptr;
  // Routes of other subsystems on the peer port (blob transfer), and the
  // largest body they take.
  cluster::MorePeerRoutes more_peer_routes;
  uint64_t blob_bytes_max = 0;
  // Mutual TLS on the peer port (cluster/peer_credentials.h). Off only for
  // a benchmark on a trusted network (--peer-tls off).
  bool peer_tls = true;
};

class ClusterNode {
 public:
  // Opens the log and snapshots, starts the peer port and the Raft runner,
  // and creates or joins the cluster when the data dir is new.
  [[nodiscard]] static Result<std::unique_ptr<ClusterNode>> start(ClusterNodeOptions options,
                                                                  catalog::Catalog& catalog);
  ~ClusterNode();

  catalog::Proposer& proposer() { return *proposer_; }
  cluster::ClusterService& service() { return *service_; }
  // True when this start created the cluster (the caller then creates the
  // admin account).
  bool created_cluster() const { return created_cluster_; }
  bool is_leader() const;
  // Members this node has not reached for at least `ms` (by hex node id):
  // its transport's view, as repair planning needs it on the leader.
  std::set<std::string> unreachable_for(uint64_t ms) const;
  // The client TLS every call to another node's peer port uses (storage
  // transfers too); none with --peer-tls off.
  std::shared_ptr<net::TlsSlot> peer_client_tls() const { return client_tls_; }
  void stop();

 private:
  ClusterNode(ClusterNodeOptions options, catalog::Catalog& catalog)
      : options_(std::move(options)), catalog_(catalog) {}
  [[nodiscard]] Status open_storage();
  [[nodiscard]] Status start_peer_port();
  [[nodiscard]] Status create_cluster();
  [[nodiscard]] Status join_cluster();
  bool bootstraps() const;
  bool a_member_answers() const;
  [[nodiscard]] Status set_up_credentials(bool founder, bool joiner);
  [[nodiscard]] Status install_credentials(cluster::PeerCredentials credentials);
  [[nodiscard]] Result<std::string> renew_certificate();
  void renew_if_expiring();
  std::optional<cluster::PeerCredentials> credentials() const;
  cluster::NodeSecrets node_secrets() const;
  [[nodiscard]] Result<cluster::ProvenGrant> ask_to_join(const std::string& address,
                                                         const cluster::ProvenAsk& ask) const;
  [[nodiscard]] Status accept_grant(const cluster::ProvenGrant& grant, const std::string& nonce,
                                    const std::string& private_key_pem);
  void refresh_address_in_background();
  void raise_cluster_level_in_background();
  void record_self();
  void hand_over_leadership();
  bool stop_requested() const;
  void sleep_unless_stopped(uint64_t ms) const;

  ClusterNodeOptions options_;
  catalog::Catalog& catalog_;
  bool created_cluster_ = false;
  std::unique_ptr<raftlog::LogStore> log_;
  std::unique_ptr<raftlog::SnapshotStore> snapshots_;
  cluster::AddressBook addresses_;
  std::unique_ptr<cluster::PeerTransport> transport_;
  std::unique_ptr<cluster::RaftRunner> runner_;
  std::unique_ptr<cluster::LeaderClient> leader_;
  std::unique_ptr<cluster::RaftProposer> proposer_;
  std::unique_ptr<cluster::ClusterService> service_;
  net::Handler peer_handler_;  // set once service_ exists, before requests are served
  std::unique_ptr<net::HttpServer> peer_server_;
  std::shared_ptr<net::TlsSlot> server_tls_;  // null with --peer-tls off
  std::shared_ptr<net::TlsSlot> client_tls_;  // null with --peer-tls off
  // With peer TLS: the certificates the member list records (peer_gate.h),
  // asked by the peer port's gate and by our clients' handshakes.
  std::shared_ptr<cluster::RecordedCertificates> certificates_;
  std::mutex renew_mutex_;  // one renewal at a time
  mutable std::mutex credentials_mutex_;
  std::optional<cluster::PeerCredentials> credentials_;  // guarded by credentials_mutex_
  std::thread peer_thread_;
  std::thread refresh_thread_;
  std::thread level_thread_;
  std::atomic<bool> stopping_{false};
  // Wakes the background loops' pauses (sleep_unless_stopped) at stop().
  mutable std::mutex stop_mutex_;
  mutable std::condition_variable stop_cv_;
  std::atomic<bool> peer_ready_{false};
  uint64_t started_unix_ms_ = 0;
};

}  // namespace dispotify::cli
