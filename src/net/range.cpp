#include "net/range.h"

#include <limits>
#include <optional>

namespace dispotify::net {
namespace {

std::string_view trim_whitespace(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    const auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; };
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

// 1*DIGIT. Values beyond uint64 saturate: a position that large is past the
// end of any resource, which the callers then handle like any other.
std::optional<uint64_t> parse_digits(std::string_view s) {
  if (s.empty()) return std::nullopt;
  constexpr uint64_t kMax = std::numeric_limits<uint64_t>::max();
  uint64_t value = 0;
  for (const char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    const auto digit = static_cast<uint64_t>(c - '0');
    value = value > (kMax - digit) / 10 ? kMax : value * 10 + digit;
  }
  return value;
}

RangeSpec partial(uint64_t first, uint64_t last) { return {RangeSpec::Kind::partial, first, last}; }
RangeSpec unsatisfiable() { return {RangeSpec::Kind::unsatisfiable, 0, 0}; }

// One range-spec: "a-b", "a-" or "-n" (RFC 9110 section 14.1.1).
RangeSpec parse_single(std::string_view spec, uint64_t size) {
  const size_t dash = spec.find('-');
  if (dash == std::string_view::npos) return {};
  const std::string_view first_text = spec.substr(0, dash);
  const std::string_view last_text = spec.substr(dash + 1);
  if (first_text.empty()) {  // suffix-range: the last n bytes
    const auto suffix = parse_digits(last_text);
    if (!suffix) return {};
    if (*suffix == 0 || size == 0) return unsatisfiable();
    return partial(*suffix >= size ? 0 : size - *suffix, size - 1);
  }
  const auto first = parse_digits(first_text);
  if (!first) return {};
  std::optional<uint64_t> last;
  if (!last_text.empty()) {
    last = parse_digits(last_text);
    if (!last || *last < *first) return {};  // invalid range-spec: ignore the header
  }
  if (*first >= size) return unsatisfiable();
  return partial(*first, last && *last < size ? *last : size - 1);
}

}  // namespace

RangeSpec parse_range(std::string_view header_value, uint64_t size) {
  const std::string_view value = trim_whitespace(header_value);
  const size_t equals = value.find('=');
  if (equals == std::string_view::npos) return {};
  if (!iequals(trim_whitespace(value.substr(0, equals)), "bytes")) return {};
  // range-set = 1#range-spec; empty list elements are allowed (section 5.6.1).
  std::string_view rest = value.substr(equals + 1);
  std::optional<std::string_view> only_spec;
  while (true) {
    const size_t comma = rest.find(',');
    const std::string_view element = trim_whitespace(rest.substr(0, comma));
    if (!element.empty()) {
      if (only_spec) return {};  // several ranges: we send the full resource
      only_spec = element;
    }
    if (comma == std::string_view::npos) break;
    rest.remove_prefix(comma + 1);
  }
  if (!only_spec) return {};
  return parse_single(*only_spec, size);
}

std::string content_range(uint64_t first, uint64_t last, uint64_t size) {
  return "bytes " + std::to_string(first) + "-" + std::to_string(last) + "/" + std::to_string(size);
}

std::string content_range_unsatisfied(uint64_t size) { return "bytes */" + std::to_string(size); }

}  // namespace dispotify::net
