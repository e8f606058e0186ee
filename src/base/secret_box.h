// Authenticated encryption of small secrets at rest (libsodium's
// XChaCha20-Poly1305 AEAD): what the catalog keeps of a Subsonic password.
//
// A sealed box is nonce (24 random bytes) + ciphertext + tag (16 bytes).
// The nonce is random, so sealing is not deterministic: seal on the node
// that builds a command and put the box in the command, never in apply.
// `associated` (e.g. the owner's user id) is authenticated, not encrypted:
// a box copied onto another record does not open.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "base/result.h"

namespace dispotify {

inline constexpr size_t kSecretKeyBytes = 32;
inline constexpr size_t kSealOverheadBytes = 24 + 16;  // nonce + tag
inline constexpr size_t kSealPlaintextBytesMax = 4096;

// A 32-byte symmetric key; wiped from memory when destroyed.
class SecretKey {
 public:
  static SecretKey generate();
  // Exactly kSecretKeyBytes raw bytes, else Errc::invalid_argument.
  [[nodiscard]] static Result<SecretKey> from_bytes(std::string_view bytes);
  SecretKey(const SecretKey& other) = default;
  SecretKey& operator=(const SecretKey& other) = default;
  ~SecretKey();

  const unsigned char* data() const { return bytes_.data(); }
  std::string_view view() const { return {reinterpret_cast<const char*>(bytes_.data()), bytes_.size()}; }

 private:
  SecretKey() = default;
  std::array<unsigned char, kSecretKeyBytes> bytes_{};
};

// Errc::invalid_argument above kSealPlaintextBytesMax.
[[nodiscard]] Result<std::string> seal(const SecretKey& key, std::string_view plaintext,
                                       std::string_view associated = {});
// Errc::corrupt for a wrong key, other associated data, or a box that was
// cut or changed: the tag does not verify, and nothing is returned.
[[nodiscard]] Result<std::string> open_sealed(const SecretKey& key, std::string_view sealed,
                                              std::string_view associated = {});

}  // namespace dispotify
