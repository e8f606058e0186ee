#include "log/segment.h"

#include "base/check.h"
#include "log/fixed_decimal.h"

namespace dispotify::raftlog {
namespace {

constexpr std::string_view kPrefix = "segment-";
constexpr std::string_view kSuffix = ".log";
}  // namespace

std::string segment_file_name(const SegmentName& name) {
  return std::string(kPrefix) + fixed_decimal(name.sequence) + "-" + fixed_decimal(name.first_index.value()) +
         std::string(kSuffix);
}

std::optional<SegmentName> parse_segment_file_name(std::string_view file_name) {
  const size_t expected = kPrefix.size() + kFixedDecimalDigits + 1 + kFixedDecimalDigits + kSuffix.size();
  if (file_name.size() != expected || !file_name.starts_with(kPrefix) || !file_name.ends_with(kSuffix)) {
    return std::nullopt;
  }
  const std::string_view middle = file_name.substr(kPrefix.size(), 2 * kFixedDecimalDigits + 1);
  if (middle[kFixedDecimalDigits] != '-') return std::nullopt;
  const auto sequence = parse_fixed_decimal(middle.substr(0, kFixedDecimalDigits));
  const auto first_index = parse_fixed_decimal(middle.substr(kFixedDecimalDigits + 1));
  if (!sequence || !first_index || *sequence == 0) return std::nullopt;
  return SegmentName{*sequence, raft::LogIndex(*first_index)};
}

}  // namespace dispotify::raftlog
