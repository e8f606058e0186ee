#include "media/text.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>

namespace dispotify::media {
namespace {

constexpr uint32_t kReplacementChar = 0xFFFD;

// Decodes one UTF-8 sequence at `pos`; returns the code point and advances
// `pos`, or returns U+FFFD and skips one byte for an invalid sequence
// (overlong forms, surrogates and values past U+10FFFF are invalid).
uint32_t decode_one(std::string_view s, size_t& pos) {
  const auto byte = [&](size_t i) { return static_cast<uint8_t>(s[i]); };
  const uint8_t lead = byte(pos);
  if (lead < 0x80) {
    ++pos;
    return lead;
  }
  int extra = 0;
  uint32_t cp = 0;
  uint32_t min = 0;
  if ((lead & 0xE0) == 0xC0) {
    extra = 1, cp = lead & 0x1F, min = 0x80;
  } else if ((lead & 0xF0) == 0xE0) {
    extra = 2, cp = lead & 0x0F, min = 0x800;
  } else if ((lead & 0xF8) == 0xF0) {
    extra = 3, cp = lead & 0x07, min = 0x10000;
  } else {
    ++pos;
    return kReplacementChar;
  }
  if (pos + extra >= s.size()) {  // truncated sequence at the end
    ++pos;
    return kReplacementChar;
  }
  for (int i = 1; i <= extra; ++i) {
    const uint8_t next = byte(pos + i);
    if ((next & 0xC0) != 0x80) {
      ++pos;
      return kReplacementChar;
    }
    cp = (cp << 6) | (next & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
    ++pos;
    return kReplacementChar;
  }
  pos += extra + 1;
  return cp;
}

void append_utf8(std::string& out, uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

size_t utf8_length(uint32_t cp) { return cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4; }

bool is_space(uint32_t cp) { return cp == ' ' || cp == '\n' || cp == 0xA0 || cp == 0x3000; }

std::string_view trim_ascii(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// Parses a non-negative integer that must fill `s` (after trimming).
int parse_small_int(std::string_view s) {
  s = trim_ascii(s);
  int value = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
  if (ec != std::errc() || end != s.data() + s.size() || value < 0 || value > kTagNumberMax) return 0;
  return value;
}

// A leading decimal number ("-6.50 dB", "+1.2"); the rest is ignored.
std::optional<double> parse_leading_double(std::string_view s) {
  s = trim_ascii(s);
  if (!s.empty() && s.front() == '+') s.remove_prefix(1);
  double value = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
  if (ec != std::errc() || end == s.data() || !std::isfinite(value)) return std::nullopt;
  return value;
}

}  // namespace

std::string clean_text(std::string_view raw, size_t bytes_max, bool multi_line) {
  std::string out;
  out.reserve(std::min(raw.size(), bytes_max));
  size_t pos = 0;
  while (pos < raw.size()) {
    uint32_t cp = decode_one(raw, pos);
    if (cp == '\r') continue;  // "\r\n" and lone "\r" line ends become "\n" or a space below
    if (cp == '\n' || cp == '\t') {
      cp = (multi_line && cp == U'\n') ? U'\n' : U' ';
    } else if (cp < 0x20 || (cp >= 0x7F && cp < 0xA0) || cp == 0xFEFF) {
      continue;  // control characters and stray byte-order marks carry no text
    }
    if (out.empty() && is_space(cp)) continue;  // leading whitespace
    if (out.size() + utf8_length(cp) > bytes_max) break;
    append_utf8(out, cp);
  }
  // Trailing whitespace: spaces, newlines, and the multi-byte spaces above.
  while (!out.empty()) {
    if (out.back() == ' ' || out.back() == '\n') {
      out.pop_back();
    } else if (out.size() >= 2 && static_cast<uint8_t>(out[out.size() - 2]) == 0xC2 &&
               static_cast<uint8_t>(out.back()) == 0xA0) {
      out.resize(out.size() - 2);
    } else if (out.size() >= 3 && out.compare(out.size() - 3, 3, "\xE3\x80\x80") == 0) {
      out.resize(out.size() - 3);
    } else {
      break;
    }
  }
  return out;
}

NumberPair parse_number_pair(std::string_view text) {
  NumberPair pair;
  const size_t slash = text.find('/');
  pair.number = parse_small_int(text.substr(0, slash));
  if (slash != std::string_view::npos) pair.total = parse_small_int(text.substr(slash + 1));
  return pair;
}

int parse_year(std::string_view text) {
  for (size_t i = 0; i + 4 <= text.size(); ++i) {
    const auto is_digit = [&](size_t j) { return j < text.size() && text[j] >= '0' && text[j] <= '9'; };
    if (!is_digit(i) || !is_digit(i + 1) || !is_digit(i + 2) || !is_digit(i + 3)) continue;
    if (is_digit(i + 4) || (i > 0 && is_digit(i - 1))) {
      // Part of a longer number (a timestamp, a catalog number): skip the run.
      while (is_digit(i)) ++i;
      continue;
    }
    return parse_small_int(text.substr(i, 4));
  }
  return 0;
}

std::optional<double> parse_gain_db(std::string_view text) {
  const auto value = parse_leading_double(text);
  if (!value || *value < -100.0 || *value > 100.0) return std::nullopt;
  return value;
}

std::optional<double> parse_peak(std::string_view text) {
  const auto value = parse_leading_double(text);
  if (!value || *value < 0.0 || *value > 100.0) return std::nullopt;
  return value;
}

}  // namespace dispotify::media
