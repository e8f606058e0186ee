// Lyrics as tags hold them (USLT, LYRICS, ©lyr), plain or LRC: lines that
// start with [mm:ss.xx] timestamps are synced.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace dispotify::api::subsonic {

struct LyricsLine {
  std::optional<int64_t> start_ms;  // set for every line of synced lyrics
  std::string text;
};

struct Lyrics {
  bool synced = false;
  std::vector<LyricsLine> lines;
};

// Synced when at least one line carries a timestamp; then lines without
// one (LRC headers such as [ar:...], blank lines) are dropped, and a line
// with several timestamps appears once per timestamp, in time order.
Lyrics parse_lyrics(std::string_view text);

}  // namespace dispotify::api::subsonic
