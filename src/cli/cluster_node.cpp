#include "cli/cluster_node.h"

#include <sys/stat.h>
#include <unistd.h>

#include <boost/json.hpp>

#include <chrono>
#include <cstdio>

#include "base/clock.h"
#include "base/fs.h"
#include "base/log.h"
#include "base/random.h"
#include "base/sha256.h"
#include "base/x509.h"
#include "cluster/backoff.h"
#include "cluster/bootstrap.h"
#include "cluster/join_targets.h"
#include "cluster/node_id.h"
#include "cluster/peer_routes.h"
#include "cluster/propose_batch.h"
#include "cluster/successor.h"
#include "net/resolve.h"

namespace dispotify::cli {
namespace {

using SteadyClock = std::chrono::steady_clock;

constexpr const char* kFounder = "founder";  // created the cluster: its first voter
constexpr const char* kJoiner = "joiner";    // joined through --join
constexpr uint64_t kLeadershipWaitMs = 10'000;
constexpr uint64_t kJoinAttemptTimeoutMs = 3'000;
// A stopping leader waits this long at most for its successor to lead.
constexpr uint64_t kHandOverTimeoutMs = 1'000;
// Per address: a member that drops packets must not hold up the others.
constexpr uint64_t kJoinConnectTimeoutMs = 1'000;
constexpr uint64_t kJoinGiveUpMs = 300'000;
// Forwarded writes hold a peer worker until they commit; Raft's own
// messages must always find a free one (else a leader busy with forwarded
// writes stops hearing its followers and loses its majority). So the pool
// is larger than the cap on forwarded writes in flight (peer_routes.h).
constexpr size_t kPeerWorkerThreads = 64;
// A revocation reaches the peer gate this long after this node applies it.
constexpr uint64_t kRevocationRefreshMs = 500;
// A renewal waits this long for every member to know the new certificate.
constexpr uint64_t kRenewalWaitMs = 8'000;  // under the CLI's 10 s
constexpr uint64_t kRenewalCheckMs = 3600'000;
// How often the leader asks the members which feature level they support
// (one status request per member, only while the cluster is below this
// binary's level): a rolling upgrade's last node raises the level within it.
constexpr uint64_t kLevelCheckMs = 2'000;
constexpr uint64_t kSecretFileBytesMax = 4096;

std::string host_for_others(const std::string& host) {
  if (host != "0.0.0.0" && host != "::" && !host.empty()) return host;
  char name[256] = {};
  if (::gethostname(name, sizeof name - 1) == 0 && name[0] != '\0') return name;
  return "127.0.0.1";
}

Status write_private_file(const std::string& path, const std::string& content) {
  DISPOTIFY_TRY(fs::write_file_atomic(path, content));
  if (::chmod(path.c_str(), 0600) != 0) return make_error(Errc::io_error, "cannot chmod " + path);
  return ok_status();
}

// The file's content, or "" when it cannot be read.
std::string read_or_empty(const std::string& path) {
  auto text = fs::read_file(path, kSecretFileBytesMax);
  return text.ok() ? std::move(*text) : std::string();
}

std::string trimmed(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

}  // namespace

Result<std::unique_ptr<ClusterNode>> ClusterNode::start(ClusterNodeOptions options,
                                                        catalog::Catalog& catalog) {
  std::unique_ptr<ClusterNode> node(new ClusterNode(std::move(options), catalog));
  DISPOTIFY_TRY(node->open_storage());
  DISPOTIFY_TRY(node->start_peer_port());
  return node;
}

Status ClusterNode::open_storage() {
  const std::string raft_dir = options_.data_dir + "/raft";
  DISPOTIFY_TRY(fs::make_dirs(raft_dir));
  DISPOTIFY_ASSIGN_OR_RETURN(log_, raftlog::LogStore::open(raft_dir + "/log"));
  DISPOTIFY_ASSIGN_OR_RETURN(snapshots_, raftlog::SnapshotStore::open(raft_dir + "/snapshots"));
  return ok_status();
}

Status ClusterNode::start_peer_port() {
  DISPOTIFY_ASSIGN_OR_RETURN(raft::NodeId self, cluster::raft_id_of(options_.node_id));
  const std::string role_path = options_.data_dir + "/raft/role";
  auto role = fs::read_file(role_path, 64);
  if (!role.ok() && role.error().code != Errc::not_found) return std::move(role).error();
  const bool fresh = !role.ok();
  if (fresh && catalog_.applied_index() > 0) {
    return make_error(Errc::conflict, "the catalog in " + options_.data_dir +
                                          " predates the Raft log; start from an empty data dir and import");
  }
  if (!fresh) options_.bootstrap_host.clear();  // only an empty data dir may create a cluster
  const bool founds = options_.join_addresses.empty() || bootstraps();
  const std::string my_role = fresh ? (founds ? kFounder : kJoiner) : trimmed(*role);
  if (my_role != kFounder && my_role != kJoiner)
    return make_error(Errc::corrupt, role_path + " is not valid");
  if (fresh) DISPOTIFY_TRY(fs::write_file_atomic(role_path, my_role + "\n"));
  DISPOTIFY_TRY(set_up_credentials(fresh && my_role == kFounder, my_role == kJoiner));

  cluster::RaftRunnerOptions runner_options;
  runner_options.self = self;
  if (my_role == kFounder) runner_options.initial_conf.voters = {self};
  runner_options.election_timeout_ticks =
      static_cast<int64_t>(std::max<uint64_t>(options_.election_timeout_ms / runner_options.tick_ms, 3));
  runner_options.heartbeat_interval_ticks = std::max<int64_t>(runner_options.election_timeout_ticks / 5, 1);
  runner_options.snapshot_interval_entries = options_.snapshot_interval_entries;
  runner_ = std::make_unique<cluster::RaftRunner>(runner_options, catalog_, *log_, *snapshots_,
                                                  [this](std::vector<raft::Message> m) {
                                                    if (transport_) transport_->send(std::move(m));
                                                  });
  runner_->set_conf_changed([this, self](const raft::ConfState& conf) {
    // Stop sending to nodes that left (their queues would only fill).
    for (const auto& status : transport_->status()) {
      const bool member = std::count(conf.voters.begin(), conf.voters.end(), status.id) +
                              std::count(conf.learners.begin(), conf.learners.end(), status.id) >
                          0;
      if (!member && status.id != self) transport_->forget(status.id);
    }
  });
  leader_ = std::make_unique<cluster::LeaderClient>(*runner_, catalog_, client_tls_);
  proposer_ = std::make_unique<cluster::RaftProposer>(*runner_, *leader_);

  net::ServerOptions server_options;
  server_options.host = options_.peer_listen_host;
  server_options.port = options_.peer_listen_port;
  server_options.worker_threads = kPeerWorkerThreads;
  server_options.name = "peer";
  // Peers are few and hold pools of connections; on one host (tests,
  // benchmarks) they all come from the same address. connections_max
  // still bounds the total.
  server_options.connections_per_address_max = 0;
  // Blob copies are as large as uploads; Raft and forwarded writes are
  // bounded by their own routes.
  server_options.body_bytes_max = std::max<uint64_t>(64ULL << 20, options_.blob_bytes_max);
  server_options.tls = server_tls_;
  // A Raft message batch only goes into the runner's queue (deliver() never
  // blocks long): cheaper on the I/O thread than handed to a worker and
  // back, and it cannot queue behind blob copies on workers. A batch of
  // forwarded writes too: it is proposed from here and answered once
  // applied (a deferred response), holding no worker.
  server_options.run_inline = [](const net::Request& r) {
    return r.method == "POST" && (r.path == cluster::kRaftPostTarget || r.path == cluster::kProposeBatchPath);
  };
  // The service needs the bound port for its own address: the server
  // answers 503 until the service exists.
  auto handler = [this](net::Request& r) -> net::Response {
    if (!peer_ready_.load(std::memory_order_acquire)) {
      net::Response response;
      response.status = 503;
      response.set_header("Retry-After", "1");
      response.body = std::string("{\"error\":{\"code\":\"unavailable\",\"message\":\"starting up\"}}");
      return response;
    }
    return peer_handler_(r);
  };
  peer_server_ = std::make_unique<net::HttpServer>(server_options, handler);
  DISPOTIFY_TRY(peer_server_->start());
  const std::string advertise_peer =
      !options_.advertise_peer.empty()
          ? options_.advertise_peer
          : host_for_others(options_.peer_listen_host) + ":" + std::to_string(peer_server_->port());
  cluster::PeerTransportOptions transport_options;
  transport_options.self_address = advertise_peer;
  // A restarted peer must hear from its leader within a few heartbeats, not
  // after a long backoff: reconnecting to loopback or a LAN peer is cheap.
  transport_options.backoff_base_ms = 20;
  transport_options.backoff_cap_ms = 250;
  transport_options.random_seed = random_u64();
  transport_options.tls = client_tls_;
  transport_ = std::make_unique<cluster::PeerTransport>(
      self, transport_options, [this](raft::NodeId id) -> std::optional<std::string> {
        // What the peer itself last announced is the freshest; the
        // replicated member list covers peers that have not written yet.
        if (auto learned = addresses_.find(id)) return learned;
        const std::string hex = cluster::node_id_hex(id);
        auto members = catalog_.members();
        if (!members.ok()) return std::nullopt;
        for (const catalog::Member& m : *members) {
          if (m.node_id == hex) return m.peer_address;
        }
        return std::nullopt;
      });
  service_ = std::make_unique<cluster::ClusterService>(
      *runner_, *proposer_, *leader_, catalog_,
      cluster::SelfInfo{options_.node_id, advertise_peer, options_.advertise_api}, client_tls_,
      [this] { return node_secrets(); });
  service_->set_peer_status([this] { return transport_->status(); });
  service_->set_certificate_renewer([this] { return renew_certificate(); });
  started_unix_ms_ = static_cast<uint64_t>(now_unix_ms());
  peer_handler_ =
      cluster::make_peer_handler(*service_, addresses_, certificates_.get(), options_.more_peer_routes);
  peer_ready_.store(true, std::memory_order_release);
  peer_thread_ = std::thread([this] { peer_server_->run(); });
  DISPOTIFY_TRY(runner_->start());
  log::info("peer port listening", {{"address", advertise_peer}, {"role", my_role}});
  // Whatever the path below (founder, joiner, restart): whichever node
  // leads later raises the level.
  raise_cluster_level_in_background();

  if (fresh && my_role == kFounder) return create_cluster();
  // A joiner without a certificate has not been answered yet (or stopped
  // before it was): it asks again.
  if (my_role == kJoiner && !credentials()) return join_cluster();
  refresh_address_in_background();
  return ok_status();
}

Status ClusterNode::create_cluster() {
  const auto deadline = SteadyClock::now() + std::chrono::milliseconds(kLeadershipWaitMs);
  while (!runner_->is_leader()) {
    if (SteadyClock::now() > deadline || stop_requested()) {
      return make_error(Errc::unavailable, "the new cluster elected no leader");
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  std::string token = options_.join_token;
  const bool generated = token.empty();
  if (generated) token = random_hex(16);
  DISPOTIFY_TRY(write_private_file(options_.data_dir + "/join_token", token + "\n"));
  const catalog::ClusterInfo info{random_hex(8), sha256_hex(token), now_unix_ms(),
                                  options_.replication_factor, options_.write_quorum};
  DISPOTIFY_TRY(proposer_->propose(catalog::InitCluster{info}));
  const cluster::SelfInfo& self = service_->self();
  const auto mine = credentials();
  DISPOTIFY_CHECK(mine.has_value());  // set_up_credentials made them
  DISPOTIFY_ASSIGN_OR_RETURN(x509::CertificateInfo certificate, x509::inspect(mine->certificate_pem));
  DISPOTIFY_TRY(proposer_->propose(catalog::SetMember{
      {self.node_id, self.peer_address, self.api_address, now_unix_ms(), false, certificate.serial_hex}}));
  created_cluster_ = true;
  if (generated) {
    std::printf("Created a new cluster.\n  join token: %s\n(shown only this once; also in %s/join_token)\n",
                token.c_str(), options_.data_dir.c_str());
    std::fflush(stdout);
  }
  log::info("created a cluster", {{"cluster_id", info.cluster_id}, {"node_id", self.node_id}});
  return ok_status();
}

// Called for an empty data dir only.
bool ClusterNode::bootstraps() const {
  if (options_.bootstrap_host.empty()) return false;
  char name[256] = {};
  if (::gethostname(name, sizeof name - 1) != 0) return false;
  if (!cluster::is_bootstrap_host(options_.bootstrap_host, name)) return false;
  if (a_member_answers()) {
    log::info("a cluster exists already: joining it instead of creating one", {{"host", name}});
    return false;
  }
  log::info("no member answers: this bootstrap host creates the cluster", {{"host", name}});
  return true;
}

// One round over every address behind --join: does any answer as a
// member of a cluster? (Before this node's own peer port is up.)
bool ClusterNode::a_member_answers() const {
  std::set<std::string> own;
  if (!options_.advertise_peer.empty())
    own = cluster::self_addresses(options_.advertise_peer, net::resolve_all);
  // Before this node has any credentials: the hello needs none, and its
  // answer (a yes or a no) is not worth an impostor's trouble.
  std::shared_ptr<net::TlsSlot> tls;
  if (options_.peer_tls) {
    auto unverified = cluster::unverified_client_tls();
    if (!unverified.ok()) return false;
    tls = std::make_shared<net::TlsSlot>(std::move(*unverified));
  }
  for (const std::string& address : cluster::join_targets(options_.join_addresses, own, net::resolve_all)) {
    auto request = cluster::request_to(address, cluster::kHelloPath, tls);
    if (!request.ok()) continue;
    request->connect_timeout_ms = kJoinConnectTimeoutMs;
    request->io_timeout_ms = kJoinConnectTimeoutMs;
    auto response = net::request(*request);
    if (response.ok() && response->status == 200 && cluster::hello_shows_a_cluster(response->body))
      return true;
  }
  return false;
}

// One attempt to join through one address: the member's proven grant,
// permission_denied (wrong token: retrying cannot help), or another error
// worth a retry elsewhere.
Result<cluster::ProvenGrant> ClusterNode::ask_to_join(const std::string& address,
                                                      const cluster::ProvenAsk& ask) const {
  auto request = cluster::request_to(address, "/peer/v1/join", client_tls_);
  if (!request.ok()) return std::move(request).error();
  request->method = "POST";
  request->body = cluster::encode(ask);
  request->headers.push_back({"Content-Type", "application/json"});
  request->connect_timeout_ms = kJoinConnectTimeoutMs;
  request->io_timeout_ms = kJoinAttemptTimeoutMs + 2000;
  auto response = net::request(*request);
  if (!response.ok()) return std::move(response).error();
  if (response->status == 403 || response->status == 400) {
    return make_error(Errc::permission_denied,
                      "joining through " + address + " was refused: " + response->body);
  }
  if (response->status != 200) {
    return make_error(Errc::unavailable,
                      "status " + std::to_string(response->status) + ": " + response->body);
  }
  auto grant = cluster::decode_proven_grant(response->body);
  if (!grant.ok()) return make_error(Errc::unavailable, "a malformed join answer: " + grant.error().message);
  if (!cluster::grant_is_proven(options_.join_token, ask.ask.nonce, grant->grant, grant->proof)) {
    // Not from a holder of our token: a stranger on that address, or a
    // man in the middle. Another address may be genuine.
    return make_error(Errc::unavailable,
                      "the join answer from " + address + " is not proven by the join token");
  }
  return grant;
}

// Checks that the grant certifies our key under our node id, then keeps
// the credentials and the cluster secret and switches the peer port to them.
Status ClusterNode::accept_grant(const cluster::ProvenGrant& proven, const std::string& nonce,
                                 const std::string& private_key_pem) {
  const cluster::JoinGrant& grant = proven.grant;
  DISPOTIFY_ASSIGN_OR_RETURN(std::string sealed,
                             cluster::open_secrets(options_.join_token, nonce, grant.sealed_secrets));
  DISPOTIFY_ASSIGN_OR_RETURN(cluster::SharedSecrets secrets, cluster::decode_shared_secrets(sealed));
  DISPOTIFY_ASSIGN_OR_RETURN(x509::CertificateInfo info, x509::inspect(grant.certificate_pem));
  DISPOTIFY_ASSIGN_OR_RETURN(std::string certified, x509::certified_public_key(grant.certificate_pem));
  DISPOTIFY_ASSIGN_OR_RETURN(std::string mine, x509::public_key_of(private_key_pem));
  if (info.common_name != options_.node_id || certified != mine) {
    return make_error(Errc::permission_denied, "the join answer certifies another node or key");
  }
  if (!secrets.cluster_secret.empty()) {
    DISPOTIFY_TRY(fs::write_file_atomic(cluster::credentials_dir(options_.data_dir) + "/secret.key",
                                        secrets.cluster_secret, 0600));
  }
  return install_credentials(cluster::PeerCredentials{grant.ca_certificate_pem, secrets.ca_private_key_pem,
                                                      grant.certificate_pem, private_key_pem});
}

// Rounds of attempts until one member takes us: each round resolves the
// --join names again and asks every address on its own
// (cluster/join_targets.h), then backs off.
Status ClusterNode::join_cluster() {
  if (options_.join_token.empty()) return make_error(Errc::invalid_argument, "--join needs --join-token");
  DISPOTIFY_TRY(write_private_file(options_.data_dir + "/join_token", options_.join_token + "\n"));
  DISPOTIFY_ASSIGN_OR_RETURN(const std::string private_key,
                             cluster::load_or_make_node_key(options_.data_dir));
  DISPOTIFY_ASSIGN_OR_RETURN(const std::string public_key, x509::public_key_of(private_key));
  const cluster::SelfInfo& self = service_->self();
  const auto give_up = SteadyClock::now() + std::chrono::milliseconds(kJoinGiveUpMs);
  cluster::Backoff backoff(100, 2000);
  std::string last_error = "no address tried";
  while (SteadyClock::now() < give_up && !stop_requested()) {
    const std::set<std::string> own = cluster::self_addresses(self.peer_address, net::resolve_all);
    for (const std::string& address : cluster::join_targets(options_.join_addresses, own, net::resolve_all)) {
      if (stop_requested()) break;
      cluster::ProvenAsk ask;
      ask.ask =
          cluster::JoinAsk{self.node_id, self.peer_address, self.api_address, public_key, random_hex(32)};
      ask.proof = cluster::prove_ask(options_.join_token, ask.ask);
      auto granted = ask_to_join(address, ask);
      Status joined =
          granted.ok() ? accept_grant(*granted, ask.ask.nonce, private_key) : Status(granted.error());
      if (joined.ok()) {
        log::info("joined the cluster", {{"through", address}, {"node_id", self.node_id}});
        return ok_status();
      }
      if (joined.error().code == Errc::permission_denied) return joined;
      last_error = address + ": " + joined.error().message;
      log::warn("join attempt failed", {{"through", address}, {"error", joined.error().message}});
    }
    sleep_unless_stopped(backoff.next_delay_ms(random_u64()));
  }
  return make_error(Errc::unavailable, "could not join the cluster: " + last_error);
}

// After a restart the member list must hold this node's addresses (after a
// move to a new one, else the others keep sending to the old) and its
// certificate's serial (a renewal that stopped before recording it):
// retried until both hold. Then, at start and every hour while it runs, a
// certificate close to its end is renewed (a node may run for a year).
void ClusterNode::refresh_address_in_background() {
  refresh_thread_ = std::thread([this] {
    record_self();
    while (!stop_requested()) {
      renew_if_expiring();
      sleep_unless_stopped(kRenewalCheckMs);
    }
  });
}

// The leader commits a higher cluster level once every member supports it
// (cluster_service.h, raise_cluster_level); whichever node leads does it.
void ClusterNode::raise_cluster_level_in_background() {
  (void)cluster::advertised_feature_level();  // a bad test setting stops the node now, not later
  level_thread_ = std::thread([this] {
    while (!stop_requested()) {
      sleep_unless_stopped(kLevelCheckMs);
      if (stop_requested() || !runner_->is_leader()) continue;
      auto raised = service_->raise_cluster_level();
      if (!raised.ok()) log::warn("could not raise the cluster level", {{"error", raised.error().message}});
    }
  });
}

void ClusterNode::record_self() {
  const cluster::SelfInfo self = service_->self();
  cluster::Backoff backoff(100, 5000);
  while (!stop_requested()) {
    const auto mine = credentials();
    auto certificate =
        mine ? x509::inspect(mine->certificate_pem) : Result<x509::CertificateInfo>(x509::CertificateInfo{});
    const std::string serial = certificate.ok() ? certificate->serial_hex : "";
    auto members = catalog_.members();
    bool current = false;
    if (members.ok()) {
      for (const catalog::Member& m : *members) {
        current = current ||
                  (m.node_id == self.node_id && m.peer_address == self.peer_address &&
                   m.api_address == self.api_address && (serial.empty() || m.certificate_serial == serial));
      }
    }
    if (current) return;
    Status recorded = proposer_->propose(catalog::SetMember{
        {self.node_id, self.peer_address, self.api_address, now_unix_ms(), false, serial}});
    if (recorded.ok()) {
      log::info("recorded this node's addresses and certificate",
                {{"peer_address", self.peer_address}, {"serial", serial}});
      return;
    }
    sleep_unless_stopped(backoff.next_delay_ms(random_u64()));
  }
}

void ClusterNode::renew_if_expiring() {
  const auto mine = credentials();
  if (!mine) return;
  auto certificate = x509::inspect(mine->certificate_pem);
  if (!certificate.ok()) return;
  const int64_t left_s = certificate->not_after_unix - now_unix_ms() / 1000;
  if (left_s > cluster::kNodeCertificateRenewDays * 86400) return;
  log::info("this node's peer certificate ends soon; renewing it", {{"days_left", left_s / 86400}});
  auto renewed = renew_certificate();
  if (!renewed.ok()) log::warn("could not renew the peer certificate", {{"error", renewed.error().message}});
}

// The node's peer TLS identity: loaded from the data dir; made for a new
// cluster's founder; provisional for a joiner that has none yet (its
// certificate comes with the join answer).
Status ClusterNode::set_up_credentials(bool founder, bool joiner) {
  DISPOTIFY_ASSIGN_OR_RETURN(std::optional<cluster::PeerCredentials> loaded,
                             cluster::load_peer_credentials(options_.data_dir));
  if (!loaded && founder) {
    DISPOTIFY_ASSIGN_OR_RETURN(
        loaded, cluster::found_credentials(options_.node_id, options_.node_id, now_unix_ms() / 1000));
  }
  if (options_.peer_tls) {
    server_tls_ = std::make_shared<net::TlsSlot>(nullptr);
    client_tls_ = std::make_shared<net::TlsSlot>(nullptr);
    certificates_ = std::make_shared<cluster::RecordedCertificates>(
        [&catalog = catalog_, self = options_.node_id]() -> Result<cluster::CertificateRecords> {
          DISPOTIFY_ASSIGN_OR_RETURN(std::vector<catalog::Member> members, catalog.members());
          DISPOTIFY_ASSIGN_OR_RETURN(std::vector<std::string> revoked, catalog.revoked_certificates());
          return cluster::records_from(members, revoked, self);
        },
        [&catalog = catalog_] { return catalog.applied_index(); }, kRevocationRefreshMs);
  }
  if (loaded) return install_credentials(std::move(*loaded));
  if (!joiner) {
    return make_error(Errc::corrupt,
                      cluster::credentials_dir(options_.data_dir) +
                          " has no peer certificate; restore it from a backup, or remove this node "
                          "(dispotify cluster remove) and let it join again from an empty data dir");
  }
  if (!options_.peer_tls) return ok_status();
  DISPOTIFY_ASSIGN_OR_RETURN(auto provisional, cluster::provisional_server_tls(options_.node_id));
  DISPOTIFY_ASSIGN_OR_RETURN(auto unverified, cluster::unverified_client_tls());
  server_tls_->set(std::move(provisional));
  client_tls_->set(std::move(unverified));
  return ok_status();
}

// Saved before use: a crash after this finds them at the next start.
Status ClusterNode::install_credentials(cluster::PeerCredentials credentials) {
  DISPOTIFY_TRY(cluster::save_peer_credentials(options_.data_dir, credentials));
  if (options_.peer_tls) {
    DISPOTIFY_ASSIGN_OR_RETURN(auto server, cluster::peer_server_tls(credentials));
    DISPOTIFY_ASSIGN_OR_RETURN(
        auto client, cluster::peer_client_tls(
                         credentials, [certificates = certificates_](const net::PeerCertificate& cert) {
                           Status admitted = certificates->admit(cert);
                           if (!admitted.ok())
                             log::warn("refused a peer server", {{"why", admitted.error().message}});
                           return admitted.ok();
                         }));
    server_tls_->set(std::move(server));
    client_tls_->set(std::move(client));
  }
  std::lock_guard lock(credentials_mutex_);
  credentials_ = std::move(credentials);
  return ok_status();
}

// Key rotation: every member holds the CA key, so the node certifies a new
// key itself. Peers accept only the certificates the member list records
// (peer_gate.h), so the new one is recorded first as the next one, and the
// node switches to it only once every member has applied that (a member
// that had not could not take even the entries that would tell it). Saved
// before use: a crash then finds the new one, already accepted. Last, it is
// recorded as current, which revokes the old one everywhere.
Result<std::string> ClusterNode::renew_certificate() {
  std::lock_guard renewing(renew_mutex_);
  auto current = credentials();
  if (!current) return make_error(Errc::unavailable, "this node has no peer certificate yet");
  DISPOTIFY_ASSIGN_OR_RETURN(x509::KeyPair key, x509::generate_key());
  DISPOTIFY_ASSIGN_OR_RETURN(
      cluster::IssuedNodeCertificate issued,
      cluster::certify_node(*current, options_.node_id, key.public_key_pem, now_unix_ms() / 1000));
  const cluster::SelfInfo& self = service_->self();
  catalog::Member me{self.node_id, self.peer_address, self.api_address, now_unix_ms(), false,
                     "",           issued.serial_hex};
  DISPOTIFY_TRY(proposer_->propose(catalog::SetMember{me}));
  if (options_.peer_tls) {
    Status everywhere = service_->wait_members_applied(catalog_.applied_index(), kRenewalWaitMs);
    if (!everywhere.ok()) {
      return make_error(Errc::unavailable,
                        "the new certificate is not in use: " + everywhere.error().message +
                            " (try again when every member is up)");
    }
  }
  DISPOTIFY_TRY(
      install_credentials(cluster::PeerCredentials{current->ca_certificate_pem, current->ca_private_key_pem,
                                                   issued.certificate_pem, key.private_key_pem}));
  me.certificate_serial = issued.serial_hex;
  me.next_certificate_serial.clear();
  Status recorded = proposer_->propose(catalog::SetMember{me});
  // Not recorded as current yet: the refresh at the next start does it; the
  // certificate in use is accepted meanwhile (it is the next one).
  if (!recorded.ok()) return recorded.error();
  log::info("renewed this node's peer certificate", {{"serial", issued.serial_hex}});
  return issued.serial_hex;
}

std::optional<cluster::PeerCredentials> ClusterNode::credentials() const {
  std::lock_guard lock(credentials_mutex_);
  return credentials_;
}

cluster::NodeSecrets ClusterNode::node_secrets() const {
  cluster::NodeSecrets out;
  out.join_token = trimmed(read_or_empty(options_.data_dir + "/join_token"));
  out.credentials = credentials();
  out.cluster_secret = read_or_empty(cluster::credentials_dir(options_.data_dir) + "/secret.key");
  return out;
}

bool ClusterNode::stop_requested() const {
  return stopping_.load() || (options_.stop_requested != nullptr && options_.stop_requested->load());
}

void ClusterNode::sleep_unless_stopped(uint64_t ms) const {
  // stop() wakes the wait at once; the signal flag, which nothing notifies,
  // is looked at every kSignalCheckMs (it matters only before stop()).
  constexpr auto kSignalCheckMs = std::chrono::milliseconds(100);
  const auto until = SteadyClock::now() + std::chrono::milliseconds(ms);
  std::unique_lock lock(stop_mutex_);
  while (!stop_requested()) {
    const auto now = SteadyClock::now();
    if (now >= until) return;
    stop_cv_.wait_until(lock, std::min(until, now + kSignalCheckMs));
  }
}

bool ClusterNode::is_leader() const { return runner_ != nullptr && runner_->is_leader(); }

std::set<std::string> ClusterNode::unreachable_for(uint64_t ms) const {
  std::set<std::string> down;
  if (transport_ == nullptr) return down;
  const auto now = static_cast<uint64_t>(now_unix_ms());
  for (const auto& peer : transport_->status()) {
    if (peer.reachable) continue;
    // Never reached: count from our own start.
    const uint64_t since = peer.last_success_unix_ms != 0 ? peer.last_success_unix_ms : started_unix_ms_;
    if (now >= since + ms) down.insert(cluster::node_id_hex(peer.id));
  }
  return down;
}

// A leader that stops on purpose hands over first (cluster/successor.h), so
// that a rolling restart costs no election timeout without a leader.
// Bounded: a failed hand-over leaves the election to the others, as a crash would.
void ClusterNode::hand_over_leadership() {
  if (!runner_ || !runner_->is_leader()) return;
  const std::optional<raft::NodeId> successor = cluster::choose_successor(runner_->status());
  if (!successor) {
    log::info("no voter heard from lately to hand leadership to; the others will elect one");
    return;
  }
  Status moved = runner_->transfer_leadership(*successor, kHandOverTimeoutMs);
  if (moved.ok()) {
    log::info("handed leadership over before stopping", {{"to", cluster::node_id_hex(*successor)}});
  } else {
    log::warn("could not hand leadership over before stopping", {{"error", moved.error().message}});
  }
}

void ClusterNode::stop() {
  {
    std::lock_guard lock(stop_mutex_);  // a pause between its check and its wait misses no wake-up
    if (stopping_.exchange(true)) return;
  }
  stop_cv_.notify_all();
  if (refresh_thread_.joinable()) refresh_thread_.join();
  if (level_thread_.joinable()) level_thread_.join();
  hand_over_leadership();
  if (runner_) runner_->stop();
  if (peer_server_) peer_server_->stop();
  if (peer_thread_.joinable()) peer_thread_.join();
  transport_.reset();
}

ClusterNode::~ClusterNode() { stop(); }

}  // namespace dispotify::cli
