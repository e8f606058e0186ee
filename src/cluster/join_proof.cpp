#include "cluster/join_proof.h"

#include <sodium.h>

#include <array>
#include <optional>
#include <vector>

#include "base/hex.h"

namespace dispotify::cluster {
namespace {

using Key = std::array<unsigned char, 32>;

// BLAKE2b-256 of label, a zero byte, the token and the context: one key per
// use, so a proof can never stand in for a sealing key or the other way round.
Key derive(std::string_view label, const std::string& token, std::string_view context = {}) {
  DISPOTIFY_CHECK(sodium_init() >= 0);
  Key key{};
  crypto_generichash_state state;
  crypto_generichash_init(&state, nullptr, 0, key.size());
  crypto_generichash_update(&state, reinterpret_cast<const unsigned char*>(label.data()), label.size());
  const unsigned char zero = 0;
  crypto_generichash_update(&state, &zero, 1);
  crypto_generichash_update(&state, reinterpret_cast<const unsigned char*>(token.data()), token.size());
  crypto_generichash_update(&state, &zero, 1);
  crypto_generichash_update(&state, reinterpret_cast<const unsigned char*>(context.data()), context.size());
  crypto_generichash_final(&state, key.data(), key.size());
  return key;
}

// Length-prefixed fields, so that no two different field lists hash alike.
std::string framed(std::initializer_list<std::string_view> fields) {
  std::string out;
  for (std::string_view f : fields) {
    out += std::to_string(f.size());
    out += ':';
    out += f;
  }
  return out;
}

std::array<unsigned char, crypto_auth_hmacsha256_BYTES> mac(const Key& key, const std::string& message) {
  std::array<unsigned char, crypto_auth_hmacsha256_BYTES> out{};
  crypto_auth_hmacsha256(out.data(), reinterpret_cast<const unsigned char*>(message.data()), message.size(),
                         key.data());
  return out;
}

// Nothing we decode is empty: an empty proof or box is refused like bad hex.
std::optional<std::vector<unsigned char>> bytes_from_hex(const std::string& hex) {
  auto bytes = from_hex(hex);
  if (!bytes || bytes->empty()) return std::nullopt;
  return std::vector<unsigned char>(bytes->begin(), bytes->end());
}

std::string ask_message(const JoinAsk& a) {
  return framed({"join-ask-v1", a.node_id, a.peer_address, a.api_address, a.public_key_pem, a.nonce});
}

std::string grant_message(const std::string& ask_nonce, const JoinGrant& g) {
  return framed(
      {"join-grant-v1", ask_nonce, g.cluster_id, g.ca_certificate_pem, g.certificate_pem, g.sealed_secrets});
}

bool proven(const Key& key, const std::string& message, const std::string& proof) {
  const auto given = bytes_from_hex(proof);
  if (!given || given->size() != crypto_auth_hmacsha256_BYTES) return false;
  return crypto_auth_hmacsha256_verify(given->data(), reinterpret_cast<const unsigned char*>(message.data()),
                                       message.size(), key.data()) == 0;
}

}  // namespace

std::string prove_ask(const std::string& token, const JoinAsk& ask) {
  const auto m = mac(derive("dispotify join proof", token), ask_message(ask));
  return to_hex(std::span<const unsigned char>(m));
}

std::string prove_grant(const std::string& token, const std::string& ask_nonce, const JoinGrant& grant) {
  const auto m = mac(derive("dispotify join proof", token), grant_message(ask_nonce, grant));
  return to_hex(std::span<const unsigned char>(m));
}

bool ask_is_proven(const std::string& token, const JoinAsk& ask, const std::string& proof) {
  return proven(derive("dispotify join proof", token), ask_message(ask), proof);
}

bool grant_is_proven(const std::string& token, const std::string& ask_nonce, const JoinGrant& grant,
                     const std::string& proof) {
  return proven(derive("dispotify join proof", token), grant_message(ask_nonce, grant), proof);
}

std::string seal_secrets(const std::string& token, const std::string& ask_nonce, const std::string& secrets) {
  const Key key = derive("dispotify join seal", token, ask_nonce);
  std::vector<unsigned char> box(crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES + secrets.size());
  randombytes_buf(box.data(), crypto_secretbox_NONCEBYTES);
  crypto_secretbox_easy(box.data() + crypto_secretbox_NONCEBYTES,
                        reinterpret_cast<const unsigned char*>(secrets.data()), secrets.size(), box.data(),
                        key.data());
  return to_hex(std::span<const unsigned char>(box));
}

Result<std::string> open_secrets(const std::string& token, const std::string& ask_nonce,
                                 const std::string& sealed_hex) {
  const auto box = bytes_from_hex(sealed_hex);
  if (!box || box->size() < crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES) {
    return make_error(Errc::permission_denied, "the sealed join secrets are malformed");
  }
  const Key key = derive("dispotify join seal", token, ask_nonce);
  std::string plain(box->size() - crypto_secretbox_NONCEBYTES - crypto_secretbox_MACBYTES, '\0');
  if (crypto_secretbox_open_easy(reinterpret_cast<unsigned char*>(plain.data()),
                                 box->data() + crypto_secretbox_NONCEBYTES,
                                 box->size() - crypto_secretbox_NONCEBYTES, box->data(), key.data()) != 0) {
    return make_error(Errc::permission_denied, "the join secrets do not open with this token");
  }
  return plain;
}

}  // namespace dispotify::cluster
