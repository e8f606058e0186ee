// Leadership transfer (thesis §3.10), one node driven message by message.
#include <gtest/gtest.h>

#include "raft/node_test_support.h"

namespace dispotify::raft {
namespace {

using namespace testing_support;

// Node 1 leads term 1 with its no-op committed; node 2 holds it, node 3 not.
RaftNode leader_with_n2_caught_up() {
  RaftNode node(config_of(n1), {}, {});
  elect(node);
  node.step(append_response(n2, n1, node.current_term(), LogIndex(1)));
  drain(node);
  return node;
}

// Thesis §3.10: "the prior leader sends a TimeoutNow request to the target
// server" once "the target server's log [is] up-to-date".
TEST(LeadershipTransfer, LeaderSendsTimeoutNowToACaughtUpTarget) {
  RaftNode node = leader_with_n2_caught_up();
  ASSERT_TRUE(node.transfer_leadership(n2).ok());
  const std::vector<Message> timeouts = of_type<TimeoutNow>(drain(node).messages);
  ASSERT_EQ(timeouts.size(), 1u);
  EXPECT_EQ(timeouts[0].to, n2);
}

// Thesis §3.10: "the prior leader stops accepting new client requests".
TEST(LeadershipTransfer, LeaderRefusesProposalsWhileTransferring) {
  RaftNode node = leader_with_n2_caught_up();
  ASSERT_TRUE(node.transfer_leadership(n2).ok());
  const Result<LogIndex> refused = node.propose("x");
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, Errc::unavailable);
}

// Thesis §3.10: "the prior leader ... sends it log entries" until "the
// target server's log [is] up-to-date" and only then TimeoutNow.
TEST(LeadershipTransfer, LeaderBringsTheTargetUpToDateFirst) {
  RaftNode node = leader_with_n2_caught_up();
  ASSERT_TRUE(node.transfer_leadership(n3).ok());
  EXPECT_TRUE(of_type<TimeoutNow>(drain(node).messages).empty());
  node.step(append_response(n3, n1, node.current_term(), LogIndex(1)));
  const std::vector<Message> timeouts = of_type<TimeoutNow>(drain(node).messages);
  ASSERT_EQ(timeouts.size(), 1u);
  EXPECT_EQ(timeouts[0].to, n3);
}

// Thesis §3.10: "If the transfer does not complete within ... an election
// timeout, the prior leader aborts the transfer and resumes accepting
// client requests."
TEST(LeadershipTransfer, TransferAbortsAfterAnElectionTimeout) {
  RaftNode node = leader_with_n2_caught_up();
  ASSERT_TRUE(node.transfer_leadership(n3).ok());
  for (int i = 0; i < 10; ++i) node.tick();
  EXPECT_EQ(node.transfer_target(), kNoNode);
  EXPECT_TRUE(node.propose("x").ok());
}

TEST(LeadershipTransfer, TransferToSelfOrToANonVoterIsAnError) {
  RaftNode node = leader_with_n2_caught_up();
  EXPECT_EQ(node.transfer_leadership(n1).error().code, Errc::invalid_argument);
  EXPECT_EQ(node.transfer_leadership(n4).error().code, Errc::invalid_argument);
  RaftNode follower(config_of(n2), {}, {});
  EXPECT_EQ(follower.transfer_leadership(n3).error().code, Errc::unavailable);
}

// Thesis §3.10: on TimeoutNow the target "start[s] a new election
// immediately" (no PreVote: the leader vouched for it).
TEST(LeadershipTransfer, TargetCampaignsAtOnceWithoutPreVote) {
  Config config = config_of(n2);
  config.pre_vote = true;
  RaftNode node(config, {}, {});
  node.step(Message{n1, n2, Term(1), AppendEntries{LogIndex(0), kNoTerm, {}, LogIndex(0)}});
  drain(node);
  node.step(Message{n1, n2, Term(1), TimeoutNow{}});
  EXPECT_EQ(node.role(), Role::candidate);
  EXPECT_EQ(node.current_term(), Term(2));
  const std::vector<Message> requests = of_type<RequestVote>(drain(node).messages);
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_TRUE(std::get<RequestVote>(requests[0].payload).transfer);
  EXPECT_FALSE(std::get<RequestVote>(requests[0].payload).pre_vote);
}

// Thesis §4.2.3 makes voters ignore RequestVotes while they hear from a
// leader, but a transfer was asked for by that leader: it is honoured.
TEST(LeadershipTransfer, VotersHonourATransferVoteWithinTheirLeaderLease) {
  Config config = config_of(n3);
  config.check_quorum = true;
  RaftNode node(config, {}, {});
  node.step(Message{n1, n3, Term(1), AppendEntries{LogIndex(0), kNoTerm, {}, LogIndex(0)}});
  drain(node);
  node.step(Message{n2, n3, Term(2), RequestVote{LogIndex(0), kNoTerm, false, /*transfer=*/true}});
  EXPECT_EQ(node.current_term(), Term(2));
  const std::vector<Message> answers = of_type<RequestVoteResponse>(drain(node).messages);
  ASSERT_EQ(answers.size(), 1u);
  EXPECT_TRUE(std::get<RequestVoteResponse>(answers[0].payload).granted);
}

// The leader itself steps down for the target's transfer election.
TEST(LeadershipTransfer, LeaderStepsDownForTheTargetsElection) {
  Config config = config_of(n1);
  config.check_quorum = true;
  RaftNode node(config, {}, {});
  elect(node);
  node.step(append_response(n2, n1, node.current_term(), LogIndex(1)));
  drain(node);
  ASSERT_TRUE(node.transfer_leadership(n2).ok());
  drain(node);
  node.step(Message{n2, n1, Term(2), RequestVote{LogIndex(1), Term(1), false, /*transfer=*/true}});
  EXPECT_EQ(node.role(), Role::follower);
  EXPECT_EQ(node.voted_for(), n2);
  EXPECT_EQ(node.transfer_target(), kNoNode);
}

}  // namespace
}  // namespace dispotify::raft
