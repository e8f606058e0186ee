#include "catalog/ids.h"

#include <openssl/evp.h>

#include "base/check.h"
#include "base/hex.h"
#include "catalog/normalize.h"

namespace dispotify::catalog {
namespace {

constexpr char kSeparator = '\x1f';

std::string short_sha256_hex(std::string_view bytes) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int digest_length = 0;
  int ok = EVP_Digest(bytes.data(), bytes.size(), digest, &digest_length, EVP_sha256(), nullptr);
  DISPOTIFY_CHECK(ok == 1 && digest_length == 32);
  return to_hex(std::span<const unsigned char>(digest, kDerivedIdLength / 2));
}

}  // namespace

std::string artist_id_for(std::string_view artist_name) {
  return short_sha256_hex(normalize_name(artist_name));
}

std::string album_id_for(std::string_view album_artist, std::string_view album_title) {
  std::string key = normalize_name(album_artist);
  key.push_back(kSeparator);
  key += normalize_name(album_title);
  return short_sha256_hex(key);
}

}  // namespace dispotify::catalog
