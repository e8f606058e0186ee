// Derived catalog ids: the same names give the same id on every node.
//
// An id is the first 16 hex digits (64 bits) of the SHA-256 of the
// normalized (normalize.h) names joined by U+001F (unit separator), which
// cannot occur in a normalized tag without being part of it on purpose.
#pragma once

#include <string>
#include <string_view>

namespace dispotify::catalog {

inline constexpr size_t kDerivedIdLength = 16;

std::string artist_id_for(std::string_view artist_name);
std::string album_id_for(std::string_view album_artist, std::string_view album_title);

}  // namespace dispotify::catalog
