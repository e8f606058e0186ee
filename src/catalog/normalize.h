// Text normalization for identity: two names that differ only in case or
// spacing name the same user, artist or album.
//
// Deterministic and locale-independent (every node must agree). Case folding
// is the simple one-to-one Unicode lowercase mapping for Latin, Greek and
// Cyrillic letters; other code points, and bytes that are not valid UTF-8,
// pass through unchanged. No Unicode normalization (NFC) is done.
#pragma once

#include <string>
#include <string_view>

namespace dispotify::catalog {

std::string casefold(std::string_view text);
// Trims, collapses runs of ASCII whitespace to one space, then case-folds.
std::string normalize_name(std::string_view text);
// Removes leading and trailing ASCII whitespace.
std::string_view trim(std::string_view text);

}  // namespace dispotify::catalog
