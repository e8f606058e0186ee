#include "cluster/successor.h"

#include <gtest/gtest.h>

namespace dispotify::cluster {
namespace {

PeerView peer(uint64_t id, uint64_t match, bool voter = true, bool active = true) {
  PeerView p;
  p.id = raft::NodeId(id);
  p.voter = voter;
  p.match_index = match;
  p.recent_active = active;
  return p;
}

RaftStatus leader_with(std::vector<PeerView> peers) {
  RaftStatus s;
  s.id = raft::NodeId(1);
  s.role = "leader";
  s.peers = std::move(peers);
  return s;
}

TEST(ChooseSuccessor, IsTheMostUpToDateActiveVoter) {
  const auto chosen = choose_successor(leader_with({peer(1, 90), peer(2, 80), peer(3, 85), peer(4, 70)}));
  ASSERT_TRUE(chosen.has_value());
  EXPECT_EQ(chosen->value(), 3u);
}

TEST(ChooseSuccessor, SkipsLearnersInactivePeersAndItself) {
  const auto chosen = choose_successor(leader_with(
      {peer(1, 100), peer(2, 99, /*voter=*/false), peer(3, 98, true, /*active=*/false), peer(4, 50)}));
  ASSERT_TRUE(chosen.has_value());
  EXPECT_EQ(chosen->value(), 4u);
}

TEST(ChooseSuccessor, BreaksTiesByTheLowestId) {
  const auto chosen = choose_successor(leader_with({peer(7, 80), peer(5, 80), peer(6, 80)}));
  ASSERT_TRUE(chosen.has_value());
  EXPECT_EQ(chosen->value(), 5u);
}

TEST(ChooseSuccessor, NoneForAFollowerOrALoneLeader) {
  RaftStatus follower = leader_with({peer(2, 80)});
  follower.role = "follower";
  EXPECT_FALSE(choose_successor(follower).has_value());
  EXPECT_FALSE(choose_successor(leader_with({})).has_value());
  EXPECT_FALSE(choose_successor(leader_with({peer(1, 10), peer(2, 9, true, false)})).has_value());
}

}  // namespace
}  // namespace dispotify::cluster
