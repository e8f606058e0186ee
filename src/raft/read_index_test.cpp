// ReadIndex (thesis §6.4), one node driven message by message.
#include <gtest/gtest.h>

#include "raft/node_test_support.h"

namespace dispotify::raft {
namespace {

using namespace testing_support;

uint64_t read_context_of(const Message& m) { return std::get<AppendEntries>(m.payload).read_context; }

// A leader of term 1 (node 1 of 3) whose no-op is committed.
RaftNode committed_leader() {
  RaftNode node(config_of(n1), {}, {});
  elect(node);
  node.step(append_response(n2, n1, node.current_term(), LogIndex(1)));
  drain(node);
  return node;
}

// Thesis §6.4: "the leader ... sends a new round of heartbeats and waits
// for their acknowledgments from a majority of the cluster. Once these
// acknowledgments are received, the leader knows that there could not have
// existed a leader for a greater term at the moment it sent the heartbeats."
TEST(ReadIndex, LeaderAnswersOnlyAfterAMajorityAcknowledgesAHeartbeatRound) {
  RaftNode node = committed_leader();
  node.read_index(7);
  const Drained sent = drain(node);
  EXPECT_TRUE(sent.read_states.empty());
  const std::vector<Message> heartbeats = of_type<AppendEntries>(sent.messages);
  ASSERT_EQ(heartbeats.size(), 2u);
  const uint64_t round = read_context_of(heartbeats[0]);
  EXPECT_NE(round, 0u);
  node.step(append_response(n3, n1, node.current_term(), LogIndex(1), /*read_context=*/0));  // not this round
  EXPECT_TRUE(drain(node).read_states.empty());
  node.step(append_response(n3, n1, node.current_term(), LogIndex(1), round));
  const Drained answered = drain(node);
  ASSERT_EQ(answered.read_states.size(), 1u);
  EXPECT_EQ(answered.read_states[0], (ReadState{7, LogIndex(1), true}));
}

// Thesis §6.4 step 1: "If the leader has not yet marked an entry from its
// current term committed, it waits until it has done so."
TEST(ReadIndex, LeaderWaitsUntilItHasCommittedAnEntryOfItsTerm) {
  RaftNode node(config_of(n1), {}, {});
  elect(node);
  drain(node);
  node.read_index(3);
  const uint64_t round = read_context_of(of_type<AppendEntries>(drain(node).messages).at(0));
  node.step(append_response(n2, n1, node.current_term(), LogIndex(0), round));  // confirmed, not committed
  EXPECT_TRUE(drain(node).read_states.empty());
  node.step(append_response(n2, n1, node.current_term(), LogIndex(1), round));  // commits the no-op
  const Drained answered = drain(node);
  ASSERT_EQ(answered.read_states.size(), 1u);
  EXPECT_EQ(answered.read_states[0], (ReadState{3, LogIndex(1), true}));
}

TEST(ReadIndex, SingleVoterLeaderAnswersAtOnce) {
  RaftNode node(config_of(n1, {n1}), {}, {});
  tick_until_role(node, Role::leader);
  ASSERT_TRUE(node.propose("x").ok());
  node.read_index(9);
  const Drained answered = drain(node);
  ASSERT_EQ(answered.read_states.size(), 1u);
  EXPECT_EQ(answered.read_states[0], (ReadState{9, LogIndex(2), true}));
}

// Thesis §6.4: a follower "issue[s] a request to the leader to learn the
// current readIndex"; the leader answers after confirming its leadership.
TEST(ReadIndex, FollowerAsksTheLeaderAndEmitsItsAnswer) {
  RaftNode follower(config_of(n2), {}, {});
  follower.step(Message{n1, n2, Term(1), AppendEntries{LogIndex(0), kNoTerm, {}, LogIndex(0)}});
  drain(follower);
  follower.read_index(5);
  const std::vector<Message> requests = of_type<ReadIndexRequest>(drain(follower).messages);
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].to, n1);

  RaftNode leader = committed_leader();
  leader.step(Message{n2, n1, leader.current_term(), std::get<ReadIndexRequest>(requests[0].payload)});
  const uint64_t round = read_context_of(of_type<AppendEntries>(drain(leader).messages).at(0));
  leader.step(append_response(n3, n1, leader.current_term(), LogIndex(1), round));
  const std::vector<Message> responses = of_type<ReadIndexResponse>(drain(leader).messages);
  ASSERT_EQ(responses.size(), 1u);
  EXPECT_EQ(responses[0].to, n2);

  follower.step(Message{n1, n2, Term(1), responses[0].payload});
  follower.step(Message{n1, n2, Term(1), responses[0].payload});  // a duplicate answers nothing more
  const Drained answered = drain(follower);
  ASSERT_EQ(answered.read_states.size(), 1u);
  EXPECT_EQ(answered.read_states[0], (ReadState{5, LogIndex(1), true}));
}

TEST(ReadIndex, ReadWithNoKnownLeaderFailsAtOnce) {
  RaftNode node(config_of(n2), {}, {});
  node.read_index(1);
  const Drained answered = drain(node);
  ASSERT_EQ(answered.read_states.size(), 1u);
  EXPECT_FALSE(answered.read_states[0].ok);
  EXPECT_TRUE(answered.messages.empty());
}

TEST(ReadIndex, LeaderSteppingDownFailsItsPendingReads) {
  RaftNode node = committed_leader();
  node.read_index(1);
  node.step(Message{n2, n1, node.current_term(), ReadIndexRequest{2}});
  drain(node);
  node.step(Message{n3, n1, Term(9), AppendEntries{LogIndex(0), kNoTerm, {}, LogIndex(0)}});
  const Drained answered = drain(node);
  ASSERT_EQ(answered.read_states.size(), 1u);
  EXPECT_FALSE(answered.read_states[0].ok);
  const std::vector<Message> responses = of_type<ReadIndexResponse>(answered.messages);
  ASSERT_EQ(responses.size(), 1u);
  EXPECT_FALSE(std::get<ReadIndexResponse>(responses[0].payload).ok);
}

TEST(ReadIndex, FollowerFailsForwardedReadsWhenItsLeaderChanges) {
  RaftNode follower(config_of(n2), {}, {});
  follower.step(Message{n1, n2, Term(1), AppendEntries{LogIndex(0), kNoTerm, {}, LogIndex(0)}});
  follower.read_index(5);
  drain(follower);
  follower.step(Message{n3, n2, Term(2), AppendEntries{LogIndex(0), kNoTerm, {}, LogIndex(0)}});
  const Drained answered = drain(follower);
  ASSERT_EQ(answered.read_states.size(), 1u);
  EXPECT_EQ(answered.read_states[0], (ReadState{5, LogIndex(), false}));
}

TEST(ReadIndex, UnconfirmedReadFailsAfterItsTimeout) {
  RaftNode node = committed_leader();
  node.read_index(4);
  drain(node);
  for (int64_t i = 0; i < kReadTimeoutElectionsMax * 10; ++i) node.tick();
  const Drained answered = drain(node);
  ASSERT_EQ(answered.read_states.size(), 1u);
  EXPECT_EQ(answered.read_states[0], (ReadState{4, LogIndex(), false}));
}

TEST(ReadIndex, PendingReadsAreBounded) {
  RaftNode node = committed_leader();
  for (size_t i = 0; i < kPendingReadsMax; ++i) node.read_index(i);
  drain(node);
  node.read_index(kPendingReadsMax);
  const Drained answered = drain(node);
  ASSERT_EQ(answered.read_states.size(), 1u);
  EXPECT_FALSE(answered.read_states[0].ok);
}

}  // namespace
}  // namespace dispotify::raft
