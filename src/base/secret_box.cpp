#include "base/secret_box.h"

#include <sodium.h>

#include "base/check.h"

namespace dispotify {
namespace {

static_assert(crypto_aead_xchacha20poly1305_ietf_KEYBYTES == kSecretKeyBytes);
static_assert(crypto_aead_xchacha20poly1305_ietf_NPUBBYTES + crypto_aead_xchacha20poly1305_ietf_ABYTES ==
              kSealOverheadBytes);
constexpr size_t kNonceBytes = crypto_aead_xchacha20poly1305_ietf_NPUBBYTES;

const unsigned char* bytes_of(std::string_view s) { return reinterpret_cast<const unsigned char*>(s.data()); }

}  // namespace

SecretKey SecretKey::generate() {
  DISPOTIFY_CHECK(sodium_init() >= 0);
  SecretKey key;
  crypto_aead_xchacha20poly1305_ietf_keygen(key.bytes_.data());
  return key;
}

Result<SecretKey> SecretKey::from_bytes(std::string_view bytes) {
  if (bytes.size() != kSecretKeyBytes) {
    return make_error(Errc::invalid_argument, "a secret key is " + std::to_string(kSecretKeyBytes) +
                                                  " bytes, not " + std::to_string(bytes.size()));
  }
  SecretKey key;
  std::copy(bytes.begin(), bytes.end(), key.bytes_.begin());
  return key;
}

SecretKey::~SecretKey() { sodium_memzero(bytes_.data(), bytes_.size()); }

Result<std::string> seal(const SecretKey& key, std::string_view plaintext, std::string_view associated) {
  if (plaintext.size() > kSealPlaintextBytesMax) {
    return make_error(Errc::invalid_argument, "a sealed secret holds at most 4096 bytes");
  }
  DISPOTIFY_CHECK(sodium_init() >= 0);
  std::string out(kNonceBytes + plaintext.size() + crypto_aead_xchacha20poly1305_ietf_ABYTES, '\0');
  auto* nonce = reinterpret_cast<unsigned char*>(out.data());
  randombytes_buf(nonce, kNonceBytes);
  unsigned long long written = 0;
  const int rc = crypto_aead_xchacha20poly1305_ietf_encrypt(
      nonce + kNonceBytes, &written, bytes_of(plaintext), plaintext.size(), bytes_of(associated),
      associated.size(), nullptr, nonce, key.data());
  DISPOTIFY_CHECK(rc == 0 && written + kNonceBytes == out.size());
  return out;
}

Result<std::string> open_sealed(const SecretKey& key, std::string_view sealed, std::string_view associated) {
  if (sealed.size() < kSealOverheadBytes || sealed.size() > kSealPlaintextBytesMax + kSealOverheadBytes) {
    return make_error(Errc::corrupt, "a sealed secret of " + std::to_string(sealed.size()) + " bytes");
  }
  DISPOTIFY_CHECK(sodium_init() >= 0);
  const std::string_view nonce = sealed.substr(0, kNonceBytes);
  const std::string_view box = sealed.substr(kNonceBytes);
  std::string out(box.size() - crypto_aead_xchacha20poly1305_ietf_ABYTES, '\0');
  unsigned long long written = 0;
  const int rc = crypto_aead_xchacha20poly1305_ietf_decrypt(
      reinterpret_cast<unsigned char*>(out.data()), &written, nullptr, bytes_of(box), box.size(),
      bytes_of(associated), associated.size(), bytes_of(nonce), key.data());
  if (rc != 0) {
    return make_error(Errc::corrupt, "the sealed secret does not open: another key, or it was changed");
  }
  DISPOTIFY_CHECK(written == out.size());
  return out;
}

}  // namespace dispotify
