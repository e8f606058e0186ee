// The join exchange's cryptography, pure (docs/SECURITY.md, "Joining").
//
// A joining node has no certificate yet and cannot check the one the
// member it asks presents, so the join token authenticates both ways
// without ever crossing the wire:
//  - the joiner proves it holds the token with an HMAC over everything it
//    asks for (its id, addresses, public key, a fresh nonce). A replay gets
//    a certificate for the joiner's own key, useless without its private key.
//  - the member proves the answer came from a token holder with an HMAC
//    over the answer and the joiner's nonce, and seals the secrets every
//    member holds (the CA key, the cluster key) with a key derived from the
//    token and that nonce, so a man in the middle learns nothing.
// Keys are derived from the token with BLAKE2b and a label per use.
#pragma once

#include <string>

#include "base/result.h"

namespace dispotify::cluster {

struct JoinAsk {
  std::string node_id;
  std::string peer_address;
  std::string api_address;
  std::string public_key_pem;  // the key the joiner wants certified
  std::string nonce;           // 32 random bytes as hex, fresh per attempt
};

struct JoinGrant {
  std::string cluster_id;
  std::string ca_certificate_pem;
  std::string certificate_pem;  // the joiner's, issued by the CA
  std::string sealed_secrets;   // hex: nonce + secretbox of the secrets
};

// Lower-case hex HMAC-SHA256 proofs.
std::string prove_ask(const std::string& token, const JoinAsk& ask);
std::string prove_grant(const std::string& token, const std::string& ask_nonce, const JoinGrant& grant);
// Constant-time comparisons; false for malformed proofs.
bool ask_is_proven(const std::string& token, const JoinAsk& ask, const std::string& proof);
bool grant_is_proven(const std::string& token, const std::string& ask_nonce, const JoinGrant& grant,
                     const std::string& proof);

// Seals `secrets` for the joiner that sent `ask_nonce`; opens them again.
// open_secrets fails with Errc::permission_denied for a wrong token, nonce
// or tampered box.
std::string seal_secrets(const std::string& token, const std::string& ask_nonce, const std::string& secrets);
[[nodiscard]] Result<std::string> open_secrets(const std::string& token, const std::string& ask_nonce,
                                               const std::string& sealed_hex);

}  // namespace dispotify::cluster
