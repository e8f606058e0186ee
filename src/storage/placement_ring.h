// Where the copies of a blob live: a consistent hash ring with virtual nodes
// over the committed membership (DESIGN.md "Data").
//
// Pure: the ring is a function of the member ids alone, so every node that
// has applied the same membership computes the same owners without asking
// anyone. Each member owns kVirtualNodesPerMember points on a 64-bit ring;
// a blob's position is the first 8 bytes of its SHA-256. Walking clockwise
// from that position and keeping each member the first time it is met gives
// the blob's preference list: its first R members are the owners, the rest
// are where a copy goes when an owner cannot take it, in a fixed order.
//
// Adding a member moves only the copies it takes over (about 1/N of them);
// the balance and movement bounds are measured in placement_ring_test.cpp.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace dispotify::storage {

// Enough points per member that with 10 members the fullest holds within
// 5% of the mean (the arc share of a member varies as 1/sqrt(points)).
inline constexpr size_t kVirtualNodesPerMember = 2048;
inline constexpr size_t kReplicationFactorDefault = 3;
inline constexpr size_t kWriteQuorumDefault = 2;
inline constexpr size_t kReplicationFactorMax = 7;

class PlacementRing {
 public:
  // `member_ids`: the committed members (any order; duplicates are ignored).
  explicit PlacementRing(std::vector<std::string> member_ids,
                         size_t virtual_nodes_per_member = kVirtualNodesPerMember);

  // Up to `count` distinct members in preference order for `blob_hash` (64
  // hex digits; any other string is hashed first, so the result is still
  // deterministic). Fewer when the ring has fewer members.
  std::vector<std::string> preference_list(std::string_view blob_hash, size_t count) const;
  // The first min(R, members) entries of the preference list.
  std::vector<std::string> owners(std::string_view blob_hash, size_t replication_factor) const {
    return preference_list(blob_hash, replication_factor);
  }
  bool empty() const { return members_.empty(); }
  size_t member_count() const { return members_.size(); }
  const std::vector<std::string>& members() const { return members_; }

 private:
  struct Point {
    uint64_t position;
    uint32_t member;  // index into members_
    bool operator<(const Point& other) const;
  };
  std::vector<std::string> members_;  // sorted, distinct
  std::vector<Point> points_;         // sorted by position, then member id
};

// The 64-bit ring position of a blob: its hash's first 16 hex digits.
uint64_t ring_position(std::string_view blob_hash);

}  // namespace dispotify::storage
