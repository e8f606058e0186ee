#include "catalog/ids.h"

#include "base/sha256.h"
#include "catalog/normalize.h"

namespace dispotify::catalog {
namespace {

constexpr char kSeparator = '\x1f';

std::string short_sha256_hex(std::string_view bytes) { return sha256_hex(bytes).substr(0, kDerivedIdLength); }

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
