#include "storage/placement_ring.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <set>

#include "base/sha256.h"

namespace dispotify::storage {
namespace {

constexpr size_t kSyntheticBlobs = 60'000;

std::vector<std::string> node_ids(size_t first, size_t count) {
  std::vector<std::string> ids;
  for (size_t i = first; i < first + count; ++i)
    ids.push_back(sha256_hex("node" + std::to_string(i)).substr(0, 16));
  return ids;
}

std::string blob(size_t i) { return sha256_hex("blob" + std::to_string(i)); }

TEST(PlacementRing, OwnersAreDistinctMembersAndCappedAtTheClusterSize) {
  const PlacementRing ring(node_ids(0, 5));
  for (size_t i = 0; i < 200; ++i) {
    auto owners = ring.owners(blob(i), 3);
    ASSERT_EQ(owners.size(), 3U);
    EXPECT_EQ(std::set<std::string>(owners.begin(), owners.end()).size(), 3U);
  }
  const PlacementRing two(node_ids(0, 2));
  EXPECT_EQ(two.owners(blob(1), 3).size(), 2U);
  EXPECT_TRUE(PlacementRing({}).owners(blob(1), 3).empty());
}

TEST(PlacementRing, EveryNodeComputesTheSameOwnersWhateverTheOrderOfMembers) {
  auto ids = node_ids(0, 7);
  const PlacementRing a(ids);
  std::reverse(ids.begin(), ids.end());
  ids.push_back(ids.front());  // a duplicate changes nothing
  const PlacementRing b(ids);
  for (size_t i = 0; i < 500; ++i) EXPECT_EQ(a.preference_list(blob(i), 7), b.preference_list(blob(i), 7));
}

TEST(PlacementRing, OwnersArePrefixOfThePreferenceList) {
  const PlacementRing ring(node_ids(0, 6));
  for (size_t i = 0; i < 100; ++i) {
    const auto all = ring.preference_list(blob(i), 6);
    const auto owners = ring.owners(blob(i), 3);
    EXPECT_TRUE(std::equal(owners.begin(), owners.end(), all.begin()));
  }
}

void expect_balanced(const PlacementRing& ring);

// Issue 5: with 10 nodes and R=3 the fullest node holds at most 1.05x the
// mean number of copies.
TEST(PlacementRing, TenNodesHoldWithinFivePercentOfTheMean) {
  for (size_t family = 0; family < 3; ++family) {
    expect_balanced(PlacementRing(node_ids(100 * family, 10)));
  }
}

void expect_balanced(const PlacementRing& ring) {
  std::map<std::string, size_t> copies;
  for (size_t i = 0; i < kSyntheticBlobs; ++i) {
    for (const auto& owner : ring.owners(blob(i), 3)) ++copies[owner];
  }
  ASSERT_EQ(copies.size(), 10U);
  const double mean = 3.0 * kSyntheticBlobs / 10;
  size_t fullest = 0;
  for (const auto& [node, n] : copies) fullest = std::max(fullest, n);
  EXPECT_LE(fullest, 1.05 * mean) << "fullest node holds " << fullest << " copies, mean " << mean;
}

// Issue 5: adding an 11th node moves at most 1.1/11 of the copies, and
// every copy that moves goes to the new node.
TEST(PlacementRing, AddingAnEleventhNodeMovesAtMostItsShare) {
  const PlacementRing before(node_ids(0, 10));
  const PlacementRing after(node_ids(0, 11));
  const std::string newcomer = node_ids(10, 1)[0];
  size_t moved = 0;
  for (size_t i = 0; i < kSyntheticBlobs; ++i) {
    const auto old_owners = before.owners(blob(i), 3);
    const auto new_owners = after.owners(blob(i), 3);
    for (const auto& owner : new_owners) {
      if (std::find(old_owners.begin(), old_owners.end(), owner) != old_owners.end()) continue;
      EXPECT_EQ(owner, newcomer);
      ++moved;
    }
  }
  const double total = 3.0 * kSyntheticBlobs;
  EXPECT_LE(moved, 1.1 / 11 * total) << moved << " of " << total << " copies moved";
  EXPECT_GT(moved, 0.9 / 11 * total) << "the new node should take about its share";
}

TEST(PlacementRing, RemovingANodeOnlyReplacesItsCopies) {
  const PlacementRing before(node_ids(0, 5));
  auto ids = node_ids(0, 5);
  const std::string gone = ids[2];
  ids.erase(ids.begin() + 2);
  const PlacementRing after(ids);
  for (size_t i = 0; i < 2000; ++i) {
    auto old_owners = before.owners(blob(i), 3);
    const auto new_owners = after.owners(blob(i), 3);
    std::erase(old_owners, gone);
    for (const auto& kept : old_owners) {
      EXPECT_NE(std::find(new_owners.begin(), new_owners.end(), kept), new_owners.end());
    }
  }
}

TEST(PlacementRing, AnyStringHasADeterministicPosition) {
  EXPECT_EQ(ring_position("not a hash"), ring_position("not a hash"));
  EXPECT_EQ(ring_position(std::string(64, 'f')), ~uint64_t{0});
  EXPECT_EQ(ring_position("0000000000000001" + std::string(48, '0')), 1U);
}

}  // namespace
}  // namespace dispotify::storage
