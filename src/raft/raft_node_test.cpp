// RaftNode driven message by message, one test per rule of the paper.
#include "raft/raft_node.h"

#include <gtest/gtest.h>

namespace dispotify::raft {
namespace {

const NodeId n1(1), n2(2), n3(3);

Config config_of(NodeId id, bool pre_vote = false, bool check_quorum = false) {
  Config config;
  config.id = id;
  config.initial_conf.voters = {n1, n2, n3};
  config.election_timeout_ticks = 10;
  config.heartbeat_interval_ticks = 1;
  config.pre_vote = pre_vote;
  config.check_quorum = check_quorum;
  config.random_seed = 42 + id.value();
  return config;
}

// Runs the Ready cycle as a caller would and returns what was sent.
std::vector<Message> drain(RaftNode& node) {
  std::vector<Message> sent;
  while (node.has_ready()) {
    Ready ready = node.ready();
    sent.insert(sent.end(), ready.messages.begin(), ready.messages.end());
    node.advance(ready);
  }
  return sent;
}

void tick_until_role(RaftNode& node, Role role) {
  for (int i = 0; i < 100 && node.role() != role; ++i) node.tick();
  ASSERT_EQ(node.role(), role);
}

Message vote_response(NodeId from, NodeId to, Term term, bool granted, bool pre_vote = false) {
  return Message{from, to, term, RequestVoteResponse{granted, pre_vote}};
}

Message append_response(NodeId from, NodeId to, Term term, LogIndex match) {
  return Message{from, to, term, AppendEntriesResponse{.success = true, .match_index = match}};
}

// Makes node 1 leader of its next term with node 2's vote.
void elect(RaftNode& node) {
  tick_until_role(node, Role::candidate);
  node.step(vote_response(n2, node.id(), node.current_term(), true));
  ASSERT_EQ(node.role(), Role::leader);
}

std::vector<Entry> log_with_terms(std::initializer_list<uint64_t> terms) {
  std::vector<Entry> log;
  for (const uint64_t t : terms)
    log.push_back(Entry{Term(t), LogIndex(log.size() + 1), EntryType::normal, "x"});
  return log;
}

// §5.2: "If a follower receives no communication over a period of time
// called the election timeout, then it ... begins an election": it
// increments its term, votes for itself and asks every other server.
TEST(RaftNode, FollowerStartsElectionAfterElectionTimeout) {
  RaftNode node(config_of(n1), {}, {});
  tick_until_role(node, Role::candidate);
  EXPECT_EQ(node.current_term(), Term(1));
  EXPECT_EQ(node.voted_for(), n1);
  Ready ready = node.ready();
  ASSERT_TRUE(ready.hard_state.has_value());  // the vote is persisted with the requests
  EXPECT_EQ(ready.hard_state->voted_for, n1);
  ASSERT_EQ(ready.messages.size(), 2u);
  EXPECT_TRUE(std::holds_alternative<RequestVote>(ready.messages[0].payload));
  node.advance(ready);
}

// §5.2: randomized election timeouts in [T, 2T).
TEST(RaftNode, ElectionTimeoutIsRandomizedWithinOneToTwoTimeouts) {
  for (uint64_t seed = 0; seed < 20; ++seed) {
    Config config = config_of(n1);
    config.random_seed = seed;
    RaftNode node(config, {}, {});
    int ticks = 0;
    while (node.role() == Role::follower) {
      node.tick();
      ++ticks;
    }
    EXPECT_GE(ticks, 10);
    EXPECT_LT(ticks, 20);
  }
}

// Thesis §9.6: "a candidate would first ask other servers whether its log
// was up-to-date enough to get their vote"; its term does not change.
TEST(RaftNode, PreVoteDoesNotIncrementTheTerm) {
  RaftNode node(config_of(n1, /*pre_vote=*/true), {}, {});
  tick_until_role(node, Role::pre_candidate);
  EXPECT_EQ(node.current_term(), Term(0));
  const std::vector<Message> sent = drain(node);
  ASSERT_EQ(sent.size(), 2u);
  EXPECT_EQ(sent[0].term, Term(1));
  EXPECT_TRUE(std::get<RequestVote>(sent[0].payload).pre_vote);
  node.step(vote_response(n2, n1, Term(1), true, /*pre_vote=*/true));
  EXPECT_EQ(node.role(), Role::candidate);
  EXPECT_EQ(node.current_term(), Term(1));
}

// §5.2: "Each server will vote for at most one candidate in a given term,
// on a first-come-first-served basis."
TEST(RaftNode, EachServerVotesForAtMostOneCandidatePerTerm) {
  RaftNode node(config_of(n1), {}, {});
  node.step(Message{n2, n1, Term(1), RequestVote{LogIndex(0), kNoTerm, false}});
  node.step(Message{n3, n1, Term(1), RequestVote{LogIndex(0), kNoTerm, false}});
  node.step(Message{n2, n1, Term(1), RequestVote{LogIndex(0), kNoTerm, false}});  // a retry is fine
  const std::vector<Message> sent = drain(node);
  ASSERT_EQ(sent.size(), 3u);
  EXPECT_TRUE(std::get<RequestVoteResponse>(sent[0].payload).granted);
  EXPECT_FALSE(std::get<RequestVoteResponse>(sent[1].payload).granted);
  EXPECT_TRUE(std::get<RequestVoteResponse>(sent[2].payload).granted);
  EXPECT_EQ(node.voted_for(), n2);
}

// §5.4.1: "the voter denies its vote if its own log is more up-to-date
// than that of the candidate."
TEST(RaftNode, VoterDeniesCandidateWhoseLogIsLessUpToDate) {
  RaftNode node(config_of(n1), HardState{Term(2), kNoNode, LogIndex(0)}, log_with_terms({1, 2}));
  node.step(Message{n2, n1, Term(3), RequestVote{LogIndex(5), Term(1), false}});
  const std::vector<Message> sent = drain(node);
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_FALSE(std::get<RequestVoteResponse>(sent[0].payload).granted);
  EXPECT_EQ(node.current_term(), Term(3));  // the term is still adopted (§5.1)
}

// §5.1: "If a server receives a request with a stale term number, it
// rejects the request"; the answer tells the stale leader the new term.
TEST(RaftNode, RequestWithStaleTermIsRejected) {
  RaftNode node(config_of(n1, false, /*check_quorum=*/true), HardState{Term(5), kNoNode, LogIndex(0)}, {});
  node.step(Message{n2, n1, Term(4), AppendEntries{LogIndex(0), kNoTerm, log_with_terms({4}), LogIndex(1)}});
  EXPECT_EQ(node.log().last_index(), LogIndex(0));
  const std::vector<Message> sent = drain(node);
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].term, Term(5));
  EXPECT_FALSE(std::get<AppendEntriesResponse>(sent[0].payload).success);
}

// §5.4.2: "Raft never commits log entries from previous terms by counting
// replicas. Only log entries from the leader's current term are committed
// by counting replicas." (Figure 8)
TEST(RaftNode, LeaderCommitsOnlyEntriesFromItsCurrentTerm) {
  RaftNode node(config_of(n1), HardState{Term(2), kNoNode, LogIndex(0)}, log_with_terms({1, 2}));
  elect(node);
  EXPECT_EQ(node.current_term(), Term(3));
  EXPECT_EQ(node.log().last_index(), LogIndex(3));  // the no-op of term 3
  drain(node);
  node.step(append_response(n2, n1, Term(3), LogIndex(2)));
  EXPECT_EQ(node.log().commit_index(), LogIndex(0)) << "index 2 is on a majority but from term 2";
  node.step(append_response(n2, n1, Term(3), LogIndex(3)));
  EXPECT_EQ(node.log().commit_index(), LogIndex(3)) << "committing the no-op commits what precedes it";
}

// Thesis §6.4: "each leader commit[s] a blank no-op entry into the log at
// the start of its term."
TEST(RaftNode, NewLeaderAppendsANoOp) {
  RaftNode node(config_of(n1), {}, {});
  elect(node);
  ASSERT_EQ(node.log().last_index(), LogIndex(1));
  EXPECT_EQ(node.log().at(LogIndex(1)).type, EntryType::noop);
  EXPECT_EQ(node.log().at(LogIndex(1)).term, node.current_term());
}

// End of §5.3: "the follower can include the term of the conflicting entry
// and the first index it stores for that term", so the leader "can decrement
// nextIndex to bypass all of the conflicting entries in that term".
TEST(RaftNode, RejectionCarriesConflictTermAndItsFirstIndex) {
  RaftNode node(config_of(n2), HardState{Term(3), kNoNode, LogIndex(0)}, log_with_terms({1, 2, 2, 2}));
  node.step(Message{n1, n2, Term(4), AppendEntries{LogIndex(4), Term(3), {}, LogIndex(0)}});
  const std::vector<Message> sent = drain(node);
  ASSERT_EQ(sent.size(), 1u);
  const auto& response = std::get<AppendEntriesResponse>(sent[0].payload);
  EXPECT_FALSE(response.success);
  EXPECT_EQ(response.rejected_index, LogIndex(4));
  EXPECT_EQ(response.conflict_term, Term(2));
  EXPECT_EQ(response.conflict_index, LogIndex(2));
}

TEST(RaftNode, LeaderSkipsAWholeConflictingTermPerRoundTrip) {
  RaftNode node(config_of(n1), HardState{Term(3), kNoNode, LogIndex(0)}, log_with_terms({1, 1, 3, 3}));
  elect(node);  // term 4, no-op at 5; followers start probing at next = 5
  drain(node);
  AppendEntriesResponse reject{.success = false,
                               .rejected_index = LogIndex(4),
                               .conflict_term = Term(2),
                               .conflict_index = LogIndex(2)};
  node.step(Message{n2, n1, Term(4), reject});
  EXPECT_EQ(node.progress(n2).next, LogIndex(2));  // we have no term 2: jump to its first index
  const std::vector<Message> sent = drain(node);
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(std::get<AppendEntries>(sent[0].payload).prev_log_index, LogIndex(1));
}

// Thesis §10.2.2: the leader pipelines appends, within a flow-control window.
TEST(RaftNode, LeaderPipelinesAppendsUpToTheInflightLimit) {
  RaftNode node(config_of(n1), {}, {});
  elect(node);
  drain(node);
  node.step(append_response(n2, n1, node.current_term(), LogIndex(1)));  // n2 now replicating
  drain(node);
  for (size_t i = 0; i < kInflightAppendsMax + 3; ++i) ASSERT_TRUE(node.propose("p").ok());
  size_t appends_to_n2 = 0;
  for (const Message& m : drain(node)) appends_to_n2 += m.to == n2 ? 1 : 0;
  EXPECT_EQ(appends_to_n2, kInflightAppendsMax);
  EXPECT_TRUE(node.progress(n2).is_paused());
  node.step(append_response(n2, n1, node.current_term(), LogIndex(1 + kInflightAppendsMax)));
  EXPECT_EQ(node.progress(n2).match, LogIndex(1 + kInflightAppendsMax));
  EXPECT_FALSE(drain(node).empty());  // the window reopened and the rest went out in one batch
}

TEST(RaftNode, ProposalToFollowerIsRefusedWithLeaderHint) {
  RaftNode node(config_of(n2), {}, {});
  node.step(Message{n1, n2, Term(1), AppendEntries{LogIndex(0), kNoTerm, {}, LogIndex(0)}});
  const Result<LogIndex> result = node.propose("data");
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code, Errc::unavailable);
  EXPECT_EQ(node.leader_hint(), n1);
  EXPECT_NE(result.error().message.find("leader hint: 1"), std::string::npos);
}

// Thesis §6.2: "a leader steps down if an election timeout elapses without
// a successful round of heartbeats to a majority of its cluster".
TEST(RaftNode, CheckQuorumLeaderStepsDownWithoutHearingFromAMajority) {
  RaftNode node(config_of(n1, false, /*check_quorum=*/true), {}, {});
  elect(node);
  for (int i = 0; i < 2 * 10 && node.role() == Role::leader; ++i) node.tick();
  EXPECT_EQ(node.role(), Role::follower);
  EXPECT_EQ(node.current_term(), Term(1));
}

// A leader's status names the peers it heard from lately, also just after
// a CheckQuorum round ended and before any heartbeat of the next one was
// answered: a leader stopped on purpose picks its successor from it.
TEST(RaftNode, PeerProgressRemembersPeersHeardFromInTheLastRound) {
  RaftNode node(config_of(n1, false, /*check_quorum=*/true), {}, {});
  elect(node);
  drain(node);
  const auto active = [&node](NodeId peer) {
    for (const PeerProgress& p : node.peer_progress())
      if (p.node == peer) return p.recent_active;
    ADD_FAILURE() << "no progress for " << peer.value();
    return false;
  };
  const LogIndex last = node.log().last_index();
  node.step(append_response(n2, n1, node.current_term(), last));
  node.step(append_response(n3, n1, node.current_term(), last));
  for (int i = 0; i < 10; ++i) node.tick();  // the round ends; nobody answered in the new one yet
  drain(node);
  EXPECT_TRUE(active(n2));
  EXPECT_TRUE(active(n3));
  node.step(append_response(n2, n1, node.current_term(), last));
  for (int i = 0; i < 10; ++i) node.tick();  // a whole round without n3
  drain(node);
  ASSERT_EQ(node.role(), Role::leader);
  EXPECT_TRUE(active(n2));
  EXPECT_FALSE(active(n3));
}

// Thesis §4.2.3: "if a server receives a RequestVote request within the
// minimum election timeout of hearing from a current leader, it does not
// update its term or grant its vote."
TEST(RaftNode, FollowerThatHeardFromALeaderIgnoresDisruptiveVoteRequests) {
  RaftNode node(config_of(n2, false, /*check_quorum=*/true), {}, {});
  node.step(Message{n1, n2, Term(1), AppendEntries{LogIndex(0), kNoTerm, {}, LogIndex(0)}});
  drain(node);
  node.step(Message{n3, n2, Term(7), RequestVote{LogIndex(9), Term(6), false}});
  EXPECT_EQ(node.current_term(), Term(1));
  EXPECT_TRUE(drain(node).empty());
}

TEST(RaftNode, SingleNodeClusterElectsItselfAndCommitsAtOnce) {
  Config config = config_of(n1);
  config.initial_conf.voters = {n1};
  RaftNode node(config, {}, {});
  tick_until_role(node, Role::leader);
  const Result<LogIndex> index = node.propose("solo");
  ASSERT_TRUE(index.ok());
  EXPECT_EQ(node.log().commit_index(), *index);
  Ready ready = node.ready();
  ASSERT_EQ(ready.committed_entries.size(), 2u);  // the no-op and "solo"
  EXPECT_EQ(ready.committed_entries[1].data, "solo");
  node.advance(ready);
  EXPECT_FALSE(node.has_ready());
}

TEST(RaftNodeDeathTest, ReadyTwiceWithoutAdvanceAborts) {
  RaftNode node(config_of(n1), {}, {});
  Ready ready = node.ready();
  EXPECT_DEATH((void)node.ready(), "without advance");
}

}  // namespace
}  // namespace dispotify::raft
