#include "storage/placement_ring.h"

#include <algorithm>

#include "base/check.h"
#include "base/sha256.h"

namespace dispotify::storage {
namespace {

uint64_t first_8_bytes_of_hex(std::string_view hex) {
  uint64_t value = 0;
  for (size_t i = 0; i < 16; ++i) {
    const char c = hex[i];
    const uint64_t digit = c >= 'a' ? static_cast<uint64_t>(c - 'a' + 10) : static_cast<uint64_t>(c - '0');
    value = (value << 4) | digit;
  }
  return value;
}

// A virtual node's position: SHA-256 of "member_id#index", so positions are
// uniform, independent across members, and identical on every machine.
uint64_t point_position(const std::string& member_id, size_t index) {
  return first_8_bytes_of_hex(sha256_hex(member_id + "#" + std::to_string(index)));
}

}  // namespace

bool PlacementRing::Point::operator<(const Point& other) const {
  return position != other.position ? position < other.position : member < other.member;
}

uint64_t ring_position(std::string_view blob_hash) {
  if (is_sha256_hex(blob_hash)) return first_8_bytes_of_hex(blob_hash);
  return first_8_bytes_of_hex(sha256_hex(blob_hash));
}

PlacementRing::PlacementRing(std::vector<std::string> member_ids, size_t virtual_nodes_per_member)
    : members_(std::move(member_ids)) {
  DISPOTIFY_CHECK(virtual_nodes_per_member > 0);
  std::sort(members_.begin(), members_.end());
  members_.erase(std::unique(members_.begin(), members_.end()), members_.end());
  points_.reserve(members_.size() * virtual_nodes_per_member);
  for (uint32_t m = 0; m < members_.size(); ++m) {
    for (size_t i = 0; i < virtual_nodes_per_member; ++i) {
      points_.push_back({point_position(members_[m], i), m});
    }
  }
  // Members are sorted, so ties in position break the same way everywhere.
  std::sort(points_.begin(), points_.end());
}

std::vector<std::string> PlacementRing::preference_list(std::string_view blob_hash, size_t count) const {
  std::vector<std::string> list;
  count = std::min(count, members_.size());
  if (count == 0) return list;
  list.reserve(count);
  std::vector<bool> taken(members_.size(), false);
  const Point probe{ring_position(blob_hash), 0};
  auto it = std::lower_bound(points_.begin(), points_.end(), probe);
  for (size_t seen = 0; seen < points_.size() && list.size() < count; ++seen, ++it) {
    if (it == points_.end()) it = points_.begin();
    if (taken[it->member]) continue;
    taken[it->member] = true;
    list.push_back(members_[it->member]);
  }
  DISPOTIFY_CHECK(list.size() == count);
  return list;
}

}  // namespace dispotify::storage
