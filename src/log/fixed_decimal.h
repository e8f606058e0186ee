// Numbers in file names: 20 decimal digits (UINT64_MAX has 20), zero-padded,
// so that names sort like the numbers they hold.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace dispotify::raftlog {

inline constexpr size_t kFixedDecimalDigits = 20;

inline std::string fixed_decimal(uint64_t value) {
  std::string out(kFixedDecimalDigits, '0');
  for (size_t i = kFixedDecimalDigits; value != 0; value /= 10)
    out[--i] = static_cast<char>('0' + value % 10);
  return out;
}

// nullopt unless `digits` is exactly 20 decimal digits of a uint64_t.
inline std::optional<uint64_t> parse_fixed_decimal(std::string_view digits) {
  if (digits.size() != kFixedDecimalDigits) return std::nullopt;
  uint64_t value = 0;
  for (char c : digits) {
    if (c < '0' || c > '9') return std::nullopt;
    const auto digit = static_cast<uint64_t>(c - '0');
    if (value > (UINT64_MAX - digit) / 10) return std::nullopt;
    value = value * 10 + digit;
  }
  return value;
}

}  // namespace dispotify::raftlog
