// Tag text: untrusted bytes and numbers from files turned into bounded,
// valid values. Pure functions, no allocation beyond their bounded output.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace dispotify::media {

inline constexpr size_t kTagTextBytesMax = 64 * 1024;
inline constexpr size_t kLyricsBytesMax = 256 * 1024;

// Valid UTF-8 (invalid sequences become U+FFFD), without control characters
// (line breaks kept only with `multi_line`, as "\n"; otherwise they become
// spaces), trimmed, and cut on a character boundary to at most `bytes_max`.
std::string clean_text(std::string_view raw, size_t bytes_max, bool multi_line = false);

struct NumberPair {
  int number = 0;
  int total = 0;
};

// "3", "03/12", " 3 / 12 " -> {3, 12}; anything unparsable or out of
// [0, kTagNumberMax] is 0.
inline constexpr int kTagNumberMax = 9999;
NumberPair parse_number_pair(std::string_view text);

// The first run of four digits: "2019-05-01" -> 2019, "c. 1999" -> 1999; else 0.
int parse_year(std::string_view text);

// ReplayGain gain "-6.50 dB" (unit optional) within [-100, 100] dB, and peak
// "0.988547" within [0, 100]; nullopt when malformed or out of range.
std::optional<double> parse_gain_db(std::string_view text);
std::optional<double> parse_peak(std::string_view text);

}  // namespace dispotify::media
