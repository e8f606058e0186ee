#include "cluster/propose_answer.h"

#include <charconv>

namespace dispotify::cluster {
namespace {}  // namespace

std::string encode_propose_answer(const Committed& committed) {
  std::string out = std::to_string(committed.index) + "\n";
  if (!committed.outcome.ok()) {
    out += errc_name(committed.outcome.error().code);
    out += "\n";
    out += committed.outcome.error().message;
  }
  return out;
}

Result<Committed> decode_propose_answer(std::string_view body) {
  const size_t newline = body.find('\n');
  uint64_t index = 0;
  const std::string_view digits = body.substr(0, newline);
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), index);
  if (newline == std::string_view::npos || ec != std::errc() || end != digits.data() + digits.size() ||
      index == 0) {
    return make_error(Errc::internal, "malformed answer from the leader");
  }
  const std::string_view rest = body.substr(newline + 1);
  if (rest.empty()) return Committed{index, ok_status()};
  const size_t second = rest.find('\n');
  if (second == std::string_view::npos) return make_error(Errc::internal, "malformed answer from the leader");
  return Committed{index,
                   make_error(errc_from_name(rest.substr(0, second)), std::string(rest.substr(second + 1)))};
}

}  // namespace dispotify::cluster
