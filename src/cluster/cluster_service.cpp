#include "cluster/cluster_service.h"

#include <boost/json.hpp>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <future>
#include <map>
#include <thread>

#include "base/check.h"
#include "base/clock.h"
#include "base/hex.h"
#include "base/log.h"
#include "base/random.h"
#include "base/secret_box.h"
#include "base/sha256.h"
#include "catalog/feature_level.h"
#include "cluster/join_proof.h"
#include "cluster/node_id.h"

namespace dispotify::cluster {
namespace {

// Join asks whose nonce this member remembers (a replay is refused); each
// attempt of a joiner uses a fresh one.
constexpr size_t kJoinNoncesRemembered = 4096;

bool contains(const std::vector<raft::NodeId>& ids, raft::NodeId id) {
  return std::find(ids.begin(), ids.end(), id) != ids.end();
}

boost::json::array hex_ids(const std::vector<raft::NodeId>& ids) {
  boost::json::array out;
  for (raft::NodeId id : ids) out.emplace_back(node_id_hex(id));
  return out;
}

// What a member's GET /peer/v1/status says it supports: nothing when it did
// not answer, the baseline when it answered without the field (a binary
// from before feature levels).
std::optional<int64_t> advertised_level_of(const boost::json::value& status) {
  if (!status.is_object() || status.as_object().contains("error")) return std::nullopt;
  const auto* level = status.as_object().if_contains("feature_level");
  if (level == nullptr) return catalog::kFeatureLevelBaseline;
  if (!level->is_int64()) return std::nullopt;
  return level->as_int64();
}

boost::json::object status_object(const RaftStatus& s) {
  boost::json::object o;
  o["node_id"] = node_id_hex(s.id);
  o["role"] = s.role;
  o["term"] = s.term;
  o["leader"] = s.leader.is_zero() ? boost::json::value(nullptr) : boost::json::value(node_id_hex(s.leader));
  o["commit_index"] = s.commit_index;
  o["applied_index"] = s.applied_index;
  o["last_index"] = s.last_index;
  o["snapshot_index"] = s.snapshot_index;
  o["voters"] = hex_ids(s.conf.voters);
  o["learners"] = hex_ids(s.conf.learners);
  boost::json::array peers;
  for (const PeerView& p : s.peers) {
    peers.push_back(boost::json::object{{"node_id", node_id_hex(p.id)},
                                        {"voter", p.voter},
                                        {"match_index", p.match_index},
                                        {"next_index", p.next_index},
                                        {"state", p.state},
                                        {"recent_active", p.recent_active}});
  }
  o["peers"] = std::move(peers);
  return o;
}

std::string membership_of(const raft::ConfState& conf, raft::NodeId id) {
  if (contains(conf.voters, id)) return "voter";
  if (contains(conf.learners, id)) return "learner";
  return "none";
}

// Asks one member for its status over the peer port.
boost::json::value fetch_status(const std::string& peer_address, const std::shared_ptr<net::TlsSlot>& tls) {
  auto request = request_to(peer_address, "/peer/v1/status", tls);
  if (!request.ok()) return boost::json::object{{"error", request.error().message}};
  request->connect_timeout_ms = kStatusTimeoutMs;
  request->io_timeout_ms = kStatusTimeoutMs;
  auto response = net::request(*request);
  if (!response.ok()) return boost::json::object{{"error", response.error().message}};
  if (response->status != 200)
    return boost::json::object{{"error", "status " + std::to_string(response->status)}};
  boost::system::error_code ec;
  boost::json::value parsed = boost::json::parse(response->body, ec);
  if (ec || !parsed.is_object()) return boost::json::object{{"error", "malformed status"}};
  return parsed;
}

// A leader's error document as the Error it stands for.
Status forward_error(const net::ClientResponse& response) {
  boost::system::error_code ec;
  boost::json::value parsed = boost::json::parse(response.body, ec);
  if (!ec && parsed.is_object()) {
    const auto* error = parsed.as_object().if_contains("error");
    if (error != nullptr && error->is_object()) {
      const auto& e = error->as_object();
      const auto* code = e.if_contains("code");
      const auto* message = e.if_contains("message");
      if (code != nullptr && code->is_string() && message != nullptr && message->is_string()) {
        return make_error(errc_from_name(code->as_string()), std::string(message->as_string()));
      }
    }
  }
  return make_error(Errc::unavailable, "the leader answered " + std::to_string(response.status));
}

std::string join_token_associated(const catalog::ClusterInfo& info) {
  return "join-token:" + info.cluster_id;
}

// The token joins are checked against: the last one set (sealed in the
// catalog with the cluster key), else this member's copy of the founder's.
Result<std::string> current_join_token(const catalog::Catalog& catalog, const catalog::ClusterInfo& info,
                                       const NodeSecrets& secrets) {
  DISPOTIFY_ASSIGN_OR_RETURN(std::string sealed_hex, catalog.join_token_sealed());
  std::string token = secrets.join_token;
  if (!sealed_hex.empty()) {
    const auto sealed = from_hex(sealed_hex);
    auto key = SecretKey::from_bytes(secrets.cluster_secret);
    if (!sealed || !key.ok()) return make_error(Errc::unavailable, "this member cannot open the join token");
    auto opened = open_sealed(*key, *sealed, join_token_associated(info));
    if (!opened.ok()) return make_error(Errc::unavailable, "this member cannot open the join token");
    token = std::move(*opened);
  }
  if (token.empty() || sha256_hex(token) != info.join_token_hash) {
    return make_error(Errc::unavailable, "this member does not hold the cluster's join token");
  }
  return token;
}

}  // namespace

Result<std::string> ClusterService::set_join_token(std::string token, const catalog::Origin& origin) {
  if (token.empty()) token = random_hex(16);
  if (token.size() < kJoinTokenMin || token.size() > 256) {
    return make_error(Errc::invalid_argument, "a join token needs 16 to 256 characters");
  }
  DISPOTIFY_ASSIGN_OR_RETURN(std::optional<catalog::ClusterInfo> info, catalog_.cluster_info());
  if (!info) return make_error(Errc::unavailable, "this cluster is not initialized yet");
  DISPOTIFY_ASSIGN_OR_RETURN(SecretKey key, SecretKey::from_bytes(secrets_().cluster_secret));
  DISPOTIFY_ASSIGN_OR_RETURN(std::string sealed, seal(key, token, join_token_associated(*info)));
  DISPOTIFY_TRY(proposer_.propose(catalog::SetJoinToken{sha256_hex(token), to_hex(sealed), origin}));
  return token;
}

Result<ProvenGrant> ClusterService::join(const ProvenAsk& proven) {
  const JoinAsk& ask = proven.ask;
  DISPOTIFY_TRY(raft_id_of(ask.node_id));
  DISPOTIFY_ASSIGN_OR_RETURN(std::optional<catalog::ClusterInfo> info, catalog_.cluster_info());
  if (!info) return make_error(Errc::unavailable, "this cluster is not initialized yet");
  NodeSecrets secrets = secrets_();
  DISPOTIFY_ASSIGN_OR_RETURN(secrets.join_token, current_join_token(catalog_, *info, secrets));
  if (!ask_is_proven(secrets.join_token, ask, proven.proof)) {
    return make_error(Errc::permission_denied, "wrong join token");
  }
  {
    std::lock_guard lock(nonces_mutex_);
    if (std::find(nonces_seen_.begin(), nonces_seen_.end(), ask.nonce) != nonces_seen_.end()) {
      return make_error(Errc::conflict, "this join ask was seen before (a replay)");
    }
    nonces_seen_.push_back(ask.nonce);
    if (nonces_seen_.size() > kJoinNoncesRemembered) nonces_seen_.pop_front();
  }
  if (ask.public_key_pem.empty()) return make_error(Errc::invalid_argument, "a join needs a public key");
  if (!secrets.credentials) return make_error(Errc::unavailable, "this member has no peer credentials");
  DISPOTIFY_ASSIGN_OR_RETURN(Admission admitted, admit(AdmitRequest{ask.node_id, ask.peer_address,
                                                                    ask.api_address, ask.public_key_pem}));
  ProvenGrant out;
  out.grant.cluster_id = admitted.cluster_id;
  out.grant.ca_certificate_pem = secrets.credentials->ca_certificate_pem;
  out.grant.certificate_pem = admitted.certificate_pem;
  out.grant.sealed_secrets =
      seal_secrets(secrets.join_token, ask.nonce,
                   encode(SharedSecrets{secrets.credentials->ca_private_key_pem, secrets.cluster_secret}));
  out.proof = prove_grant(secrets.join_token, ask.nonce, out.grant);
  return out;
}

Result<Admission> ClusterService::admit(const AdmitRequest& request) {
  DISPOTIFY_ASSIGN_OR_RETURN(raft::NodeId id, raft_id_of(request.node_id));
  DISPOTIFY_ASSIGN_OR_RETURN(std::optional<catalog::ClusterInfo> info, catalog_.cluster_info());
  if (!info) return make_error(Errc::unavailable, "this cluster is not initialized yet");
  if (!runner_.is_leader()) {
    DISPOTIFY_ASSIGN_OR_RETURN(net::ClientResponse answer,
                               forward_for_answer("/peer/v1/admit", encode(request)));
    return decode_admission(answer.body);
  }
  Admission out{info->cluster_id, ""};
  catalog::Member member{request.node_id, request.peer_address, request.api_address, now_unix_ms()};
  if (!request.public_key_pem.empty()) {
    const NodeSecrets secrets = secrets_();
    if (!secrets.credentials) return make_error(Errc::unavailable, "the leader has no peer credentials");
    DISPOTIFY_ASSIGN_OR_RETURN(
        IssuedNodeCertificate issued,
        certify_node(*secrets.credentials, request.node_id, request.public_key_pem, now_unix_ms() / 1000));
    out.certificate_pem = issued.certificate_pem;
    member.certificate_serial = issued.serial_hex;
  }
  // The same admission retried (same node, addresses and certificate) is applied once.
  const std::string request_id =
      "join-" + request.node_id + "-" +
      sha256_hex(request.peer_address + request.api_address + member.certificate_serial).substr(0, 16);
  DISPOTIFY_TRY(proposer_.propose_with_id(catalog::SetMember{member}, request_id, kMembershipTimeoutMs));
  const raft::ConfState conf = runner_.status().conf;
  if (!contains(conf.voters, id) && !contains(conf.learners, id)) {
    DISPOTIFY_TRY(runner_.change_membership(raft::ConfChange{raft::ConfChange::Type::add_learner, id},
                                            kMembershipTimeoutMs));
  }
  return out;
}

bool ClusterService::initialized() const { return !runner_.status().conf.voters.empty(); }

Result<net::ClientResponse> ClusterService::forward_for_answer(std::string_view path,
                                                               const std::string& body) {
  DISPOTIFY_ASSIGN_OR_RETURN(net::ClientResponse response, leader_.post(path, body, kMembershipTimeoutMs));
  if (response.status == 200) return response;
  DISPOTIFY_TRY(forward_error(response));
  return response;
}

Status ClusterService::forward(std::string_view path, const std::string& body) {
  DISPOTIFY_ASSIGN_OR_RETURN(net::ClientResponse response, leader_.post(path, body, kMembershipTimeoutMs));
  if (response.status == 200 || response.status == 204) return ok_status();
  return forward_error(response);
}

Status ClusterService::remove(const std::string& node_id) {
  DISPOTIFY_ASSIGN_OR_RETURN(raft::NodeId id, raft_id_of(node_id));
  if (!runner_.is_leader()) return forward("/peer/v1/remove", node_id);
  const raft::ConfState conf = runner_.status().conf;
  if (contains(conf.voters, id) || contains(conf.learners, id)) {
    DISPOTIFY_TRY(runner_.change_membership(raft::ConfChange{raft::ConfChange::Type::remove, id},
                                            kMembershipTimeoutMs));
  }
  Status removed = proposer_.propose_with_id(catalog::RemoveMember{node_id, {.at_ms = now_unix_ms()}},
                                             "remove-" + node_id, kMembershipTimeoutMs);
  if (!removed.ok() && removed.error().code == Errc::not_found) return ok_status();  // already gone
  return removed;
}

Status ClusterService::transfer_leader(const std::string& node_id) {
  DISPOTIFY_ASSIGN_OR_RETURN(raft::NodeId id, raft_id_of(node_id));
  if (!runner_.is_leader()) return forward("/peer/v1/transfer", node_id);
  return runner_.transfer_leadership(id, kMembershipTimeoutMs);
}

boost::json::object ClusterService::local_status() const {
  boost::json::object status = status_object(runner_.status());
  std::function<std::string()> storage_facts;
  {
    std::lock_guard lock(local_storage_mutex_);
    storage_facts = local_storage_;
  }
  status["feature_level"] = advertised_feature_level();
  if (storage_facts) {
    boost::system::error_code ec;
    boost::json::value storage = boost::json::parse(storage_facts(), ec);
    if (!ec) status["storage"] = std::move(storage);
  }
  return status;
}

std::string ClusterService::local_status_json() const { return boost::json::serialize(local_status()); }

int64_t advertised_feature_level() {
  // Read once: a node advertises one level for its whole life.
  static const int64_t level = [] {
    const char* forced = std::getenv("DISPOTIFY_TEST_FEATURE_LEVEL");
    if (forced == nullptr) return catalog::kFeatureLevelCurrent;
    const int64_t wanted = std::atoll(forced);
    DISPOTIFY_CHECK_MSG(wanted >= catalog::kFeatureLevelBaseline && wanted <= catalog::kFeatureLevelCurrent,
                        "DISPOTIFY_TEST_FEATURE_LEVEL must be a level this binary knows");
    log::warn("advertising a lower feature level (test setting)", {{"level", std::to_string(wanted)}});
    return wanted;
  }();
  return level;
}

Result<std::optional<int64_t>> ClusterService::raise_cluster_level() {
  DISPOTIFY_ASSIGN_OR_RETURN(const int64_t committed, catalog_.cluster_level());
  if (committed >= advertised_feature_level()) return std::optional<int64_t>();  // nothing to ask
  DISPOTIFY_ASSIGN_OR_RETURN(std::vector<catalog::Member> members, catalog_.members());
  std::vector<std::optional<int64_t>> advertised;
  for (const catalog::Member& m : members) {
    advertised.push_back(m.node_id == self_.node_id
                             ? std::optional(advertised_feature_level())
                             : advertised_level_of(fetch_status(m.peer_address, peer_tls_)));
  }
  const std::optional<int64_t> next = catalog::next_cluster_level(committed, advertised);
  if (!next) return next;
  DISPOTIFY_TRY(proposer_.propose(catalog::SetClusterLevel{*next, now_unix_ms()}));
  log::info("raised the cluster level: every member supports it",
            {{"from", std::to_string(committed)}, {"to", std::to_string(*next)}});
  return next;
}

Status ClusterService::wait_members_applied(uint64_t index, uint64_t timeout_ms) const {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (true) {
    DISPOTIFY_ASSIGN_OR_RETURN(std::vector<catalog::Member> members, catalog_.members());
    std::string behind;
    for (const catalog::Member& m : members) {
      if (m.node_id == self_.node_id) continue;
      const boost::json::value status = fetch_status(m.peer_address, peer_tls_);
      const auto* applied = status.is_object() ? status.as_object().if_contains("applied_index") : nullptr;
      if (applied == nullptr || !applied->is_number() || applied->to_number<uint64_t>() < index) {
        behind += (behind.empty() ? "" : ", ") + m.node_id;
      }
    }
    if (behind.empty()) return ok_status();
    if (std::chrono::steady_clock::now() >= deadline) {
      return make_error(Errc::timeout,
                        "members that have not applied entry " + std::to_string(index) + ": " + behind);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
}

Result<std::string> ClusterService::cluster_status_json() const {
  const RaftStatus local = runner_.status();
  DISPOTIFY_ASSIGN_OR_RETURN(std::vector<catalog::Member> members, catalog_.members());
  DISPOTIFY_ASSIGN_OR_RETURN(std::optional<catalog::ClusterInfo> info, catalog_.cluster_info());
  const int64_t replication =
      info ? std::min<int64_t>(info->replication_factor, std::max<size_t>(members.size(), 1)) : 1;
  // This node's own contact with each peer (the Raft transport): what a
  // status page shows as "last contact", even for a peer that is down.
  std::map<std::string, PeerTransport::PeerStatus> contact;
  if (peer_status_) {
    for (PeerTransport::PeerStatus& p : peer_status_()) contact[node_id_hex(p.id)] = std::move(p);
  }
  const uint64_t now_ms = static_cast<uint64_t>(now_unix_ms());
  std::vector<std::future<boost::json::value>> statuses;
  for (const catalog::Member& m : members) {
    if (m.node_id == self_.node_id) {
      statuses.push_back(
          std::async(std::launch::deferred, [this] { return boost::json::value(local_status()); }));
    } else {
      statuses.push_back(std::async(std::launch::async, fetch_status, m.peer_address, peer_tls_));
    }
  }
  std::vector<boost::json::value> answers;
  std::vector<std::string> unreachable;
  for (size_t i = 0; i < members.size(); ++i) {
    answers.push_back(statuses[i].get());
    const bool reachable = answers.back().is_object() && !answers.back().as_object().contains("error");
    if (!reachable) unreachable.push_back(members[i].node_id);
  }
  // Copies on members that do not answer now do not count: an operator sees
  // a failure as under-replicated blobs at once, and the repairs bring the
  // number back to 0.
  DISPOTIFY_ASSIGN_OR_RETURN(catalog::BlobStats blobs, catalog_.blob_stats(replication, unreachable));
  boost::json::array out;
  for (size_t i = 0; i < members.size(); ++i) {
    const catalog::Member& m = members[i];
    auto id = raft_id_of(m.node_id);
    boost::json::value& status = answers[i];
    const bool reachable = status.is_object() && !status.as_object().contains("error");
    boost::json::object member{
        {"node_id", m.node_id},           {"peer_address", m.peer_address},
        {"api_address", m.api_address},   {"joined_at_ms", m.joined_at_ms},
        {"storage_full", m.storage_full}, {"membership", id.ok() ? membership_of(local.conf, *id) : "none"},
        {"reachable", reachable},         {"status", status}};
    if (auto c = contact.find(m.node_id); c != contact.end()) {
      const PeerTransport::PeerStatus& p = c->second;
      member["last_contact_ms_ago"] =
          p.last_success_unix_ms == 0
              ? boost::json::value(nullptr)
              : boost::json::value(now_ms > p.last_success_unix_ms ? now_ms - p.last_success_unix_ms : 0);
      member["raft_messages_dropped"] = p.messages_dropped;
      if (!p.last_error.empty()) member["last_error"] = p.last_error;
    } else {
      // Ourselves, or a peer we never send to (a follower talks to its leader only).
      member["last_contact_ms_ago"] =
          m.node_id == self_.node_id ? boost::json::value(0) : boost::json::value(nullptr);
    }
    member["blobs"] = 0;
    member["blob_bytes"] = 0;
    for (const catalog::NodeBlobCount& n : blobs.per_node) {
      if (n.node_id != m.node_id) continue;
      member["blobs"] = n.blobs;
      member["blob_bytes"] = n.bytes;
    }
    if (reachable) {
      const auto* applied = status.as_object().if_contains("applied_index");
      if (applied != nullptr && applied->is_number()) {
        boost::system::error_code ec;
        const auto a = applied->to_number<uint64_t>(ec);
        member["lag"] = local.commit_index > a ? local.commit_index - a : 0;
      }
    }
    out.push_back(std::move(member));
  }
  DISPOTIFY_ASSIGN_OR_RETURN(const int64_t cluster_level, catalog_.cluster_level());
  boost::json::object result{
      {"cluster_id", info ? info->cluster_id : ""},
      {"cluster_level", cluster_level},
      {"node_id", self_.node_id},
      {"leader",
       local.leader.is_zero() ? boost::json::value(nullptr) : boost::json::value(node_id_hex(local.leader))},
      {"term", local.term},
      {"commit_index", local.commit_index},
      {"storage",
       {{"replication_factor", info ? info->replication_factor : 1},
        {"write_quorum", info ? info->write_quorum : 1},
        {"blobs", blobs.blobs},
        {"bytes", blobs.bytes},
        {"under_replicated", blobs.under_replicated},
        {"repair_tasks", blobs.repair_tasks},
        {"repair_bytes", blobs.repair_bytes}}},
      {"members", std::move(out)}};
  return boost::json::serialize(result);
}

}  // namespace dispotify::cluster
