// The JSON bodies of the join exchange on the peer port (docs/API.md,
// "Peer port"):
//   POST /peer/v1/join   {"node_id","peer_address","api_address","public_key","nonce","proof"}
//                     -> {"cluster_id","ca_certificate","certificate","sealed_secrets","proof"}
//   POST /peer/v1/admit  {"node_id","peer_address","api_address","public_key"}   (members only)
//                     -> {"cluster_id","certificate"}
// and the secrets sealed inside a join answer: {"ca_key","cluster_secret_hex"}.
#pragma once

#include <string>

#include "base/result.h"
#include "cluster/join_proof.h"

namespace dispotify::cluster {

struct ProvenAsk {
  JoinAsk ask;
  std::string proof;
};
struct ProvenGrant {
  JoinGrant grant;
  std::string proof;
};
// What the leader records and certifies; an empty public key only moves
// the member's addresses.
struct AdmitRequest {
  std::string node_id;
  std::string peer_address;
  std::string api_address;
  std::string public_key_pem;
};
struct Admission {
  std::string cluster_id;
  std::string certificate_pem;  // empty when no key was given
};
struct SharedSecrets {
  std::string ca_private_key_pem;
  std::string cluster_secret;  // raw bytes of <data-dir>/cluster/secret.key, may be empty
};

std::string encode(const ProvenAsk& ask);
std::string encode(const ProvenGrant& grant);
std::string encode(const AdmitRequest& request);
std::string encode(const Admission& admission);
std::string encode(const SharedSecrets& secrets);
// Errc::invalid_argument naming the bad field.
[[nodiscard]] Result<ProvenAsk> decode_proven_ask(const std::string& body);
[[nodiscard]] Result<ProvenGrant> decode_proven_grant(const std::string& body);
[[nodiscard]] Result<AdmitRequest> decode_admit_request(const std::string& body);
[[nodiscard]] Result<Admission> decode_admission(const std::string& body);
[[nodiscard]] Result<SharedSecrets> decode_shared_secrets(const std::string& body);

}  // namespace dispotify::cluster
