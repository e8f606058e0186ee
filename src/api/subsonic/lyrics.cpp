#include "api/subsonic/lyrics.h"

#include <algorithm>

namespace dispotify::api::subsonic {
namespace {

bool digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// "[01:02.50]" -> 62500; nullopt when `tag` is not a timestamp.
std::optional<int64_t> timestamp_ms(std::string_view tag) {
  const size_t colon = tag.find(':');
  if (colon == std::string_view::npos || colon > 3) return std::nullopt;
  const std::string_view minutes = tag.substr(0, colon);
  std::string_view rest = tag.substr(colon + 1);
  std::string_view fraction;
  if (const size_t dot = rest.find_first_of(".:"); dot != std::string_view::npos) {
    fraction = rest.substr(dot + 1);
    rest = rest.substr(0, dot);
  }
  if (!digits(minutes) || !digits(rest) || rest.size() > 2 || (!fraction.empty() && !digits(fraction)) ||
      fraction.size() > 3) {
    return std::nullopt;
  }
  int64_t ms = std::stoll(std::string(minutes)) * 60'000 + std::stoll(std::string(rest)) * 1000;
  if (!fraction.empty()) {
    int64_t f = std::stoll(std::string(fraction));
    for (size_t i = fraction.size(); i < 3; ++i) f *= 10;
    ms += f;
  }
  return ms;
}

}  // namespace

Lyrics parse_lyrics(std::string_view text) {
  Lyrics plain;
  Lyrics synced;
  synced.synced = true;
  size_t pos = 0;
  while (pos <= text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(pos, end - pos);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    pos = end + 1;
    plain.lines.push_back({std::nullopt, std::string(line)});
    std::vector<int64_t> stamps;
    while (line.size() > 2 && line.front() == '[') {
      const size_t close = line.find(']');
      if (close == std::string_view::npos) break;
      auto ms = timestamp_ms(line.substr(1, close - 1));
      if (!ms) break;
      stamps.push_back(*ms);
      line.remove_prefix(close + 1);
    }
    for (int64_t ms : stamps) synced.lines.push_back({ms, std::string(line)});
    if (end == text.size()) break;
  }
  if (synced.lines.empty()) {
    while (!plain.lines.empty() && plain.lines.back().text.empty()) plain.lines.pop_back();
    return plain;
  }
  std::stable_sort(synced.lines.begin(), synced.lines.end(),
                   [](const LyricsLine& a, const LyricsLine& b) { return *a.start_ms < *b.start_ms; });
  return synced;
}

}  // namespace dispotify::api::subsonic
