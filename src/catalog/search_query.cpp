#include "catalog/search_query.h"

#include <vector>

#include "catalog/normalize.h"

namespace dispotify::catalog {
namespace {

bool is_word_byte(char c) {
  auto u = static_cast<unsigned char>(c);
  // Bytes >= 0x80 are parts of UTF-8 letters (or of non-ASCII punctuation,
  // which the tokenizer drops inside the quoted phrase).
  return u >= 0x80 || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

std::vector<std::string> split_words(std::string_view text) {
  std::vector<std::string> words;
  std::string word;
  for (char c : text) {
    if (is_word_byte(c)) {
      word.push_back(c);
      continue;
    }
    if (!word.empty()) words.push_back(std::move(word));
    word.clear();
  }
  if (!word.empty()) words.push_back(std::move(word));
  return words;
}

}  // namespace

std::string fts_match_expression(std::string_view text) {
  if (text.size() > kSearchTextBytesMax) text = text.substr(0, kSearchTextBytesMax);
  std::vector<std::string> words = split_words(text);
  if (words.size() > kSearchWordsMax) words.resize(kSearchWordsMax);
  std::string expression;
  for (const std::string& word : words) {
    if (!expression.empty()) expression += " AND ";
    // No '"' can be inside: it is not a word byte.
    expression += '"';
    expression += casefold(word);
    expression += "\"*";
  }
  return expression;
}

}  // namespace dispotify::catalog
