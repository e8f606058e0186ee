#include "cluster/join_messages.h"

#include <boost/json.hpp>

#include <utility>

#include "base/hex.h"

namespace dispotify::cluster {
namespace {

using Fields = std::initializer_list<std::pair<const char*, std::string*>>;
using ConstFields = std::initializer_list<std::pair<const char*, const std::string*>>;

std::string encode_fields(ConstFields fields) {
  boost::json::object o;
  for (const auto& [key, value] : fields) o[key] = *value;
  return boost::json::serialize(o);
}

// Every field must be a string of at most 64 KiB.
Status decode_fields(const std::string& body, Fields fields) {
  boost::system::error_code ec;
  const boost::json::value value = boost::json::parse(body, ec);
  if (ec || !value.is_object()) return make_error(Errc::invalid_argument, "the body is not a JSON object");
  const auto& o = value.as_object();
  for (const auto& [key, out] : fields) {
    const auto* v = o.if_contains(key);
    if (v == nullptr || !v->is_string() || v->as_string().size() > 65536) {
      return make_error(Errc::invalid_argument, std::string("'") + key + "' must be a string");
    }
    *out = std::string(v->as_string());
  }
  return ok_status();
}

}  // namespace

std::string encode(const ProvenAsk& a) {
  return encode_fields({{"node_id", &a.ask.node_id},
                        {"peer_address", &a.ask.peer_address},
                        {"api_address", &a.ask.api_address},
                        {"public_key", &a.ask.public_key_pem},
                        {"nonce", &a.ask.nonce},
                        {"proof", &a.proof}});
}

std::string encode(const ProvenGrant& g) {
  return encode_fields({{"cluster_id", &g.grant.cluster_id},
                        {"ca_certificate", &g.grant.ca_certificate_pem},
                        {"certificate", &g.grant.certificate_pem},
                        {"sealed_secrets", &g.grant.sealed_secrets},
                        {"proof", &g.proof}});
}

std::string encode(const AdmitRequest& r) {
  return encode_fields({{"node_id", &r.node_id},
                        {"peer_address", &r.peer_address},
                        {"api_address", &r.api_address},
                        {"public_key", &r.public_key_pem}});
}

std::string encode(const Admission& a) {
  return encode_fields({{"cluster_id", &a.cluster_id}, {"certificate", &a.certificate_pem}});
}

std::string encode(const SharedSecrets& s) {
  std::string hex = to_hex(s.cluster_secret);
  return encode_fields({{"ca_key", &s.ca_private_key_pem}, {"cluster_secret_hex", &hex}});
}

Result<ProvenAsk> decode_proven_ask(const std::string& body) {
  ProvenAsk a;
  DISPOTIFY_TRY(decode_fields(body, {{"node_id", &a.ask.node_id},
                                     {"peer_address", &a.ask.peer_address},
                                     {"api_address", &a.ask.api_address},
                                     {"public_key", &a.ask.public_key_pem},
                                     {"nonce", &a.ask.nonce},
                                     {"proof", &a.proof}}));
  return a;
}

Result<ProvenGrant> decode_proven_grant(const std::string& body) {
  ProvenGrant g;
  DISPOTIFY_TRY(decode_fields(body, {{"cluster_id", &g.grant.cluster_id},
                                     {"ca_certificate", &g.grant.ca_certificate_pem},
                                     {"certificate", &g.grant.certificate_pem},
                                     {"sealed_secrets", &g.grant.sealed_secrets},
                                     {"proof", &g.proof}}));
  return g;
}

Result<AdmitRequest> decode_admit_request(const std::string& body) {
  AdmitRequest r;
  DISPOTIFY_TRY(decode_fields(body, {{"node_id", &r.node_id},
                                     {"peer_address", &r.peer_address},
                                     {"api_address", &r.api_address},
                                     {"public_key", &r.public_key_pem}}));
  return r;
}

Result<Admission> decode_admission(const std::string& body) {
  Admission a;
  DISPOTIFY_TRY(decode_fields(body, {{"cluster_id", &a.cluster_id}, {"certificate", &a.certificate_pem}}));
  return a;
}

Result<SharedSecrets> decode_shared_secrets(const std::string& body) {
  SharedSecrets s;
  std::string hex;
  DISPOTIFY_TRY(decode_fields(body, {{"ca_key", &s.ca_private_key_pem}, {"cluster_secret_hex", &hex}}));
  if (hex.empty()) return s;  // a cluster without a secret yet
  auto secret = from_hex(hex);
  if (!secret) return make_error(Errc::invalid_argument, "'cluster_secret_hex' must be hex");
  s.cluster_secret = std::move(*secret);
  return s;
}

}  // namespace dispotify::cluster
