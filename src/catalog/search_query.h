// Turns what a user typed into an FTS5 MATCH expression that cannot carry
// FTS syntax: every word becomes a quoted prefix phrase ("word"*), ANDed.
#pragma once

#include <string>
#include <string_view>

namespace dispotify::catalog {

// Words beyond this are ignored: each one costs a doclist merge.
inline constexpr size_t kSearchWordsMax = 8;
// Bytes of user text considered; the rest is ignored.
inline constexpr size_t kSearchTextBytesMax = 256;

// "Beyoncé  cr*zy" -> "beyoncé"* AND "cr"* AND "zy"*. ASCII characters
// other than letters and digits separate words (the unicode61 tokenizer
// splits there too), so quotes, *, :, ^, parentheses, - and + never reach
// FTS5 and AND/OR/NOT/NEAR are plain words. Empty when there is no word.
std::string fts_match_expression(std::string_view text);

}  // namespace dispotify::catalog
