// Incremental SHA-256 (OpenSSL EVP), the content hash of every blob.
#pragma once

#include <memory>
#include <span>
#include <string>
#include <string_view>

namespace dispotify {

inline constexpr size_t kSha256HexLength = 64;

class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(Sha256&&) noexcept;
  Sha256& operator=(Sha256&&) noexcept;
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;

  void update(std::span<const char> bytes);
  // Lower-case hex of the digest; the hasher must not be used afterwards.
  std::string finish_hex();

 private:
  struct Ctx;
  std::unique_ptr<Ctx> ctx_;
};

std::string sha256_hex(std::string_view bytes);

// True for exactly 64 lower-case hex digits: safe to use in a file name.
bool is_sha256_hex(std::string_view s);

}  // namespace dispotify
